package io.bastion.server.runtime;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.auth.ClientKeys;
import io.bastion.core.auth.MessageAuthenticator;
import io.bastion.core.auth.VerifiedSignatures;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;
import io.bastion.core.execution.ExecutionEngine;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Hello;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.NewView;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.message.Vouch;
import io.bastion.core.util.Check;
import io.bastion.core.replica.Event;
import io.bastion.core.replica.Execute;
import io.bastion.core.replica.Output;
import io.bastion.core.replica.Replica;
import io.bastion.core.service.Service;
import io.bastion.core.replica.Recovery;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.RequestAdmission;
import io.bastion.net.endpoint.SessionKeyTable;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.SessionKey;
import io.bastion.server.observe.TraceEvent;
import io.bastion.server.observe.TraceLog;
import io.bastion.server.storage.ProtocolLog;
import io.bastion.server.storage.SnapshotStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Runs one replica: the concurrency around the pure {@link Replica} core, in one place.
 *
 * <pre>
 *  network threads ──► verifier pool ──► inbound queue ──► core thread ──► persist, then send
 *                       (signatures)                        (Replica.step)   │
 *                                                                            ▼
 *  clients ◄── replies ◄── executor thread (ExecutionEngine) ◄── Execute actions
 *                              └──► Executed events ──► inbound queue
 * </pre>
 *
 * The core thread drains up to {@link Settings#stepsPerGroupMax()} events per turn and makes the
 * whole group's persist actions durable with one sync before any of the group's messages leave
 * (group commit). Executor reports are never dropped.
 *
 * <p>Everything peers and clients can cause here is bounded, and beyond a bound dropped and
 * counted (the protocol retransmits): network input waiting for verification or the core, in
 * messages ({@link Settings#inboundQueueMax()}) and in wire bytes per peer, for the clients and in
 * total ({@link InboundBudget}); VIEW-CHANGE and NEW-VIEW messages for views the core has left are
 * dropped before their signatures are checked, and copies of checked VIEW-CHANGE, NEW-VIEW and
 * CHECKPOINT messages are not checked again ({@link VerifiedMessages}); a client's Join is screened
 * before it is ordered ({@link JoinScreen}); the executor's unordered work (reads, resent replies,
 * state served) is bounded and never delays ordered work ({@link ExecutorQueue}). A check that
 * throws drops its message. Public methods are thread-safe.
 *
 * <p>Dynamic clients: the edge knows clients through a {@link SessionDirectory} (the cluster
 * file's clients plus the live sessions), which the executor updates from each batch before its
 * replies leave. A Hello is answered with a signed {@link Challenge} and leaves no state behind;
 * a Join passes to the authenticator, which checks it under the key it carries; a request from a
 * session that ended recently is checked under its old key and answered "session ended" by the
 * executor without being ordered; any other unknown id is dropped before signature work.
 */
public final class ReplicaRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRuntime.class);
    /** Hellos being signed or waiting for a thread to sign them; more are dropped. */
    public static final int HELLOS_IN_FLIGHT_MAX = 1_024;
    /** Requests of ended sessions waiting for their "session ended" answer; more are dropped. */
    public static final int ENDED_ANSWERS_IN_FLIGHT_MAX = 1_024;
    /** Request arrival times kept for the latency metric; beyond this new arrivals go unmeasured. */
    public static final int REQUEST_ARRIVALS_MAX = 100_000;
    /**
     * Unordered executor tasks (read-only answers, resent replies, state served to peers, answers
     * to ended sessions, repeated Joins) waiting; more are dropped and counted, and clients ask
     * again. A few seconds of reads at the executor's pace, far above what the clients' one
     * outstanding request each makes in normal operation.
     */
    public static final int EXECUTOR_UNORDERED_TASKS_MAX = 4_096;
    /** Bytes those tasks hold (the requests they answer); more are dropped. */
    public static final long EXECUTOR_UNORDERED_BYTES_MAX = 16L << 20;
    /** What a task that holds no request is charged against {@link #EXECUTOR_UNORDERED_BYTES_MAX}. */
    static final int EXECUTOR_TASK_BYTES = 64;
    /**
     * State-serving tasks waiting per peer; more are dropped (a transfer asks one peer at a time
     * and asks again on silence), so one peer cannot fill the unordered lane with them.
     */
    public static final int SERVES_PER_PEER_MAX = 4;
    /** Verified VIEW-CHANGE, NEW-VIEW and CHECKPOINT messages remembered so copies skip verification. */
    public static final int VERIFIED_MESSAGES_MAX = 4_096;

    /** An executor task: tell the client of an ended session so (signed, not ordered). */
    private record AnswerEnded(Envelope<Request> request) {}

    /** A Join this replica executed already, sent again: answered from the session table if it can be. */
    private record RepeatJoin(Envelope<Request> join) {}

    /**
     * Who watches the replica: the message trace (or {@link TraceLog#NONE}) and the observer of
     * request latency (from a request's arrival to its reply leaving), both thread-safe.
     */
    public record Observers(TraceLog trace, LongConsumer requestLatencyNanos) {
        public static final Observers NONE = new Observers(TraceLog.NONE, nanos -> { });
    }

    /**
     * Requests the replica makes itself (its threshold contributions), asked for on the executor
     * thread after each executed batch and at least every {@link #LOCAL_REQUESTS_IDLE_MILLIS} when
     * idle; they enter the replica like a client's and are ordered the same way.
     */
    @FunctionalInterface
    public interface LocalRequests {
        LocalRequests NONE = nowMillis -> List.of();

        List<Envelope<Request>> afterBatch(long nowMillis);
    }

    /** How often an idle executor asks for {@link LocalRequests}. */
    public static final long LOCAL_REQUESTS_IDLE_MILLIS = 500;

    /**
     * How the runtime runs. Network input waiting for a verifier or the core is bounded in
     * messages and in wire bytes ({@code Envelope.wireSize()}): in total, per peer replica, and for
     * all client connections together; beyond a bound it is dropped and counted (the protocol
     * retransmits). A peer's bound must hold its largest frame ({@code ReplicaNode} checks it
     * against {@code frameBytesMax}).
     *
     * @param tickMillis            how often the core is told the time
     * @param verifierThreads       threads checking signatures in parallel; 0 checks them on the
     *                              delivering (network) thread
     * @param inboundQueueMax       network messages waiting for verification or the core
     * @param stepsPerGroupMax      events the core applies before one persist-and-send
     * @param inboundBytesMax       bytes of those messages, all sources together
     * @param peerInboundBytesMax   bytes of those messages from one peer replica
     * @param clientInboundBytesMax bytes of those messages from all client connections together
     */
    public record Settings(long tickMillis, int verifierThreads, int inboundQueueMax, int stepsPerGroupMax,
                           long inboundBytesMax, long peerInboundBytesMax, long clientInboundBytesMax) {
        /**
         * Two frames of the default 8 MiB {@code frameBytesMax}: a peer can always have a largest
         * NEW-VIEW verified while its next message waits.
         */
        public static final long DEFAULT_PEER_INBOUND_BYTES_MAX = 16L << 20;
        /** Thousands of typical requests, 24 of the largest (1 MiB) ones. */
        public static final long DEFAULT_CLIENT_INBOUND_BYTES_MAX = 24L << 20;
        /**
         * Below the sum of the sources' bounds, so several flooding peers together are held too.
         * Decoded, a message with nested signed messages (a NEW-VIEW) takes up to about three times
         * its wire size in heap: size the heap well above three times this.
         */
        public static final long DEFAULT_INBOUND_BYTES_MAX = 48L << 20;

        public Settings {
            Check.argument(tickMillis > 0, "tickMillis must be positive");
            Check.argument(verifierThreads >= 0, "verifierThreads must be at least 0");
            Check.argument(inboundQueueMax > 0 && stepsPerGroupMax > 0, "queue bounds must be positive");
            Check.argument(peerInboundBytesMax > 0 && clientInboundBytesMax > 0,
                    "peerInboundBytesMax and clientInboundBytesMax must be positive");
            Check.argument(inboundBytesMax >= peerInboundBytesMax && inboundBytesMax >= clientInboundBytesMax,
                    "inboundBytesMax must be at least peerInboundBytesMax and clientInboundBytesMax");
        }

        public static Settings defaults() {
            return new Settings(5, Math.max(1, Runtime.getRuntime().availableProcessors()), 50_000, 256,
                    DEFAULT_INBOUND_BYTES_MAX, DEFAULT_PEER_INBOUND_BYTES_MAX, DEFAULT_CLIENT_INBOUND_BYTES_MAX);
        }

        public Settings withVerifierThreads(int threads) {
            return new Settings(tickMillis, threads, inboundQueueMax, stepsPerGroupMax, inboundBytesMax,
                    peerInboundBytesMax, clientInboundBytesMax);
        }

        public Settings withInboundBytes(long total, long perPeer, long clients) {
            return new Settings(tickMillis, verifierThreads, inboundQueueMax, stepsPerGroupMax, total, perPeer,
                    clients);
        }
    }

    private final int id;
    private final Settings settings;
    private final Replica replica;
    private final StateMachine engine;
    /** Checks what clients send: only registered clients and live sessions are known. */
    private final MessageAuthenticator authenticator;
    /** MAC client mode: the clients' session keys, each tied to the connection that set it up. */
    private final SessionKeyTable sessionKeys = new SessionKeyTable();
    private final java.util.concurrent.atomic.AtomicLong sessionKeysInstalled = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong sessionKeysRefused = new java.util.concurrent.atomic.AtomicLong();
    /** Checks what peers relay: recently ended sessions are still known. */
    private final MessageAuthenticator relayAuthenticator;
    private final SessionDirectory directory;
    /** The bounds of each client connection's {@link RequestAdmission}. */
    private final RequestAdmission.Limits admissionLimits;
    private final Signer signer;
    private final long challengeLifetimeMillis;
    private final AtomicInteger hellosInFlight = new AtomicInteger();
    private final AtomicInteger endedAnswersInFlight = new AtomicInteger();
    private final ProtocolLog protocolLog;
    private final SnapshotStore snapshots;
    private final RuntimeStats stats = new RuntimeStats();
    private final TraceLog trace;
    private final LongConsumer requestLatency;
    /** When the outstanding request of each client first arrived here (for the latency metric). */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> requestArrivals =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final String[] replicaPeers;

    private final LinkedBlockingQueue<Event> inbound = new LinkedBlockingQueue<>();
    private final AtomicInteger networkInFlight = new AtomicInteger();
    /** Of {@link #networkInFlight}, the messages from client connections. */
    private final AtomicInteger clientsInFlight = new AtomicInteger();
    /** Client messages may take at most this fraction (1/n) of {@link Settings#inboundQueueMax()}. */
    static final int CLIENT_SHARE_DIVISOR = 2;
    private final InboundBudget inboundBytes;
    private final VerifiedMessages verified = new VerifiedMessages(VERIFIED_MESSAGES_MAX);
    private final JoinScreen joinScreen;
    private final ExecutorQueue executorQueue = new ExecutorQueue(EXECUTOR_UNORDERED_TASKS_MAX,
            EXECUTOR_UNORDERED_BYTES_MAX);
    private final AtomicIntegerArray servesQueued;
    private final VerifierPool verifiers;
    private final Thread coreThread;
    private final Thread executorThread;
    private final LocalRequests localRequests;
    /** When the executor last asked for local requests (executor thread only). */
    private long localRequestsAskedMillis;
    private volatile ReplicaTransport transport;
    private volatile boolean running;
    private volatile Throwable failure;
    private long lastClockMillis;

    /**
     * A replica recovered from {@code storage}: the newest snapshot's state, then its protocol
     * log replayed (a fresh storage gives the initial state).
     */
    public ReplicaRuntime(int id, ClusterConfig config, Signer signer, SignatureVerifier verifier, Service service,
                          ClientKeys clientKeys, ReplicaStorage storage, Settings settings) {
        this(id, config, signer, verifier, new ExecutionEngine(id, signer, service, config.settings().stateChunkBytes(),
                        SessionRequests.of(config, verifier)),
                clientKeys, storage, settings, Observers.NONE);
    }

    /**
     * A replica running {@code stateMachine} (an in-memory service or a database), recovered from
     * {@code storage} and, when the state machine is durable by itself, from its own state.
     * {@code clientKeys} are the clients of the cluster file; sessions come from the state machine.
     */
    public ReplicaRuntime(int id, ClusterConfig config, Signer signer, SignatureVerifier verifier,
                          StateMachine stateMachine, ClientKeys clientKeys, ReplicaStorage storage, Settings settings,
                          Observers observers) {
        this(id, config, signer, verifier, stateMachine, clientKeys, storage, settings, observers, LocalRequests.NONE);
    }

    /** As above, with requests the replica submits itself ({@link LocalRequests}). */
    public ReplicaRuntime(int id, ClusterConfig config, Signer signer, SignatureVerifier verifier,
                          StateMachine stateMachine, ClientKeys clientKeys, ReplicaStorage storage, Settings settings,
                          Observers observers, LocalRequests localRequests) {
        this.localRequests = localRequests;
        this.id = id;
        this.trace = observers.trace();
        this.requestLatency = observers.requestLatencyNanos();
        this.replicaPeers = new String[config.n()];
        for (int r = 0; r < config.n(); r++) {
            replicaPeers[r] = TraceEvent.replicaPeer(r);
        }
        this.settings = settings;
        this.inboundBytes = new InboundBudget(config.n(), settings.inboundBytesMax(), settings.peerInboundBytesMax(),
                settings.clientInboundBytesMax());
        this.joinScreen = new JoinScreen(id, config, verifier);
        this.servesQueued = new AtomicIntegerArray(config.n());
        this.signer = signer;
        this.challengeLifetimeMillis = config.settings().sessions().challengeLifetimeMillis();
        this.directory = new SessionDirectory(clientKeys, SessionDirectory.RECENTLY_ENDED_DEFAULT);
        // the hold ends when a backup would relay the request anyway: a replica that lags behind the
        // others (and so sees honest clients' next requests before their last one's batch) is held
        // back at most that long, and fetches what it dropped with the batch meanwhile
        this.admissionLimits = RequestAdmission.Limits.holding(
                Math.max(1, config.settings().requestTimeoutMillis() / Replica.RELAY_DELAY_FRACTION));
        this.protocolLog = storage.log();
        this.snapshots = storage.snapshots();
        this.engine = stateMachine;
        Recovery recovery = recover();
        this.replica = Replica.recover(id, config, signer, new SplittableRandom(new SecureRandom().nextLong()),
                recovery);
        if (recovery.snapshotSeq() > 0 || !recovery.log().isEmpty()) {
            LOG.info("replica {} recovered: state at checkpoint {}, {} log entries, view {}", id,
                    recovery.snapshotSeq(), recovery.log().size(), replica.view());
        }
        directory.replaceLive(engine.liveSessions());
        // one table of verified signatures: a request verified as its client sent it is not verified
        // again when a peer relays or serves it (MAC-mode tags are not in it: checked every time)
        VerifiedSignatures signatures = new VerifiedSignatures(VerifiedSignatures.ENTRIES_DEFAULT);
        this.authenticator = new MessageAuthenticator(config, directory, verifier, id, sessionKeys, signatures);
        this.relayAuthenticator = new MessageAuthenticator(config, directory::keyOfRelayed, verifier, id, sessionKeys,
                signatures);
        // no verifier threads: messages are checked on the thread that delivers them (Netty's)
        this.verifiers = settings.verifierThreads() == 0 ? null
                : new VerifierPool(settings.verifierThreads(), daemon("bastion-verify-" + id));
        this.coreThread = daemon("bastion-core-" + id).newThread(this::coreLoop);
        this.executorThread = daemon("bastion-execute-" + id).newThread(this::executorLoop);
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + (name.startsWith("bastion-verify") ? "-" + n.incrementAndGet() : ""));
            t.setDaemon(true);
            return t;
        };
    }

    private Recovery recover() {
        List<Output.Persist> log = protocolLog.readAll().stream()
                .map(e -> new Output.Persist(e.seq(), e.message())).toList();
        if (!engine.selfDurable()) {
            Optional<SnapshotStore.Snapshot> snapshot = snapshots == null ? Optional.empty() : snapshots.latest();
            snapshot.ifPresent(s -> engine.restore(s.seq(), s.state()));
        }
        StateMachine.Position position = engine.position();
        return new Recovery(position.seq(), position.checkpointDigest(), position.clientTable(),
                position.lastAgreedTime(), log);
    }

    /** Starts the core and executor threads; messages then flow through {@code transport}. */
    public void start(ReplicaTransport transport) {
        this.transport = transport;
        running = true;
        coreThread.start();
        executorThread.start();
    }

    // ------------------------------------------------------------------ inbound

    /** A message from replica {@code from}, whose identity the connection established. */
    public void onReplicaMessage(int from, Envelope<?> message) {
        admit(from, message, null, false, null);
    }

    /**
     * A message from a client connection. {@code bind} ties the connection to the client id once
     * the request's signature checked out, so replies find their way back. A Join carries its own
     * key and goes on to the authenticator; a request of a session that ended recently is checked
     * under its old key and answered "session ended"; other unknown ids are dropped here.
     */
    public void onClientMessage(Envelope<?> message, LongConsumer bind) {
        onClientMessage(message, bind, newAdmission());
    }

    /**
     * A message from a client connection whose requests {@code admission} screens before their
     * signature check (one per connection: {@link #newAdmission}).
     */
    public void onClientMessage(Envelope<?> message, LongConsumer bind, RequestAdmission admission) {
        if (!(message.message() instanceof Request request)) {
            stats.rejected(Verdict.UNEXPECTED);
            return;
        }
        if (request.kind() != Request.Kind.JOIN && request.requestNumber() < directory.lastExecuted(request.clientId())) {
            stats.countStaleSkipped(); // older than a request that ran here: a replay; no signature work, no answer
            admission.refusedElsewhere(System.nanoTime()); // a connection that replays fast is paused
            return;
        }
        boolean sessionEnded;
        if (request.kind() == Request.Kind.JOIN || directory.keyOf(request.clientId()) != null) {
            sessionEnded = false;
        } else if (directory.recentlyEnded(request.clientId()) != null) {
            sessionEnded = true;
        } else {
            stats.rejected(Verdict.UNKNOWN_CLIENT); // dropped before any signature work
            admission.refusedElsewhere(System.nanoTime());
            return;
        }
        ClientCheck check = null;
        if (request.kind() != Request.Kind.JOIN) { // Joins have their own bounds (the endpoint's, the screen)
            boolean ordered = request.kind() != Request.Kind.READ;
            RequestAdmission.Refusal refusal = admission.begin(request.clientId(), request.requestNumber(), ordered,
                    directory.settledUpTo(request.clientId()), System.nanoTime());
            if (refusal != null) {
                stats.countAdmissionRefused(refusal); // no signature work for it
                return;
            }
            check = authentic -> admission.end(request.clientId(), request.requestNumber(), ordered, authentic,
                    System.nanoTime());
        }
        admit(MessageAuthenticator.FROM_CLIENT, message, bind, sessionEnded, check);
    }

    /**
     * What became of a SESSION-KEY: installed ({@code refusal == null}), or refused, and then
     * whether the connection should close: after a refusal that cost a signature check (a bad
     * signature, an unknown client, another replica named), so a flood costs one check per
     * connection; a correct client reconnects and tries again with a new nonce, which also covers a
     * session this replica did not know yet. Cheap refusals (a stale nonce, which a message queued
     * before a reconnect carries; a repeat) leave the connection open.
     */
    public record SessionKeyOutcome(String refusal, boolean close) {
        static final SessionKeyOutcome INSTALLED = new SessionKeyOutcome(null, false);

        static SessionKeyOutcome refused(String why) {
            return new SessionKeyOutcome(why, false);
        }
    }

    /**
     * MAC client mode: a SESSION-KEY from a client connection. Checked here, on the connection's
     * event loop, so the key is in place before the connection's next request is checked (one
     * signature per connection): the connection must be TLS and carry the nonce it was sent, the
     * message must name this replica and be the first for its client there, and be signed by that
     * client's key.
     */
    public SessionKeyOutcome onSessionKey(Envelope<?> message, ClientConnection connection, boolean tls) {
        SessionKeyOutcome outcome = sessionKey(message, connection, tls);
        (outcome.refusal() == null ? sessionKeysInstalled : sessionKeysRefused).incrementAndGet();
        return outcome;
    }

    /** SESSION-KEY messages whose key was installed, since start (MAC client mode). */
    public long sessionKeysInstalled() {
        return sessionKeysInstalled.get();
    }

    /** SESSION-KEY messages refused, since start: replayed, for another replica, badly signed, in clear. */
    public long sessionKeysRefused() {
        return sessionKeysRefused.get();
    }

    private SessionKeyOutcome sessionKey(Envelope<?> message, ClientConnection connection, boolean tls) {
        if (!(message.message() instanceof SessionKey key)) {
            return SessionKeyOutcome.refused("not a session key");
        }
        if (!tls) {
            return new SessionKeyOutcome("MAC client mode needs TLS on the client port: the session key would"
                    + " travel in clear", true);
        }
        byte[] nonce = connection.keyNonce();
        if (nonce == null || !java.security.MessageDigest.isEqual(nonce, key.nonceUnsafe())) {
            stats.rejected(Verdict.WRONG_SENDER);
            return SessionKeyOutcome.refused("the key nonce is not this connection's");
        }
        SessionKeyTable.Refusal early = sessionKeys.refusal(key.clientId(), connection);
        if (early != null) {
            return SessionKeyOutcome.refused(early.toString()); // before any signature work
        }
        Verdict verdict = authenticator.check(MessageAuthenticator.FROM_CLIENT, message);
        if (verdict != Verdict.AUTHENTIC) {
            stats.rejected(verdict);
            return new SessionKeyOutcome(verdict.toString(), true);
        }
        SessionKeyTable.Refusal refusal = sessionKeys.install(key.clientId(), connection, key.keyUnsafe());
        return refusal == null ? SessionKeyOutcome.INSTALLED : SessionKeyOutcome.refused(refusal.toString());
    }

    /** MAC client mode: {@code connection} closed, and the session keys it established go with it. */
    public void onClientConnectionClosed(ClientConnection connection) {
        sessionKeys.dropAll(connection);
    }

    /** MAC client mode: the session keys this replica holds. */
    public SessionKeyTable sessionKeys() {
        return sessionKeys;
    }

    /** A fresh {@link RequestAdmission} for a client connection. */
    public RequestAdmission newAdmission() {
        return new RequestAdmission(admissionLimits, System.nanoTime());
    }

    /**
     * Told once how the signature check of an admitted client request ended: {@code true} or
     * {@code false}, or {@code null} when it was dropped before its check.
     */
    @FunctionalInterface
    private interface ClientCheck {
        void ended(Boolean authentic);
    }

    /**
     * A Hello from a client connection: answered through {@code answer} with a challenge signed
     * by this replica, bound to the Hello's key and nonce and valid for the cluster's challenge
     * lifetime. Nothing about the client is kept. Signed on a verifier thread; beyond
     * {@link #HELLOS_IN_FLIGHT_MAX} waiting Hellos, more are dropped (the client asks again).
     * The caller limits how fast a connection or address may send Hellos.
     */
    public void onHello(Hello hello, Consumer<Envelope<Challenge>> answer) {
        byte[] nonce = hello.nonce();
        if (!running || nonce.length < Hello.NONCE_BYTES_MIN || nonce.length > Hello.NONCE_BYTES_MAX
                || hello.credentials().length > Hello.CREDENTIALS_BYTES_MAX) {
            stats.rejected(Verdict.MALFORMED);
            return;
        }
        if (hellosInFlight.incrementAndGet() > HELLOS_IN_FLIGHT_MAX) {
            hellosInFlight.decrementAndGet();
            stats.helloDropped();
            return;
        }
        Runnable sign = () -> {
            try {
                Challenge challenge = new Challenge(id, Challenge.keyDigest(hello.key()), nonce,
                        System.currentTimeMillis() + challengeLifetimeMillis);
                answer.accept(Envelope.sign(challenge, signer));
                stats.helloAnswered();
            } finally {
                hellosInFlight.decrementAndGet();
            }
        };
        if (verifiers == null) {
            sign.run();
        } else {
            verifiers.execute(VerifierPool.Priority.CLIENT, sign);
        }
    }

    private void admit(int from, Envelope<?> message, LongConsumer bind, boolean sessionEnded, ClientCheck clientCheck) {
        long arrivedNanos = System.nanoTime();
        if (trace.enabled()) {
            trace.record(TraceLog.epochMicros(), TraceEvent.IN, from >= 0 ? replicaPeers[from]
                    : TraceEvent.clientPeer(((Request) message.message()).clientId()), message);
        }
        ClientCheck ended = clientCheck != null ? clientCheck : authentic -> { };
        if (!running) {
            stats.inboundDropped();
            ended.ended(null);
            return;
        }
        if (leftBehind(message)) {
            stats.countStaleViewDropped(); // the core ignores it: spare the queue and the signature checks
            ended.ended(null);
            return;
        }
        if (!reserve(from, message)) {
            ended.ended(null);
            return;
        }
        Runnable check = () -> {
            boolean handedOn = false;
            Boolean authentic = null;
            try {
                Checked checked = checkAndHandOn(from, message, bind, sessionEnded, arrivedNanos);
                handedOn = checked == Checked.HANDED_ON;
                authentic = checked == Checked.UNCHECKED ? null : checked != Checked.REFUSED;
            } catch (RuntimeException e) {
                // a message our checks cannot cope with is that message's problem, not the replica's
                stats.rejected(Verdict.MALFORMED);
                LOG.warn("replica {}: checking a {} from {} failed; dropped: {}", id, message.type(),
                        from >= 0 ? replicaPeers[from] : "a client", e.toString());
            } catch (Error e) {
                fail(e);
                throw e;
            } finally {
                if (!handedOn) {
                    release(from, message);
                }
                ended.ended(authentic);
            }
        };
        if (verifiers == null) {
            check.run();
        } else {
            verifiers.execute(from >= 0 ? VerifierPool.Priority.REPLICA : VerifierPool.Priority.CLIENT, check);
        }
    }

    /** What became of a message admitted from the network. */
    private enum Checked {
        /** Dropped before its signature check (the core would ignore it). */
        UNCHECKED,
        /** Its signature or content failed the check. */
        REFUSED,
        /** Authentic, and answered or dropped here. */
        ANSWERED,
        /** Authentic, and on its way to the core: it keeps its place in the inbound bounds until the core takes it. */
        HANDED_ON
    }

    /** Checks a message admitted from the network and hands it on to the core, or answers or drops it here. */
    private Checked checkAndHandOn(int from, Envelope<?> message, LongConsumer bind, boolean sessionEnded,
                                   long arrivedNanos) {
        if (alreadyExecuted(message)) {
            stats.countStaleSkipped(); // the core would ignore it: spare the signature check
            return Checked.UNCHECKED;
        }
        if (message.message() instanceof Prepare p && stats.preparedHere(p.view(), p.seq())) {
            stats.countPrepareSpared(); // its batch's prepared proof is made: the core would not use it
            return Checked.UNCHECKED;
        }
        if (leftBehind(message)) {
            stats.countStaleViewDropped(); // the view moved on while it waited
            return Checked.UNCHECKED;
        }
        if (from >= 0 && message.message() instanceof RequestBodies bodies && hasAuthenticators(bodies)) {
            return handOnBodies(from, bodies); // MAC client mode: split, not refused, when a tag fails here
        }
        Verdict verdict = verify(from, message, sessionEnded);
        if (verdict != Verdict.AUTHENTIC) {
            stats.rejected(verdict);
            return Checked.REFUSED;
        }
        if (from == MessageAuthenticator.FROM_CLIENT) {
            return admitFromClient(message, bind, sessionEnded, arrivedNanos) ? Checked.HANDED_ON : Checked.ANSWERED;
        }
        inbound.add(new Event.Received(from, message));
        return Checked.HANDED_ON;
    }

    private static boolean hasAuthenticators(RequestBodies bodies) {
        for (Envelope<Request> r : bodies.requests()) {
            if (r.hasAuthenticator()) {
                return true;
            }
        }
        return false;
    }

    /**
     * REQUEST-BODIES holding MAC-mode requests: the bodies authentic here go to the core as usual,
     * those whose tag this replica cannot check go as {@link Event.UnverifiedBodies} (the peer's
     * voucher, never an authentic request); anything else wrong refuses the whole message.
     */
    private Checked handOnBodies(int from, RequestBodies bodies) {
        MessageAuthenticator.SplitBodies split = relayAuthenticator.checkBodies(from, bodies);
        if (split.verdict() != Verdict.AUTHENTIC) {
            stats.rejected(split.verdict());
            return Checked.REFUSED;
        }
        // the original leaves the inbound bounds here (ANSWERED); the authentic part takes its own place
        if (!split.authentic().isEmpty()) {
            Envelope<RequestBodies> authentic = Envelope.unsigned(new RequestBodies(bodies.replicaId(), split.authentic()));
            if (reserve(from, authentic)) {
                inbound.add(new Event.Received(from, authentic));
            }
        }
        if (!split.unverified().isEmpty()) {
            inbound.add(new Event.UnverifiedBodies(from, split.unverified()));
        }
        return Checked.ANSWERED;
    }

    /**
     * Counts {@code message} against the inbound bounds (messages, and bytes by source); false,
     * counting the drop, when one is reached.
     */
    private boolean reserve(int from, Envelope<?> message) {
        boolean client = from == MessageAuthenticator.FROM_CLIENT;
        if (client && clientsInFlight.incrementAndGet() > settings.inboundQueueMax() / CLIENT_SHARE_DIVISOR) {
            clientsInFlight.decrementAndGet();
            stats.inboundDropped(); // clients may fill only part of the queue: replicas' messages still get in
            return false;
        }
        if (networkInFlight.incrementAndGet() > settings.inboundQueueMax()) {
            networkInFlight.decrementAndGet();
            if (client) {
                clientsInFlight.decrementAndGet();
            }
            stats.inboundDropped();
            return false;
        }
        if (!inboundBytes.tryTake(from, message.wireSize())) {
            networkInFlight.decrementAndGet();
            if (client) {
                clientsInFlight.decrementAndGet();
            }
            stats.countInboundBytesDropped();
            return false;
        }
        return true;
    }

    /** Gives back what {@link #reserve} counted, once the message left (to the core, or dropped). */
    private void release(int from, Envelope<?> message) {
        networkInFlight.decrementAndGet();
        if (from == MessageAuthenticator.FROM_CLIENT) {
            clientsInFlight.decrementAndGet();
        }
        inboundBytes.release(from, message.wireSize());
    }

    /**
     * The authenticator's verdict; a VIEW-CHANGE, NEW-VIEW or CHECKPOINT from a peer that was
     * checked before, byte for byte, is not checked again.
     */
    private Verdict verify(int from, Envelope<?> message, boolean sessionEnded) {
        boolean remembered = from >= 0 && VerifiedMessages.remembers(message);
        Verdict verdict = remembered ? verified.verdictOf(message) : null;
        if (verdict != null) {
            stats.countVerificationSaved();
            return verdict;
        }
        verdict = (from == MessageAuthenticator.FROM_CLIENT && !sessionEnded ? authenticator
                : relayAuthenticator).check(from, message);
        if (remembered) {
            verified.remember(message, verdict);
        }
        return verdict;
    }

    /**
     * An authentic message from a client connection: answered here, dropped, or on to the core
     * (true).
     */
    private boolean admitFromClient(Envelope<?> message, LongConsumer bind, boolean sessionEnded, long arrivedNanos) {
        Request r = (Request) message.message();
        @SuppressWarnings("unchecked")
        Envelope<Request> request = (Envelope<Request>) message;
        if (r.kind() == Request.Kind.JOIN && directory.joinAnswered(r.clientId(), r.requestNumber())) {
            bind.accept(r.clientId());
            offerUnordered(new RepeatJoin(request), message.wireSize());
            return false;
        }
        if (r.kind() == Request.Kind.JOIN && !sessionEnded && !screen(r)) {
            return false; // not bound: nothing will be sent to it
        }
        bind.accept(r.clientId());
        if (r.kind() != Request.Kind.JOIN && r.requestNumber() <= directory.lastExecuted(r.clientId())) {
            // a retransmission of what already ran here: its reply again, not a new ordering
            stats.countStaleSkipped();
            if (r.requestNumber() == directory.lastExecuted(r.clientId())) {
                offerUnordered(new Output.ResendReply(r.clientId(), r.requestNumber(), stats.view()),
                        EXECUTOR_TASK_BYTES);
            }
            return false;
        }
        if (sessionEnded) {
            if (endedAnswersInFlight.incrementAndGet() > ENDED_ANSWERS_IN_FLIGHT_MAX) {
                endedAnswersInFlight.decrementAndGet();
                stats.inboundDropped(); // the client retransmits
            } else if (!offerUnordered(new AnswerEnded(request), message.wireSize())) {
                endedAnswersInFlight.decrementAndGet();
            }
            return false;
        }
        if (requestArrivals.size() < REQUEST_ARRIVALS_MAX) {
            requestArrivals.putIfAbsent(r.clientId(), arrivedNanos);
        }
        inbound.add(new Event.Received(MessageAuthenticator.FROM_CLIENT, message));
        return true;
    }

    /** Whether a client's Join may be ordered ({@link JoinScreen}); counts the reason when not. */
    private boolean screen(Request join) {
        JoinRefusal refusal = joinScreen.refusal(join, System.currentTimeMillis());
        if (refusal != null) {
            stats.countJoinRefused(refusal);
        }
        return refusal == null;
    }

    /**
     * VIEW-CHANGE and NEW-VIEW messages the core ignores, judged as it does (its own view change
     * sent back; a view it has left, or entered and is no longer changing to): not worth a place
     * in the queue nor the signature checks of all the certificates they carry.
     */
    private boolean leftBehind(Envelope<?> message) {
        return switch (message.message()) {
            case ViewChange v -> v.replicaId() == id || stats.leftBehind(v.newView());
            case NewView v -> stats.leftBehind(v.view());
            default -> false;
        };
    }

    /**
     * Agreement messages for sequence numbers the core already executed change nothing there (it
     * drops them too), so they are not worth a signature check, nor (unsigned COMMITs) a place in
     * the queue. Under load the last PREPARE and COMMIT of each batch usually arrive after the
     * batch committed.
     */
    private boolean alreadyExecuted(Envelope<?> message) {
        long executed = stats.lastDelivered();
        return switch (message.message()) {
            case PrePrepare p -> p.seq() <= executed;
            case Prepare p -> p.seq() <= executed;
            case Commit c -> c.seq() <= executed;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ the core thread

    private void coreLoop() {
        long nextTick = 0;
        try {
            while (running) {
                long now = clock();
                Event first = inbound.poll(Math.max(0, nextTick - now), TimeUnit.MILLISECONDS);
                List<Output> outputs = new ArrayList<>();
                now = clock();
                if (now >= nextTick) {
                    outputs.add(replica.step(new Event.Tick(now)));
                    nextTick = now + settings.tickMillis();
                }
                // the bound is checked before the next event is taken: one taken is always applied
                for (Event e = first; e != null; e = outputs.size() < settings.stepsPerGroupMax() ? inbound.poll() : null) {
                    if (e instanceof Event.Received received) {
                        release(received.from(), received.message());
                    }
                    outputs.add(replica.step(e));
                }
                carryOut(outputs);
                reportChanges();
                stats.publish(replica);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private int reportedView;
    private boolean reportedChanging;

    /** Logs what an operator wants to know about: view changes. */
    private void reportChanges() {
        if (replica.view() != reportedView || replica.viewChanging() != reportedChanging) {
            reportedView = replica.view();
            reportedChanging = replica.viewChanging();
            if (reportedChanging) {
                LOG.info("replica {} changing to view {} (primary {}): {}", id, reportedView,
                        Math.floorMod(reportedView, replica.clusterSize()), replica.viewChangeReason());
            } else {
                LOG.info("replica {} entered view {} (primary {})", id, reportedView,
                        Math.floorMod(reportedView, replica.clusterSize()));
            }
        }
    }

    /** Persist everything, then send everything, then hand work to the executor: the output contract. */
    private void carryOut(List<Output> outputs) {
        List<ProtocolLog.Entry> persist = new ArrayList<>();
        long discardBelow = 0;
        for (Output out : outputs) {
            for (Output.Persist p : out.persist) {
                persist.add(new ProtocolLog.Entry(p.seq(), p.message()));
                if (p.message().message() instanceof PrePrepare prePrepare) {
                    // proposed or accepted here: each client's next request is worth checking now
                    prePrepare.entries().forEach(e -> directory.ordered(e.clientId(), e.requestNumber()));
                }
            }
            discardBelow = Math.max(discardBelow, out.discardBelow);
        }
        if (!persist.isEmpty()) {
            protocolLog.appendDurably(persist);
        }
        for (Output.Send send : sendsOf(id, outputs)) {
            send(send.to(), send.message());
        }
        for (Output out : outputs) {
            out.executes.forEach(executorQueue::putOrdered);
            out.resendReplies.forEach(resend -> offerUnordered(resend, EXECUTOR_TASK_BYTES));
            out.readOnly.forEach(read -> offerUnordered(read, read.request().wireSize()));
            out.serveState.forEach(this::offerServe);
            out.compareState.forEach(executorQueue::putOrdered);
            out.installState.forEach(executorQueue::putOrdered);
        }
        if (discardBelow > 0) {
            protocolLog.discardBelow(discardBelow);
            if (snapshots != null) {
                snapshots.retainFrom(discardBelow); // the stable checkpoint's snapshot and newer ones
            }
        }
    }

    /**
     * The sends of a group of steps, in order, but with replica {@code replicaId}'s VOUCH broadcasts
     * merged into as few messages as {@link Vouch#REQUESTS_MAX} allows, after the others: each step
     * that admits a MAC-mode request vouches for it, and one message per group instead of one per
     * request saves every peer a frame, a decryption and a step per request.
     */
    static List<Output.Send> sendsOf(int replicaId, List<Output> outputs) {
        List<Output.Send> sends = new ArrayList<>();
        List<BatchEntry> vouched = new ArrayList<>();
        for (Output out : outputs) {
            for (Output.Send send : out.sends) {
                if (send.to() == Output.BROADCAST && send.message().message() instanceof Vouch vouch
                        && vouch.replicaId() == replicaId) {
                    vouched.addAll(vouch.requests());
                } else {
                    sends.add(send);
                }
            }
        }
        for (Vouch vouch : Vouch.split(replicaId, vouched)) {
            sends.add(new Output.Send(Output.BROADCAST, Envelope.unsigned(vouch)));
        }
        return sends;
    }

    private void send(int to, Envelope<?> message) {
        if (to == Output.BROADCAST) {
            transport.broadcast(message);
        } else {
            transport.send(to, message);
        }
        if (trace.enabled()) {
            trace.record(TraceLog.epochMicros(), TraceEvent.OUT, to == Output.BROADCAST ? TraceEvent.ALL : replicaPeers[to],
                    message);
        }
    }

    /** Queues remote-triggered executor work, or drops and counts it when its lane is full. */
    private boolean offerUnordered(Object task, long bytes) {
        if (executorQueue.offerUnordered(task, bytes)) {
            return true;
        }
        stats.countExecutorDropped();
        return false;
    }

    private void offerServe(Output.ServeState serve) {
        if (servesQueued.incrementAndGet(serve.peer()) > SERVES_PER_PEER_MAX) {
            servesQueued.decrementAndGet(serve.peer());
            stats.countExecutorDropped();
        } else if (!offerUnordered(serve, EXECUTOR_TASK_BYTES)) {
            servesQueued.decrementAndGet(serve.peer());
        }
    }

    private long clock() {
        lastClockMillis = Math.max(lastClockMillis, System.currentTimeMillis());
        return lastClockMillis;
    }

    // ------------------------------------------------------------------ the executor thread

    private void executorLoop() {
        try {
            while (running) {
                Object task = executorQueue.take(100);
                switch (task) {
                    case null -> submitLocalRequests(false);
                    case Execute execute -> {
                        execute(execute);
                        submitLocalRequests(true);
                    }
                    case Output.ResendReply resend -> {
                        Reply cached = engine.cachedReply(resend.clientId(), resend.requestNumber(), resend.view());
                        if (cached != null) {
                            sendReply(cached);
                        }
                    }
                    case Output.ServeState serve -> {
                        servesQueued.decrementAndGet(serve.peer());
                        for (io.bastion.core.message.Message m : engine.serve(serve.seq(), serve.chunks())) {
                            transport.send(serve.peer(), Envelope.unsigned(m));
                        }
                    }
                    case Output.ReadOnly readOnly -> sendReply(engine.query(readOnly.request(), readOnly.view()));
                    case Output.CompareState compare -> inbound.add(new Event.LocalStateCompared(compare.seq(),
                            engine.missingChunks(compare.leaves())));
                    case AnswerEnded ended -> answerEnded(ended.request());
                    case RepeatJoin repeat -> repeatJoin(repeat.join());
                    case Output.InstallState install -> {
                        StateMachine.Installed installed = engine.install(install.seq(), install.leaves(),
                                install.fetched());
                        directory.replaceLive(engine.liveSessions());
                        keepSnapshot(installed.seq());
                        LOG.info("replica {} installed the state of checkpoint {} by state transfer ({} chunks fetched)",
                                id, installed.seq(), install.fetched().size());
                        inbound.add(new Event.StateInstalled(installed.seq(), installed.clientTable(),
                                installed.lastAgreedTime()));
                    }
                    default -> throw new IllegalStateException("unknown executor task " + task);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            fail(e);
        }
    }

    private void execute(Execute execute) {
        long start = System.nanoTime();
        StateMachine.Result result = engine.execute(execute);
        for (Envelope<Request> request : execute.requests()) {
            Request r = request.message();
            if (r.kind() != Request.Kind.JOIN) {
                directory.executed(r.clientId(), r.requestNumber());
            } else {
                directory.joinExecuted(r.clientId(), r.requestNumber());
            }
        }
        // before the replies: a client that learns its session id from one is known at once
        directory.apply(result.opened(), result.forgotten());
        for (Reply reply : result.replies()) {
            sendReply(reply);
        }
        forgetAtTheEdge(result.forgotten());
        stats.executed(execute.requests().size(), System.nanoTime() - start);
        if (result.stateDigest() != null) {
            keepSnapshot(result.seq()); // durable before the checkpoint is announced
        }
        inbound.add(new Event.Executed(result.seq(), result.stateDigest(), result.forgotten()));
    }

    /** Hands the replica the requests it makes itself: after a batch, or now and then when idle. */
    private void submitLocalRequests(boolean afterBatch) {
        long now = System.currentTimeMillis();
        if (!afterBatch && now - localRequestsAskedMillis < LOCAL_REQUESTS_IDLE_MILLIS) {
            return;
        }
        localRequestsAskedMillis = now;
        for (Envelope<Request> request : localRequests.afterBatch(now)) {
            inbound.add(new Event.OwnRequest(request));
        }
    }

    /** Ended sessions and answered Joins: their reply routes and arrival times go too, after their replies left. */
    private void forgetAtTheEdge(List<Long> clientIds) {
        for (long clientId : clientIds) {
            transport.forgetClient(clientId);
            requestArrivals.remove(clientId);
        }
    }

    /**
     * The Join's answer again, or, if its session is over meanwhile, the Join goes to be ordered
     * (screened and counted against the inbound bounds like a new one).
     */
    private void repeatJoin(Envelope<Request> join) {
        Reply reply = engine.repeatJoin(join, stats.view());
        if (reply != null) {
            sendReply(reply);
            stats.countStaleSkipped();
        } else if (screen(join.message()) && reserve(MessageAuthenticator.FROM_CLIENT, join)) {
            inbound.add(new Event.Received(MessageAuthenticator.FROM_CLIENT, join));
        } // else dropped and counted: the client sends it again
    }

    /**
     * A request of a session that ended here: the state machine answers it as it answers a
     * read-only request of a session that is not live — "session ended", signed by this replica,
     * without ordering. f+1 such answers tell the client its session is over (ids never return).
     */
    private void answerEnded(Envelope<Request> request) {
        endedAnswersInFlight.decrementAndGet();
        long clientId = request.message().clientId();
        if (directory.isLive(clientId)) {
            return; // cannot happen while ids are never reused; the ordered path answers a live session
        }
        sendReply(engine.query(request, stats.view()));
        stats.answeredEnded();
        transport.forgetClient(clientId);
    }

    private void sendReply(Reply reply) {
        Envelope<Reply> signed = Envelope.unsigned(reply);
        transport.sendToClient(reply.clientId(), signed);
        Long arrived = requestArrivals.remove(reply.clientId());
        if (arrived != null) {
            requestLatency.accept(System.nanoTime() - arrived);
        }
        if (trace.enabled()) {
            trace.record(TraceLog.epochMicros(), TraceEvent.OUT, TraceEvent.clientPeer(reply.clientId()), signed);
        }
    }

    private void keepSnapshot(long seq) {
        if (snapshots != null && !engine.selfDurable()) {
            snapshots.write(seq, engine.checkpointBytes(seq));
        }
    }

    private void fail(Throwable e) {
        if (failure == null) {
            failure = e;
            LOG.error("replica {} stopped: {}", id, e.toString(), e);
        }
        running = false;
    }

    // ------------------------------------------------------------------ state for operators

    public int id() {
        return id;
    }

    /** n: the replicas of the cluster. */
    public int clusterSize() {
        return replicaPeers.length;
    }

    public RuntimeStats stats() {
        return stats;
    }

    /** Who the edge recognises: registered clients, live and recently ended sessions. */
    public SessionDirectory sessions() {
        return directory;
    }

    /** Hellos waiting to be signed right now; at most {@link #HELLOS_IN_FLIGHT_MAX}. */
    public int hellosInFlight() {
        return hellosInFlight.get();
    }

    /** Request arrival times held for the latency metric; at most {@link #REQUEST_ARRIVALS_MAX}. */
    public int requestArrivalsTracked() {
        return requestArrivals.size();
    }

    public int inboundQueueDepth() {
        return inbound.size();
    }

    /** Executor tasks waiting: ordered work (executions, state installation) and unordered work. */
    public int executorQueueDepth() {
        return executorQueue.size();
    }

    /** Unordered executor tasks waiting (reads, resent replies, …); at most {@link #EXECUTOR_UNORDERED_TASKS_MAX}. */
    public int executorUnorderedDepth() {
        return executorQueue.unorderedSize();
    }

    /** Bytes the waiting unordered executor tasks hold; at most {@link #EXECUTOR_UNORDERED_BYTES_MAX}. */
    public long executorUnorderedBytes() {
        return executorQueue.unorderedBytes();
    }

    /** Wire bytes of network messages waiting for verification or the core; at most {@link Settings#inboundBytesMax()}. */
    public long inboundBytes() {
        return inboundBytes.total();
    }

    /** Those of them from replica {@code peer}; at most {@link Settings#peerInboundBytesMax()}. */
    public long inboundBytesOfPeer(int peer) {
        return inboundBytes.ofPeer(peer);
    }

    /** Those of them from client connections; at most {@link Settings#clientInboundBytesMax()}. */
    public long inboundBytesOfClients() {
        return inboundBytes.ofClients();
    }

    /** Network messages waiting for verification or the core; at most {@link Settings#inboundQueueMax()}. */
    public int inboundMessagesInFlight() {
        return networkInFlight.get();
    }

    /** Why the replica stopped on its own, or {@code null} while it runs. */
    public Throwable failure() {
        return failure;
    }

    public boolean running() {
        return running;
    }

    @Override
    public void close() {
        if (running) {
            LOG.info("replica {} stopping: executed {} requests in {} batches; core {}; refused at the edge {};"
                            + " stale skipped {}; prepares spared {}; inbound dropped {} (for bytes {}); stale views dropped {};"
                            + " verifications saved {}; executor work dropped {}; joins refused {}", id,
                    stats.requestsExecuted(), stats.batchesExecuted(), replica.stats().snapshot(),
                    stats.rejectedByVerdict(), stats.staleSkipped(), stats.preparesSpared(), stats.droppedInbound(),
                    stats.inboundBytesDropped(), stats.staleViewsDropped(), stats.verificationsSaved(),
                    stats.executorDropped(), stats.joinsRefused());
        }
        running = false;
        coreThread.interrupt();
        executorThread.interrupt();
        if (verifiers != null) {
            verifiers.shutdownNow();
        }
        try {
            coreThread.join(5_000);
            executorThread.join(5_000);
            if (verifiers != null) {
                verifiers.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        protocolLog.close();
        engine.close();
        trace.close();
    }
}
