package io.bastion.sim;

import io.bastion.core.session.SessionRequests;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.execution.ExecutionEngine;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Message;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.ViewChange;
import io.bastion.core.replica.Event;
import io.bastion.core.replica.Execute;
import io.bastion.core.replica.Output;
import io.bastion.core.replica.Recovery;
import io.bastion.core.replica.Replica;
import io.bastion.core.service.CounterService;
import io.bastion.core.service.Service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One simulated replica process: the production {@link Replica} core, an executor running the
 * counter service, a clock with a fixed offset from true time, and a simulated disk — the
 * protocol log and checkpoint snapshots, which survive {@link #crash()} while everything in
 * memory is lost. A Byzantine {@link Behaviour} may rewrite what it sends.
 *
 * <p>In a run of a {@link Workload} the executor runs that workload's {@link ReplicaService}
 * instead: a state machine durable by itself in the replica's own directory (an SQLite database,
 * say), which stays there when the replica crashes, is opened again at the restart, says where the
 * state stands (as {@code bastion replica} recovers), and is deleted by a wipe.
 *
 * <p>With threshold cryptography on ({@link ReplicaThreshold}), the executor runs the threshold
 * service around the counter, and after each executed batch (and now and then when idle) the
 * replica hands its own core the contributions its threshold agent wants ordered, as a client
 * request, the way the server's runtime does.
 */
public final class SimReplica {
    private final int id;
    private final ClusterConfig config;
    private final SplittableRandom random;
    private final long clockOffsetMillis;
    private final Behaviour behaviour;
    /** The correct replica a Byzantine one picks on (the same for colluders). */
    private final int victim;
    /** Pre-prepares this replica received lately, by seq (colluders derive the victim's batch from them). */
    private final TreeMap<Long, PrePrepare> heldPrePrepares = new TreeMap<>();
    private static final int HELD_PRE_PREPARES_MAX = 64;

    private Replica replica;
    /** What the executor runs: an {@link ExecutionEngine} around the counter, or the workload's state machine. */
    private StateMachine state;
    /** The counter, or {@code null} in a run of a workload. */
    private CounterService service;
    /** The workload's service and this replica's directory, or {@code null} for the counter. */
    private final ReplicaService custom;
    private final Path directory;
    private boolean crashed;
    /** Bumped at every crash: events scheduled for an earlier life are dropped. */
    private int incarnation;
    /** When this incarnation's executor finishes the last batch handed to it (virtual ms). */
    private long executorFreeAt;

    // the simulated disk
    private final List<Output.Persist> disk = new ArrayList<>();
    /** Checkpoint snapshots by seq; a state durable by itself keeps its own, and only their seqs are noted (empty). */
    private final TreeMap<Long, byte[]> snapshots = new TreeMap<>();
    private final Set<Envelope<?>> durable = new HashSet<>();
    private long restarts;
    private final List<Envelope<?>> sentHistory = new ArrayList<>();
    /** The threshold facility, or {@code null} when the run has none. */
    private final ReplicaThreshold threshold;

    /**
     * @param custom    the workload's service, or {@code null} to run the counter
     * @param directory the replica's directory for {@code custom}'s state, else {@code null}
     */
    SimReplica(int id, ClusterConfig config, SplittableRandom random, long clockOffsetMillis, Behaviour behaviour,
               int victim, ReplicaThreshold threshold, ReplicaService custom, Path directory) {
        this.victim = victim;
        this.threshold = threshold;
        this.id = id;
        this.config = config;
        this.random = random;
        this.clockOffsetMillis = clockOffsetMillis;
        this.behaviour = behaviour;
        this.custom = custom;
        this.directory = directory;
        if (custom == null) {
            boot(Recovery.fresh(), null);
        } else {
            bootCustom();
        }
    }

