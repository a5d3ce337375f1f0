package io.bastion.bench;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.NetSettings;
import io.bastion.net.tls.ClientSecurity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@link FaultyClient} puts on the wire for each attack, read by four fake replicas (plain
 * sockets on 127.0.0.1 that decode the frames and can answer): who gets which request, with which
 * operation and signature. No replica runs.
 */
class FaultyClientTest {
    private static final long CLIENT_ID = 7;
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final int ENOUGH = 50;
    private static final byte[] OPERATION = io.bastion.core.service.NullService.operation(64, 64);

    private final SecureRandom random = new SecureRandom();
    private final SigningKey key = Ed25519SigningKey.generate(random);
    private final StandardSignatureVerifier verifier = new StandardSignatureVerifier();
    private final List<FakeReplica> replicas = new ArrayList<>();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    /** A replica's client port that records the requests that arrive and can send a frame back. */
    private static final class FakeReplica implements AutoCloseable {
        final ServerSocket listener;
        final List<Envelope<Request>> received = new CopyOnWriteArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        volatile Socket connection;

        FakeReplica() throws IOException {
            listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofPlatform().daemon().start(this::accept);
        }

        private void accept() {
            try {
                while (!listener.isClosed()) {
                    Socket socket = listener.accept();
                    connection = socket;
                    Thread.ofPlatform().daemon().start(() -> read(socket));
                }
            } catch (IOException closed) {
                // the test is over
            }
        }

        @SuppressWarnings("unchecked")
        private void read(Socket socket) {
            try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
                while (true) {
                    byte[] body = new byte[in.readInt()];
                    in.readFully(body);
                    received.add((Envelope<Request>) Codec.decodeFrame(body));
                }
            } catch (IOException closed) {
                // the attacker went
            } catch (Exception e) {
                errors.add(e);
            }
        }

