package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.CodecException.Reason;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;

import java.util.function.Function;

/**
 * The canonical binary encoding of every message, in one place.
 *
 * <pre>
 * frame body := encoding signatureLength:u8 signature
 * encoding   := type:u8 fields...          (this is what the signature covers)
 * </pre>
 *
 * Each message's fields are described once, as a {@link Shape} below, and that one description
 * both encodes and decodes it; the field types and what decoding checks of them are in
 * {@link Fields}. The decoder is strict: every byte must be consumed, booleans are 0 or 1, counts
 * and lengths must fit in what remains, unsigned types carry an empty signature and signed ones a
 * non-empty one. So each message has exactly one encoding, and re-encoding a decoded message gives
 * back the bytes that were received. Stateless and thread-safe.
 */
public final class Codec {
    /** Longest signature any supported algorithm produces (ECDSA P-256 DER is at most 72). */
    public static final int SIGNATURE_BYTES_MAX = 96;
    /** Deepest Merkle proof a reply may carry (2^32 leaves). */
    public static final int PROOF_DEPTH_MAX = 32;

    /** First bytes of encodings that are not messages, outside the message type codes. */
    private static final int BATCH_DIGEST_TAG = 0x81;
    private static final int JOIN_TAG = 0x82;
    private static final int JOIN_RESULT_TAG = 0x83;

    private Codec() {}

    // ---------------------------------------------------------------- shapes: every message, once
    // One line a field, in wire order. Parts come before the messages that hold them: a lambda may
    // not name a field declared after it.

    private static final Shape<Digest> DIGEST = (f, d) -> f.digest(d, Function.identity());

    private static final Shape<Integer> INT = (f, i) -> f.i32(i, Integer::intValue);

    private static final Shape<BatchEntry> BATCH_ENTRY = (f, e) -> new BatchEntry(
            f.i64(e, BatchEntry::clientId),
            f.i64(e, BatchEntry::requestNumber),
            f.digest(e, BatchEntry::requestDigest));
    /** What an entry takes on the wire, so a count of them is checked against what remains before reading. */
    private static final int BATCH_ENTRY_BYTES = 8 + 8 + Digest.BYTES;

    private static final Shape<PreparedProof> PREPARED_PROOF = (f, p) -> new PreparedProof(
            f.frame(p, PreparedProof::prePrepare, PrePrepare.class, "pre-prepare"),
            f.frames(p, PreparedProof::prepares, Prepare.class, "prepares"));
    /** The least a prepared proof takes: two length prefixes. */
    private static final int PREPARED_PROOF_BYTES_MIN = 4 + 4;

    /** The constants of the enums on the wire, indexed by their codes (kept, as values() copies). */
    private static final Request.Kind[] KINDS = Request.Kind.values();
    private static final Reply.Status[] STATUSES = Reply.Status.values();

    private static final Shape<Request> REQUEST = (f, r) -> new Request(
            f.i64(r, Request::clientId),
            f.i64(r, Request::requestNumber),
            f.code(r, Request::kind, KINDS, "request kind"),
            f.bytes(r, Request::operationUnsafe, "operation"));

    private static final Shape<PrePrepare> PRE_PREPARE = (f, p) -> new PrePrepare(
            f.i32(p, PrePrepare::view),
            f.i64(p, PrePrepare::seq),
            f.i64(p, PrePrepare::timeMillis),
            f.i64(p, PrePrepare::seed),
            f.list(p, PrePrepare::entries, BATCH_ENTRY, BATCH_ENTRY_BYTES, "batch entries"));

    private static final Shape<Prepare> PREPARE = (f, p) -> new Prepare(
            f.i32(p, Prepare::replicaId),
            f.i32(p, Prepare::view),
            f.i64(p, Prepare::seq),
            f.digest(p, Prepare::batchDigest));

    private static final Shape<Commit> COMMIT = (f, c) -> new Commit(
            f.i32(c, Commit::replicaId),
            f.i32(c, Commit::view),
            f.i64(c, Commit::seq),
            f.digest(c, Commit::batchDigest));

    private static final Shape<Decided> DECIDED = (f, d) -> new Decided(
            f.i32(d, Decided::replicaId),
            f.i64(d, Decided::seq),
            f.digest(d, Decided::batchDigest));

