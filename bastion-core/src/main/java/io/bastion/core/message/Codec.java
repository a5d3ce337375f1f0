package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.CodecException.Reason;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The canonical binary encoding of every message, in one place.
 *
 * <pre>
 * frame body := encoding signatureLength:u8 signature
 * encoding   := type:u8 fields...          (this is what the signature covers)
 * int        := 4 bytes big-endian          long := 8 bytes big-endian
 * bool       := 0x00 | 0x01                 digest := 32 bytes
 * bytes      := length:u32 data             list := count:u32 item*
 * </pre>
 *
 * The decoder is strict: every byte must be consumed, booleans are 0 or 1, counts and lengths
 * must fit in what remains, unsigned types carry an empty signature and signed ones a non-empty
 * one. So each message has exactly one encoding, and re-encoding a decoded message gives back the
 * bytes that were received. Stateless and thread-safe.
 */
public final class Codec {
    /** Longest signature any supported algorithm produces (ECDSA P-256 DER is at most 72). */
    public static final int SIGNATURE_BYTES_MAX = 96;
    /** Deepest Merkle proof a reply may carry (2^32 leaves). */
    public static final int PROOF_DEPTH_MAX = 32;

    private Codec() {}

    // ---------------------------------------------------------------- encode

    /** The frame body for {@code signed}: encoding, signature length, signature. */
    public static byte[] encodeFrame(Envelope<?> signed) {
        byte[] encoded = signed.encodedUnsafe();
        byte[] signature = signed.signatureUnsafe();
        byte[] frame = new byte[encoded.length + 1 + signature.length];
        System.arraycopy(encoded, 0, frame, 0, encoded.length);
        frame[encoded.length] = (byte) signature.length;
        System.arraycopy(signature, 0, frame, encoded.length + 1, signature.length);
        return frame;
    }

    /** The canonical encoding of {@code message} (type byte and fields, no signature). */
    public static byte[] encodeMessage(Message message) {
        Writer w = new Writer(64 + payloadHint(message));
        w.u8(message.type().code);
        switch (message) {
            case Hello h -> {
                key(w, h.key());
                w.bytes(h.nonce());
                w.bytes(h.credentials());
            }
            case Challenge c -> {
                w.i32(c.replicaId());
                w.digest(c.keyDigest());
                w.bytes(c.nonceUnsafe());
                w.i64(c.expiresMillis());
            }
            case Request r -> {
                w.i64(r.clientId());
                w.i64(r.requestNumber());
                w.u8(r.kind().ordinal());
                w.bytes(r.operationUnsafe());
            }
            case PrePrepare p -> {
                w.i32(p.view());
                w.i64(p.seq());
                w.i64(p.timeMillis());
                w.i64(p.seed());
                w.i32(p.entries().size());
                for (BatchEntry e : p.entries()) {
                    w.i64(e.clientId());
                    w.i64(e.requestNumber());
                    w.digest(e.requestDigest());
                }
            }
            case Prepare p -> {
                w.i32(p.replicaId());
                w.i32(p.view());
                w.i64(p.seq());
                w.digest(p.batchDigest());
            }
            case Commit c -> {
                w.i32(c.replicaId());
                w.i32(c.view());
                w.i64(c.seq());
                w.digest(c.batchDigest());
            }
            case Checkpoint c -> {
                w.i32(c.replicaId());
                w.i64(c.seq());
                w.digest(c.stateDigest());
            }
            case Reply r -> {
                w.i32(r.replicaId());
                w.i32(r.view());
                w.i64(r.seq());
                w.i64(r.clientId());
                w.i64(r.requestNumber());
                w.u8(r.status().ordinal());
                w.bytes(r.resultUnsafe());
                w.i32(r.leafIndex());
                w.i32(r.leafCount());
                w.i32(r.proof().size());
                for (Digest d : r.proof()) {
                    w.digest(d);
                }
                w.bytes(r.batchSignature());
            }
            case Status s -> {
                w.i32(s.replicaId());
                w.i32(s.view());
                w.bool(s.changing());
                w.i64(s.lastDelivered());
                w.i64(s.lastStable());
            }
            case FetchRequests f -> {
                w.i32(f.replicaId());
                w.i32(f.requestDigests().size());
                for (Digest d : f.requestDigests()) {
                    w.digest(d);
                }
            }
            case RequestBodies b -> {
                w.i32(b.replicaId());
                w.frames(b.requests());
            }
            case ViewChange v -> {
                w.i32(v.replicaId());
                w.i32(v.newView());
                w.i64(v.stableSeq());
                w.digest(v.stableDigest());
                w.frames(v.checkpointProof());
                w.i32(v.prepared().size());
                for (PreparedProof proof : v.prepared()) {
                    w.bytes(encodeFrame(proof.prePrepare()));
                    w.frames(proof.prepares());
                }
            }
            case NewView v -> {
                w.i32(v.view());
                w.frames(v.viewChanges());
                w.frames(v.prePrepares());
            }
            case FetchState f -> {
                w.i32(f.replicaId());
                w.i64(f.seq());
                w.i32(f.chunks().size());
                for (int chunk : f.chunks()) {
                    w.i32(chunk);
                }
            }
            case StateManifest m -> {
                w.i32(m.replicaId());
                w.i64(m.seq());
                w.i32(m.leaves().size());
                for (Digest d : m.leaves()) {
                    w.digest(d);
                }
            }
            case StateChunk c -> {
                w.i32(c.replicaId());
                w.i64(c.seq());
                w.i32(c.index());
                w.bytes(c.dataUnsafe());
            }
        }
        return w.toArray();
    }

