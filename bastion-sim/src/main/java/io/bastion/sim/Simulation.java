package io.bastion.sim;

import io.bastion.core.message.Challenge;
import io.bastion.core.message.Hello;
import io.bastion.core.session.Session;

import io.bastion.core.auth.MessageAuthenticator;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Event;
import io.bastion.threshold.FaultyThresholdAgent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A whole cluster — every replica core, its executor, and the clients — on one thread and a
 * virtual clock. Every random choice (network delays, losses, duplicates, clock offsets, client
 * think times, batch seeds) comes from one seeded generator, so a seed replays the identical run.
 * The {@link Checker} checks safety after every event; {@link #run()} also checks that every
 * request completes once the network is reliable again. With threshold cryptography on
 * ({@link SimOptions#withThreshold}) the replicas run it and a {@link ThresholdClient} uses it;
 * {@link #checkThreshold()} checks the outcome after the run.
 *
 * <p>A {@link Workload} replaces the counter: its service runs at every replica (durable in a
 * directory of its own, through crashes and restarts) and its {@link ClientProgram}s are the
 * clients; with threshold cryptography on, the replicas run their agents for that service and no
 * threshold client runs. {@link #close()} closes the replicas' state machines.
 */
public final class Simulation implements AutoCloseable {
    /** Virtual time starts here (2026-01-01T00:00:00Z) so agreed times look like real ones. */
    public static final long EPOCH_MILLIS = 1_767_225_600_000L;
    /** Replica and client tick period. */
    public static final long TICK_MILLIS = 10;
    /** Client ids start here. */
    public static final long FIRST_CLIENT_ID = 1_000;

    private record Scheduled(long time, long order, Runnable action) {}

    private final SimOptions options;
    private final long seed;
    private final SplittableRandom random;
    private final SplittableRandom network;
    private final SplittableRandom faults;
    private final SplittableRandom byzantineRandom;
    /** Partition group of every node (replicas and clients); messages cross groups not at all. */
    private final int[] group;
    private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
            (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.order, b.order));
    private final ClusterConfig config;
    /**
     * Each replica's edge: which key must have signed what (as in a replica process), and that
     * replica's own tags (MAC client mode).
     */
    private final MessageAuthenticator[] edges;
    private final SimulatedMacs macs;
    private long taggedRequestsAccepted;
    /** Keys of every session any replica opened (ids are never reused, so they never change). */
    private final Map<Long, io.bastion.core.crypto.PublicKeyRef> sessionKeys = new HashMap<>();
    private final Map<Long, SimClient> routes = new HashMap<>();
    /** A client program, where it sits on the network. */
    private record Program(int node, ClientProgram program) {}
    /** Where replies to the programs' client ids go. */
    private final Map<Long, Program> programRoutes = new HashMap<>();
    /** The workload in place of the counter, or {@code null}. */
    private final Workload workload;
    private final List<Program> programs = new ArrayList<>();
    private final SimReplica[] replicas;
    private final SimClient[] clients;
    /** The client that uses the replicas' threshold cryptography, or {@code null} when the run has none. */
    private final ThresholdClient thresholdClient;
    private final Checker checker = new Checker();
    private NetworkFilter filter = NetworkFilter.ALL;
    /** Requests clients sent lately, for replaying clients. */
    private static final int RECENT_REQUESTS_MAX = 1_000;
    private final List<Envelope<Request>> recentRequests = new ArrayList<>();
    private long requestsSent;
    private long now = EPOCH_MILLIS;
    private long order;
    private long events;
    private long messagesSent;
    private long messagesDropped;

    public Simulation(SimOptions options, long seed) {
        this(options, seed, Map.of());
    }

    /**
     * A run where {@code behaviours} fixes how some replicas behave (scenario tests); the others
     * are chosen from the seed as usual.
     */
    public Simulation(SimOptions options, long seed, Map<Integer, Behaviour> behaviours) {
        this(options, seed, behaviours, Map.of());
    }

    /**
     * A run where, besides {@code behaviours}, {@code clockOffsets} fixes how far some replicas'
     * clocks are from true time (milliseconds); the others get a random offset within the options'
     * skew as usual.
     */
    public Simulation(SimOptions options, long seed, Map<Integer, Behaviour> behaviours,
                      Map<Integer, Long> clockOffsets) {
        this(options, seed, behaviours, clockOffsets, null);
    }

    /**
     * A run of {@code workload} (its service at every replica, its programs as the clients), with
     * {@code behaviours} and {@code clockOffsets} as above; {@code null} runs the counter.
     */
    public Simulation(SimOptions options, long seed, Map<Integer, Behaviour> behaviours,
                      Map<Integer, Long> clockOffsets, Workload workload) {
        if (workload != null) {
            workload.check(options);
        }
        this.workload = workload;
        this.options = options;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.network = random.split();
        this.faults = random.split();
        this.byzantineRandom = random.split();
        int n = 3 * options.f() + 1;
        int clientCount = options.clients() + options.faultyClients();
        boolean thresholdClientRuns = options.threshold() && workload == null;
        int programCount = workload == null ? 0 : workload.programs().size();
        this.group = new int[n + clientCount + (thresholdClientRuns ? 1 : 0) + programCount];
        List<ReplicaInfo> replicaInfos = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            replicaInfos.add(new ReplicaInfo(i, "sim", 1 + i, 1 + n + i, 0, SimulatedKeys.publicKey(i)));
        }
        List<ClientInfo> clientInfos = new ArrayList<>();
        for (int c = 0; c < clientCount; c++) {
            clientInfos.add(new ClientInfo(FIRST_CLIENT_ID + c, SimulatedKeys.publicKey(FIRST_CLIENT_ID + c)));
        }
        long thresholdClientId = FIRST_CLIENT_ID + clientCount;
        if (thresholdClientRuns) {
            clientInfos.add(new ClientInfo(thresholdClientId, SimulatedKeys.publicKey(thresholdClientId)));
        }
        this.config = new ClusterConfig(options.f(), replicaInfos, clientInfos, options.settings());
        Map<Long, io.bastion.core.crypto.PublicKeyRef> clientKeys = config.clientKeys();
        this.macs = new SimulatedMacs(n);
        this.edges = new MessageAuthenticator[n];
        for (int i = 0; i < n; i++) {
            edges[i] = new MessageAuthenticator(config,
                    id -> clientKeys.containsKey(id) ? clientKeys.get(id) : sessionKeys.get(id), SimulatedKeys.VERIFIER,
                    i, macs.keysOf(i));
        }
        this.replicas = new SimReplica[n];
        Behaviour[] chosen = chooseBehaviours(n);
        behaviours.forEach((replica, behaviour) -> chosen[replica] = behaviour);
        int firstHonest = 0;
        while (firstHonest < n - 1 && chosen[firstHonest] != Behaviour.HONEST) {
            firstHonest++;
        }
        for (int i = 0; i < n; i++) {
            long offset = options.clockSkewMillis() == 0 ? 0
                    : random.nextLong(-options.clockSkewMillis(), options.clockSkewMillis() + 1);
            offset = clockOffsets.getOrDefault(i, offset);
            // colluders pick on the same correct replica; a lone faulty one on its lowest-id peer
            int victim = options.collude() ? firstHonest : (i == 0 ? 1 : 0);
            ReplicaThreshold threshold = !options.threshold() ? null
                    : new ReplicaThreshold(i, n, options.f(), seed, thresholdFault(i, chosen[i]), victim);
            replicas[i] = new SimReplica(i, config, random.split(), offset, chosen[i], victim, threshold,
                    workload == null ? null : workload.service(),
                    workload == null ? null : workload.directory().resolve("r" + i));
        }
        this.clients = new SimClient[clientCount];
        for (int c = 0; c < options.clients(); c++) {
            clients[c] = new SimClient(n + c, FIRST_CLIENT_ID + c, config, random.split(),
                    options.requestsPerClient(), c >= options.clients() - options.dynamicClients(), ClientBehaviour.HONEST,
                    options.macClients() ? macs : null);
        }
        for (int c = options.clients(); c < clientCount; c++) {
            ClientBehaviour attack = options.attack() != null ? options.attack()
                    : ClientBehaviour.FAULTY.get(faults.nextInt(ClientBehaviour.FAULTY.size()));
            clients[c] = new SimClient(n + c, FIRST_CLIENT_ID + c, config, random.split(),
                    options.requestsPerClient(), false, attack, attack == ClientBehaviour.BAD_TAGS ? macs : null);
        }
        for (SimClient c : clients) {
            if (c.usesMacs()) {
                for (int i = 0; i < n; i++) {
                    macs.establish(c.clientId(), i);
                }
            }
        }
        for (SimReplica r : replicas) {
            scheduleTick(r, random.nextLong(TICK_MILLIS));
        }
        for (SimClient c : clients) {
            scheduleClientTick(c, random.nextLong(TICK_MILLIS));
            schedule(random.nextLong(50), () -> c.startNext(this));
        }
        this.thresholdClient = thresholdClientRuns
                ? new ThresholdClient(n + clientCount, thresholdClientId, config, seed) : null;
        if (thresholdClient != null) {
            scheduleThresholdClientTick(TICK_MILLIS);
        }
        for (int p = 0; p < programCount; p++) {
            Program program = new Program(n + clientCount + (thresholdClientRuns ? 1 : 0) + p,
                    workload.programs().get(p));
            programs.add(program);
            ClientLink link = new ClientLink(this, program.node(), program.program());
            schedule(random.nextLong(50), () -> {
                program.program().start(link);
                scheduleProgramTick(program.program(), TICK_MILLIS);
            });
        }
        if (options.crashes()) {
            scheduleCrashes();
        }
        if (options.partitions()) {
            schedulePartitions();
        }
    }

    private Behaviour[] chooseBehaviours(int n) {
        Behaviour[] behaviours = new Behaviour[n];
        java.util.Arrays.fill(behaviours, Behaviour.HONEST);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(i);
        }
        Behaviour shared = null;
        for (int b = 0; b < options.byzantine(); b++) {
            int chosen = ids.remove(faults.nextInt(ids.size()));
            Behaviour own = Behaviour.BYZANTINE.get(faults.nextInt(Behaviour.BYZANTINE.size()));
            shared = shared == null ? own : shared;
            behaviours[chosen] = options.collude() ? shared : own;
        }
        return behaviours;
    }

    /**
     * How replica {@code id}'s threshold agent misbehaves: not at all on an honest replica; on a
     * Byzantine one as the options say, or else as its own generator (from the seed and the
     * replica, apart from the run's other choices) picks.
     */
    private FaultyThresholdAgent.Fault thresholdFault(int id, Behaviour behaviour) {
        if (behaviour == Behaviour.HONEST) {
            return null;
        }
        if (options.thresholdFault() != null) {
            return options.thresholdFault();
        }
        FaultyThresholdAgent.Fault[] faults = FaultyThresholdAgent.Fault.values();
        return faults[new SplittableRandom(seed * 31 + id).nextInt(faults.length)];
    }

    /** Honest replicas lose power now and then and come back from their disks before the faults end. */
    private void scheduleCrashes() {
        long t = faults.nextLong(200, 1_500);
        while (t < options.faultyMillis() - 200) {
            int victim = faults.nextInt(replicas.length);
            long down = faults.nextLong(50, Math.min(2_000, options.faultyMillis() - t));
            long at = t;
            schedule(at, () -> crash(victim));
            schedule(at + down, () -> restart(victim));
            t += faults.nextLong(300, 2_500);
        }
    }

    /** The network splits into two sides for a while, now and then. */
    private void schedulePartitions() {
        long t = faults.nextLong(500, 2_000);
        while (t < options.faultyMillis() - 200) {
            int[] sides = new int[group.length];
            for (int node = 0; node < sides.length; node++) {
                sides[node] = faults.nextInt(4) == 0 ? 1 : 0;
            }
            long length = faults.nextLong(100, Math.min(3_000, options.faultyMillis() - t));
            schedule(t, () -> System.arraycopy(sides, 0, group, 0, group.length));
            schedule(t + length, () -> java.util.Arrays.fill(group, 0));
            t += length + faults.nextLong(200, 2_000);
        }
    }

    /** Crashes replica {@code id} now (scenario tests). */
    public void crashReplica(int id) {
        replicas[id].crash();
        macs.forget(id);
    }

    /** Wipes a crashed replica's disk now (scenario tests): it restarts from nothing and fetches the state. */
    public void wipeReplica(int id) {
        if (!replicas[id].crashed()) {
            throw new IllegalStateException("replica " + id + " must be crashed before its disk is wiped");
        }
        replicas[id].wipe();
    }

    /** Restarts a crashed replica from its disk now (scenario tests). */
    public void restartReplica(int id) {
        restart(id);
    }

    private void crash(int id) {
        SimReplica r = replicas[id];
        if (!r.crashed() && !r.byzantine()) {
            r.crash();
            macs.forget(id);
        }
    }

    private void restart(int id) {
        SimReplica r = replicas[id];
        if (r.crashed()) {
            r.restart(this);
            scheduleTick(r, TICK_MILLIS);
            reestablishKeys(id);
        }
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs until every client finished its requests. Throws {@link SimulationFailure} if a
     * property breaks, or if requests are still incomplete {@code livenessMillis} after the
     * faulty period ended.
     */
    public SimResult run() {
        long deadline = EPOCH_MILLIS + options.faultyMillis() + options.livenessMillis();
        boolean done = runUntil(this::allClientsFinished, deadline - now);
        if (!done) {
            throw failure("liveness: " + describeStuck(), null);
        }
        if (thresholdClient != null) {
            checkThreshold();
        }
        return result();
    }

    /** Processes events until {@code condition} holds (true) or {@code maxMillis} pass (false). */
    public boolean runUntil(BooleanSupplier condition, long maxMillis) {
        long deadline = now + maxMillis;
        try {
            while (!condition.getAsBoolean()) {
                Scheduled next = queue.peek();
                if (next == null || next.time > deadline) {
                    now = Math.max(now, deadline);
                    return condition.getAsBoolean();
                }
                queue.poll();
                now = next.time;
                events++;
                next.action.run();
            }
            return true;
        } catch (SimulationFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(e.getMessage() + " [" + cast() + "]", e);
        }
    }

    /**
     * Whether every honest client finished its requests (faulty clients are not held to it), the
     * threshold client included.
     */
    public boolean allClientsFinished() {
        for (SimClient c : clients) {
            if (c.honest() && !c.finished()) {
                return false;
            }
        }
        for (Program p : programs) {
            if (!p.program().finished()) {
                return false;
            }
        }
        return thresholdClient == null || thresholdClient.finished();
    }

    private String describeStuck() {
        StringBuilder s = new StringBuilder();
        for (SimClient c : clients) {
            if (c.honest() && !c.finished()) {
                s.append("client ").append(c.clientId()).append(" stuck on ").append(c.outstanding()).append("; ");
            }
        }
        if (thresholdClient != null && !thresholdClient.finished()) {
            s.append(thresholdClient.describe()).append("; ");
        }
        for (Program p : programs) {
            if (!p.program().finished()) {
                s.append(p.program().describe()).append("; ");
            }
        }
        for (SimReplica r : replicas) {
            if (r.crashed()) {
                s.append("replica ").append(r.id()).append(" crashed; ");
            } else {
                s.append(r.behaviour()).append(' ').append(r.core()).append(' ').append(r.core().describeLog())
                        .append(r.core().describeCheckpoints()).append("; ");
            }
        }
        return s.toString();
    }

    /** Who misbehaves in this run, for failure reports: faulty replicas and clients. */
    private String cast() {
        List<String> cast = new ArrayList<>();
        for (SimReplica r : replicas) {
            if (r.byzantine()) {
                cast.add("R" + r.id() + " " + r.behaviour());
            }
        }
        for (SimClient c : clients) {
            if (!c.honest()) {
                cast.add("client node " + c.node() + " " + c.behaviour());
            }
        }
        return cast.isEmpty() ? "all honest" : String.join(", ", cast);
    }

    /**
     * A failure of this run now, saying how to replay it: {@code bastion sim} with the options'
     * flags, or the workload's own command.
     */
    public SimulationFailure failure(String problem, Throwable cause) {
        return workload == null ? new SimulationFailure(seed, options.flags(), now - EPOCH_MILLIS, problem, cause)
                : SimulationFailure.replayedBy(seed, workload.replay().apply(seed), now - EPOCH_MILLIS, problem, cause);
    }

    public SimResult result() {
        long[] executed = new long[replicas.length];
        for (int i = 0; i < replicas.length; i++) {
            executed[i] = replicas[i].crashed() ? -1 : replicas[i].core().lastDelivered();
        }
        return new SimResult(seed, now - EPOCH_MILLIS, events, checker.accepted(), checker.agreedUpTo(),
                messagesSent, messagesDropped, executed);
    }

    // ------------------------------------------------------------------ scheduling and network

    long now() {
        return now;
    }

    /** Requests from clients that a replica's edge accepted on their tag alone (MAC client mode). */
    long taggedRequestsAccepted() {
        return taggedRequestsAccepted;
    }

    /** MAC client mode's simulated keys (scenario tests tag requests with them). */
    SimulatedMacs macs() {
        return macs;
    }

    Checker checker() {
        return checker;
    }

    void schedule(long delayMillis, Runnable action) {
        queue.add(new Scheduled(now + delayMillis, order++, action));
    }

    private void scheduleTick(SimReplica r, long delay) {
        int life = r.incarnation();
        schedule(delay, () -> {
            if (r.incarnation() == life && !r.crashed()) {
                r.step(new Event.Tick(r.clock(now)), this);
                scheduleTick(r, TICK_MILLIS);
            }
        });
    }

    private void scheduleThresholdClientTick(long delay) {
        schedule(delay, () -> {
            thresholdClient.tick(this);
            if (!thresholdClient.finished()) {
                scheduleThresholdClientTick(TICK_MILLIS);
            }
        });
    }

    private void scheduleProgramTick(ClientProgram program, long delay) {
        schedule(delay, () -> {
            if (!program.finished()) {
                program.tick();
                scheduleProgramTick(program, TICK_MILLIS);
            }
        });
    }

    private void scheduleClientTick(SimClient c, long delay) {
        schedule(delay, () -> {
            c.tick(this);
            if (!c.finished() || !c.honest() && !allClientsFinished()) {
                scheduleClientTick(c, TICK_MILLIS);
            }
        });
    }

    /** An event for replica {@code r} from its own executor; lost if the replica crashes meanwhile. */
    void scheduleFor(SimReplica r, long delay, Event event) {
        int life = r.incarnation();
        schedule(delay, () -> {
            if (r.incarnation() == life) {
                r.step(event, this);
            }
        });
    }

    SplittableRandom byzantineRandom() {
        return byzantineRandom;
    }

    private boolean faulty() {
        return now - EPOCH_MILLIS < options.faultyMillis();
    }

    /** Puts a message on the simulated wire from node to node, with delay, loss and duplication. */
    private void transmit(int fromNode, int toNode, Envelope<?> message, Runnable deliver) {
        messagesSent++;
        if (!filter.delivers(fromNode, toNode, message) || group[fromNode] != group[toNode]) {
            messagesDropped++;
            return;
        }
        if (faulty() && network.nextDouble() < options.dropRate()) {
            messagesDropped++;
            return;
        }
        int copies = faulty() && network.nextDouble() < options.duplicateRate() ? 2 : 1;
        long slowness = fromNode < replicas.length && replicas[fromNode].behaviour() == Behaviour.SLOW
                ? 2 * options.settings().requestTimeoutMillis() : 0;
        for (int i = 0; i < copies; i++) {
            schedule(slowness + network.nextLong(options.latencyMinMillis(), options.latencyMaxMillis() + 1), deliver);
        }
    }

    void send(int fromReplica, int toReplica, Envelope<?> message) {
        transmit(fromReplica, toReplica, message, () -> deliverToReplica(fromReplica, toReplica, message));
    }

    void broadcastFromReplica(int fromReplica, Envelope<?> message) {
        for (int to = 0; to < replicas.length; to++) {
            if (to != fromReplica) {
                send(fromReplica, to, message);
            }
        }
    }

    void broadcastFromClient(int clientNode, Envelope<?> message) {
        for (int to = 0; to < replicas.length; to++) {
            sendFromClient(clientNode, to, message);
        }
    }

    void sendFromClient(int clientNode, int replica, Envelope<?> message) {
        if (message.message() instanceof Request && recentRequests.size() < RECENT_REQUESTS_MAX) {
            recentRequests.add(message.as(Request.class));
        } else if (message.message() instanceof Request) {
            recentRequests.set((int) (requestsSent % RECENT_REQUESTS_MAX), message.as(Request.class));
        }
        requestsSent++;
        transmit(clientNode, replica, message, () -> deliverToReplica(MessageAuthenticator.FROM_CLIENT, replica, message));
    }

    /** A request some client sent earlier, for a replaying client (null before any). */
    Envelope<Request> recentRequest(SplittableRandom chooser) {
        return recentRequests.isEmpty() ? null : recentRequests.get(chooser.nextInt(recentRequests.size()));
    }

    /** Whether replica {@code id} is up and believes itself the primary. */
    boolean isPrimaryNow(int id) {
        return !replicas[id].crashed() && replicas[id].core().isPrimary();
    }

    void sendToClient(int fromReplica, long clientId, Envelope<?> reply) {
        Program program = programRoutes.get(clientId);
        if (program != null) {
            if (!replicas[fromReplica].crashed()) {
                transmit(fromReplica, program.node(), reply, () -> program.program().onReply((Reply) reply.message()));
            }
            return;
        }
        if (thresholdClient != null && clientId == thresholdClient.clientId()) {
            if (!replicas[fromReplica].crashed()) {
                transmit(fromReplica, thresholdClient.node(), reply,
                        () -> thresholdClient.onReply((Reply) reply.message(), this));
            }
            return;
        }
        int index = (int) (clientId - FIRST_CLIENT_ID);
        SimClient client = routes.containsKey(clientId) ? routes.get(clientId)
                : index >= 0 && index < clients.length ? clients[index] : null;
        if (client == null || replicas[fromReplica].crashed()) {
            return;
        }
        transmit(fromReplica, client.node(), reply, () -> client.onReply((Reply) reply.message(), this));
    }

    /**
     * A dynamic client's Hello from node {@code clientNode}: every replica that gets it answers with
     * a challenge (a faulty one with garbage), handed to {@code onChallenge}.
     */
    void hello(int clientNode, Envelope<Hello> hello, Consumer<Envelope<Challenge>> onChallenge) {
        for (int to = 0; to < replicas.length; to++) {
            int replica = to;
            transmit(clientNode, replica, hello, () -> {
                if (replicas[replica].crashed()) {
                    return;
                }
                Hello h = hello.message();
                boolean lies = replicas[replica].byzantine();
                Envelope<Challenge> challenge = Envelope.sign(new Challenge(replica, Challenge.keyDigest(h.key()),
                        h.nonce(), now + config.settings().sessions().challengeLifetimeMillis()),
                        SimulatedKeys.signer(lies ? (replica + 1) % replicas.length : replica));
                transmit(replica, clientNode, challenge, () -> onChallenge.accept(challenge));
            });
        }
    }

    /** Replies to {@code clientId} (a provisional or assigned session id) go to {@code client}. */
    void route(long clientId, SimClient client) {
        routes.put(clientId, client);
    }

    /** Replies to {@code clientId} go to {@code program}, on node {@code node}. */
    void route(long clientId, int node, ClientProgram program) {
        programRoutes.put(clientId, new Program(node, program));
    }

    /** Sessions a correct replica opened: their keys verify the sessions' requests from now on. */
    void onSessionsOpened(List<Session> opened) {
        for (Session s : opened) {
            sessionKeys.put(s.clientId(), s.key());
        }
    }

    private void deliverToReplica(int from, int to, Envelope<?> message) {
        MessageAuthenticator edge = edges[to];
        if (from >= 0 && message.message() instanceof RequestBodies bodies
                && bodies.requests().stream().anyMatch(Envelope::hasAuthenticator)) {
            // MAC client mode: bodies whose tag this replica cannot check are the peer's voucher, not refused
            MessageAuthenticator.SplitBodies split = edge.checkBodies(from, bodies);
            if (split.verdict() != MessageAuthenticator.Verdict.AUTHENTIC) {
                messagesDropped++;
                return;
            }
            if (!split.authentic().isEmpty()) {
                replicas[to].step(new Event.Received(from,
                        Envelope.unsigned(new RequestBodies(bodies.replicaId(), split.authentic()))), this);
            }
            if (!split.unverified().isEmpty()) {
                replicas[to].step(new Event.UnverifiedBodies(from, split.unverified()), this);
            }
            return;
        }
        if (edge.check(from, message) != MessageAuthenticator.Verdict.AUTHENTIC) {
            messagesDropped++;
            return;
        }
        if (from == MessageAuthenticator.FROM_CLIENT && message.hasAuthenticator()) {
            taggedRequestsAccepted++;
        }
        replicas[to].step(new Event.Received(from, message), this);
    }

    /**
     * MAC client mode: a restarted replica's clients reconnect and set up new keys, a few
     * milliseconds after it is back (their connectors redial at once).
     */
    private void reestablishKeys(int replica) {
        schedule(RECONNECT_MILLIS, () -> {
            if (replicas[replica].crashed()) {
                return;
            }
            for (SimClient c : clients) {
                if (c.usesMacs()) {
                    macs.establish(c.clientId(), replica);
                }
            }
        });
    }

    /** How long after a replica restarts its MAC-mode clients have set up new keys with it. */
    static final long RECONNECT_MILLIS = 20;

    // ------------------------------------------------------------------ scripting

    /** Replaces the scripted network rule (scenario tests). */
    public void setFilter(NetworkFilter filter) {
        this.filter = filter;
    }

    public SimReplica replica(int id) {
        return replicas[id];
    }

    public SimClient client(int index) {
        return clients[index];
    }

    /** The client using the threshold cryptography, or {@code null} when the run has none. */
    public ThresholdClient thresholdClient() {
        return thresholdClient;
    }

    /**
     * Checks the threshold cryptography once the run is over (see {@link ThresholdChecks}); throws
     * {@link SimulationFailure} naming the seed if a property does not hold.
     */
    public ThresholdChecks.Report checkThreshold() {
        if (thresholdClient == null) {
            throw new IllegalStateException("this run has no threshold cryptography");
        }
        try {
            return ThresholdChecks.check(this);
        } catch (SimulationFailure e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("threshold: " + e.getMessage() + " [" + cast() + "]", e);
        }
    }

    public int replicaCount() {
        return replicas.length;
    }

    /** Whether some correct replica executed {@code request} (a batch holding it was agreed). */
    public boolean executed(Envelope<Request> request) {
        return checker.executed(request.digest());
    }

    /** Closes every replica's state machine (a workload's databases); the run cannot go on. */
    @Override
    public void close() {
        for (SimReplica r : replicas) {
            r.close();
        }
    }

    public ClusterConfig config() {
        return config;
    }

    public long seed() {
        return seed;
    }

    SimOptions options() {
        return options;
    }

    public long virtualMillis() {
        return now - EPOCH_MILLIS;
    }
}
