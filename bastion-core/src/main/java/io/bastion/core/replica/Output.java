package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one step of the replica asks the runtime to do. The contract, which the runtime and the
 * simulator honour and the simulator checks:
 * <ol>
 *   <li>every entry in {@link #persist} is durable before any message in {@link #sends} leaves;</li>
 *   <li>{@link #executes} are handed to the executor in list order, after all earlier steps' ones;</li>
 *   <li>the state work ({@link #compareState}, {@link #installState}) is ordered with the executes:
 *       behind this step's and earlier steps' executes, in that order;</li>
 *   <li>the answers ({@link #resendReplies}, {@link #readOnly}, {@link #serveState}) run on the
 *       state as it stands after this step's executes, never before them; the runtime may run
 *       them after later ordered work and may drop them when too many wait (the asker
 *       retransmits).</li>
 * </ol>
 */
public final class Output {
    /** Destination for a message to every other replica. */
    public static final int BROADCAST = -1;

    /** One message to replica {@code to}, or to all others when {@code to == BROADCAST}. */
    public record Send(int to, Envelope<?> message) {}

    /**
     * A message to make durable; {@code seq} tells the storage when it may be discarded (once the
     * stable checkpoint passes it).
     */
    public record Persist(long seq, Envelope<?> message) {}

    /** Send the cached reply of (client, request number) again, signed in {@code view}. */
    public record ResendReply(long clientId, long requestNumber, int view) {}

    /** Answer a read-only request on the current state, without ordering; sign the reply in {@code view}. */
    public record ReadOnly(Envelope<Request> request, int view) {}

    /** Answer peer {@code peer} with the manifest (empty {@code chunks}) or chunks of checkpoint {@code seq}. */
    public record ServeState(int peer, long seq, List<Integer> chunks) {}

    /** Compare the manifest of checkpoint {@code seq} with the local state; report the missing chunks. */
    public record CompareState(long seq, List<Digest> leaves) {}

    /**
     * Replace the state by checkpoint {@code seq}: the chunks listed in {@code leaves}, of which
     * {@code fetched} arrived from peers (already checked against their leaf) and the rest are local.
     */
    public record InstallState(long seq, Digest root, List<Digest> leaves, Map<Integer, byte[]> fetched) {}

    public final List<Persist> persist = new ArrayList<>();
    public final List<Send> sends = new ArrayList<>();
    public final List<Execute> executes = new ArrayList<>();
    public final List<ResendReply> resendReplies = new ArrayList<>();
    public final List<ReadOnly> readOnly = new ArrayList<>();
    public final List<ServeState> serveState = new ArrayList<>();
    public final List<CompareState> compareState = new ArrayList<>();
    public final List<InstallState> installState = new ArrayList<>();
    /** Set when the log below this sequence number may be discarded from storage (0: nothing). */
    public long discardBelow;

    void broadcast(Envelope<?> message) {
        sends.add(new Send(BROADCAST, message));
    }

    void send(int to, Envelope<?> message) {
        sends.add(new Send(to, message));
    }

    void persist(long seq, Envelope<?> message) {
        persist.add(new Persist(seq, message));
    }

    public boolean isEmpty() {
        return persist.isEmpty() && sends.isEmpty() && executes.isEmpty() && resendReplies.isEmpty() && readOnly.isEmpty()
                && serveState.isEmpty() && compareState.isEmpty() && installState.isEmpty() && discardBelow == 0;
    }
}
