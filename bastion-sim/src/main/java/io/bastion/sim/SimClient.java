package io.bastion.sim;

import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.CounterService;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * A simulated client running the production {@link ClientCore}: it adds random amounts to the
 * replicated counter, one request at a time, with a random pause between requests.
 *
 * <p>A dynamic client first joins: it sends a Hello to every replica, keeps the challenges whose
 * signatures check out, sends a Join once it has enough, and then works under the id it was
 * given. Now and then it leaves and joins again; if its session ended under it, it joins again.
 *
 * <p>A faulty client ({@link ClientBehaviour}) runs the same code but sends its requests its own
 * way: to some replicas only, in different versions, with bad signatures; or it floods or replays
 * instead of working. It attacks until the honest clients finished.
 */
public final class SimClient {
    /** Where a dynamic client stands. */
    private enum Phase { STATIC, HELLO, JOINING, JOINED, LEAVING }

    private final int node;
    private final long keyId;
    private final ClusterConfig config;
    private final SplittableRandom random;
    private final boolean dynamic;
    private final ClientBehaviour behaviour;
    /** What each replica gets of the outstanding request (null: nothing), for faulty senders. */
    private Envelope<?>[] perReplica;
    private long floodNumber;
    /** The challenges the last Hello earned. */
    private JoinChallenges challenges;
    private ClientCore core;
    private Phase phase;
    private byte[] nonce;
    private long helloAtMillis;
    private int remaining;
    private long completed;
    private long joins;
    private long refusals;

    /** MAC client mode's keys (null: this client signs every request). */
    private final SimulatedMacs macs;

    SimClient(int node, long clientId, ClusterConfig config, SplittableRandom random, int requests, boolean dynamic,
              ClientBehaviour behaviour) {
        this(node, clientId, config, random, requests, dynamic, behaviour, null);
    }

    /** A client in MAC client mode when {@code macs} is given (registered clients only). */
    SimClient(int node, long clientId, ClusterConfig config, SplittableRandom random, int requests, boolean dynamic,
              ClientBehaviour behaviour, SimulatedMacs macs) {
        this.macs = dynamic ? null : macs;
        this.node = node;
        this.behaviour = behaviour;
        this.keyId = clientId;
        this.config = config;
        this.random = random;
        this.dynamic = dynamic;
        this.remaining = flooding() || behaviour == ClientBehaviour.REPLAY ? 0 : requests;
        this.phase = dynamic ? Phase.HELLO : Phase.STATIC;
        this.core = dynamic ? null : coreFor(clientId);
    }

    private ClientCore coreFor(long id) {
        if (macs != null) {
            return new ClientCore(id, config.quorums(), macs.sealer(id, keyId),
                    new ReplyAuthenticator(config, SimulatedKeys.VERIFIER), 1, 150, 2_000);
        }
        return new ClientCore(id, config.quorums(), SimulatedKeys.signer(keyId),
                new ReplyAuthenticator(config, SimulatedKeys.VERIFIER), 1, 150, 2_000);
    }

    /** Whether this client authenticates its requests with tags (MAC client mode). */
    boolean usesMacs() {
        return macs != null;
    }

    private PublicKeyRef key() {
        return SimulatedKeys.publicKey(keyId);
    }

    /** The id requests carry now (a dynamic client's changes with each session), or -1 before the first Join. */
    public long clientId() {
        return core == null ? -1 : core.clientId();
    }

    public int node() {
        return node;
    }

    public long completed() {
        return completed;
    }

    /** Sessions this client opened (dynamic clients). */
    public long joins() {
        return joins;
    }

    public ClientBehaviour behaviour() {
        return behaviour;
    }

    public boolean honest() {
        return behaviour == ClientBehaviour.HONEST;
    }

    public boolean finished() {
        return remaining == 0 && (core == null || !core.busy()) && phase != Phase.HELLO && phase != Phase.LEAVING;
    }

    /** The outstanding request, for liveness reports. */
    Envelope<Request> outstanding() {
        return core == null ? null : core.current();
    }

    void startNext(Simulation world) {
        if (phase == Phase.HELLO) {
            sendHello(world);
            return;
        }
        if (remaining == 0 || core.busy() || phase != Phase.JOINED && phase != Phase.STATIC) {
            return;
        }
        if (phase == Phase.JOINED && random.nextInt(8) == 0) {
            phase = Phase.LEAVING;
            Envelope<Request> leave = core.start(new byte[0], Request.Kind.LEAVE, world.now());
            world.checker().onSent(leave);
            world.broadcastFromClient(node, leave);
            return;
        }
        remaining--;
        Envelope<Request> request = core.start(CounterService.add(1 + random.nextInt(100)), world.now());
        world.checker().onInvoke(request);
        if (honest()) {
            world.broadcastFromClient(node, request);
        } else {
            perReplica = faultyCopies(request, world);
            sendFaulty(world);
        }
    }

    /** What a faulty client sends each replica for {@code request} (null: nothing). */
    private Envelope<?>[] faultyCopies(Envelope<Request> request, Simulation world) {
        int n = config.n();
        Envelope<?>[] copies = new Envelope<?>[n];
        int mask = 1 + random.nextInt((1 << n) - 1); // a random non-empty subset of the replicas
        Envelope<Request> tagged = behaviour == ClientBehaviour.BAD_TAGS ? badTags(request, mask) : null;
        for (int i = 0; i < n; i++) {
            boolean inSubset = (mask & (1 << i)) != 0;
            copies[i] = switch (behaviour) {
                case SUBSET -> inSubset ? request : null;
                case BAD_SIGNATURES -> inSubset ? request : Envelope.sign(request.message(), SimulatedKeys.signer(-keyId));
                case EQUIVOCATE -> inSubset ? request : variant(request, i, world);
                case BAD_TAGS -> tagged;
                default -> request; // SKIP_PRIMARY decides at each send
            };
        }
        return copies;
    }