    private void boot(Recovery recovery, byte[] snapshot) {
        service = new CounterService();
        Service executed = threshold == null ? service : threshold.boot(service, SimulatedKeys.signer(id));
        ExecutionEngine engine = new ExecutionEngine(id, SimulatedKeys.signer(id), executed,
                config.settings().stateChunkBytes(), SessionRequests.of(config, SimulatedKeys.VERIFIER));
        if (snapshot != null) {
            engine.restore(recovery.snapshotSeq(), snapshot);
        }
        state = engine;
        replica = Replica.recover(id, config, SimulatedKeys.signer(id), random.split(), recovery);
    }

    /**
     * Boots the workload's state machine from what the directory holds and the core from where
     * that state stands and the protocol log, as the server's runtime recovers; returns that seq.
     */
    private long bootCustom() {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
        ReplicaService.Booted booted = custom.boot(new ReplicaService.Boot(id, config, SimulatedKeys.signer(id),
                SessionRequests.of(config, SimulatedKeys.VERIFIER), directory));
        if ((booted.ledger() != null) != (threshold != null)) {
            booted.stateMachine().close();
            throw new IllegalArgumentException(booted.ledger() != null
                    ? "the service keeps a threshold ledger: run it with threshold cryptography (withThreshold)"
                    : "threshold cryptography asked for, but the service keeps no threshold ledger");
        }
        if (threshold != null) {
            threshold.boot(booted.ledger(), SimulatedKeys.signer(id));
        }
        state = booted.stateMachine();
        StateMachine.Position position = state.position();
        Recovery recovery = new Recovery(position.seq(), position.checkpointDigest(), position.clientTable(),
                position.lastAgreedTime(), List.copyOf(disk));
        replica = Replica.recover(id, config, SimulatedKeys.signer(id), random.split(), recovery);
        return position.seq();
    }

    public int id() {
        return id;
    }

    public Replica core() {
        return replica;
    }

    /**
     * The counter the simulated clients work on (inside the threshold service when there is one),
     * or {@code null} in a run of a workload.
     */
    public CounterService service() {
        return service;
    }

    /** This replica's threshold facility, or {@code null} when the run has none. */
    public ReplicaThreshold threshold() {
        return threshold;
    }

    /** The executor's engine around the counter ({@code null} while crashed, and in a run of a workload). */
    public ExecutionEngine engine() {
        return state instanceof ExecutionEngine engine ? engine : null;
    }

    /** What the executor runs: the engine, or the workload's state machine ({@code null} while crashed). */
    public StateMachine stateMachine() {
        return state;
    }

    public boolean crashed() {
        return crashed;
    }

    public boolean byzantine() {
        return behaviour != Behaviour.HONEST;
    }

    public Behaviour behaviour() {
        return behaviour;
    }

    public long restarts() {
        return restarts;
    }

    int incarnation() {
        return incarnation;
    }

    long clock(long trueMillis) {
        return trueMillis + clockOffsetMillis;
    }

    /** Power cut: memory is gone, the disk stays. */
    void crash() {
        crashed = true;
        incarnation++;
        executorFreeAt = 0;
        replica = null;
        if (state != null) {
            state.close(); // a database's file stays, committed batch by batch; memory is gone
        }
        state = null;
        service = null;
        if (threshold != null) {
            threshold.crash();
        }
    }

    /** The disk is lost too (a crashed replica whose data directory is wiped). */
    void wipe() {
        disk.clear();
        snapshots.clear();
        durable.clear();
        if (directory != null) {
            deleteTree(directory);
        }
        if (threshold != null) {
            threshold.wipe();
        }
    }

