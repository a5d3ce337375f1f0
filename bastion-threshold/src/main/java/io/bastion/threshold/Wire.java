package io.bastion.threshold;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The byte format of threshold operations and of the ledger's state: big-endian integers,
 * length-prefixed byte strings and lists, each with a maximum, so that a hostile operation is
 * refused with a clear reason before anything is allocated for it.
 */
final class Wire {
    private Wire() {}

    /** Thrown for bytes that are not a well-formed operation or state. */
    static final class MalformedException extends IllegalArgumentException {
        MalformedException(String message) {
            super(message);
        }
    }

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer u8(int v) {
            out.write(v);
            return this;
        }

        Writer i32(int v) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(v).array());
            return this;
        }

        Writer i64(long v) {
            out.writeBytes(ByteBuffer.allocate(8).putLong(v).array());
            return this;
        }

        Writer bool(boolean v) {
            return u8(v ? 1 : 0);
        }

        Writer bytes(byte[] v) {
            i32(v.length);
            out.writeBytes(v);
            return this;
        }

        Writer string(String v) {
            return bytes(v.getBytes(StandardCharsets.UTF_8));
        }

        Writer element(Element e) {
            return bytes(e.encode());
        }

        Writer scalar(Group group, BigInteger s) {
            return bytes(group.encodeScalar(s));
        }

        <T> Writer list(List<T> items, java.util.function.BiConsumer<Writer, T> each) {
            i32(items.size());
            for (T item : items) {
                each.accept(this, item);
            }
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] bytes) {
            this.in = ByteBuffer.wrap(bytes);
        }

        int u8() {
            return guard(() -> in.get() & 0xff);
        }

        int i32() {
            return guard(in::getInt);
        }

        long i64() {
            return guard(in::getLong);
        }

        boolean bool() {
            int v = u8();
            if (v > 1) {
                throw new MalformedException("a flag is 0 or 1, not " + v);
            }
            return v == 1;
        }

        int count(int max, String what) {
            int n = i32();
            if (n < 0 || n > max) {
                throw new MalformedException(what + ": " + n + " items, at most " + max);
            }
            return n;
        }

        byte[] bytes(int max, String what) {
            int n = count(max, what + " length");
            if (n > in.remaining()) {
                throw new MalformedException(what + ": " + n + " bytes announced, " + in.remaining() + " left");
            }
            byte[] v = new byte[n];
            in.get(v);
            return v;
        }

        String string(int max, String what) {
            return new String(bytes(max, what), StandardCharsets.UTF_8);
        }

        Element element(Group group, String what) {
            byte[] encoded = bytes(group.elementBytes(), what);
            try {
                return group.decode(encoded);
            } catch (IllegalArgumentException e) {
                throw new MalformedException(what + ": " + e.getMessage());
            }
        }

        BigInteger scalar(Group group, String what) {
            byte[] encoded = bytes(group.scalarBytes(), what);
            try {
                return group.decodeScalar(encoded);
            } catch (IllegalArgumentException e) {
                throw new MalformedException(what + ": " + e.getMessage());
            }
        }

        <T> List<T> list(int max, String what, Function<Reader, T> each) {
            int n = count(max, what);
            List<T> items = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                items.add(each.apply(this));
            }
            return items;
        }

        void end(String what) {
            if (in.hasRemaining()) {
                throw new MalformedException(what + ": " + in.remaining() + " bytes after the end");
            }
        }

        private static <T> T guard(java.util.function.Supplier<T> read) {
            try {
                return read.get();
            } catch (BufferUnderflowException e) {
                throw new MalformedException("operation ends early");
            }
        }
    }
}