    private static int payloadHint(Message message) {
        return switch (message) {
            case Request r -> r.operationUnsafe().length;
            case Reply r -> r.resultUnsafe().length + 32 * r.proof().size();
            case PrePrepare p -> 48 * p.entries().size();
            case RequestBodies b -> b.requests().stream().mapToInt(Envelope::wireSize).sum() + 4 * b.requests().size();
            case StateChunk c -> c.dataUnsafe().length;
            case StateManifest m -> 32 * m.leaves().size();
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
        Writer w = new Writer(24 + 48 * p.entries().size());
        w.u8(0x81); // domain tag: not a message type code
        w.i64(p.timeMillis());
        w.i64(p.seed());
        w.i32(p.entries().size());
        for (BatchEntry e : p.entries()) {
            w.i64(e.clientId());
            w.i64(e.requestNumber());
            w.digest(e.requestDigest());
        }
        return Digest.sha256(w.toArray());
    }

    // ---------------------------------------------------------------- decode

    /** Decodes a whole frame body. */
    public static Envelope<?> decodeFrame(byte[] frame) throws CodecException {
        return decodeFrame(frame, 0, frame.length);
    }

    /** Decodes the frame body {@code frame[offset, offset+length)}; every byte must belong to it. */
    public static Envelope<?> decodeFrame(byte[] frame, int offset, int length) throws CodecException {
        if (length < 2) {
            throw new CodecException(Reason.TRUNCATED, "frame of " + length + " bytes is too short");
        }
        Reader r = new Reader(frame, offset, length);
        int code = r.u8();
        MessageType type = MessageType.ofCode(code);
        if (type == null) {
            throw new CodecException(Reason.UNKNOWN_TYPE, "unknown message type " + code);
        }
        Message message = decodeFields(type, r);
        int encodedEnd = r.position();
        int signatureLength = r.u8();
        if (type.signed() && signatureLength == 0) {
            throw new CodecException(Reason.INVALID_FIELD, type + " must carry a signature");
        }
        if (!type.signed() && signatureLength != 0) {
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
        return new Envelope<>(message, encoded, signature);
    }

    private static Message decodeFields(MessageType type, Reader r) throws CodecException {
        return switch (type) {
            case REQUEST -> new Request(r.i64(), r.i64(), Request.Kind.ofCode(r.u8()), r.bytes("operation"));
            case PRE_PREPARE -> {
                int view = r.i32();
                long seq = r.i64();
                long time = r.i64();
                long seed = r.i64();
                int count = r.count(48, "batch entries");
                List<BatchEntry> entries = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    entries.add(new BatchEntry(r.i64(), r.i64(), r.digest()));
                }
                yield new PrePrepare(view, seq, time, seed, entries);
            }
            case PREPARE -> new Prepare(r.i32(), r.i32(), r.i64(), r.digest());
            case COMMIT -> new Commit(r.i32(), r.i32(), r.i64(), r.digest());
            case CHECKPOINT -> new Checkpoint(r.i32(), r.i64(), r.digest());
            case REPLY -> {
                int replica = r.i32();
                int view = r.i32();
                long seq = r.i64();
                long client = r.i64();
                long number = r.i64();
                Reply.Status status = Reply.Status.ofCode(r.u8());
                byte[] result = r.bytes("result");
                int leafIndex = r.i32();
                int leafCount = r.i32();
                int depth = r.count(Digest.BYTES, "proof");
                if (depth > PROOF_DEPTH_MAX) {
                    throw new CodecException(Reason.INVALID_FIELD, "proof of depth " + depth);
                }
                List<Digest> proof = new ArrayList<>(depth);
                for (int i = 0; i < depth; i++) {
                    proof.add(r.digest());
                }
                byte[] signature = r.bytes("batchSignature");
                if (signature.length > SIGNATURE_BYTES_MAX) {
                    throw new CodecException(Reason.INVALID_FIELD, "batch signature of " + signature.length + " bytes");
                }
                yield new Reply(replica, view, seq, client, number, status, result, leafIndex, leafCount, proof,
                        signature);
            }
            case STATUS -> new Status(r.i32(), r.i32(), r.bool("changing"), r.i64(), r.i64());
            case FETCH_REQUESTS -> {
                int replica = r.i32();
                int count = r.count(Digest.BYTES, "request digests");
                List<Digest> digests = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    digests.add(r.digest());
                }
                yield new FetchRequests(replica, digests);
            }
            case REQUEST_BODIES -> new RequestBodies(r.i32(), frames(r, Request.class, "requests"));
            case VIEW_CHANGE -> {
                int replica = r.i32();
                int newView = r.i32();
                long stableSeq = r.i64();
                Digest stableDigest = r.digest();
                List<Envelope<Checkpoint>> proof = frames(r, Checkpoint.class, "checkpoint proof");
                int count = r.count(8, "prepared proofs");
                List<PreparedProof> prepared = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    prepared.add(new PreparedProof(frame(r, PrePrepare.class, "pre-prepare"),
                            frames(r, Prepare.class, "prepares")));
                }
                yield new ViewChange(replica, newView, stableSeq, stableDigest, proof, prepared);
            }
            case NEW_VIEW -> new NewView(r.i32(), frames(r, ViewChange.class, "view changes"),
                    frames(r, PrePrepare.class, "pre-prepares"));
            case FETCH_STATE -> {
                int replica = r.i32();
                long seq = r.i64();
                int count = r.count(4, "chunk indexes");
                List<Integer> chunks = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    chunks.add(r.i32());
                }
                yield new FetchState(replica, seq, chunks);
            }
            case STATE_MANIFEST -> {
                int replica = r.i32();
                long seq = r.i64();
                int count = r.count(Digest.BYTES, "manifest leaves");
                List<Digest> leaves = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    leaves.add(r.digest());
                }
                yield new StateManifest(replica, seq, leaves);
            }
            case STATE_CHUNK -> new StateChunk(r.i32(), r.i64(), r.i32(), r.bytes("chunk"));
            case HELLO -> new Hello(key(r), nonce(r), credentials(r));
            case CHALLENGE -> new Challenge(r.i32(), r.digest(), nonce(r), r.i64());
        };
    }

    // ---------------------------------------------------------------- joins

    /** The operation bytes of a Join request. */
    public static byte[] encodeJoin(JoinRequest join) {
        Writer w = new Writer(256 + 160 * join.challenges().size() + join.credentials().length);
        w.u8(0x82); // domain tag: not a message type code
        key(w, join.key());
        w.bytes(join.nonceUnsafe());
        w.bytes(join.credentials());
        w.frames(join.challenges());
        return w.toArray();
    }

    /** Decodes a Join request's operation, as strictly as a frame. */
    public static JoinRequest decodeJoin(byte[] operation) throws CodecException {
        Reader r = new Reader(operation, 0, operation.length);
        if (operation.length == 0 || r.u8() != 0x82) {
            throw new CodecException(Reason.INVALID_FIELD, "not a Join operation");
        }
        PublicKeyRef key = key(r);
        byte[] nonce = nonce(r);
        byte[] credentials = credentials(r);
        List<Envelope<Challenge>> challenges = frames(r, Challenge.class, "challenges");
        if (challenges.size() > JoinRequest.CHALLENGES_MAX) {
            throw new CodecException(Reason.INVALID_FIELD, challenges.size() + " challenges");
        }
        if (r.remaining() != 0) {
            throw new CodecException(Reason.TRAILING_BYTES, r.remaining() + " bytes after a Join");
        }
        return new JoinRequest(key, nonce, credentials, challenges);
    }

    /** The result bytes of an accepted Join. */
    public static byte[] encodeJoinResult(JoinResult result) {
        Writer w = new Writer(64);
        w.u8(0x83);
        w.i64(result.clientId());
        w.bytes(result.identity().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return w.toArray();
    }

    public static JoinResult decodeJoinResult(byte[] bytes) throws CodecException {
        Reader r = new Reader(bytes, 0, bytes.length);
        if (bytes.length == 0 || r.u8() != 0x83) {
            throw new CodecException(Reason.INVALID_FIELD, "not a Join result");
        }
        JoinResult result = new JoinResult(r.i64(), new String(r.bytes("identity"),
                java.nio.charset.StandardCharsets.UTF_8));
        if (r.remaining() != 0) {
            throw new CodecException(Reason.TRAILING_BYTES, r.remaining() + " bytes after a Join result");
        }
        return result;
    }

    private static void key(Writer w, PublicKeyRef key) {
        w.u8(key.algorithm().ordinal());
        w.bytes(key.rawUnsafe());
    }

    private static PublicKeyRef key(Reader r) throws CodecException {
        int code = r.u8();
        PublicKeyRef.Algorithm[] all = PublicKeyRef.Algorithm.values();
        if (code >= all.length) {
            throw new CodecException(Reason.INVALID_FIELD, "unknown key algorithm " + code);
        }
        byte[] raw = r.bytes("key");
        if (raw.length != all[code].keyBytes) {
            throw new CodecException(Reason.INVALID_FIELD, all[code] + " key of " + raw.length + " bytes");
        }
        return new PublicKeyRef(all[code], raw);
    }

    private static byte[] nonce(Reader r) throws CodecException {
        byte[] nonce = r.bytes("nonce");
        if (nonce.length < Hello.NONCE_BYTES_MIN || nonce.length > Hello.NONCE_BYTES_MAX) {
            throw new CodecException(Reason.INVALID_FIELD, "nonce of " + nonce.length + " bytes");
        }
        return nonce;
    }

    private static byte[] credentials(Reader r) throws CodecException {
        byte[] credentials = r.bytes("credentials");
        if (credentials.length > Hello.CREDENTIALS_BYTES_MAX) {
            throw new CodecException(Reason.INVALID_FIELD, "credentials of " + credentials.length + " bytes");
        }
        return credentials;
    }

    /** One nested frame that must hold a message of {@code type}. */
    private static <M extends Message> Envelope<M> frame(Reader r, Class<M> type, String what) throws CodecException {
        int length = r.length(what);
        int start = r.position();
        r.skip(length);
        Envelope<?> inner = decodeFrame(r.array(), start, length);
        if (!type.isInstance(inner.message())) {
            throw new CodecException(Reason.INVALID_FIELD, what + " may only hold " + type.getSimpleName()
                    + ", got " + inner.type());
        }
        return inner.as(type);
    }

    /** A counted list of nested frames of one type. */
    private static <M extends Message> List<Envelope<M>> frames(Reader r, Class<M> type, String what)
            throws CodecException {
        int count = r.count(4, what);
        List<Envelope<M>> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(frame(r, type, what));
        }
        return out;
    }

    // ---------------------------------------------------------------- primitives

    /** Growable big-endian writer. */
    static final class Writer {
        private ByteBuffer buffer;

        Writer(int initialCapacity) {
            buffer = ByteBuffer.allocate(Math.max(16, initialCapacity));
        }

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

        void bool(boolean v) {
            u8(v ? 1 : 0);
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

        void bytes(byte[] data) {
            i32(data.length);
            ensure(data.length);
            buffer.put(data);
        }

        /** A counted list of nested frames. */
        void frames(List<? extends Envelope<?>> messages) {
            i32(messages.size());
            for (Envelope<?> m : messages) {
                bytes(encodeFrame(m));
            }
        }

        byte[] toArray() {
            byte[] out = new byte[buffer.position()];
            buffer.flip();
            buffer.get(out);
            return out;
        }
    }

    /** Bounds-checked big-endian reader over a slice. */
    static final class Reader {
        private final byte[] array;
        private final int end;
        private int position;

        Reader(byte[] array, int offset, int length) {
            this.array = array;
            this.position = offset;
            this.end = offset + length;
        }

        byte[] array() {
            return array;
        }

        int position() {
            return position;
        }

        int remaining() {
            return end - position;
        }

        private void need(int n, String what) throws CodecException {
            if (n > remaining()) {
                throw new CodecException(Reason.TRUNCATED, "frame ends inside " + what + " (needs " + n
                        + " bytes, " + remaining() + " left)");
            }
        }

        void skip(int n) throws CodecException {
            need(n, "skipped bytes");
            position += n;
        }

        int u8() throws CodecException {
            need(1, "a byte");
            return array[position++] & 0xff;
        }

        boolean bool(String field) throws CodecException {
            int v = u8();
            if (v > 1) {
                throw new CodecException(Reason.INVALID_FIELD, field + " must be 0 or 1, got " + v);
            }
            return v == 1;
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

        Digest digest() throws CodecException {
            return Digest.of(raw(Digest.BYTES, "a digest"));
        }

        byte[] raw(int n, String what) throws CodecException {
            need(n, what);
            byte[] out = new byte[n];
            System.arraycopy(array, position, out, 0, n);
            position += n;
            return out;
        }

        /** A length prefix that must fit in what remains. */
        int length(String what) throws CodecException {
            int n = i32();
            if (n < 0 || n > remaining()) {
                throw new CodecException(n < 0 ? Reason.INVALID_FIELD : Reason.TRUNCATED,
                        what + " claims " + (n & 0xffffffffL) + " bytes, " + remaining() + " left");
            }
            return n;
        }

        byte[] bytes(String what) throws CodecException {
            return raw(length(what), what);
        }

        /** An item count whose items (each at least {@code itemBytes}) must fit in what remains. */
        int count(int itemBytes, String what) throws CodecException {
            int n = i32();
            if (n < 0 || (long) n * itemBytes > remaining()) {
                throw new CodecException(n < 0 ? Reason.INVALID_FIELD : Reason.TRUNCATED,
                        what + ": count " + (n & 0xffffffffL) + " does not fit in " + remaining() + " bytes");
            }
            return n;
        }
    }
}
