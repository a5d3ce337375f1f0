package io.bastion.bench;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.net.Drop;
import io.bastion.net.NetSettings;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.connector.ClusterConnector;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that attacks the cluster the way its {@link Attack} says, at full speed. It is
 * registered in the cluster file like the honest clients and signs with its own key (it cannot
 * forge another client's signature, but it can replay what others signed). It speaks the wire
 * protocol over connections of its own to every replica's client port (a {@link ClusterConnector},
 * the transport the honest clients use), as a separate process on the network would.
 *
 * <p>It does not run {@code BastionClient}: that one keeps one request outstanding, retransmits
 * with back-off and sends every request to every replica, which is what an attacker does not do.
 * Its sending thread makes requests and hands them to the connector without waiting for replies;
 * what limits it is the transport (and, for the attacks that sign, its own CPU): when a connection
 * does not take frames as fast as they are made, the connector's bounded queue for that replica
 * ({@link #QUEUE_FRAMES_MAX} frames) drops the oldest, and the thread then pauses for
 * {@link #QUEUE_FULL_PAUSE_NANOS}, so it makes about what the connections carry instead of burning
 * a core on requests nobody receives. An optional rate caps it below that.
 *
 * <p>Replies are counted, not verified: its own (and refusals among them), and those for other
 * clients that reach it. The highest view a reply names tells a primary-skipping attacker whom to
 * skip.
 *
 * <p>Threads: one sending thread and the connector's event loops. {@link #start} and
 * {@link #close} from one thread; {@link #stats} from any.
 */
public final class FaultyClient implements AutoCloseable {
    /** How long the sending thread pauses after its outgoing queues dropped frames. */
    public static final long QUEUE_FULL_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Own requests a replaying attacker makes first and replays among the honest clients' ones. */
    public static final int OWN_REPLAYS_MAX = 64;
    /** One replayed request in this many is the attacker's own, the others honest clients'. */
    static final int OWN_REPLAY_ONE_IN = 8;
    /**
     * Frames the attacker's queue holds per replica: more than a client's default, so that the
     * connections stay busy through {@link #QUEUE_FULL_PAUSE_NANOS} and the sending thread's other
     * pauses, and the queue seldom runs empty and fills (and warns) again.
     */
    public static final int QUEUE_FRAMES_MAX = 8_192;

    private final ClusterConfig config;
    private final long clientId;
    private final Signer signer;
    private final Attack attack;
    private final byte[] operation;
    private final SentRequests honestRequests;
    private final long requestsPerSecondMax;
    private final ClusterConnector connector;
    private final Thread sender;
    private volatile boolean running;

    // ---- counted by the sending thread (and read by stats() from any thread)
    private final AtomicLong requestsMade = new AtomicLong();
    private final AtomicLong framesOffered = new AtomicLong();
    private final AtomicLong framesReplayed = new AtomicLong();
    private final AtomicLong framesBadSignature = new AtomicLong();
    // ---- counted on the connector's event loops
    private final AtomicLong repliesReceived = new AtomicLong();
    private final AtomicLong refusals = new AtomicLong();
    private final AtomicLong repliesForOthers = new AtomicLong();
    private final AtomicInteger highestView = new AtomicInteger();

    // ---- owned by the sending thread
    private final SplittableRandom random;
    private final List<Envelope<Request>> ownSent = new ArrayList<>();
    private long nextRequestNumber;
    private volatile long startNanos;
    private volatile boolean stopped;
    private volatile long stopNanos;
    private volatile long senderCpuNanos;

    /**
     * @param operation            the operation of every fresh request (the honest clients' size)
     * @param honestRequests       what the honest clients sent, for {@link Attack#REPLAY}
     * @param requestsPerSecondMax requests (or replays) per second at most; 0 for full speed
     * @param settings             the transport settings, as the honest clients' (the queue bound is set here)
     * @param security             how it connects to the replicas (TLS as honest clients do, or plaintext)
     */
    public FaultyClient(ClusterConfig config, long clientId, Signer signer, Attack attack, byte[] operation,
                        SentRequests honestRequests, long requestsPerSecondMax, NetSettings settings,
                        ClientSecurity security, long seed) {
        Check.argument(requestsPerSecondMax >= 0, "requestsPerSecondMax must be >= 0");
        Check.argument(config.n() >= 2, "an attack needs at least two replicas to tell apart");
        this.config = config;
        this.clientId = clientId;
        this.signer = signer;
        this.attack = attack;
        this.operation = operation.clone();
        this.honestRequests = honestRequests;
        this.requestsPerSecondMax = requestsPerSecondMax;
        this.random = new SplittableRandom(seed);
        // request numbers must grow across attackers with the same id in later windows: start from the clock
        this.nextRequestNumber = System.currentTimeMillis() * 1_000;
        this.connector = new ClusterConnector(config,
                settings.withClientQueue(QUEUE_FRAMES_MAX, settings.clientQueueBytesMax()), security, this::onMessage);
        this.sender = Thread.ofPlatform().daemon().name("bastion-attacker-" + clientId).unstarted(this::sendLoop);
    }

    public long clientId() {
        return clientId;
    }

    public Attack attack() {
        return attack;
    }

    /** Connects to every replica and starts sending; returns at once. */
    public FaultyClient start() {
        running = true;
        startNanos = System.nanoTime();
        connector.start();
        sender.start();
        return this;
    }

    // ------------------------------------------------------------------ the sending thread

    private void sendLoop() {
        long intervalNanos = requestsPerSecondMax == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / requestsPerSecondMax;
        long nextNanos = System.nanoTime();
        long dropped = droppedByOwnQueue();
        try {
            while (running) {
                sendOne();
                long droppedNow = droppedByOwnQueue();
                if (droppedNow != dropped) { // a connection does not keep up: let the queues drain a little
                    dropped = droppedNow;
                    LockSupport.parkNanos(QUEUE_FULL_PAUSE_NANOS);
                }
                if (intervalNanos > 0) {
                    nextNanos += intervalNanos;
                    long waitNanos = nextNanos - System.nanoTime();
                    if (waitNanos > 0) {
                        LockSupport.parkNanos(waitNanos);
                    } else if (waitNanos < -TimeUnit.SECONDS.toNanos(1)) {
                        nextNanos = System.nanoTime(); // far behind the cap: do not make up for it in a burst
                    }
                }
            }
        } finally {
            senderCpuNanos = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        }
    }

    /** One step of the attack: a request (or its copies) handed to the transport. */
    private void sendOne() {
        int n = config.n();
        switch (attack) {
            case FLOOD -> sendToAll(fresh());
            case SKIP_PRIMARY -> {
                Envelope<Request> request = fresh();
                int primary = Math.floorMod(highestView.get(), n);
                for (int replica = 0; replica < n; replica++) {
                    if (replica != primary) {
                        send(replica, request);
                    }
                }
            }
            case SUBSET -> {
                Envelope<Request> request = fresh();
                int subset = 1 + random.nextInt((1 << n) - 1); // a random non-empty subset
                for (int replica = 0; replica < n; replica++) {
                    if (in(subset, replica)) {
                        send(replica, request);
                    }
                }
            }
            case EQUIVOCATE -> {
                Envelope<Request> request = fresh();
                int subset = properSubset(n);
                for (int replica = 0; replica < n; replica++) {
                    send(replica, in(subset, replica) ? request : variant(request, replica));
                }
            }
            case BAD_SIGNATURES -> {
                Envelope<Request> request = fresh();
                Envelope<Request> corrupted = corrupted(request);
                int subset = properSubset(n);
                for (int replica = 0; replica < n; replica++) {
                    boolean valid = in(subset, replica);
                    if (send(replica, valid ? request : corrupted) && !valid) {
                        framesBadSignature.incrementAndGet();
                    }
                }
            }
            case REPLAY -> replay();
        }
    }

    /** A replaying attacker first makes {@link #OWN_REPLAYS_MAX} requests of its own, then sends old ones again. */
    private void replay() {
        if (ownSent.size() < OWN_REPLAYS_MAX) {
            Envelope<Request> own = fresh();
            ownSent.add(own);
            sendToAll(own);
            return;
        }
        Envelope<Request> old = random.nextInt(OWN_REPLAY_ONE_IN) == 0 ? null : honestRequests.pick(random);
        if (old == null) {
            old = ownSent.get(random.nextInt(ownSent.size()));
        }
        framesReplayed.addAndGet(sendToAll(old));
    }

    /** A random subset with at least one replica in it and one out of it. */
    private int properSubset(int n) {
        return 1 + random.nextInt((1 << n) - 2);
    }

    private static boolean in(int subset, int replica) {
        return (subset & (1 << replica)) != 0;
    }

    /** A new request with the next request number, validly signed. */
    private Envelope<Request> fresh() {
        requestsMade.incrementAndGet();
        return Envelope.sign(new Request(clientId, nextRequestNumber++, false, operation), signer);
    }

    /** Another operation under the same client and request number, validly signed: one per replica. */
    private Envelope<Request> variant(Envelope<Request> request, int replica) {
        byte[] other = Arrays.copyOf(operation, Math.max(operation.length, 5)); // beyond the 4-byte reply size
        other[other.length - 1] ^= (byte) (replica + 1);
        requestsMade.incrementAndGet();
        return Envelope.sign(new Request(clientId, request.message().requestNumber(), false, other), signer);
    }

    /** The same request and its signature with one bit flipped: the encoding is canonical, so only the signature differs. */
    private static Envelope<Request> corrupted(Envelope<Request> request) {
        byte[] signature = request.signature();
        signature[signature.length / 2] ^= 1;
        return Envelope.sign(request.message(), encoded -> signature);
    }

    /** Returns how many replicas' queues took it. */
    private int sendToAll(Envelope<Request> request) {
        int taken = 0;
        for (int replica = 0; replica < config.n(); replica++) {
            taken += send(replica, request) ? 1 : 0;
        }
        return taken;
    }

    private boolean send(int replica, Envelope<Request> request) {
        boolean taken = connector.send(replica, request);
        if (taken) {
            framesOffered.incrementAndGet();
        }
        return taken;
    }

    private long droppedByOwnQueue() {
        return connector.counters().dropped(Drop.QUEUE_FULL);
    }

    // ------------------------------------------------------------------ the event loops

    private void onMessage(int replicaId, Envelope<?> message) {
        if (!(message.message() instanceof Reply reply) || reply.replicaId() != replicaId) {
            return;
        }
        highestView.accumulateAndGet(reply.view(), Math::max);
        if (reply.clientId() != clientId) {
            repliesForOthers.incrementAndGet();
            return;
        }
        repliesReceived.incrementAndGet();
        if (reply.status() == Reply.Status.REFUSED) {
            refusals.incrementAndGet();
        }
    }

    // ------------------------------------------------------------------ the caller's side

    /** What this attacker did so far (until {@link #close}, then what it did in all; its CPU time once closed). */
    public AttackerStats stats() {
        long stop = stopped ? stopNanos : System.nanoTime();
        return AttackerStats.of(attack, (stop - startNanos) / 1e9, requestsMade.get(), framesOffered.get(),
                droppedByOwnQueue(), framesReplayed.get(), framesBadSignature.get(), repliesReceived.get(),
                refusals.get(), repliesForOthers.get(), highestView.get(), senderCpuNanos / 1e9);
    }

    /** Stops sending, then closes the connections (frames still queued are discarded). Idempotent. */
    @Override
    public void close() {
        if (stopped) {
            return;
        }
        running = false;
        try {
            sender.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stopNanos = System.nanoTime();
        stopped = true;
        connector.close();
    }
}