    /** Boots again from the disk: the newest snapshot, then the protocol log. */
    void restart(Simulation world) {
        if (custom != null) {
            long seq = bootCustom();
            crashed = false;
            restarts++;
            world.checker().onRestart(id, seq);
            return;
        }
        Map.Entry<Long, byte[]> latest = snapshots.lastEntry();
        Recovery recovery;
        if (latest == null) {
            recovery = new Recovery(0, Digest.ZERO, Map.of(), 0, List.copyOf(disk));
            boot(recovery, null);
        } else {
            CounterService counter = new CounterService();
            Service probed = threshold == null ? counter : ReplicaThreshold.service(config.n(), config.f(), counter);
            ExecutionEngine probe = new ExecutionEngine(id, SimulatedKeys.signer(id), probed,
                    config.settings().stateChunkBytes(), SessionRequests.of(config, SimulatedKeys.VERIFIER));
            probe.restore(latest.getKey(), latest.getValue());
            recovery = new Recovery(latest.getKey(), probe.checkpointImage(latest.getKey()).root(), probe.clientTable(),
                    probe.lastAgreedTime(), List.copyOf(disk));
            boot(recovery, latest.getValue());
        }
        crashed = false;
        restarts++;
        world.checker().onRestart(id, recovery.snapshotSeq());
    }

    /** Whether this replica signed {@code message} itself (what it says must be durable first). */
    private boolean authoredHere(Envelope<?> message) {
        return switch (message.message()) {
            case PrePrepare p -> replica.isPrimary() && p.view() == replica.view();
            case Prepare p -> p.replicaId() == id;
            case Commit c -> c.replicaId() == id;
            case Checkpoint c -> c.replicaId() == id;
            case ViewChange v -> v.replicaId() == id;
            case NewView v -> config.quorums().primary(v.view()) == id;
            default -> false;
        };
    }

    /** Applies an event and carries out its output through {@code world}. */
    void step(Event event, Simulation world) {
        if (crashed) {
            return;
        }
        if (byzantine() && event instanceof Event.Received received && received.message().message() instanceof PrePrepare p) {
            heldPrePrepares.put(p.seq(), p);
            while (heldPrePrepares.size() > HELD_PRE_PREPARES_MAX) {
                heldPrePrepares.pollFirstEntry();
            }
        }
        if (event instanceof Event.Received received && received.message().message() instanceof Checkpoint c
                && c.replicaId() == id) {
            // its own checkpoint from before a wipe, back in a peer's stable proof: passing it on authors nothing
            durable.add(received.message());
        }
        Output out = replica.step(event);
        replica.checkInvariants();
        persist(out);
        for (Output.Send send : out.sends) {
            Envelope<?> message = send.message();
            if (authoredHere(message) && !durable.contains(message)) {
                throw new IllegalStateException("persist-before-send: replica " + id + " sends " + message
                        + " it never made durable");
            }
            for (int to = 0; to < config.n(); to++) {
                if (to != id && (send.to() == Output.BROADCAST || send.to() == to)) {
                    Behaviour.Context context = new Behaviour.Context(id, to, victim,
                            config.settings().clockSkewMaxMillis(), world.byzantineRandom(), sentHistory,
                            heldPrePrepares::get);
                    for (Envelope<?> sent : behaviour.rewrite(context, message)) {
                        world.send(id, to, sent);
                    }
                }
            }
        }
        execute(out, world);
        stateWork(out, world);
        if (threshold != null) {
            submitOwnRequests(world, !out.executes.isEmpty());
        }
    }

    /**
     * Hands this replica's core the threshold contributions due now, as the runtime does: each
     * enters as a client request one executor step later (lost if the replica crashes meanwhile).
     */
    private void submitOwnRequests(Simulation world, boolean afterBatch) {
        for (Envelope<Request> request : threshold.due(clock(world.now()), afterBatch)) {
            world.checker().onSent(request);
            world.scheduleFor(this, 1, new Event.OwnRequest(request));
        }
    }

    private void persist(Output out) {
        disk.addAll(out.persist);
        for (Output.Persist p : out.persist) {
            durable.add(p.message());
            if (p.message().message() instanceof NewView v) {
                durable.addAll(v.prePrepares()); // stored inside it: a restart re-installs them from there
            }
        }
        if (out.discardBelow > 0) {
            disk.removeIf(p -> p.seq() < out.discardBelow);
        }
    }