    private static final Shape<Checkpoint> CHECKPOINT = (f, c) -> new Checkpoint(
            f.i32(c, Checkpoint::replicaId),
            f.i64(c, Checkpoint::seq),
            f.digest(c, Checkpoint::stateDigest));

    private static final Shape<Reply> REPLY = (f, r) -> new Reply(
            f.i32(r, Reply::replicaId),
            f.i32(r, Reply::view),
            f.i64(r, Reply::seq),
            f.i64(r, Reply::clientId),
            f.i64(r, Reply::requestNumber),
            f.code(r, Reply::status, STATUSES, "reply status"),
            f.bytes(r, Reply::resultUnsafe, "result"),
            f.i32(r, Reply::leafIndex),
            f.i32(r, Reply::leafCount),
            f.list(r, Reply::proof, DIGEST, Digest.BYTES, PROOF_DEPTH_MAX, "proof"),
            f.bytes(r, Reply::batchSignature, 0, SIGNATURE_BYTES_MAX, "batch signature"));

    private static final Shape<Status> STATUS = (f, s) -> new Status(
            f.i32(s, Status::replicaId),
            f.i32(s, Status::view),
            f.bool(s, Status::changing, "changing"),
            f.i64(s, Status::lastDelivered),
            f.i64(s, Status::lastStable));

    private static final Shape<FetchRequests> FETCH_REQUESTS = (f, q) -> new FetchRequests(
            f.i32(q, FetchRequests::replicaId),
            f.list(q, FetchRequests::requestDigests, DIGEST, Digest.BYTES, "request digests"));

    private static final Shape<RequestBodies> REQUEST_BODIES = (f, b) -> new RequestBodies(
            f.i32(b, RequestBodies::replicaId),
            f.frames(b, RequestBodies::requests, Request.class, "requests"));

    private static final Shape<ViewChange> VIEW_CHANGE = (f, v) -> new ViewChange(
            f.i32(v, ViewChange::replicaId),
            f.i32(v, ViewChange::newView),
            f.i64(v, ViewChange::stableSeq),
            f.digest(v, ViewChange::stableDigest),
            f.frames(v, ViewChange::checkpointProof, Checkpoint.class, "checkpoint proof"),
            f.list(v, ViewChange::prepared, PREPARED_PROOF, PREPARED_PROOF_BYTES_MIN, "prepared proofs"));

    private static final Shape<NewView> NEW_VIEW = (f, v) -> new NewView(
            f.i32(v, NewView::view),
            f.frames(v, NewView::viewChanges, ViewChange.class, "view changes"),
            f.frames(v, NewView::prePrepares, PrePrepare.class, "pre-prepares"));

    private static final Shape<FetchState> FETCH_STATE = (f, s) -> new FetchState(
            f.i32(s, FetchState::replicaId),
            f.i64(s, FetchState::seq),
            f.list(s, FetchState::chunks, INT, 4, "chunk indexes"));

    private static final Shape<StateManifest> STATE_MANIFEST = (f, m) -> new StateManifest(
            f.i32(m, StateManifest::replicaId),
            f.i64(m, StateManifest::seq),
            f.list(m, StateManifest::leaves, DIGEST, Digest.BYTES, "manifest leaves"));

    private static final Shape<StateChunk> STATE_CHUNK = (f, c) -> new StateChunk(
            f.i32(c, StateChunk::replicaId),
            f.i64(c, StateChunk::seq),
            f.i32(c, StateChunk::index),
            f.bytes(c, StateChunk::dataUnsafe, "chunk"));

    private static final Shape<Hello> HELLO = (f, h) -> new Hello(
            f.key(h, Hello::key),
            nonce(f, h, Hello::nonce),
            credentials(f, h, Hello::credentials));

    private static final Shape<Challenge> CHALLENGE = (f, c) -> new Challenge(
            f.i32(c, Challenge::replicaId),
            f.digest(c, Challenge::keyDigest),
            nonce(f, c, Challenge::nonceUnsafe),
            f.i64(c, Challenge::expiresMillis));

