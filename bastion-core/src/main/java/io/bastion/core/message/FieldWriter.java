package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/** The writing direction of {@link Fields}: a growable big-endian buffer. One per encoding; not thread-safe. */
final class FieldWriter implements Fields {
    private static final byte[] NO_BYTES = new byte[0];

    private ByteBuffer buffer;

    FieldWriter(int initialCapacity) {
        buffer = ByteBuffer.allocate(Math.max(16, initialCapacity));
    }

    /** Writes {@code record} as {@code shape} describes it. */
    <R> void write(Shape<R> shape, R record) {
        try {
            shape.fields(this, record);
        } catch (CodecException e) {
            throw Check.unreachable("writing never fails, yet " + e.getMessage());
        }
    }

    byte[] toArray() {
        byte[] out = new byte[buffer.position()];
        buffer.flip();
        buffer.get(out);
        return out;
    }

    // ---------------------------------------------------------------- fields

    @Override
    public <R> int i32(R record, ToIntFunction<R> field) {
        int value = field.applyAsInt(record);
        i32(value);
        return value;
    }

    @Override
    public <R> long i64(R record, ToLongFunction<R> field) {
        long value = field.applyAsLong(record);
        i64(value);
        return value;
    }

    @Override
    public <R> boolean bool(R record, Predicate<R> field, String what) {
        boolean value = field.test(record);
        u8(value ? 1 : 0);
        return value;
    }

    @Override
    public <R> Digest digest(R record, Function<R, Digest> field) {
        Digest value = field.apply(record);
        digest(value);
        return value;
    }

    @Override
    public <R, E extends Enum<E>> E code(R record, Function<R, E> field, E[] values, String what) {
        E value = field.apply(record);
        u8(value.ordinal());
        return value;
    }

    @Override
    public <R> byte[] bytes(R record, Function<R, byte[]> field, int min, int max, String what) {
        bytes(field.apply(record));
        return NO_BYTES;
    }

    @Override
    public <R> String text(R record, Function<R, String> field, String what) {
        String value = field.apply(record);
        bytes(value.getBytes(StandardCharsets.UTF_8));
        return value;
    }

    @Override
    public <R> PublicKeyRef key(R record, Function<R, PublicKeyRef> field) {
        PublicKeyRef value = field.apply(record);
        u8(value.algorithm().ordinal());
        bytes(value.rawUnsafe());
        return value;
    }

    @Override
    public <R, T> List<T> list(R record, Function<R, List<T>> field, Shape<T> item, int itemBytesMin, int countMax,
                               String what) {
        List<T> value = field.apply(record);
        items(value, item);
        return value;
    }

    @Override
    public <R, M extends Message> Envelope<M> frame(R record, Function<R, Envelope<M>> field, Class<M> type,
                                                    String what) {
        Envelope<M> value = field.apply(record);
        bytes(Codec.encodeFrame(value));
        return value;
    }

    // ---------------------------------------------------------------- primitives

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more));
            buffer.flip();
            bigger.put(buffer);
            buffer = bigger;
        }
    }

    void u8(int v) {
        ensure(1);
        buffer.put((byte) v);
    }

    void i32(int v) {
        ensure(4);
        buffer.putInt(v);
    }

    void i64(long v) {
        ensure(8);
        buffer.putLong(v);
    }

    void digest(Digest d) {
        ensure(Digest.BYTES);
        byte[] tmp = new byte[Digest.BYTES];
        d.copyTo(tmp, 0);
        buffer.put(tmp);
    }

    /** {@code data[offset, offset+length)} as they are, without a length prefix. */
    void raw(byte[] data, int offset, int length) {
        ensure(length);
        buffer.put(data, offset, length);
    }

    void bytes(byte[] data) {
        i32(data.length);
        ensure(data.length);
        buffer.put(data);
    }

    /** A counted list, each item as {@code item} describes it. */
    <T> void items(List<T> items, Shape<T> item) {
        i32(items.size());
        for (T t : items) {
            write(item, t);
        }
    }
}
