package io.bastion.client;

import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
 * Thread-safe: any thread may invoke; one internal thread owns the protocol state.
 */
public final class BastionClient implements AutoCloseable {
    private static final long TICK_MILLIS = 10;

    private record Invocation(byte[] operation, CompletableFuture<Result> future, Request.Kind kind) {}

    private final ClusterConfig config;
    private final ClientCore core;
    private final ClientTransport transport;
    private final ClientOptions options;
    private final LinkedBlockingQueue<Object> events = new LinkedBlockingQueue<>();
    private final ArrayDeque<Invocation> queued = new ArrayDeque<>();
    private final Thread loop;
    private volatile boolean closed;
    /** The request number replies are awaited for, or -1: later replies never wake the client thread. */
    private volatile long awaited = -1;

    private Invocation current;
    private long currentStartNanos;
    private long currentDeadlineMillis;
    private long lastQuorumConnectedMillis;
    private volatile long readOnlyFallbacks;

    private BastionClient(ClusterConfig config, long clientId, Signer signer, SignatureVerifier verifier,
                          ClientTransport transport, ClientOptions options) {
        this.config = config;
        this.transport = transport;
        this.options = options;
        // request numbers must keep growing across restarts of this client: start from the clock
        this.core = new ClientCore(clientId, config.quorums(), signer, new ReplyAuthenticator(config, verifier),
                System.currentTimeMillis() * 1_000, options.retransmitInitial().toMillis(),
                options.retransmitMax().toMillis());
        this.loop = Thread.ofPlatform().daemon().name("bastion-client-" + clientId).unstarted(this::run);
    }

    /** Connects with an explicit transport (the Netty one, or an in-memory one in tests). */
    public static BastionClient connect(ClusterConfig config, long clientId, Signer signer, SignatureVerifier verifier,
                                        ClientTransport transport, ClientOptions options) {
        BastionClient client = new BastionClient(config, clientId, signer, verifier, transport, options);
        client.lastQuorumConnectedMillis = System.currentTimeMillis();
        transport.start(client::onReplyArrived);
        client.loop.start();
        return client;
    }

    public long clientId() {
        return core.clientId();
    }

    /** Called on I/O threads: pass on replies to the outstanding request only. */
    private void onReplyArrived(Reply reply) {
        if (reply.requestNumber() == awaited) {
            events.add(reply);
        }
    }

    /** Runs {@code operation} and returns the result f+1 replicas agree on. */
    public byte[] invoke(byte[] operation) throws BastionException {
        return invokeForResult(operation).value();
    }

    /** As {@link #invoke}, with who agreed, who dissented and how long it took. */
    public Result invokeForResult(byte[] operation) throws BastionException {
        return await(invokeAsync(operation));
    }

    private static Result await(CompletableFuture<Result> pending) throws BastionException {
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

    /** Read-only requests that fell back to ordering (their replicas disagreed or were slow). */
    public long readOnlyFallbacks() {
        return readOnlyFallbacks;
    }

    private CompletableFuture<Result> submit(byte[] operation, Request.Kind kind) {
        CompletableFuture<Result> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new BastionException.Closed("client is closed"));
        } else {
            events.add(new Invocation(operation.clone(), future, kind));
            if (closed) { // raced with close(): the loop may no longer see it
                future.completeExceptionally(new BastionException.Closed("client is closed"));
            }
        }
        return future;
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
                    case Reply reply -> onReply(reply);
                    default -> throw new IllegalStateException("unknown client event " + event);
                }
                tick(System.currentTimeMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(new BastionException.Closed("client closed"));
    }

    private void enqueue(Invocation invocation) {
        if (queued.size() >= options.pendingMax()) {
            invocation.future().completeExceptionally(new BastionException(
                    "too many queued requests (" + options.pendingMax() + ")"));
            return;
        }
        queued.add(invocation);
        startNext();
    }

    private void startNext() {
        if (current != null || queued.isEmpty()) {
            return;
        }
        current = queued.poll();
        long now = System.currentTimeMillis();
        currentStartNanos = System.nanoTime();
        currentDeadlineMillis = now + options.requestTimeout().toMillis();
        Signed<Request> request = switch (current.kind()) {
            case WRITE -> core.start(current.operation(), now);
            case READ -> core.startReadOnly(current.operation(), now);
            case ORDERED_READ -> core.startOrderedRead(current.operation(), now);
            case JOIN, LEAVE -> core.start(current.operation(), current.kind(), now);
        };
        awaited = request.message().requestNumber();
        transport.broadcast(request);
    }

    private void onReply(Reply reply) {
        if (current == null) {
            return;
        }
        Outcome outcome = core.onReply(reply);
        switch (outcome) {
            case null -> { }
            case Outcome.Done done -> finish(current.future().complete(new Result(done.requestNumber(),
                    done.result(), done.agreeing(), done.dissenting(), done.view(),
                    System.nanoTime() - currentStartNanos)));
            case Outcome.Conflict conflict when core.readOnly() -> orderInstead();
            case Outcome.Conflict conflict -> finish(current.future().completeExceptionally(
                    new BastionException.ConflictingReplies("replicas signed conflicting results for request "
                            + conflict.requestNumber() + ": " + conflict.groups()
                            + " — more than f = " + config.f() + " replicas are faulty", conflict.groups())));
        }
    }

    private void tick(long now) {
        if (transport.connectedReplicas() >= config.quorums().reply()) {
            lastQuorumConnectedMillis = now;
        }
        if (current == null) {
            return;
        }
        if (core.readOnly() && System.nanoTime() - currentStartNanos >= options.retransmitInitial().toNanos()) {
            orderInstead(); // replicas did not agree quickly enough: ask the ordered way
            return;
        }
        Signed<Request> again = core.onTick(now);
        if (again != null) {
            transport.broadcast(again);
        }
        if (now - lastQuorumConnectedMillis >= options.unreachableAfter().toMillis()) {
            core.abandon();
            finish(current.future().completeExceptionally(new BastionException.ClusterUnreachable(
                    "connected to " + transport.connectedReplicas() + " of " + config.n() + " replicas for "
                            + options.unreachableAfter().toMillis() + " ms; a request needs f+1 = "
                            + config.quorums().reply())));
        } else if (now >= currentDeadlineMillis) {
            core.abandon();
            finish(current.future().completeExceptionally(new BastionException.Timeout(
                    "no " + config.quorums().reply() + " matching replies within " + options.requestTimeout().toMillis()
                            + " ms (sent " + core.sends() + " times; " + transport.connectedReplicas() + " of "
                            + config.n() + " replicas connected)")));
        }
    }

    /** The outstanding read-only request becomes an ordered one (a fresh request number). */
    private void orderInstead() {
        core.abandon();
        readOnlyFallbacks++;
        Invocation ordered = new Invocation(current.operation(), current.future(), Request.Kind.ORDERED_READ);
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

    private void failAll(BastionException reason) {
        if (current != null) {
            current.future().completeExceptionally(reason);
            current = null;
        }
        for (Invocation i : queued) {
            i.future().completeExceptionally(reason);
        }
        queued.clear();
        for (Object e : events) {
            if (e instanceof Invocation i) {
                i.future().completeExceptionally(reason);
            }
        }
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