    private static final Shape<JoinRequest> JOIN = (f, j) -> new JoinRequest(
            f.key(j, JoinRequest::key),
            nonce(f, j, JoinRequest::nonceUnsafe),
            credentials(f, j, JoinRequest::credentials),
            f.frames(j, JoinRequest::challenges, Challenge.class, JoinRequest.CHALLENGES_MAX, "challenges"));

    private static final Shape<JoinResult> JOIN_RESULT = (f, r) -> new JoinResult(
            f.i64(r, JoinResult::clientId),
            f.text(r, JoinResult::identity, "identity"));

    private static final Shape<KeyNonce> KEY_NONCE = (f, k) -> new KeyNonce(
            f.i32(k, KeyNonce::replicaId),
            f.bytes(k, KeyNonce::nonceUnsafe, KeyNonce.NONCE_BYTES, KeyNonce.NONCE_BYTES, "key nonce"));

    private static final Shape<SessionKey> SESSION_KEY = (f, k) -> new SessionKey(
            f.i64(k, SessionKey::clientId),
            f.i32(k, SessionKey::replicaId),
            f.bytes(k, SessionKey::nonceUnsafe, KeyNonce.NONCE_BYTES, KeyNonce.NONCE_BYTES, "key nonce"),
            f.bytes(k, SessionKey::keyUnsafe, SessionKey.KEY_BYTES, SessionKey.KEY_BYTES, "session key"));

    private static final Shape<Vouch> VOUCH = (f, v) -> new Vouch(
            f.i32(v, Vouch::replicaId),
            f.list(v, Vouch::requests, BATCH_ENTRY, BATCH_ENTRY_BYTES, Vouch.REQUESTS_MAX, "vouched requests"));

    /** The shape of each message type: the one of the same name. */
    private static Shape<? extends Message> shapeOf(MessageType type) {
        return switch (type) {
            case REQUEST -> REQUEST;
            case PRE_PREPARE -> PRE_PREPARE;
            case PREPARE -> PREPARE;
            case COMMIT -> COMMIT;
            case CHECKPOINT -> CHECKPOINT;
            case REPLY -> REPLY;
            case STATUS -> STATUS;
            case FETCH_REQUESTS -> FETCH_REQUESTS;
            case REQUEST_BODIES -> REQUEST_BODIES;
            case VIEW_CHANGE -> VIEW_CHANGE;
            case NEW_VIEW -> NEW_VIEW;
            case FETCH_STATE -> FETCH_STATE;
            case STATE_MANIFEST -> STATE_MANIFEST;
            case STATE_CHUNK -> STATE_CHUNK;
            case HELLO -> HELLO;
            case CHALLENGE -> CHALLENGE;
            // a MAC_REQUEST is a REQUEST's fields and an authenticator; it decodes to an Envelope<Request>
            case MAC_REQUEST -> REQUEST;
            case KEY_NONCE -> KEY_NONCE;
            case SESSION_KEY -> SESSION_KEY;
            case VOUCH -> VOUCH;
            case DECIDED -> DECIDED;
        };
    }

    private static <R> byte[] nonce(Fields f, R record, Function<R, byte[]> field) throws CodecException {
        return f.bytes(record, field, Hello.NONCE_BYTES_MIN, Hello.NONCE_BYTES_MAX, "nonce");
    }

    private static <R> byte[] credentials(Fields f, R record, Function<R, byte[]> field) throws CodecException {
        return f.bytes(record, field, 0, Hello.CREDENTIALS_BYTES_MAX, "credentials");
    }

    // ---------------------------------------------------------------- messages

    /**
     * The frame body for {@code signed}: encoding, signature length, signature. A request with an
     * authenticator goes as a MAC_REQUEST instead: its type code, the REQUEST's fields, the
     * authenticator as length-prefixed bytes, and an empty signature.
     */
    public static byte[] encodeFrame(Envelope<?> signed) {
        if (signed.hasAuthenticator()) {
            return encodeMacRequestFrame(signed);
        }
        byte[] encoded = signed.encodedUnsafe();
        byte[] signature = signed.signatureUnsafe();
        byte[] frame = new byte[encoded.length + 1 + signature.length];
        System.arraycopy(encoded, 0, frame, 0, encoded.length);
        frame[encoded.length] = (byte) signature.length;
        System.arraycopy(signature, 0, frame, encoded.length + 1, signature.length);
        return frame;
    }

