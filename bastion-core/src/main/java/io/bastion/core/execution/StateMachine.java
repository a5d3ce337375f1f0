package io.bastion.core.execution;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Message;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.core.session.Session;

import java.util.List;
import java.util.Map;

/**
 * The replicated state a replica's executor drives: an in-memory {@link io.bastion.core.service.Service}
 * ({@link ExecutionEngine}) or an SQLite database ({@code SqlStateMachine}). It executes committed
 * batches in order and keeps, as part of the replicated state, every client's last reply (for
 * exactly-once) and the last agreed time. At checkpoints it reports a digest that every correct
 * replica computes alike, the Merkle root of the state's chunks, and it serves and installs those
 * chunks for state transfer.
 *
 * <p>Owned by one thread (the executor). Implementations are deterministic.
 */
public interface StateMachine extends AutoCloseable {
    /**
     * The outcome of one batch: signed replies; at checkpoints, the state digest; the sessions
     * the batch opened; and the client ids whose exactly-once entries it dropped (ended sessions,
     * answered Joins), which the replica forgets too.
     */
    record Result(long seq, List<Reply> replies, Digest stateDigest, List<Session> opened, List<Long> forgotten) {
        public Result {
            opened = List.copyOf(opened);
            forgotten = List.copyOf(forgotten);
        }

        public Result(long seq, List<Reply> replies, Digest stateDigest) {
            this(seq, replies, stateDigest, List.of(), List.of());
        }
    }

    /** What a state transfer installed: the exactly-once table and the agreed time of that state. */
    record Installed(long seq, Map<Long, Long> clientTable, long lastAgreedTime) {}

    /**
     * Where the state stands: the sequence number of the last batch in it, the digest when that
     * is a checkpoint (else {@code null}), the exactly-once table and the last agreed time.
     */
    record Position(long seq, Digest checkpointDigest, Map<Long, Long> clientTable, long lastAgreedTime) {}

    /** Executes batch {@code seq} (the one after {@link Position#seq()}); durable before it returns if the state is. */
    Result execute(Execute batch);

    /** The reply to (client, request number) signed again in {@code view}, or {@code null}. */
    Reply cachedReply(long clientId, long requestNumber, int view);

    /**
     * The reply a Join already got, signed again in {@code view} from the session table without
     * ordering it, or {@code null} when it must be ordered (see {@code SessionRequests.repeatJoin}).
     */
    Reply repeatJoin(Envelope<Request> join, int view);

    /** Answers a read-only request on the current state without changing it; signed in {@code view}. */
    Reply query(Envelope<Request> request, int view);

    Position position();

    /** The live sessions of dynamic clients, for the replica's edge to recognise their requests. */
    List<Session> liveSessions();

    /**
     * Whether the state survives a restart by itself (a database file). If not, the runtime
     * stores {@link #checkpointBytes} at every checkpoint and hands them to {@link #restore}.
     */
    boolean selfDurable();

    /** The canonical bytes of checkpoint {@code seq}, for a runtime that stores them. */
    byte[] checkpointBytes(long seq);

    /** Replaces the state by stored checkpoint bytes (not self-durable states only). */
    void restore(long seq, byte[] bytes);

    /** The manifest (empty {@code chunks}) or chunks of a kept checkpoint, as messages for a peer; empty if gone. */
    List<Message> serve(long seq, List<Integer> chunks);

    /**
     * The usual answer to a fetch of a kept checkpoint whose chunks have digests {@code leaves}:
     * the manifest when {@code chunks} is empty, else those chunks (indexes out of range are skipped).
     */
    static List<Message> serveChunks(int replicaId, long seq, List<Digest> leaves, List<Integer> chunks,
                                     java.util.function.IntFunction<byte[]> chunkAt) {
        if (chunks.isEmpty()) {
            return List.of(new io.bastion.core.message.StateManifest(replicaId, seq, leaves));
        }
        List<Message> out = new java.util.ArrayList<>();
        for (int index : chunks) {
            if (index >= 0 && index < leaves.size()) {
                out.add(new io.bastion.core.message.StateChunk(replicaId, seq, index, chunkAt.apply(index)));
            }
        }
        return out;
    }

    /** Indexes of the manifest's chunks this replica does not hold locally. */
    List<Integer> missingChunks(List<Digest> leaves);

    /** The usual {@link #missingChunks}: the indexes of the {@code leaves} that are not {@code held}, in order. */
    static List<Integer> missingFrom(List<Digest> leaves, java.util.function.Predicate<Digest> held) {
        List<Integer> missing = new java.util.ArrayList<>();
        for (int i = 0; i < leaves.size(); i++) {
            if (!held.test(leaves.get(i))) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** Replaces the state by checkpoint {@code seq}, assembled from fetched and local chunks; atomic. */
    Installed install(long seq, List<Digest> leaves, Map<Integer, byte[]> fetched);

    @Override
    default void close() {}
}
