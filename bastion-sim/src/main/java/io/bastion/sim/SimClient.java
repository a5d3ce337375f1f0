package io.bastion.sim;

import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.core.service.CounterService;

import java.util.SplittableRandom;

/**
 * A simulated client running the production {@link ClientCore}: it adds random amounts to the
 * replicated counter, one request at a time, with a random pause between requests.
 */
public final class SimClient {
    private final int node;
    private final ClientCore core;
    private final SplittableRandom random;
    private int remaining;
    private long completed;

    SimClient(int node, long clientId, ClusterConfig config, SplittableRandom random, int requests) {
        this.node = node;
        this.core = new ClientCore(clientId, config.quorums(), SimulatedKeys.signer(clientId),
                new ReplyAuthenticator(config, SimulatedKeys.VERIFIER), 1, 150, 2_000);
        this.random = random;
        this.remaining = requests;
    }

    public long clientId() {
        return core.clientId();
    }

    public int node() {
        return node;
    }

    public long completed() {
        return completed;
    }

    public boolean finished() {
        return remaining == 0 && !core.busy();
    }

    /** The outstanding request, for liveness reports. */
    Signed<Request> outstanding() {
        return core.current();
    }

    void startNext(Simulation world) {
        if (remaining == 0 || core.busy()) {
            return;
        }
        remaining--;
        Signed<Request> request = core.start(CounterService.add(1 + random.nextInt(100)), world.now());
        world.checker().onInvoke(request);
        world.broadcastFromClient(node, request);
    }

    void tick(Simulation world) {
        Signed<Request> again = core.onTick(world.now());
        if (again != null) {
            world.broadcastFromClient(node, again);
        }
    }

    void onReply(Reply reply, Simulation world) {
        Outcome outcome = core.onReply(reply);
        switch (outcome) {
            case null -> { }
            case Outcome.Done done -> {
                world.checker().onAccept(clientId(), done.requestNumber(), done.result());
                completed++;
                world.schedule(random.nextLong(0, 20), () -> startNext(world));
            }
            case Outcome.Conflict conflict -> throw new IllegalStateException(
                    "client " + clientId() + " saw conflicting replies " + conflict.groups());
        }
    }
}