        void send(Envelope<?> message) throws IOException {
            byte[] body = Codec.encodeFrame(message);
            DataOutputStream out = new DataOutputStream(connection.getOutputStream());
            out.writeInt(body.length);
            out.write(body);
            out.flush();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            if (connection != null) {
                connection.close();
            }
        }
    }

    private ClusterConfig cluster(int... clientPorts) {
        List<ReplicaInfo> infos = new ArrayList<>();
        for (int id = 0; id < clientPorts.length; id++) {
            infos.add(new ReplicaInfo(id, "127.0.0.1", 61_000 + id, clientPorts[id], 0,
                    Ed25519SigningKey.generate(random).publicKey()));
        }
        return new ClusterConfig(1, infos, List.of(new ClientInfo(CLIENT_ID, key.publicKey())), ProtocolSettings.DEFAULTS);
    }

    private ClusterConfig fakeCluster() throws IOException {
        int[] ports = new int[4];
        for (int id = 0; id < 4; id++) {
            FakeReplica replica = new FakeReplica();
            open.add(replica);
            replicas.add(replica);
            ports[id] = replica.port();
        }
        return cluster(ports);
    }

    private FaultyClient attacker(ClusterConfig config, Attack attack, SentRequests honest, long rate) {
        FaultyClient client = new FaultyClient(config, CLIENT_ID, key, attack, OPERATION, honest, rate,
                NetSettings.DEFAULTS, ClientSecurity.PLAINTEXT, random.nextLong());
        open.add(client);
        return client.start();
    }

    private static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private void untilEveryReplicaGot(int frames) {
        until("every replica got " + frames + " frames", () -> replicas.stream().allMatch(r -> r.received.size() >= frames));
    }

    /**
     * What each replica got of each request number, for the numbers every replica has seen past
     * (frames to one replica arrive in order, so those copies all arrived). A replica the attack
     * never sends to is left out of the cut.
     */
    private Map<Long, Map<Integer, Envelope<Request>>> arrivedByNumber(Set<Integer> sentTo) {
        long cut = Long.MAX_VALUE;
        List<List<Envelope<Request>>> snapshots = new ArrayList<>();
        for (int id = 0; id < replicas.size(); id++) {
            List<Envelope<Request>> snapshot = List.copyOf(replicas.get(id).received);
            snapshots.add(snapshot);
            if (sentTo.contains(id)) {
                cut = Math.min(cut, snapshot.getLast().message().requestNumber());
            }
        }
        Map<Long, Map<Integer, Envelope<Request>>> byNumber = new HashMap<>();
        for (int id = 0; id < snapshots.size(); id++) {
            for (Envelope<Request> r : snapshots.get(id)) {
                if (r.message().requestNumber() < cut) {
                    byNumber.computeIfAbsent(r.message().requestNumber(), n -> new HashMap<>()).put(id, r);
                }
            }
        }
        assertThat(byNumber).as("request numbers every replica has seen past").isNotEmpty();
        return byNumber;
    }

    private boolean valid(Envelope<Request> request) {
        return verifier.verify(key.publicKey(), request.encodedUnsafe(), request.signatureUnsafe());
    }

    private void noErrors() {
        replicas.forEach(r -> assertThat(r.errors).isEmpty());
    }

    @Test
    void skipPrimaryLeavesOutThePrimaryOfTheHighestViewARepliesNames() throws Exception {
        FaultyClient client = attacker(fakeCluster(), Attack.SKIP_PRIMARY, new SentRequests(), 0);
        until("backups got requests", () -> replicas.subList(1, 4).stream().allMatch(r -> r.received.size() >= ENOUGH));
        assertThat(replicas.get(0).received).as("the primary of view 0").isEmpty();

        Reply view1 = new Reply(2, 1, 9, CLIENT_ID, 1, new byte[0], 0, 1, List.of(), new byte[64]);
        replicas.get(2).send(Envelope.unsigned(view1));
        until("the primary of view 0 gets requests", () -> replicas.get(0).received.size() >= ENOUGH);

        Set<Long> toReplica1 = new HashSet<>();
        replicas.get(1).received.forEach(r -> toReplica1.add(r.message().requestNumber()));
        for (Envelope<Request> r : replicas.get(0).received) {
            assertThat(toReplica1).as("the primary of view 1 is skipped from then on")
                    .doesNotContain(r.message().requestNumber());
        }
        assertThat(client.stats().highestView()).isEqualTo(1);
        assertThat(client.stats().repliesReceived()).isEqualTo(1);
        noErrors();
    }

    @Test
    void subsetSendsEachRequestToSomeReplicasOnly() throws Exception {
        attacker(fakeCluster(), Attack.SUBSET, new SentRequests(), 0);
        untilEveryReplicaGot(ENOUGH);

        Map<Long, Map<Integer, Envelope<Request>>> byNumber = arrivedByNumber(Set.of(0, 1, 2, 3));

        assertThat(byNumber.values()).allSatisfy(copies -> assertThat(copies).isNotEmpty())
                .anySatisfy(copies -> assertThat(copies).hasSizeLessThan(4));
        assertThat(byNumber.values().stream().flatMap(c -> c.values().stream())).allMatch(this::valid);
        noErrors();
    }

    @Test
    void equivocateSendsDifferentOperationsUnderOneRequestNumber() throws Exception {
        FaultyClient client = attacker(fakeCluster(), Attack.EQUIVOCATE, new SentRequests(), 0);
        untilEveryReplicaGot(ENOUGH);

        Map<Long, Map<Integer, Envelope<Request>>> byNumber = arrivedByNumber(Set.of(0, 1, 2, 3));

        assertThat(byNumber.values()).allSatisfy(copies -> {
            assertThat(copies).as("every replica gets a version").hasSize(4);
            assertThat(copies.values().stream().map(r -> java.util.Arrays.toString(r.message().operationUnsafe()))
                    .distinct().count()).as("versions").isGreaterThanOrEqualTo(2);
            assertThat(copies.values()).allMatch(this::valid);
        });
        assertThat(client.stats().requestsMade()).as("each version signed").isGreaterThan(byNumber.size());
        noErrors();
    }

    @Test
    void badSignaturesSignsValidlyForSomeReplicasAndCorruptsTheSignatureForTheOthers() throws Exception {
        FaultyClient client = attacker(fakeCluster(), Attack.BAD_SIGNATURES, new SentRequests(), 0);
        untilEveryReplicaGot(ENOUGH);

        Map<Long, Map<Integer, Envelope<Request>>> byNumber = arrivedByNumber(Set.of(0, 1, 2, 3));

        assertThat(byNumber.values()).allSatisfy(copies -> {
            assertThat(copies).hasSize(4);
            assertThat(copies.values().stream().map(r -> java.util.Arrays.toString(r.encodedUnsafe())).distinct())
                    .as("one request").hasSize(1);
            assertThat(copies.values()).anyMatch(this::valid).anyMatch(r -> !valid(r));
        });
        assertThat(client.stats().framesBadSignature()).isPositive();
        noErrors();
    }

    @Test
    void replaySendsWhatHonestClientsSentAndItsOwnOldRequestsToEveryReplica() throws Exception {
        SigningKey honestKey = Ed25519SigningKey.generate(random);
        SentRequests honest = new SentRequests();
        Set<Envelope<Request>> recorded = new HashSet<>();
        for (long number = 1; number <= 10; number++) {
            Envelope<Request> request = Envelope.sign(new Request(3, number, false, OPERATION), honestKey);
            honest.record(request);
            recorded.add(request);
        }
        FaultyClient client = attacker(fakeCluster(), Attack.REPLAY, honest, 0);
        untilEveryReplicaGot(10 * FaultyClient.OWN_REPLAYS_MAX);

        for (FakeReplica replica : replicas) {
            List<Envelope<Request>> got = List.copyOf(replica.received);
            assertThat(got).anyMatch(recorded::contains);
            assertThat(got).allMatch(r -> recorded.contains(r) || r.message().clientId() == CLIENT_ID);
            assertThat(got.stream().filter(r -> r.message().clientId() == CLIENT_ID)
                    .map(r -> r.message().requestNumber()).distinct().count())
                    .as("its own: the first ones, again").isLessThanOrEqualTo(FaultyClient.OWN_REPLAYS_MAX);
        }
        assertThat(client.stats().requestsMade()).isEqualTo(FaultyClient.OWN_REPLAYS_MAX);
        assertThat(client.stats().framesReplayed()).isPositive();
        noErrors();
    }

    @Test
    void floodSendsNewRequestsToEveryReplicaWithoutWaitingForReplies() throws Exception {
        attacker(fakeCluster(), Attack.FLOOD, new SentRequests(), 0);
        untilEveryReplicaGot(ENOUGH);

        Map<Long, Map<Integer, Envelope<Request>>> byNumber = arrivedByNumber(Set.of(0, 1, 2, 3));

        assertThat(byNumber.size()).as("many requests, no reply ever came").isGreaterThan(ENOUGH / 2);
        assertThat(byNumber.values()).allSatisfy(copies -> {
            assertThat(copies).hasSize(4);
            assertThat(copies.values()).allMatch(this::valid);
        });
        noErrors();
    }

    @Test
    void atFullSpeedTheAttackerPausesWhenItsOwnQueuesDropInsteadOfSigningForNobody() throws Exception {
        int[] closed = new int[4];
        for (int id = 0; id < 4; id++) {
            try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                closed[id] = probe.getLocalPort(); // nothing listens there once the probe is closed
            }
        }
        FaultyClient client = attacker(cluster(closed), Attack.FLOOD, new SentRequests(), 0);
        until("its queues are full", () -> client.stats().framesDroppedByOwnQueue() > 0);

        long before = client.stats().requestsMade();
        long start = System.nanoTime();
        until("a second went by", () -> System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1));
        double seconds = (System.nanoTime() - start) / 1e9;
        long made = client.stats().requestsMade() - before;

        double pausesPerSecond = TimeUnit.SECONDS.toNanos(1) / (double) FaultyClient.QUEUE_FULL_PAUSE_NANOS;
        assertThat(made).as("at most one request per pause").isLessThanOrEqualTo((long) (2 * pausesPerSecond * seconds));
    }

    @Test
    void aRateCapsTheRequestsPerSecond() throws Exception {
        FaultyClient client = attacker(fakeCluster(), Attack.FLOOD, new SentRequests(), 100);
        long start = System.nanoTime();
        until("frames arrived", () -> replicas.stream().allMatch(r -> !r.received.isEmpty()));
        until("a second went by", () -> System.nanoTime() - start >= TimeUnit.SECONDS.toNanos(1));
        long made = client.stats().requestsMade();
        double seconds = (System.nanoTime() - start) / 1e9;

        assertThat(made).isPositive().isLessThanOrEqualTo((long) (100 * seconds) + 2);
        noErrors();
    }
}
