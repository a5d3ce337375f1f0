package io.bastion.sim;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.execution.ExecutionEngine;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Signed;
import io.bastion.core.replica.Event;
import io.bastion.core.replica.Execute;
import io.bastion.core.replica.Output;
import io.bastion.core.replica.Replica;
import io.bastion.core.service.CounterService;

import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * One simulated replica process: the production {@link Replica} core, an executor running the
 * counter service, a clock with a fixed offset from true time, and a record of what it made
 * durable (to check persist-before-send).
 */
public final class SimReplica {

    private final int id;
    private final Replica replica;
    private final ExecutionEngine engine;
    private final CounterService service = new CounterService();
    private final long clockOffsetMillis;
    private final Set<Signed<?>> durable = new HashSet<>();

    SimReplica(int id, ClusterConfig config, SplittableRandom random, long clockOffsetMillis) {
        this.id = id;
        this.replica = new Replica(id, config, SimulatedKeys.signer(id), random.split());
        this.engine = new ExecutionEngine(id, SimulatedKeys.signer(id), service);
        this.clockOffsetMillis = clockOffsetMillis;
    }

    public int id() {
        return id;
    }

    public Replica core() {
        return replica;
    }

    public CounterService service() {
        return service;
    }

    public ExecutionEngine engine() {
        return engine;
    }

    long clock(long trueMillis) {
        return trueMillis + clockOffsetMillis;
    }

    /** Whether this replica signed {@code message} itself (what it says must be durable first). */
    private boolean authoredHere(Signed<?> message) {
        return switch (message.message()) {
            case PrePrepare p -> replica.isPrimary() && p.view() == replica.view();
            case Prepare p -> p.replicaId() == id;
            case Commit c -> c.replicaId() == id;
            case Checkpoint c -> c.replicaId() == id;
            default -> false;
        };
    }

    /** Applies an event and carries out its output through {@code world}. */
    void step(Event event, Simulation world) {
        Output out = replica.step(event);
        replica.checkInvariants();
        durable.addAll(out.persist);
        for (Output.Send send : out.sends) {
            Signed<?> message = send.message();
            if (authoredHere(message) && !durable.contains(message)) {
                throw new IllegalStateException("persist-before-send: replica " + id + " sends " + message
                        + " it never made durable");
            }
            if (send.to() == Output.BROADCAST) {
                world.broadcastFromReplica(id, message);
            } else {
                world.send(id, send.to(), message);
            }
        }
        for (Execute execute : out.executes) {
            world.checker().onExecute(id, execute);
            ExecutionEngine.Result result = engine.execute(execute);
            for (Reply reply : result.replies()) {
                world.sendToClient(id, reply.clientId(), Signed.unsigned(reply));
            }
            world.scheduleExecuted(this, new Event.Executed(result.seq(), result.stateDigest()));
        }
        for (Output.ResendReply resend : out.resendReplies) {
            Reply cached = engine.cachedReply(resend.clientId(), resend.requestNumber());
            if (cached != null) {
                world.sendToClient(id, resend.clientId(), Signed.unsigned(cached));
            }
        }
    }
}