    /** The request with good tags for the replicas in {@code mask} and bad ones for the others (one envelope for all). */
    private Envelope<Request> badTags(Envelope<Request> request, int mask) {
        int spoiled = ~mask & ((1 << config.n()) - 1);
        return Envelope.authenticate(request.message(), e -> macs.authenticator(keyId, e, spoiled));
    }

    /** Another operation under the same client and request number, validly signed. */
    private Envelope<Request> variant(Envelope<Request> request, int replica, Simulation world) {
        Request r = request.message();
        Envelope<Request> other = Envelope.sign(new Request(r.clientId(), r.requestNumber(), false,
                CounterService.add(1_000 + replica)), SimulatedKeys.signer(keyId));
        world.checker().onSent(other);
        return other;
    }

    private void sendFaulty(Simulation world) {
        for (int i = 0; i < perReplica.length; i++) {
            boolean skipped = behaviour == ClientBehaviour.SKIP_PRIMARY && world.isPrimaryNow(i);
            if (perReplica[i] != null && !skipped) {
                world.sendFromClient(node, i, perReplica[i]);
            }
        }
    }

    /** A flooding or replaying client's work for one tick, while the honest clients work. */
    private void attack(Simulation world) {
        if (world.allClientsFinished()) {
            return;
        }
        if (flooding()) {
            Envelope<Request> request = Envelope.sign(new Request(keyId, ++floodNumber, false,
                    CounterService.add(1 + random.nextInt(100))), SimulatedKeys.signer(keyId));
            world.checker().onInvoke(request);
            if (behaviour == ClientBehaviour.FLOOD) {
                world.broadcastFromClient(node, request);
            } else {
                int backup = 1 + random.nextInt(config.n() - 1);
                for (int i = 0; i < config.n(); i++) {
                    int target = (i + backup) % config.n();
                    if (!world.isPrimaryNow(target)) {
                        world.sendFromClient(node, target, request);
                        break;
                    }
                }
            }
        } else {
            Envelope<Request> old = world.recentRequest(random);
            if (old != null) {
                world.broadcastFromClient(node, old);
            }
        }
    }

    private void sendHello(Simulation world) {
        nonce = new byte[16];
        random.nextBytes(nonce);
        challenges = new JoinChallenges(config, key(), nonce);
        helloAtMillis = world.now();
        world.hello(node, Envelope.unsigned(new Hello(key(), nonce, credentials())), c -> onChallenge(c, world));
    }

    private byte[] credentials() {
        return ("sim-" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    /** A replica answered the Hello; once enough challenges check out, the Join goes out. */
    void onChallenge(Envelope<Challenge> signed, Simulation world) {
        if (phase != Phase.HELLO || nonce == null || !challenges.add(signed)) {
            return;
        }
        byte[] join = challenges.join(credentials());
        core = coreFor(JoinRequest.provisionalClientId(key()));
        world.route(core.clientId(), this);
        phase = Phase.JOINING;
        Envelope<Request> request = core.start(join, Request.Kind.JOIN, world.now());
        world.checker().onSent(request);
        world.broadcastFromClient(node, request);
    }

    private boolean flooding() {
        return behaviour == ClientBehaviour.FLOOD || behaviour == ClientBehaviour.FLOOD_ONE;
    }

    void tick(Simulation world) {
        if (flooding() || behaviour == ClientBehaviour.REPLAY) {
            attack(world);
            return;
        }
        if (phase == Phase.HELLO && nonce != null && world.now() - helloAtMillis > 1_000) {
            sendHello(world); // challenges lost or expired: ask again
            return;
        }
        if (core == null) {
            return;
        }
        Envelope<Request> again = core.onTick(world.now());
        if (again != null && honest()) {
            world.broadcastFromClient(node, again);
        } else if (again != null) {
            sendFaulty(world);
        }
    }

    void onReply(Reply reply, Simulation world) {
        if (core == null) {
            return;
        }
        Outcome outcome = core.onReply(reply);
        switch (outcome) {
            case null -> { }
            case Outcome.Done done -> onDone(done, world);
            case Outcome.Conflict conflict -> throw new IllegalStateException(
                    "client " + clientId() + " saw conflicting replies " + conflict.groups());
        }
    }

    private void onDone(Outcome.Done done, Simulation world) {
        switch (phase) {
            case JOINING -> {
                if (done.status() == Reply.Status.OK) {
                    try {
                        JoinResult result = Codec.decodeJoinResult(done.result());
                        core = coreFor(result.clientId());
                        world.route(result.clientId(), this);
                        phase = Phase.JOINED;
                        joins++;
                    } catch (CodecException e) {
                        throw new IllegalStateException("client " + keyId + " accepted a malformed Join result", e);
                    }
                } else {
                    refusals++; // e.g. its challenges expired in a long partition: ask again
                    phase = Phase.HELLO;
                    nonce = null;
                }
            }
            case LEAVING -> {
                phase = Phase.HELLO;
                nonce = null;
            }
            default -> {
                if (done.status() == Reply.Status.REFUSED) {
                    refusals++; // its session ended; whether an earlier ordering of it ran is unknown
                    world.checker().onRefused(clientId(), done.requestNumber());
                    phase = Phase.HELLO;
                    nonce = null;
                } else {
                    world.checker().onAccept(clientId(), done.requestNumber(), done.result());
                    completed++;
                }
            }
        }
        world.schedule(random.nextLong(0, 20), () -> startNext(world));
    }
}
