package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.CodecException.Reason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The reading direction of {@link Fields}: a bounds-checked big-endian reader over a slice, which
 * refuses every field that is not in canonical form. One per decoding; not thread-safe.
 */
final class FieldReader implements Fields {
    private static final PublicKeyRef.Algorithm[] ALGORITHMS = PublicKeyRef.Algorithm.values();

    private final byte[] array;
    private final int end;
    private int position;

    FieldReader(byte[] array, int offset, int length) {
        this.array = array;
        this.position = offset;
        this.end = offset + length;
    }

    /** Reads a record as {@code shape} describes it. */
    <R> R read(Shape<R> shape) throws CodecException {
        return shape.fields(this, null);
    }

    int position() {
        return position;
    }

    int remaining() {
        return end - position;
    }

    // ---------------------------------------------------------------- fields

    @Override
    public <R> int i32(R record, ToIntFunction<R> field) throws CodecException {
        return i32();
    }

    @Override
    public <R> long i64(R record, ToLongFunction<R> field) throws CodecException {
        return i64();
    }

    @Override
    public <R> boolean bool(R record, Predicate<R> field, String what) throws CodecException {
        int v = u8();
        if (v > 1) {
            throw new CodecException(Reason.INVALID_FIELD, what + " must be 0 or 1, got " + v);
        }
        return v == 1;
    }

    @Override
    public <R> Digest digest(R record, Function<R, Digest> field) throws CodecException {
        return Digest.of(raw(Digest.BYTES, "a digest"));
    }

    @Override
    public <R, E extends Enum<E>> E code(R record, Function<R, E> field, E[] values, String what)
            throws CodecException {
        return code(values, what);
    }

    @Override
    public <R> byte[] bytes(R record, Function<R, byte[]> field, int min, int max, String what)
            throws CodecException {
        byte[] value = bytes(what);
        if (value.length < min || value.length > max) {
            throw new CodecException(Reason.INVALID_FIELD, what + " of " + value.length + " bytes");
        }
        return value;
    }

    @Override
    public <R> String text(R record, Function<R, String> field, String what) throws CodecException {
        return new String(bytes(what), StandardCharsets.UTF_8);
    }

    @Override
    public <R> PublicKeyRef key(R record, Function<R, PublicKeyRef> field) throws CodecException {
        PublicKeyRef.Algorithm algorithm = code(ALGORITHMS, "key algorithm");
        byte[] raw = bytes("key");
        if (raw.length != algorithm.keyBytes) {
            throw new CodecException(Reason.INVALID_FIELD, algorithm + " key of " + raw.length + " bytes");
        }
        return new PublicKeyRef(algorithm, raw);
    }

    @Override
    public <R, T> List<T> list(R record, Function<R, List<T>> field, Shape<T> item, int itemBytesMin, int countMax,
                               String what) throws CodecException {
        int count = count(itemBytesMin, what);
        if (count > countMax) {
            throw new CodecException(Reason.INVALID_FIELD, what + ": " + count + " items, at most " + countMax);
        }
        List<T> value = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            value.add(read(item));
        }
        return value;
    }

    @Override
    public <R, M extends Message> Envelope<M> frame(R record, Function<R, Envelope<M>> field, Class<M> type,
                                                    String what) throws CodecException {
        int length = length(what);
        int start = position;
        position += length;
        Envelope<?> inner = Codec.decodeFrame(array, start, length);
        if (!type.isInstance(inner.message())) {
            throw new CodecException(Reason.INVALID_FIELD, what + " may only hold " + type.getSimpleName()
                    + ", got " + inner.type());
        }
        return inner.as(type);
    }

    // ---------------------------------------------------------------- primitives

    private void need(int n, String what) throws CodecException {
        if (n > remaining()) {
            throw new CodecException(Reason.TRUNCATED, "frame ends inside " + what + " (needs " + n
                    + " bytes, " + remaining() + " left)");
        }
    }

    int u8() throws CodecException {
        need(1, "a byte");
        return array[position++] & 0xff;
    }

    int i32() throws CodecException {
        need(4, "an int");
        int v = ((array[position] & 0xff) << 24) | ((array[position + 1] & 0xff) << 16)
                | ((array[position + 2] & 0xff) << 8) | (array[position + 3] & 0xff);
        position += 4;
        return v;
    }

    long i64() throws CodecException {
        need(8, "a long");
        long hi = i32() & 0xffffffffL;
        long lo = i32() & 0xffffffffL;
        return (hi << 32) | lo;
    }

    byte[] raw(int n, String what) throws CodecException {
        need(n, what);
        byte[] out = new byte[n];
        System.arraycopy(array, position, out, 0, n);
        position += n;
        return out;
    }

    private <E> E code(E[] values, String what) throws CodecException {
        int code = u8();
        if (code >= values.length) {
            throw new CodecException(Reason.INVALID_FIELD,
                    what + " must be 0.." + (values.length - 1) + ", got " + code);
        }
        return values[code];
    }

    /** A length prefix that must fit in what remains. */
    private int length(String what) throws CodecException {
        int n = i32();
        if (n < 0 || n > remaining()) {
            throw new CodecException(n < 0 ? Reason.INVALID_FIELD : Reason.TRUNCATED,
                    what + " claims " + (n & 0xffffffffL) + " bytes, " + remaining() + " left");
        }
        return n;
    }

    private byte[] bytes(String what) throws CodecException {
        return raw(length(what), what);
    }

    /** An item count whose items (each at least {@code itemBytes}) must fit in what remains. */
    private int count(int itemBytes, String what) throws CodecException {
        int n = i32();
        if (n < 0 || (long) n * itemBytes > remaining()) {
            throw new CodecException(n < 0 ? Reason.INVALID_FIELD : Reason.TRUNCATED,
                    what + ": count " + (n & 0xffffffffL) + " does not fit in " + remaining() + " bytes");
        }
        return n;
    }
}
