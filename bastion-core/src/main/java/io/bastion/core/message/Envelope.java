package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.util.Check;

import java.util.Arrays;

/**
 * A message as it travels: the message, its canonical encoding and its sender's signature over
 * exactly that encoding. Messages of {@link MessageType.Signing#UNSIGNED unsigned} types
 * (authenticated by their connection, or self-certifying) carry an empty signature. Instances come
 * from {@link Codec#decode} (the bytes that arrived) or from
 * {@link #sign}/{@link #unsigned} (the bytes that will be sent), so what is verified is always
 * exactly what travelled. Immutable.
 *
 * @param <M> the message type
 */
public final class Envelope<M extends Message> {
    private final M message;
    private final byte[] encoded;
    private final byte[] signature;
    private volatile Digest digest;

    Envelope(M message, byte[] encoded, byte[] signature) {
        this.message = message;
        this.encoded = encoded;
        this.signature = signature;
    }

    /** Encodes {@code message} canonically and signs the encoding. */
    public static <M extends Message> Envelope<M> sign(M message, Signer signer) {
        Check.argument(message.type().signed(), message.type() + " is not a signed message type");
        byte[] encoded = Codec.encodeMessage(message);
        return new Envelope<>(message, encoded, signer.sign(encoded));
    }

    /** Wraps a message of an unsigned type (authenticated by its connection, or self-certifying). */
    public static <M extends Message> Envelope<M> unsigned(M message) {
        Check.argument(!message.type().signed(), message.type() + " must be signed");
        return new Envelope<>(message, Codec.encodeMessage(message), new byte[0]);
    }

    public M message() {
        return message;
    }

    public MessageType type() {
        return message.type();
    }

    /** The canonical encoding that the signature covers (a copy). */
    public byte[] encoded() {
        return encoded.clone();
    }

    /** The canonical encoding without a copy; callers must not modify it. */
    public byte[] encodedUnsafe() {
        return encoded;
    }

    public byte[] signature() {
        return signature.clone();
    }

    public byte[] signatureUnsafe() {
        return signature;
    }

    /** SHA-256 of the canonical encoding: the identity of a request in batches and fetches. */
    public Digest digest() {
        Digest d = digest;
        if (d == null) {
            d = Digest.sha256(encoded);
            digest = d;
        }
        return d;
    }

    /** Size of this message's frame body on the wire (encoding, signature length, signature). */
    public int wireSize() {
        return encoded.length + 1 + signature.length;
    }

    @SuppressWarnings("unchecked")
    public <T extends Message> Envelope<T> as(Class<T> type) {
        Check.argument(type.isInstance(message), "not a " + type.getSimpleName() + ": " + message.type());
        return (Envelope<T>) this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope<?> s && Arrays.equals(s.encoded, encoded) && Arrays.equals(s.signature, signature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    @Override
    public String toString() {
        return message.toString();
    }
}
