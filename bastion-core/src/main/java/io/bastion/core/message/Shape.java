package io.bastion.core.message;

/**
 * The one description of how a record goes on the wire, used for encoding and decoding alike: the
 * record's constructor called with its fields in wire order, each field named by its accessor.
 *
 * <pre>{@code
 * Shape<Prepare> PREPARE = (f, p) -> new Prepare(f.i32(p, Prepare::replicaId), f.i32(p, Prepare::view),
 *         f.i64(p, Prepare::seq), f.digest(p, Prepare::batchDigest));
 * }</pre>
 *
 * Given a {@link FieldWriter}, each field writes what its accessor returns for {@code record}. Given
 * a {@link FieldReader} ({@code record} is then null and no accessor is called), each field reads and
 * checks its value, and the constructor builds the decoded record. Java evaluates arguments from
 * left to right, so the order of the arguments is the order of the bytes, and adding a field to a
 * message is adding one argument to its shape.
 *
 * <p>While writing, the record built at the end is thrown away. Byte-array fields then come back
 * empty so that its defensive copies cost nothing: a record's constructor must accept empty byte
 * arrays. (A public key, which checks its length, is therefore a field type of its own,
 * {@link Fields#key}, not a shape.)
 */
@FunctionalInterface
interface Shape<R> {
    R fields(Fields f, R record) throws CodecException;
}
