package io.bastion.sim;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Request;

import java.util.function.Consumer;

/**
 * A {@link ClientProgram}'s way into the simulated network, from its own node: the messages it
 * sends cross the simulated wire (loss, delay, duplication, partitions), and every request it sends
 * counts as sent by a client, so that executing it is valid. Owned by the simulation thread.
 */
public final class ClientLink {
    private final Simulation world;
    private final int node;
    private final ClientProgram program;

    ClientLink(Simulation world, int node, ClientProgram program) {
        this.world = world;
        this.node = node;
        this.program = program;
    }

    /** The simulated network's node of this program (replicas are 0..n-1). */
    public int node() {
        return node;
    }

    /** Virtual time, epoch milliseconds (the run starts at {@link Simulation#EPOCH_MILLIS}). */
    public long nowMillis() {
        return world.now();
    }

    public ClusterConfig config() {
        return world.config();
    }

    /** Sends {@code request} to every replica. */
    public void broadcast(Envelope<Request> request) {
        world.checker().onSent(request);
        world.broadcastFromClient(node, request);
    }

    /** Sends {@code request} to replica {@code replica} only. */
    public void send(int replica, Envelope<Request> request) {
        world.checker().onSent(request);
        world.sendFromClient(node, replica, request);
    }

    /**
     * Sends a Hello to every replica; each replica that gets it answers a challenge, handed to
     * {@code onChallenge} unchecked (a Byzantine replica's is signed with a wrong key).
     */
    public void hello(Envelope<Hello> hello, Consumer<Envelope<Challenge>> onChallenge) {
        world.hello(node, hello, onChallenge);
    }

    /** Replies to {@code clientId} (a registered id, a session's, or a Join's provisional one) come to this program. */
    public void route(long clientId) {
        world.route(clientId, node, program);
    }
}