    private static byte[] encodeMacRequestFrame(Envelope<?> request) {
        byte[] encoded = request.encodedUnsafe();
        byte[] authenticator = request.authenticatorUnsafe();
        FieldWriter w = new FieldWriter(encoded.length + 5 + authenticator.length);
        w.u8(MessageType.MAC_REQUEST.code);
        w.raw(encoded, 1, encoded.length - 1);
        w.bytes(authenticator);
        w.u8(0);
        return w.toArray();
    }

    /** The canonical encoding of {@code message} (type byte and fields, no signature). */
    public static byte[] encodeMessage(Message message) {
        @SuppressWarnings("unchecked") // a type's shape describes the records whose type() it is
        Shape<Message> shape = (Shape<Message>) shapeOf(message.type());
        FieldWriter w = new FieldWriter(64 + payloadHint(message));
        w.u8(message.type().code);
        w.write(shape, message);
        return w.toArray();
    }

    private static int payloadHint(Message message) {
        return switch (message) {
            case Request r -> r.operationUnsafe().length;
            case Reply r -> r.resultUnsafe().length + 32 * r.proof().size();
            case PrePrepare p -> BATCH_ENTRY_BYTES * p.entries().size();
            case RequestBodies b -> b.requests().stream().mapToInt(Envelope::wireSize).sum() + 4 * b.requests().size();
            case StateChunk c -> c.dataUnsafe().length;
            case StateManifest m -> 32 * m.leaves().size();
            case Vouch v -> BATCH_ENTRY_BYTES * v.requests().size();
            case ViewChange v -> 256 * (v.checkpointProof().size() + 4 * v.prepared().size());
            case NewView v -> 2048 * v.viewChanges().size() + 256 * v.prePrepares().size();
            default -> 64;
        };
    }

    /**
     * The digest of what a pre-prepare proposes, independent of view and sequence number: agreed
     * time, seed and the ordered entries. PREPAREs and COMMITs name a batch by this digest.
     */
    public static Digest batchDigest(PrePrepare p) {
        FieldWriter w = new FieldWriter(24 + BATCH_ENTRY_BYTES * p.entries().size());
        w.u8(BATCH_DIGEST_TAG);
        w.i64(p.timeMillis());
        w.i64(p.seed());
        w.items(p.entries(), BATCH_ENTRY);
        return Digest.sha256(w.toArray());
    }

    /** Decodes a whole frame body. */
    public static Envelope<?> decodeFrame(byte[] frame) throws CodecException {
        return decodeFrame(frame, 0, frame.length);
    }

    /** Decodes the frame body {@code frame[offset, offset+length)}; every byte must belong to it. */
    public static Envelope<?> decodeFrame(byte[] frame, int offset, int length) throws CodecException {
        return decode(frame, offset, length, false);
    }

    /**
     * Decodes a frame body read back from this replica's own protocol log. As {@link #decodeFrame},
     * except that a COMMIT may carry a signature: versions before COMMITs were authenticated by the
     * connection signed them, and a log they wrote must still open after an upgrade. Such a COMMIT
     * comes back unsigned (the replica's own vote; nothing else ever reads its signature).
     */
    public static Envelope<?> decodeStoredFrame(byte[] frame, int offset, int length) throws CodecException {
        return decode(frame, offset, length, true);
    }

