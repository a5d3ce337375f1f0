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
 * exactly what travelled. A request in MAC client mode carries an {@link #authenticator()} (one tag
 * per replica) and no signature; its encoding is still the REQUEST encoding, so its digest is the
 * signed request's. Immutable.
 *
 * @param <M> the message type
 */
public final class Envelope<M extends Message> {
    private final M message;
    private final byte[] encoded;
    private final byte[] signature;
    /** MAC client mode: one tag per replica ({@link Authenticators}); empty for every other envelope. */
    private final byte[] authenticator;
    private volatile Digest digest;

    Envelope(M message, byte[] encoded, byte[] signature) {
        this(message, encoded, signature, NO_BYTES);
    }

    Envelope(M message, byte[] encoded, byte[] signature, byte[] authenticator) {
        this.message = message;
        this.encoded = encoded;
        this.signature = signature;
        this.authenticator = authenticator;
    }

    private static final byte[] NO_BYTES = new byte[0];

    /** Computes the authenticator of a request from its canonical encoding (MAC client mode). */
    @FunctionalInterface
    public interface Tagger {
        /** The authenticator of {@code encoding}: {@link Authenticators#TAG_BYTES} per replica. */
        byte[] authenticator(byte[] encoding);
    }

    /**
     * Encodes {@code request} canonically and authenticates the encoding with {@code tagger}'s
     * per-replica tags instead of a signature. It travels as a MAC_REQUEST and has the digest of the
     * signed REQUEST with the same content.
     */
    public static Envelope<Request> authenticate(Request request, Tagger tagger) {
        byte[] encoded = Codec.encodeMessage(request);
        byte[] authenticator = tagger.authenticator(encoded);
        Check.argument(authenticator.length > 0 && authenticator.length % Authenticators.TAG_BYTES == 0,
                "an authenticator is a non-empty sequence of " + Authenticators.TAG_BYTES + "-byte tags");
        return new Envelope<>(request, encoded, NO_BYTES, authenticator.clone());
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

    /** Whether this is a request authenticated by per-replica tags (MAC client mode), not signed. */
    public boolean hasAuthenticator() {
        return authenticator.length > 0;
    }

    /** The per-replica tags of a MAC-mode request (a copy); empty for every other envelope. */
    public byte[] authenticator() {
        return authenticator.clone();
    }

    /** The authenticator without a copy; callers must not modify it. */
    public byte[] authenticatorUnsafe() {
        return authenticator;
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

    /** Size of this message's frame body on the wire (encoding, signature length, signature; or a MAC_REQUEST's). */
    public int wireSize() {
        return hasAuthenticator() ? encoded.length + 4 + authenticator.length + 1
                : encoded.length + 1 + signature.length;
    }

    @SuppressWarnings("unchecked")
    public <T extends Message> Envelope<T> as(Class<T> type) {
        Check.argument(type.isInstance(message), "not a " + type.getSimpleName() + ": " + message.type());
        return (Envelope<T>) this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Envelope<?> s && Arrays.equals(s.encoded, encoded) && Arrays.equals(s.signature, signature)
                && Arrays.equals(s.authenticator, authenticator);
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
