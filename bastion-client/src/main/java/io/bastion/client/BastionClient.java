package io.bastion.client;

import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.RequestSealer;
import io.bastion.core.message.SessionKey;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinResult;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.util.Check;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A client of a Bastion cluster. Sends each request to every replica and completes it once f+1
 * replicas signed the same result, retransmitting with back-off meanwhile. Requests run one at a
 * time, in the order they were made (that is what makes them exactly-once); further ones queue.
 *
 * <pre>{@code
 * try (BastionClient client = Clients.connect(Path.of("cluster.toml"), Path.of("client-1.key"), 1)) {
 *     byte[] reply = client.invoke("put greeting hello".getBytes(UTF_8));
 * }
 * }</pre>
 *
 * <p>Two kinds of client. A <em>registered</em> client has an id and key in the cluster file. A
 * <em>dynamic</em> client has only a key pair and credentials: {@link #join} sends a Hello to
 * every replica, keeps the 2f+1 challenges that check out (a faulty replica may answer garbage or
 * not at all), and orders a Join with them; the service's authorization gives it an identity and
 * the cluster a client id, which its requests carry from then on ({@link #session()}). If the
 * cluster ends the session (the same identity joined elsewhere, or it was evicted while idle),
 * the next request is answered "session ended": the client tells its
 * {@linkplain #onSessionEvent session listeners} and joins again with the same credentials. A
 * read is then retried in the new session. A write is not: "session ended" does not say whether
 * an earlier send of it ran just before the session ended (its reply lost), so retrying could run
 * it twice; it fails with {@link BastionException.SessionEnded} once the client has joined again,
 * and the application decides (an idempotent write may simply be sent again). After
 * {@link #leave} nothing is renewed.
 *
 * <p>Thread-safe: any thread may invoke; one internal thread owns the protocol state and calls
 * the session listeners.
 */
public final class BastionClient implements AutoCloseable {
    private static final long TICK_MILLIS = 10;
    /** Bytes of a Hello's nonce: fresh for every join attempt. */
    public static final int NONCE_BYTES = 32;

    private record Invocation(byte[] operation, CompletableFuture<Result> future, Request.Kind kind, boolean retried) {}

    /** A join the program asked for, or one the client started after its session ended ({@code resume} waits for it). */
    private record Joining(byte[] credentials, CompletableFuture<Session> future, Invocation resume) {}

    private record ChallengeArrived(int replicaId, Envelope<Challenge> challenge) {}

    private final ClusterConfig config;
    private final Signer signer;
    /** The key a dynamic client joins with; {@code null} for a registered client. */
    private final PublicKeyRef publicKey;
    private final long registeredId;
    private final SignatureVerifier verifier;
    private final ReplyAuthenticator replyAuthenticator;
    private final ClientTransport transport;
    private final ClientOptions options;
    private final SecureRandom random = new SecureRandom();
    /** MAC client mode's keys, one per replica connection; {@code null} when requests are signed. */
    private final ClientSessionKeys sessionKeys;
    private final List<Consumer<SessionEvent>> sessionListeners = new CopyOnWriteArrayList<>();
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    /** {@link Invocation}s and {@link Joining}s, in the order they run. */
    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    private final Thread loop;
    private volatile boolean closed;
    /** The request number replies are awaited for, or -1: later replies never wake the client thread. */
    private volatile long awaited = -1;
    /** Whether a join attempt is collecting challenges: others never wake the client thread. */
    private volatile boolean collecting;
    private volatile Session session;
    private volatile long readOnlyFallbacks;

    // ---- owned by the client thread
    /** A registered client's core, or the current session's; {@code null} before a dynamic client's first join. */
    private ClientCore core;
    /** The credentials of the last join that succeeded, for joining again after the session ends. */
    private byte[] credentials;
    /** The program left the session: a "session ended" answer is then final. */
    private boolean left;
    private Invocation current;
    private Joining joining;
    private JoinAttempt attempt;
    /** Runs the Join request under the key's provisional id. */
    private ClientCore joinCore;
    private long lastJoinRequestNumber;
    private long helloAtMillis;
    private long helloDelayMillis;
    private long currentStartNanos;
    private long currentDeadlineMillis;
    private long lastQuorumConnectedMillis;

    private BastionClient(ClusterConfig config, long registeredId, Signer signer, PublicKeyRef publicKey,
                          SignatureVerifier verifier, ClientTransport transport, ClientOptions options) {
        this.config = config;
        this.registeredId = registeredId;
        this.signer = signer;
        this.publicKey = publicKey;
        this.verifier = verifier;
        this.replyAuthenticator = new ReplyAuthenticator(config, verifier);
        this.transport = transport;
        this.options = options;
        if (options.auth() == ClientOptions.ClientAuth.MAC) {
            if (!transport.confidential()) {
                throw new IllegalArgumentException("MAC client mode needs TLS on the client port: its session keys"
                        + " would travel in clear (the replicas' client ports run --insecure-plaintext, or the"
                        + " transport is not TLS); use signed requests there");
            }
            this.sessionKeys = new ClientSessionKeys(config.n(), random);
        } else {
            this.sessionKeys = null;
        }
        if (publicKey == null) {
            // request numbers must keep growing across restarts of this client: start from the clock
            this.core = newCore(registeredId, System.currentTimeMillis() * 1_000);
            if (sessionKeys != null) {
                sessionKeys.useClientId(registeredId, signer); // no connection yet: nothing to send
            }
        }
        this.loop = Thread.ofPlatform().daemon()
                .name(publicKey == null ? "bastion-client-" + registeredId : "bastion-client-dynamic")
                .unstarted(this::run);
    }

    /** Connects with an explicit transport (the Netty one, or an in-memory one in tests). */
    public static BastionClient connect(ClusterConfig config, long clientId, Signer signer, SignatureVerifier verifier,
                                        ClientTransport transport, ClientOptions options) {
        return started(new BastionClient(config, clientId, signer, null, verifier, transport, options));
    }

    /**
     * Connects a dynamic client, which signs with {@code signer} (whose public key is
     * {@code publicKey}) and has no id until it {@linkplain #join joins}. The transport must carry
     * Hellos.
     */
    public static BastionClient connectDynamic(ClusterConfig config, Signer signer, PublicKeyRef publicKey,
                                               SignatureVerifier verifier, ClientTransport transport,
                                               ClientOptions options) {
        java.util.Objects.requireNonNull(publicKey, "publicKey");
        return started(new BastionClient(config, 0, signer, publicKey, verifier, transport, options));
    }

    private static BastionClient started(BastionClient client) {
        client.lastQuorumConnectedMillis = System.currentTimeMillis();
        if (client.sessionKeys != null) {
            client.transport.onKeyNonces(client::onKeyNonce);
        }
        client.transport.start(client::onReplyArrived);
        client.loop.start();
        return client;
    }

    private ClientCore newCore(long clientId, long firstRequestNumber) {
        RequestSealer sealer = sessionKeys == null ? RequestSealer.signing(signer)
                : sessionKeys.sealer(signer, config.quorums().certificate(), options.macSendsMax());
        return new ClientCore(clientId, config.quorums(), sealer, replyAuthenticator, firstRequestNumber,
                options.retransmitInitial().toMillis(), options.retransmitMax().toMillis());
    }

    /**
     * MAC client mode: replica {@code replicaId}'s connection (re)opened, so this client sends it a
     * new session key (on the I/O thread: one signature per connection).
     */
    private void onKeyNonce(int replicaId, byte[] nonce) {
        Envelope<SessionKey> key = sessionKeys.onKeyNonce(replicaId, nonce, signer);
        if (key != null) {
            transport.send(replicaId, key);
        }
    }

    /** MAC client mode: the client answers to a new id (it joined), so every connection gets a key for it. */
    private void keysFor(long clientId) {
        if (sessionKeys == null) {
            return;
        }
        Envelope<SessionKey>[] keys = sessionKeys.useClientId(clientId, signer);
        for (int r = 0; r < keys.length; r++) {
            if (keys[r] != null) {
                transport.send(r, keys[r]);
            }
        }
    }

    /** The id requests carry now: the registered id, the session's, or 0 before a dynamic client joined. */
    public long clientId() {
        Session s = session;
        return publicKey == null ? registeredId : s == null ? 0 : s.clientId();
    }

    /** The dynamic client's current session, or {@code null} (registered clients, before joining, after leaving). */
    public Session session() {
        return session;
    }

    /** Calls {@code listener} on the client thread when the cluster ends the session and the client joins again. */
    public void onSessionEvent(Consumer<SessionEvent> listener) {
        sessionListeners.add(listener);
    }

    /** Called on I/O threads: pass on replies to the outstanding request only. */
    private void onReplyArrived(Reply reply) {
        if (reply.requestNumber() == awaited) {
            events.add(reply);
        }
    }

    /** Called on I/O threads: pass on challenges while an attempt collects them. */
    private void onChallengeArrived(int replicaId, Envelope<Challenge> challenge) {
        if (collecting) {
            events.add(new ChallengeArrived(replicaId, challenge));
        }
    }

    // ------------------------------------------------------------------ the program's side

    /** Runs {@code operation} and returns the result f+1 replicas agree on. */
    public byte[] invoke(byte[] operation) throws BastionException {
        return invokeForResult(operation).value();
    }

    /** As {@link #invoke}, with who agreed, who dissented and how long it took. */
    public Result invokeForResult(byte[] operation) throws BastionException {
        return await(invokeAsync(operation));
    }

    private static <T> T await(CompletableFuture<T> pending) throws BastionException {
        try {
            return pending.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BastionException.Closed("interrupted while waiting for a reply");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof BastionException b) {
                throw b;
            }
            throw new IllegalStateException("client failed", e.getCause());
        }
    }

    /** Queues {@code operation}; the future fails with a {@link BastionException} subclass. */
    public CompletableFuture<Result> invokeAsync(byte[] operation) {
        return submit(operation, Request.Kind.WRITE);
    }

    /**
     * Runs a read-only {@code operation} without ordering: replicas answer on their current state
     * and 2f+1 must sign the same result. If they disagree, or do not answer in time, it runs as
     * an ordered request instead (so the answer is always one a correct cluster gives).
     */
    public byte[] invokeReadOnly(byte[] operation) throws BastionException {
        return await(invokeReadOnlyAsync(operation)).value();
    }

    public CompletableFuture<Result> invokeReadOnlyAsync(byte[] operation) {
        return submit(operation, Request.Kind.READ);
    }

    /**
     * Opens a session for this dynamic client with {@code credentials} (checked by the service's
     * authorization), after the requests queued before it. Joining again while in a session opens
     * a new one; if the identity is the same, the old one ends.
     *
     * @throws BastionException.JoinRefused when the cluster refused it, with the replicas' reason
     */
    public Session join(byte[] credentials) throws BastionException {
        return await(joinAsync(credentials));
    }

    public CompletableFuture<Session> joinAsync(byte[] credentials) {
        CompletableFuture<Session> future = new CompletableFuture<>();
        if (publicKey == null) {
            future.completeExceptionally(new IllegalStateException(
                    "client " + registeredId + " is registered in the cluster file; only dynamic clients join"));
        } else {
            enqueueFromProgram(new Joining(credentials.clone(), future, null), future);
        }
        return future;
    }

    /**
     * Ends this dynamic client's session. Requests made afterwards carry the ended session's id,
     * and the cluster answers them "session ended" ({@link BastionException.SessionEnded}) until
     * the client {@linkplain #join joins} again.
     */
    public void leave() throws BastionException {
        await(submit(new byte[0], Request.Kind.LEAVE));
    }

    /** Read-only requests that fell back to ordering (their replicas disagreed or were slow). */
    public long readOnlyFallbacks() {
        return readOnlyFallbacks;
    }

    private CompletableFuture<Result> submit(byte[] operation, Request.Kind kind) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        enqueueFromProgram(new Invocation(operation.clone(), future, kind, false), future);
        return future;
    }

    private void enqueueFromProgram(Object task, CompletableFuture<?> future) {
        if (closed) {
            future.completeExceptionally(new BastionException.Closed("client is closed"));
        } else {
            events.add(task);
            if (closed) { // raced with close(): the loop may no longer see it
                future.completeExceptionally(new BastionException.Closed("client is closed"));
            }
        }
    }

    /** Replicas connected right now. */
    public int connectedReplicas() {
        return transport.connectedReplicas();
    }

    // ------------------------------------------------------------------ the client thread

    private void run() {
        try {
            while (!closed) {
                Object event = events.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
                switch (event) {
                    case null -> { }
                    case Invocation invocation -> enqueue(invocation);
                    case Joining join -> enqueue(join);
                    case Reply reply -> onReply(reply);
                    case ChallengeArrived arrived -> onChallenge(arrived);
                    default -> throw new IllegalStateException("unknown client event " + event);
                }
                tick(System.currentTimeMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new BastionException.Closed("client closed"));
    }

    private void enqueue(Object task) {
        if (queued.size() >= options.pendingMax()) {
            fail(task, new BastionException("too many queued requests (" + options.pendingMax() + ")"));
            return;
        }
        queued.add(task);
        startNext();
    }

    private void startNext() {
        while (current == null && joining == null && !queued.isEmpty()) {
            Object next = queued.poll();
            long now = System.currentTimeMillis();
            currentStartNanos = System.nanoTime();
            currentDeadlineMillis = now + options.requestTimeout().toMillis();
            switch (next) {
                case Joining join -> startJoin(join, now);
                case Invocation invocation when core == null -> invocation.future().completeExceptionally(
                        new BastionException.SessionEnded("no session: call join first"));
                case Invocation invocation -> startInvocation(invocation, now);
                default -> throw Check.unreachable("queued " + next);
            }
        }
    }

    private void startInvocation(Invocation invocation, long now) {
        current = invocation;
        Envelope<Request> request = switch (invocation.kind()) {
            case WRITE -> core.start(invocation.operation(), now);
            case READ -> core.startReadOnly(invocation.operation(), now);
            case ORDERED_READ -> core.startOrderedRead(invocation.operation(), now);
            case LEAVE -> core.start(invocation.operation(), Request.Kind.LEAVE, now);
            case JOIN -> throw Check.unreachable("a join runs as a Joining");
        };
        awaited = request.message().requestNumber();
        transport.broadcast(request);
    }

    private void onReply(Reply reply) {
        if (joining != null) {
            Outcome outcome = joinCore == null ? null : joinCore.onReply(reply);
            if (outcome != null) {
                onJoinOutcome(outcome);
            }
            return;
        }
        if (current == null) {
            return;
        }
        Outcome outcome = core.onReply(reply);
        switch (outcome) {
            case null -> { }
            case Outcome.Done done when done.status() == Reply.Status.OK -> {
                if (current.kind() == Request.Kind.LEAVE) {
                    leftSession();
                }
                finish(current.future().complete(new Result(done.requestNumber(), done.result(), done.agreeing(),
                        done.dissenting(), done.view(), System.nanoTime() - currentStartNanos)));
            }
            case Outcome.Done done -> onRefused(new String(done.result(), StandardCharsets.UTF_8), done);
            case Outcome.Conflict conflict when core.readOnly() -> orderInstead();
            case Outcome.Conflict conflict -> finish(current.future().completeExceptionally(
                    new BastionException.ConflictingReplies("replicas signed conflicting results for request "
                            + conflict.requestNumber() + ": " + conflict.groups()
                            + " — more than f = " + config.f() + " replicas are faulty", conflict.groups())));
        }
    }

    /** f+1 replicas refused the current request without running the service. */
    private void onRefused(String reason, Outcome.Done done) {
        boolean ended = publicKey != null && reason.equals(SessionRequests.SESSION_ENDED);
        if (!ended) {
            finish(current.future().completeExceptionally(new BastionException.Refused(reason)));
            return;
        }
        if (current.kind() == Request.Kind.LEAVE) { // already over: what leaving wanted
            leftSession();
            finish(current.future().complete(new Result(done.requestNumber(), done.result(), done.agreeing(),
                    done.dissenting(), done.view(), System.nanoTime() - currentStartNanos)));
            return;
        }
        if (left || current.retried() || credentials == null) {
            finish(current.future().completeExceptionally(new BastionException.SessionEnded(reason)));
            return;
        }
        long endedId = core.clientId();
        session = null;
        tell(new SessionEvent(SessionEvent.Kind.ENDED, endedId, endedId, reason));
        boolean read = current.kind() == Request.Kind.READ || current.kind() == Request.Kind.ORDERED_READ;
        Invocation retry = new Invocation(current.operation(), current.future(), current.kind(), true);
        Invocation resume = read ? retry : new Invocation(null, current.future(), current.kind(), true);
        current = null;
        awaited = -1;
        queued.addFirst(new Joining(credentials, new CompletableFuture<>(), resume));
        startNext();
    }

    private void leftSession() {
        left = true;
        session = null;
    }

    // ------------------------------------------------------------------ joining

    private void startJoin(Joining join, long now) {
        joining = join;
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            attempt = new JoinAttempt(config, verifier, publicKey, nonce, join.credentials());
        } catch (IllegalArgumentException e) {
            joinFailed(new BastionException.JoinRefused(e.getMessage()));
            return;
        }
        helloDelayMillis = options.retransmitInitial().toMillis();
        helloAtMillis = now + helloDelayMillis;
        collecting = true;
        transport.broadcastHello(attempt.hello(), this::onChallengeArrived);
    }

    private void onChallenge(ChallengeArrived arrived) {
        long now = System.currentTimeMillis();
        if (attempt == null || !attempt.onChallenge(arrived.replicaId(), arrived.challenge(), now) || !attempt.ready()) {
            return;
        }
        collecting = false;
        byte[] operation = Codec.encodeJoin(attempt.join());
        lastJoinRequestNumber = Math.max(lastJoinRequestNumber + 1, now * 1_000);
        joinCore = newCore(attempt.provisionalClientId(), lastJoinRequestNumber);
        transport.addRoute(joinCore.clientId());
        Envelope<Request> request = joinCore.start(operation, Request.Kind.JOIN, now);
        awaited = request.message().requestNumber();
        transport.broadcast(request);
    }

    private void onJoinOutcome(Outcome outcome) {
        switch (outcome) {
            case Outcome.Done done when done.status() == Reply.Status.OK -> {
                try {
                    joined(Codec.decodeJoinResult(done.result()));
                } catch (CodecException e) {
                    joinFailed(new BastionException("replicas agreed on a malformed join result: " + e.getMessage()));
                }
            }
            case Outcome.Done done -> joinFailed(new BastionException.JoinRefused(
                    new String(done.result(), StandardCharsets.UTF_8)));
            case Outcome.Conflict conflict -> joinFailed(new BastionException.ConflictingReplies(
                    "replicas signed conflicting answers to the join: " + conflict.groups(), conflict.groups()));
        }
    }

    private void joined(JoinResult result) {
        Joining done = joining;
        long previousId = core == null ? 0 : core.clientId();
        transport.addRoute(result.clientId());
        if (previousId != 0 && previousId != result.clientId()) {
            transport.removeRoute(previousId);
        }
        core = newCore(result.clientId(), 1); // a new id: its request numbers start afresh
        keysFor(result.clientId());
        Session opened = new Session(result.clientId(), result.identity());
        session = opened;
        credentials = done.credentials();
        left = false;
        endJoin();
        if (done.resume() != null) {
            tell(new SessionEvent(SessionEvent.Kind.REJOINED, previousId, result.clientId(), ""));
            if (done.resume().operation() == null) { // a write: whether it ran before the end is unknown
                done.resume().future().completeExceptionally(new BastionException.SessionEnded(
                        SessionRequests.SESSION_ENDED + "; joined again as client " + result.clientId()
                                + ", but whether this write ran before the session ended is unknown"));
            } else {
                queued.addFirst(done.resume());
            }
        }
        done.future().complete(opened);
        startNext();
    }

    private void joinFailed(BastionException reason) {
        Joining failed = joining;
        endJoin();
        if (failed.resume() != null) {
            long endedId = core == null ? 0 : core.clientId();
            tell(new SessionEvent(SessionEvent.Kind.REJOIN_FAILED, endedId, endedId, reason.getMessage()));
            failed.resume().future().completeExceptionally(new BastionException.SessionEnded(
                    SessionRequests.SESSION_ENDED + "; joining again failed: " + reason.getMessage()));
        }
        failed.future().completeExceptionally(reason);
        startNext();
    }

    private void endJoin() {
        if (joinCore != null) {
            transport.removeRoute(joinCore.clientId());
        }
        joining = null;
        attempt = null;
        joinCore = null;
        collecting = false;
        awaited = -1;
    }

    private void tell(SessionEvent event) {
        for (Consumer<SessionEvent> listener : sessionListeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                // a listener's failure is its own; the client carries on
            }
        }
    }

    // ------------------------------------------------------------------ time

    private void tick(long now) {
        if (transport.connectedReplicas() >= config.quorums().reply()) {
            lastQuorumConnectedMillis = now;
        }
        if (joining != null) {
            tickJoin(now);
            return;
        }
        if (current == null) {
            return;
        }
        if (core.readOnly() && System.nanoTime() - currentStartNanos >= options.retransmitInitial().toNanos()) {
            orderInstead(); // replicas did not agree quickly enough: ask the ordered way
            return;
        }
        Envelope<Request> again = core.onTick(now);
        if (again != null) {
            transport.broadcast(again);
        }
        BastionException failure = overdue(now, core.sends());
        if (failure != null) {
            core.abandon();
            finish(current.future().completeExceptionally(failure));
        }
    }

    private void tickJoin(long now) {
        if (joinCore == null && now >= helloAtMillis) { // too few good challenges yet: ask every replica again
            helloDelayMillis = Math.min(helloDelayMillis * 2, options.retransmitMax().toMillis());
            helloAtMillis = now + helloDelayMillis;
            transport.broadcastHello(attempt.hello(), this::onChallengeArrived);
        }
        Envelope<Request> again = joinCore == null ? null : joinCore.onTick(now);
        if (again != null) {
            transport.broadcast(again);
        }
        BastionException failure = overdue(now, joinCore == null ? 0 : joinCore.sends());
        if (failure != null) {
            if (joinCore != null) {
                joinCore.abandon();
            } else {
                failure = new BastionException.Timeout("only " + attempt.goodChallenges() + " good challenges of the "
                        + config.quorums().joinChallenges() + " a join needs within "
                        + options.requestTimeout().toMillis() + " ms (" + attempt.refusedChallenges()
                        + " did not check out; " + transport.connectedReplicas() + " of " + config.n()
                        + " replicas connected)");
            }
            joinFailed(failure);
        }
    }

    /** Why the outstanding request or join must be given up at {@code now}, or {@code null}. */
    private BastionException overdue(long now, long sends) {
        if (now - lastQuorumConnectedMillis >= options.unreachableAfter().toMillis()) {
            return new BastionException.ClusterUnreachable(
                    "connected to " + transport.connectedReplicas() + " of " + config.n() + " replicas for "
                            + options.unreachableAfter().toMillis() + " ms; a request needs f+1 = "
                            + config.quorums().reply());
        }
        if (now >= currentDeadlineMillis) {
            return new BastionException.Timeout(
                    "no " + config.quorums().reply() + " matching replies within " + options.requestTimeout().toMillis()
                            + " ms (sent " + sends + " times; " + transport.connectedReplicas() + " of "
                            + config.n() + " replicas connected)");
        }
        return null;
    }

    /** The outstanding read-only request becomes an ordered one (a fresh request number). */
    private void orderInstead() {
        core.abandon();
        readOnlyFallbacks++;
        Invocation ordered = new Invocation(current.operation(), current.future(), Request.Kind.ORDERED_READ,
                current.retried());
        current = null;
        awaited = -1;
        queued.addFirst(ordered);
        startNext();
    }

    private void finish(boolean ignored) {
        awaited = -1;
        current = null;
        startNext();
    }

    private static void fail(Object task, BastionException reason) {
        switch (task) {
            case Invocation i -> i.future().completeExceptionally(reason);
            case Joining j -> {
                j.future().completeExceptionally(reason);
                if (j.resume() != null) {
                    j.resume().future().completeExceptionally(reason);
                }
            }
            default -> { }
        }
    }

    private void failAll(BastionException reason) {
        if (current != null) {
            current.future().completeExceptionally(reason);
            current = null;
        }
        if (joining != null) {
            fail(joining, reason);
            joining = null;
        }
        queued.forEach(task -> fail(task, reason));
        queued.clear();
        events.forEach(event -> fail(event, reason));
    }

    @Override
    public void close() {
        closed = true;
        try {
            loop.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        transport.close();
    }
}