    private static Envelope<?> decode(byte[] frame, int offset, int length, boolean stored) throws CodecException {
        if (length < 2) {
            throw new CodecException(Reason.TRUNCATED, "frame of " + length + " bytes is too short");
        }
        FieldReader r = new FieldReader(frame, offset, length);
        int code = r.u8();
        MessageType type = MessageType.ofCode(code);
        if (type == null) {
            throw new CodecException(Reason.UNKNOWN_TYPE, "unknown message type " + code);
        }
        Message message = r.read(shapeOf(type));
        if (type == MessageType.MAC_REQUEST) {
            return macRequest(frame, offset, (Request) message, r);
        }
        int encodedEnd = r.position();
        int signatureLength = r.u8();
        boolean storedSignedCommit = stored && type == MessageType.COMMIT && signatureLength != 0;
        if (type.signed() && signatureLength == 0) {
            throw new CodecException(Reason.INVALID_FIELD, type + " must carry a signature");
        }
        if (!type.signed() && signatureLength != 0 && !storedSignedCommit) {
            throw new CodecException(Reason.INVALID_FIELD, type + " must not carry a signature");
        }
        if (signatureLength > SIGNATURE_BYTES_MAX) {
            throw new CodecException(Reason.INVALID_FIELD, "signature of " + signatureLength + " bytes");
        }
        byte[] signature = r.raw(signatureLength, "signature");
        if (r.remaining() != 0) {
            throw new CodecException(Reason.TRAILING_BYTES,
                    r.remaining() + " bytes after the end of a " + type + " frame");
        }
        byte[] encoded = new byte[encodedEnd - offset];
        System.arraycopy(frame, offset, encoded, 0, encoded.length);
        return new Envelope<>(message, encoded, storedSignedCommit ? new byte[0] : signature);
    }

    /**
     * The rest of a MAC_REQUEST after the request's fields: the authenticator and an empty
     * signature. Its encoding is the REQUEST encoding of the same fields (what the tags cover).
     */
    private static Envelope<Request> macRequest(byte[] frame, int offset, Request request, FieldReader r)
            throws CodecException {
        int fieldsEnd = r.position();
        byte[] authenticator = r.bytes(null, x -> null, Authenticators.TAG_BYTES,
                Authenticators.TAG_BYTES * Authenticators.TAGS_MAX, "authenticator");
        if (authenticator.length % Authenticators.TAG_BYTES != 0) {
            throw new CodecException(Reason.INVALID_FIELD, "authenticator of " + authenticator.length
                    + " bytes is no whole number of " + Authenticators.TAG_BYTES + "-byte tags");
        }
        if (r.u8() != 0) {
            throw new CodecException(Reason.INVALID_FIELD, MessageType.MAC_REQUEST + " must not carry a signature");
        }
        if (r.remaining() != 0) {
            throw new CodecException(Reason.TRAILING_BYTES,
                    r.remaining() + " bytes after the end of a " + MessageType.MAC_REQUEST + " frame");
        }
        byte[] encoded = new byte[fieldsEnd - offset];
        encoded[0] = (byte) MessageType.REQUEST.code;
        System.arraycopy(frame, offset + 1, encoded, 1, encoded.length - 1);
        return new Envelope<>(request, encoded, new byte[0], authenticator);
    }

    // ---------------------------------------------------------------- joins

    /** The operation bytes of a Join request. */
    public static byte[] encodeJoin(JoinRequest join) {
        return encodeTagged(JOIN_TAG, JOIN, join, 256 + 160 * join.challenges().size() + join.credentials().length);
    }

    /** Decodes a Join request's operation, as strictly as a frame. */
    public static JoinRequest decodeJoin(byte[] operation) throws CodecException {
        return decodeTagged(JOIN_TAG, JOIN, operation, "Join operation");
    }

    /** The result bytes of an accepted Join. */
    public static byte[] encodeJoinResult(JoinResult result) {
        return encodeTagged(JOIN_RESULT_TAG, JOIN_RESULT, result, 64);
    }

    /** Decodes the result of an accepted Join, as strictly as a frame. */
    public static JoinResult decodeJoinResult(byte[] bytes) throws CodecException {
        return decodeTagged(JOIN_RESULT_TAG, JOIN_RESULT, bytes, "Join result");
    }

    private static <R> byte[] encodeTagged(int tag, Shape<R> shape, R record, int capacity) {
        FieldWriter w = new FieldWriter(capacity);
        w.u8(tag);
        w.write(shape, record);
        return w.toArray();
    }

    private static <R> R decodeTagged(int tag, Shape<R> shape, byte[] bytes, String what) throws CodecException {
        FieldReader r = new FieldReader(bytes, 0, bytes.length);
        if (bytes.length == 0 || r.u8() != tag) {
            throw new CodecException(Reason.INVALID_FIELD, "not a " + what);
        }
        R record = r.read(shape);
        if (r.remaining() != 0) {
            throw new CodecException(Reason.TRAILING_BYTES, r.remaining() + " bytes after a " + what);
        }
        return record;
    }
}