    /**
     * Virtual ms until the core hears {@code execute} executed: 1, or with a slow service
     * ({@link SimOptions#executionMillisPerRequest}) its requests' time after the batches before it.
     */
    private long executionDelay(Execute execute, Simulation world) {
        long perRequest = world.options().executionMillisPerRequest();
        long now = world.now();
        if (perRequest == 0) {
            return 1;
        }
        executorFreeAt = Math.max(now, executorFreeAt) + 1 + perRequest * execute.requests().size();
        return executorFreeAt - now;
    }

    private void execute(Output out, Simulation world) {
        for (Execute execute : out.executes) {
            StateMachine.Result result = state.execute(execute);
            if (!byzantine()) {
                java.util.Set<Checker.Key> refused = new java.util.HashSet<>();
                for (Reply reply : result.replies()) {
                    if (reply.status() == Reply.Status.REFUSED) {
                        refused.add(new Checker.Key(reply.clientId(), reply.requestNumber()));
                    }
                }
                world.checker().onExecute(id, execute, refused);
            }
            world.onSessionsOpened(result.opened());
            for (Reply reply : result.replies()) {
                world.sendToClient(id, reply.clientId(), Envelope.unsigned(behaviour.rewriteReply(reply)));
            }
            if (result.stateDigest() != null) {
                keepSnapshot(result.seq());
            }
            world.scheduleFor(this, executionDelay(execute, world), new Event.Executed(result.seq(),
                    result.stateDigest(), result.forgotten()));
        }
        for (Output.ResendReply resend : out.resendReplies) {
            Reply cached = state.cachedReply(resend.clientId(), resend.requestNumber(), resend.view());
            if (cached != null) {
                world.sendToClient(id, resend.clientId(), Envelope.unsigned(cached));
            }
        }
        for (Output.ReadOnly readOnly : out.readOnly) {
            Reply reply = state.query(readOnly.request(), readOnly.view());
            world.sendToClient(id, reply.clientId(), Envelope.unsigned(behaviour.rewriteReply(reply)));
        }
    }

    private void keepSnapshot(long seq) {
        snapshots.put(seq, state.selfDurable() ? new byte[0] : state.checkpointBytes(seq));
        while (snapshots.size() > 2) {
            snapshots.pollFirstEntry();
        }
    }

    /** What this replica serves a peer fetching state; a stale one serves an older checkpoint's, relabelled. */
    private List<Message> served(Output.ServeState serve) {
        if (behaviour == Behaviour.STALE_STATE) {
            for (long older : snapshots.headMap(serve.seq(), false).keySet()) {
                List<Message> stale = state.serve(older, serve.chunks());
                if (!stale.isEmpty()) {
                    return stale.stream().map(m -> relabel(m, serve.seq())).toList();
                }
            }
        }
        return state.serve(serve.seq(), serve.chunks());
    }

    private static Message relabel(Message m, long seq) {
        return switch (m) {
            case StateManifest manifest -> new StateManifest(manifest.replicaId(), seq, manifest.leaves());
            case StateChunk chunk -> new StateChunk(chunk.replicaId(), seq, chunk.index(), chunk.data());
            default -> m;
        };
    }

    private void stateWork(Output out, Simulation world) {
        for (Output.ServeState serve : out.serveState) {
            for (Message m : served(serve)) {
                world.send(id, serve.peer(), Envelope.unsigned(behaviour.rewriteState(m, world.byzantineRandom())));
            }
        }
        for (Output.CompareState compare : out.compareState) {
            world.scheduleFor(this, 1, new Event.LocalStateCompared(compare.seq(), state.missingChunks(compare.leaves())));
        }
        for (Output.InstallState install : out.installState) {
            StateMachine.Installed installed = state.install(install.seq(), install.leaves(), install.fetched());
            keepSnapshot(install.seq());
            if (!byzantine()) {
                world.checker().onInstall(id, install.seq(), install.root());
            }
            world.scheduleFor(this, 1,
                    new Event.StateInstalled(installed.seq(), installed.clientTable(), installed.lastAgreedTime()));
        }
    }

    /** Closes the state machine at the end of a run (its files stay). */
    void close() {
        if (state != null) {
            state.close();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot wipe " + root, e);
        }
    }
}
