package io.bastion.client;

import io.bastion.server.ReplicaTls;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.KeyValueService;
import io.bastion.core.session.SessionSettings;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.ReplicaNode;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.server.storage.SyncMode;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dynamic clients against four replica nodes over real TCP on 127.0.0.1 (f = 1), running the
 * key-value service, whose authorization takes the credentials as the identity and refuses
 * blank ones.
 */
class DynamicClientTest {
    private static final Duration BOUND = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final SecureRandom random = new SecureRandom();
    private final List<AutoCloseable> open = new ArrayList<>();
    private ClusterGenerator.Generated generated;
    private final ReplicaNode[] nodes = new ReplicaNode[4];
    private ClientGroup group;

    @BeforeEach
    void start() throws Exception {
        generated = ClusterGenerator.generate(directory, 4, 1, Ports.base(12), random);
        for (int id = 0; id < 4; id++) {
            startNode(id);
        }
        group = new ClientGroup(generated.config());
    }

    /** Starts (or restarts) replica {@code id} on its data directory (page-cache writes: a process crash is all it survives). */
    private void startNode(int id) throws Exception {
        nodes[id] = ReplicaNode.start(generated.config(), id,
                KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id)), new KeyValueService(),
                ReplicaNode.Options.defaults(ReplicaStorage.open(directory.resolve("data-" + id), SyncMode.NONE))
                        .withTls(ReplicaTls.keygenFiles(directory, id)));
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        if (group != null) {
            group.close();
        }
        for (ReplicaNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static ClientOptions options() {
        return ClientOptions.defaults().withRequestTimeout(BOUND);
    }

    private BastionClient dynamic() {
        SigningKey key = Ed25519SigningKey.generate(random);
        BastionClient client = group.connectDynamic(key, key.publicKey(), options());
        open.add(client);
        return client;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits until every replica's edge knows exactly {@code live} sessions. */
    private void awaitLiveSessions(int live) {
        Await.until("every replica knows " + live + " live sessions", BOUND,
                () -> Arrays.stream(nodes).allMatch(n -> n.runtime().sessions().liveCount() == live));
    }

    @Test
    void aDynamicClientJoinsInvokesAndLeaves() throws Exception {
        BastionClient client = dynamic();
        assertThat(client.session()).isNull();
        assertThat(client.clientId()).isZero();

        Session session = client.join(utf8("alice"));
        assertThat(session.identity()).isEqualTo("alice");
        assertThat(session.clientId()).isGreaterThanOrEqualTo(SessionSettings.FIRST_DYNAMIC_CLIENT_ID);
        assertThat(client.clientId()).isEqualTo(session.clientId());
        assertThat(client.invoke(utf8("put colour blue"))).asString().isEqualTo("(nil)");
        assertThat(client.invoke(utf8("get colour"))).asString().isEqualTo("blue");
        assertThat(client.invokeReadOnly(utf8("get colour"))).asString().isEqualTo("blue");
        awaitLiveSessions(1);

        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        client.onSessionEvent(events::add);
        client.leave();
        assertThat(client.session()).isNull();
        awaitLiveSessions(0);
        for (ReplicaNode node : nodes) {
            assertThat(node.runtime().sessions().recentlyEnded(session.clientId())).isNotNull();
        }

        assertThatThrownBy(() -> client.invoke(utf8("get colour")))
                .isInstanceOf(BastionException.SessionEnded.class).hasMessageContaining("join again");
        assertThat(Arrays.stream(nodes).mapToLong(n -> n.runtime().stats().endedAnswered()).sum())
                .as("replicas answered the ended session's request themselves").isGreaterThanOrEqualTo(2);
        assertThat(events).as("a client that left is not rejoined behind its back").isEmpty();
        Await.until("no replica keeps a route to the ended session or the Join's provisional id", BOUND,
                () -> Arrays.stream(nodes).allMatch(n -> n.endpoint().boundClientCount() == 0));

        Session again = client.join(utf8("alice"));
        assertThat(again.clientId()).isGreaterThan(session.clientId());
        assertThat(client.invoke(utf8("get colour"))).asString().isEqualTo("blue");
    }

    @Test
    void aSecondLoginOfTheSameIdentityEndsTheFirstWhichJoinsAgainAndRetriesReadsButNotWrites() throws Exception {
        BastionClient first = dynamic();
        BastionClient second = dynamic();
        List<SessionEvent> events = new CopyOnWriteArrayList<>();
        first.onSessionEvent(events::add);

        Session firstSession = first.join(utf8("bob"));
        assertThat(first.invoke(utf8("put counter 1"))).asString().isEqualTo("(nil)");
        Session secondSession = second.join(utf8("bob"));
        assertThat(secondSession.clientId()).isNotEqualTo(firstSession.clientId());
        awaitLiveSessions(1);

        assertThatThrownBy(() -> first.invoke(utf8("put counter 2")))
                .as("a write whose session ended is not retried: it may have run before the end")
                .isInstanceOf(BastionException.SessionEnded.class).hasMessageContaining("unknown");
        assertThat(events).extracting(SessionEvent::kind)
                .containsExactly(SessionEvent.Kind.ENDED, SessionEvent.Kind.REJOINED);
        assertThat(events.get(0).previousClientId()).isEqualTo(firstSession.clientId());
        assertThat(events.get(0).reason()).contains("session ended");
        assertThat(events.get(1).clientId()).isEqualTo(first.session().clientId())
                .isNotIn(firstSession.clientId(), secondSession.clientId());
        assertThat(first.session().identity()).isEqualTo("bob");
        assertThat(first.invoke(utf8("put counter 2"))).as("the application sends it again").asString()
                .isEqualTo("1");

        // the first client's return ended the second's session in turn: a read comes back by itself
        assertThat(second.invokeReadOnly(utf8("get counter"))).asString().isEqualTo("2");
        awaitLiveSessions(1);
    }

    @Test
    void aRestartedReplicaRecognisesTheSessionsOfItsRecoveredState() throws Exception {
        BastionClient client = dynamic();
        Session session = client.join(utf8("grace"));
        for (int i = 0; i < 5; i++) {
            client.invoke(utf8("put g " + i));
        }
        awaitLiveSessions(1);
        nodes[3].close();
        nodes[3] = null;
        client.invoke(utf8("put g while-3-is-down"));
        startNode(3);
        Await.until("replica 3 knows the session again", BOUND,
                () -> nodes[3].runtime().sessions().keyOf(session.clientId()) != null);
        // while it caught up, bodies relayed by its peers may have been refused (and fetched again later)
        long unknownBefore = nodes[3].runtime().stats().rejectedByVerdict().get(Verdict.UNKNOWN_CLIENT);
        long executed = nodes[3].runtime().stats().requestsExecuted();
        for (int i = 0; i < 5; i++) {
            client.invoke(utf8("put g after-" + i));
        }
        Await.until("replica 3 executes the session's new requests", BOUND,
                () -> nodes[3].runtime().stats().requestsExecuted() >= executed + 5);
        assertThat(nodes[3].runtime().stats().rejectedByVerdict().get(Verdict.UNKNOWN_CLIENT))
                .as("replica 3 dropped none of the session's new requests as unknown").isEqualTo(unknownBefore);
    }

    @Test
    void aRefusedAuthorizationReachesTheClientWithItsReason() {
        BastionClient client = dynamic();
        assertThatThrownBy(() -> client.join(utf8("   ")))
                .isInstanceOfSatisfying(BastionException.JoinRefused.class,
                        e -> assertThat(e.reason()).contains("credentials must name an identity"));
        assertThat(client.session()).isNull();
        assertThatThrownBy(() -> client.invoke(utf8("get colour")))
                .isInstanceOf(BastionException.SessionEnded.class).hasMessageContaining("call join first");
        assertThat(Arrays.stream(nodes).allMatch(n -> n.runtime().sessions().liveCount() == 0)).isTrue();
    }

    @Test
    void registeredClientsWorkBesideDynamicOnesAndCannotLeave() throws Exception {
        BastionClient dynamic = dynamic();
        dynamic.join(utf8("carol"));
        BastionClient registered = group.connect(1, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L)),
                options());
        open.add(registered);
        dynamic.invoke(utf8("put shared yes"));
        assertThat(registered.invoke(utf8("get shared"))).asString().isEqualTo("yes");
        assertThatThrownBy(registered::leave).isInstanceOf(BastionException.Refused.class)
                .hasMessageContaining("no session to leave");
        assertThatThrownBy(() -> registered.join(utf8("dave"))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aReplicaAnsweringHellosWithBadSignaturesDoesNotStopAJoin() throws Exception {
        AtomicInteger corrupted = new AtomicInteger();
        try (BastionClient client = dynamicOverOwnTransport(3, (challenge, deliver) -> {
            corrupted.incrementAndGet();
            deliver.accept(withBadSignature(challenge));
        })) {
            assertThat(client.join(utf8("erin")).identity()).isEqualTo("erin");
            assertThat(client.invoke(utf8("put e 1"))).asString().isEqualTo("(nil)");
        }
        assertThat(corrupted.get()).as("replica 3 did answer, with garbage").isPositive();
    }

    @Test
    void aReplicaThatNeverAnswersHellosDoesNotStopAJoin() throws Exception {
        AtomicInteger swallowed = new AtomicInteger();
        try (BastionClient client = dynamicOverOwnTransport(1, (challenge, deliver) ->
                swallowed.incrementAndGet())) {
            assertThat(client.join(utf8("frank")).identity()).isEqualTo("frank");
            assertThat(client.invoke(utf8("put f 1"))).asString().isEqualTo("(nil)");
        }
        assertThat(swallowed.get()).isPositive();
    }

    /** A dynamic client on a transport of its own whose challenges from {@code faulty} are tampered with. */
    private BastionClient dynamicOverOwnTransport(int faulty, ChallengeTampering.Tamper tamper) {
        SigningKey key = Ed25519SigningKey.generate(random);
        ClientTransport transport = new ChallengeTampering(
                new NettyClientTransport(generated.config(), NetSettings.DEFAULTS, null), faulty, tamper);
        return BastionClient.connectDynamic(generated.config(), key, key.publicKey(), new StandardSignatureVerifier(),
                transport, options());
    }

    /** The same challenge with one bit of its signature flipped. */
    @SuppressWarnings("unchecked")
    static Envelope<Challenge> withBadSignature(Envelope<Challenge> challenge) {
        byte[] frame = Codec.encodeFrame(challenge);
        frame[frame.length - 1] ^= 1;
        try {
            return (Envelope<Challenge>) Codec.decodeFrame(frame);
        } catch (CodecException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aReplicaWhoseDataWasWipedGetsTheSessionsByStateTransfer() throws Exception {
        BastionClient client = dynamic();
        Session session = client.join(utf8("heidi"));
        awaitLiveSessions(1);
        nodes[3].close();
        nodes[3] = null;
        try (var files = java.nio.file.Files.walk(directory.resolve("data-3"))) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        int checkpointInterval = generated.config().settings().checkpointInterval();
        for (int i = 0; i < 2 * checkpointInterval + 10; i++) { // one batch each: two checkpoints further
            client.invoke(utf8("put h " + i));
        }
        startNode(3);
        Await.until("replica 3 fetched the state and knows the session from it", BOUND,
                () -> nodes[3].runtime().stats().coreCounters()
                        .getOrDefault(io.bastion.core.replica.ReplicaStats.Counter.STATE_TRANSFERS_DONE, 0L) > 0
                        && nodes[3].runtime().sessions().keyOf(session.clientId()) != null);
        long executed = nodes[3].runtime().stats().requestsExecuted();
        for (int i = 0; i < 5; i++) {
            client.invoke(utf8("put h after-" + i));
        }
        Await.until("replica 3 executes the session's new requests", BOUND,
                () -> nodes[3].runtime().stats().requestsExecuted() >= executed + 5);
        assertThat(client.invokeReadOnly(utf8("get h"))).asString().isEqualTo("after-4");
    }
}
