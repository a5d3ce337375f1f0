package io.bastion.core.execution;

import io.bastion.core.service.Authorization;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.SessionSettings;
import io.bastion.core.session.Sessions;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Message;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.util.Check;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs committed batches against an in-memory {@link Service}, by the {@link ExecutionRules} every
 * state machine follows, and keeps the replicated state around it: every client's last reply (the
 * other half of exactly-once), the session table and the last agreed time.
 *
 * <p>At checkpoints the whole state is serialized canonically and cut into chunks of
 * {@code chunkBytes}; the state digest is the Merkle root of the chunks, so a replica that
 * fetches the state can check every chunk on its own ({@link #serve}, {@link #missingChunks},
 * {@link #install}). The images of the last few checkpoints are kept for peers that fetch them.
 *
 * <p>Deterministic; owned by one thread (the replica's executor, or the simulator).
 */
public final class ExecutionEngine implements StateMachine {
    /** The state at a checkpoint: its canonical bytes cut into chunks, their leaves and root. */
    public record StateImage(long seq, byte[] bytes, List<Digest> leaves, Digest root, int chunkBytes) {
        public byte[] chunk(int index) {
            int from = index * chunkBytes;
            return Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkBytes));
        }
    }


    /** Checkpoint images kept for peers. */
    public static final int IMAGES_KEPT = 3;

    private final int replicaId;
    private final Service service;
    private final int chunkBytes;
    private final SessionRequests sessions;
    private final ExecutionRules rules;
    private final InMemory steps = new InMemory();
    private final TreeMap<Long, CachedReply> lastReplies = new TreeMap<>();
    private final TreeMap<Long, StateImage> images = new TreeMap<>();
    private long lastSeq;
    private long lastAgreedTime;

    public ExecutionEngine(int replicaId, Signer signer, Service service, int chunkBytes, SessionRequests sessions) {
        Check.argument(chunkBytes > 0, "chunk size must be positive");
        this.replicaId = replicaId;
        this.service = service;
        this.chunkBytes = chunkBytes;
        this.sessions = sessions;
        this.rules = new ExecutionRules(new ReplySigner(replicaId, signer), sessions, new SessionRequests.Hooks() {
            @Override
            public Authorization authorize(JoinRequest join, ServiceContext context) {
                return service.authorize(join.credentials(), join.key(), context);
            }

            @Override
            public void sessionEnded(Session session, Sessions.EndReason reason, ServiceContext context) {
                service.sessionEnded(session.clientId(), session.identity(), context);
            }
        });
    }

    @Override
    public Result execute(Execute batch) {
        ExecutionRules.Applied applied = rules.apply(batch, lastSeq, steps);
        lastSeq = batch.seq();
        lastAgreedTime = Math.max(lastAgreedTime, batch.timeMillis());
        Digest digest = batch.checkpoint() ? retain(image(batch.seq())).root() : null;
        return rules.result(applied, digest);
    }

    /** The service and the reply cache as the rules run them: in memory, nothing to fail but the service. */
    private final class InMemory implements ExecutionRules.Steps<RuntimeException> {
        @Override
        public CachedReply lastReply(long clientId) {
            return lastReplies.get(clientId);
        }

        @Override
        public byte[] execute(Request r, ServiceContext context) {
            return apply(r, context);
        }

        @Override
        public byte[] orderedRead(Request r, ServiceContext context) {
            return answer(r, context);
        }

        @Override
        public void cache(long clientId, CachedReply reply) {
            lastReplies.put(clientId, reply);
        }

        @Override
        public void forget(List<Long> clientIds) {
            clientIds.forEach(lastReplies::remove);
        }
    }

    /**
     * The reply to (client, request number) signed again in {@code view}, or {@code null} if that
     * is not the client's last executed request.
     */
    @Override
    public Reply cachedReply(long clientId, long requestNumber, int view) {
        return rules.cachedReply(clientId, requestNumber, lastReplies.get(clientId), view);
    }

    @Override
    public Reply query(Envelope<Request> request, int view) {
        return rules.query(request, view, lastAgreedTime, this::answer);
    }

    /**
     * The service's answer to an ordered operation. A runtime exception is a deterministic answer
     * like any other (every replica runs the same code on the same state): the client gets
     * {@code error: <exception>: <message>} and the batch goes on, instead of every replica
     * stopping at this request, again at every restart.
     */
    private byte[] apply(Request r, ServiceContext context) {
        try {
            return service.execute(r.operationUnsafe(), context);
        } catch (RuntimeException e) {
            return ("error: " + e.getClass().getSimpleName() + ": " + e.getMessage())
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The service's read-only answer, or the error it threw. */
    private byte[] answer(Request r, ServiceContext context) {
        try {
            return service.query(r.operationUnsafe(), context);
        } catch (RuntimeException e) {
            return ("error: " + e.getMessage()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Override
    public Reply repeatJoin(Envelope<Request> join, int view) {
        return rules.repeatJoin(join, view);
    }

    @Override
    public List<Session> liveSessions() {
        return rules.liveSessions();
    }

    @Override
    public Position position() {
        StateImage image = images.get(lastSeq);
        return new Position(lastSeq, image == null ? null : image.root(), clientTable(), lastAgreedTime);
    }

    @Override
    public boolean selfDurable() {
        return false;
    }

    @Override
    public byte[] checkpointBytes(long seq) {
        StateImage image = images.get(seq);
        Check.argument(image != null, "checkpoint " + seq + " is not kept");
        return image.bytes();
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long lastAgreedTime() {
        return lastAgreedTime;
    }

    /** Every registered client's last executed request number (sessions keep theirs here, out of the replica's table). */
    public Map<Long, Long> clientTable() {
        Map<Long, Long> table = new HashMap<>();
        lastReplies.forEach((client, reply) -> {
            if (SessionSettings.isStatic(client)) {
                table.put(client, reply.requestNumber());
            }
        });
        return table;
    }

    // ------------------------------------------------------------------ the state as bytes

    /**
     * The canonical bytes of the whole replicated state: agreed time, every client's last reply
     * (by client id), the session table, then the service's snapshot. Equal states give equal bytes.
     */
    public byte[] stateBytes() {
        byte[] snapshot = service.snapshot();
        byte[] sessionBytes = sessions.sessions().toBytes();
        int size = 8 + 4 + 4 + sessionBytes.length + 4 + snapshot.length;
        for (CachedReply r : lastReplies.values()) {
            size += 8 + 8 + 8 + 1 + 4 + r.result().length;
        }
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(lastAgreedTime).putInt(lastReplies.size());
        lastReplies.forEach((client, r) -> b.putLong(client).putLong(r.seq()).putLong(r.requestNumber())
                .put((byte) r.status().ordinal()).putInt(r.result().length).put(r.result()));
        b.putInt(sessionBytes.length).put(sessionBytes);
        b.putInt(snapshot.length).put(snapshot);
        return b.array();
    }

    /** Replaces the whole state by {@code bytes} (from {@link #stateBytes}) at checkpoint {@code seq}. */
    @Override
    public void restore(long seq, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            long time = b.getLong();
            int count = b.getInt();
            TreeMap<Long, CachedReply> replies = new TreeMap<>();
            for (int i = 0; i < count; i++) {
                long client = b.getLong();
                long replySeq = b.getLong();
                long number = b.getLong();
                Reply.Status status = Reply.Status.values()[b.get()];
                byte[] result = new byte[b.getInt()];
                b.get(result);
                replies.put(client, new CachedReply(replySeq, number, status, result));
            }
            byte[] sessionBytes = new byte[b.getInt()];
            b.get(sessionBytes);
            byte[] snapshot = new byte[b.getInt()];
            b.get(snapshot);
            Check.argument(!b.hasRemaining(), "trailing bytes after the state");
            sessions.sessions().readFrom(ByteBuffer.wrap(sessionBytes));
            service.restore(snapshot);
            lastReplies.clear();
            lastReplies.putAll(replies);
            lastAgreedTime = time;
            lastSeq = seq;
            images.clear();
            retain(image(seq));
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a state image: " + e, e);
        }
    }

    private StateImage image(long seq) {
        byte[] bytes = stateBytes();
        List<Digest> leaves = new ArrayList<>();
        for (int from = 0; from == 0 || from < bytes.length; from += chunkBytes) {
            leaves.add(MerkleTree.leafHash(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunkBytes))));
        }
        return new StateImage(seq, bytes, leaves, MerkleTree.of(leaves).root(), chunkBytes);
    }

    private StateImage retain(StateImage image) {
        images.put(image.seq(), image);
        while (images.size() > IMAGES_KEPT) {
            images.pollFirstEntry();
        }
        return image;
    }

    /** The image of checkpoint {@code seq} if it is still kept. */
    public StateImage checkpointImage(long seq) {
        return images.get(seq);
    }

    // ------------------------------------------------------------------ state transfer

    /**
     * The answer to a peer's fetch of checkpoint {@code seq}: the manifest when {@code chunks} is
     * empty, else those chunks; nothing if that checkpoint's image is gone.
     */
    @Override
    public List<Message> serve(long seq, List<Integer> chunks) {
        StateImage image = images.get(seq);
        return image == null ? List.of() : StateMachine.serveChunks(replicaId, seq, image.leaves(), chunks, image::chunk);
    }

    /** Indexes of the manifest's chunks that no local image holds (those must be fetched). */
    @Override
    public List<Integer> missingChunks(List<Digest> leaves) {
        return StateMachine.missingFrom(leaves, localChunks()::containsKey);
    }

    private Map<Digest, byte[]> localChunks() {
        Map<Digest, byte[]> local = new HashMap<>();
        StateImage current = image(lastSeq);
        for (StateImage image : List.of(current)) {
            for (int i = 0; i < image.leaves().size(); i++) {
                local.putIfAbsent(image.leaves().get(i), image.chunk(i));
            }
        }
        for (StateImage image : images.values()) {
            for (int i = 0; i < image.leaves().size(); i++) {
                local.putIfAbsent(image.leaves().get(i), image.chunk(i));
            }
        }
        return local;
    }

    /**
     * Replaces the state by checkpoint {@code seq}: fetched chunks (already checked against their
     * leaves) and local ones with the same digests, in manifest order.
     */
    @Override
    public Installed install(long seq, List<Digest> leaves, Map<Integer, byte[]> fetched) {
        Map<Digest, byte[]> local = localChunks();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < leaves.size(); i++) {
            byte[] chunk = fetched.containsKey(i) ? fetched.get(i) : local.get(leaves.get(i));
            Check.that(chunk != null, "chunk %d of checkpoint %d neither fetched nor local", i, seq);
            Check.that(MerkleTree.leafHash(chunk).equals(leaves.get(i)), "chunk %d does not match its leaf", i);
            bytes.writeBytes(chunk);
        }
        restore(seq, bytes.toByteArray());
        return new Installed(seq, clientTable(), lastAgreedTime);
    }
}
