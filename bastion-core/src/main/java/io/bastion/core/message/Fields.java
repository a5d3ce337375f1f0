package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;

import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import java.util.function.ToLongFunction;

/**
 * The field types of the wire format, each usable in both directions, as a {@link Shape} uses
 * them. Every method takes the record being written (null while reading) and the accessor of the
 * field, and returns the value written or read. What decoding checks of a field (lengths, bounds,
 * codes) is part of its type here, so a shape states it once for both directions; writing checks
 * nothing, the receiving side's reader is the judge.
 *
 * <pre>
 * i32 := 4 bytes big-endian     i64 := 8 bytes big-endian     bool := 0x00 | 0x01
 * code := u8 (an enum ordinal)  digest := 32 bytes            bytes := length:u32 data
 * key := algorithm:u8 bytes     list := count:u32 item*       frame := bytes holding a frame body
 * </pre>
 */
sealed interface Fields permits FieldWriter, FieldReader {

    <R> int i32(R record, ToIntFunction<R> field) throws CodecException;

    <R> long i64(R record, ToLongFunction<R> field) throws CodecException;

    <R> boolean bool(R record, Predicate<R> field, String what) throws CodecException;

    <R> Digest digest(R record, Function<R, Digest> field) throws CodecException;

    /** An enum constant as one byte, its ordinal: an index into {@code values}, the enum's constants. */
    <R, E extends Enum<E>> E code(R record, Function<R, E> field, E[] values, String what) throws CodecException;

    /** Length-prefixed bytes, of {@code min} to {@code max} bytes. Empty while writing (see {@link Shape}). */
    <R> byte[] bytes(R record, Function<R, byte[]> field, int min, int max, String what) throws CodecException;

    default <R> byte[] bytes(R record, Function<R, byte[]> field, String what) throws CodecException {
        return bytes(record, field, 0, Integer.MAX_VALUE, what);
    }

    /** UTF-8 text as length-prefixed bytes. */
    <R> String text(R record, Function<R, String> field, String what) throws CodecException;

    /** A public key: its algorithm's code, then its raw bytes, which must be as long as the algorithm's keys. */
    <R> PublicKeyRef key(R record, Function<R, PublicKeyRef> field) throws CodecException;

    /**
     * A counted list of at most {@code countMax} items of one shape. {@code itemBytesMin} is the
     * least an item takes on the wire, so a count that cannot fit is refused before anything is
     * allocated for it.
     */
    <R, T> List<T> list(R record, Function<R, List<T>> field, Shape<T> item, int itemBytesMin, int countMax,
                        String what) throws CodecException;

    default <R, T> List<T> list(R record, Function<R, List<T>> field, Shape<T> item, int itemBytesMin, String what)
            throws CodecException {
        return list(record, field, item, itemBytesMin, Integer.MAX_VALUE, what);
    }

    /** A nested frame body (encoding and signature) that must hold a message of {@code type}. */
    <R, M extends Message> Envelope<M> frame(R record, Function<R, Envelope<M>> field, Class<M> type, String what)
            throws CodecException;

    /** A counted list of at most {@code countMax} nested frames, each holding a message of {@code type}. */
    default <R, M extends Message> List<Envelope<M>> frames(R record, Function<R, List<Envelope<M>>> field,
                                                            Class<M> type, int countMax, String what)
            throws CodecException {
        Shape<Envelope<M>> frame = (f, envelope) -> f.frame(envelope, e -> e, type, what);
        return list(record, field, frame, 4, countMax, what);
    }

    default <R, M extends Message> List<Envelope<M>> frames(R record, Function<R, List<Envelope<M>>> field,
                                                            Class<M> type, String what) throws CodecException {
        return frames(record, field, type, Integer.MAX_VALUE, what);
    }
}
