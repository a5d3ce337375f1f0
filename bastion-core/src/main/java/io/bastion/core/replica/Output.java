package io.bastion.core.replica;

import io.bastion.core.message.Message;
import io.bastion.core.message.Signed;

import java.util.ArrayList;
import java.util.List;

/**
 * What one step of the replica asks the runtime to do. The contract, which the runtime and the
 * simulator honour and the simulator checks:
 * <ol>
 *   <li>every message in {@link #persist} is durable before any message in {@link #sends} leaves;</li>
 *   <li>{@link #executes} are handed to the executor in list order, after all earlier steps' ones;</li>
 *   <li>{@link #resendReplies} go to the executor's queue after this step's executes.</li>
 * </ol>
 */
public final class Output {
    /** Destination for a message to every other replica. */
    public static final int BROADCAST = -1;

    /** One message to replica {@code to}, or to all others when {@code to == BROADCAST}. */
    public record Send(int to, Signed<?> message) {}

    /** Send the cached reply of (client, request number) again. */
    public record ResendReply(long clientId, long requestNumber) {}

    public final List<Signed<? extends Message>> persist = new ArrayList<>();
    public final List<Send> sends = new ArrayList<>();
    public final List<Execute> executes = new ArrayList<>();
    public final List<ResendReply> resendReplies = new ArrayList<>();
    /** Set when the log below this sequence number may be discarded from storage (0: nothing). */
    public long discardBelow;

    void broadcast(Signed<?> message) {
        sends.add(new Send(BROADCAST, message));
    }

    void send(int to, Signed<?> message) {
        sends.add(new Send(to, message));
    }

    public boolean isEmpty() {
        return persist.isEmpty() && sends.isEmpty() && executes.isEmpty() && resendReplies.isEmpty()
                && discardBelow == 0;
    }
}
