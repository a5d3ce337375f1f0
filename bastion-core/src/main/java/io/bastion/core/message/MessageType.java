package io.bastion.core.message;

/**
 * Every message kind on the wire, with its one-byte code. The code is the first byte of the
 * canonical encoding, so what is signed always names its own type (no cross-type replay).
 * Codes are stable: never renumber, only add.
 */
public enum MessageType {
    REQUEST(1, Signing.SIGNED),
    PRE_PREPARE(2, Signing.SIGNED),
    PREPARE(3, Signing.SIGNED),
    /**
     * Authenticated by the replica connection: COMMITs are no evidence in a view change, so they
     * are never relayed. Earlier versions signed them; {@link Codec#decodeStoredFrame} still reads
     * such a COMMIT from a protocol log.
     */
    COMMIT(4, Signing.UNSIGNED),
    CHECKPOINT(5, Signing.SIGNED),
    /** Carries its own batch signature over a Merkle root; the envelope is unsigned. */
    REPLY(6, Signing.UNSIGNED),
    /** Replica-to-replica only, authenticated by the connection handshake. */
    STATUS(7, Signing.UNSIGNED),
    FETCH_REQUESTS(8, Signing.UNSIGNED),
    /** The requests inside carry their clients' signatures. */
    REQUEST_BODIES(9, Signing.UNSIGNED),
    VIEW_CHANGE(10, Signing.SIGNED),
    NEW_VIEW(11, Signing.SIGNED),
    /** State transfer requests and answers: authenticated by the connection; chunks by the agreed digest. */
    FETCH_STATE(12, Signing.UNSIGNED),
    STATE_MANIFEST(13, Signing.UNSIGNED),
    STATE_CHUNK(14, Signing.UNSIGNED),
    /** Client to replica, before a Join: asks for a {@link Challenge}; costs the replica no state. */
    HELLO(15, Signing.UNSIGNED),
    /** Replica to client: signed, so other replicas can check it inside a Join. */
    CHALLENGE(16, Signing.SIGNED),
    /**
     * A {@link Request} authenticated by one HMAC tag per replica instead of a signature (MAC client
     * mode). It decodes to an {@link Envelope} of the same {@code Request}, whose encoding is the
     * REQUEST encoding and which carries the tags as its {@link Envelope#authenticator()}; no
     * message record has this type.
     */
    MAC_REQUEST(17, Signing.UNSIGNED),
    /** Replica to client, first on a TLS client connection: the nonce a {@link SessionKey} there must carry. */
    KEY_NONCE(18, Signing.UNSIGNED),
    /** Client to one replica: its HMAC key for this connection, signed by the client's key. */
    SESSION_KEY(19, Signing.SIGNED),
    /** Replica to all (MAC client mode): requests authentic to the sender; authenticated by the connection. */
    VOUCH(20, Signing.UNSIGNED),
    /** Replica to replica, in answer to STATUS: "this batch is decided here"; authenticated by the connection. */
    DECIDED(21, Signing.UNSIGNED);

    /** Codes from here on belong to the transport (handshake) and are never message types. */
    public static final int TRANSPORT_CODES_FROM = 0x40;

    /** Whether a message of this type carries a signature of its sender. */
    public enum Signing { SIGNED, UNSIGNED }

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    public final int code;
    public final Signing signing;

    MessageType(int code, Signing signing) {
        this.code = code;
        this.signing = signing;
    }

    public boolean signed() {
        return signing == Signing.SIGNED;
    }

    /** The type with this code, or {@code null} when the code is unknown. */
    public static MessageType ofCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
