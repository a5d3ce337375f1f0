package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.CounterService;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;
import io.bastion.net.testing.Await;
import io.bastion.server.testing.InMemoryCluster;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Join screen of replica 0 in a cluster of four (f = 1): its own challenge inside a Join must
 * be genuine, bound and current; otherwise 2f+1 = 3 distinct replicas' challenges must pass.
 */
class JoinScreenTest {
    private static final ClusterConfig CONFIG = TestKeys.cluster(1, 1);
    private static final long NOW = 1_767_225_600_000L;
    private static final long LIFETIME = CONFIG.settings().sessions().challengeLifetimeMillis();
    private static final long SKEW = CONFIG.settings().clockSkewMaxMillis();
    private static final long CLIENT_KEY = 5_000;
    private static final byte[] NONCE = "sixteen byte non".getBytes(StandardCharsets.US_ASCII);

    private final JoinScreen screen = new JoinScreen(0, CONFIG, TestKeys.VERIFIER);

    private static Envelope<Challenge> challenge(int replica, long expires) {
        return challenge(replica, TestKeys.key(CLIENT_KEY), NONCE, expires, TestKeys.signer(replica));
    }

    private static Envelope<Challenge> challenge(int replica, PublicKeyRef key, byte[] nonce, long expires, Signer signer) {
        return Envelope.sign(new Challenge(replica, Challenge.keyDigest(key), nonce, expires), signer);
    }

    /** A Join of the client key with {@code challenges}, signed by the client. */
    static Envelope<Request> join(List<Envelope<Challenge>> challenges, String credentials) {
        PublicKeyRef key = TestKeys.key(CLIENT_KEY);
        byte[] operation = Codec.encodeJoin(new JoinRequest(key, NONCE, credentials.getBytes(StandardCharsets.UTF_8),
                challenges));
        return Envelope.sign(new Request(JoinRequest.provisionalClientId(key), 1, Request.Kind.JOIN, operation),
                TestKeys.signer(CLIENT_KEY));
    }

    @SafeVarargs
    private JoinRefusal screen(Envelope<Challenge>... challenges) {
        return screen.refusal(join(List.of(challenges), "alice").message(), NOW);
    }

    @Test
    void aJoinWithGoodChallengesPasses() {
        long expires = NOW + LIFETIME;
        assertThat(screen(challenge(0, expires), challenge(1, expires), challenge(2, expires))).isNull();
        assertThat(screen(challenge(1, expires), challenge(2, expires), challenge(3, expires)))
                .as("without one of ours, three others verify").isNull();
        assertThat(screen(challenge(0, NOW - SKEW), challenge(1, NOW - SKEW), challenge(2, NOW - SKEW)))
                .as("expired by no more than the clock skew").isNull();
    }

    @Test
    void ourOwnChallengeMustBeGenuineBoundAndCurrent() {
        long expires = NOW + LIFETIME;
        Envelope<Challenge> forged = challenge(0, TestKeys.key(CLIENT_KEY), NONCE, expires, TestKeys.signer(3));
        Envelope<Challenge> otherKey = challenge(0, TestKeys.key(CLIENT_KEY + 1), NONCE, expires, TestKeys.signer(0));
        Envelope<Challenge> otherNonce = challenge(0, TestKeys.key(CLIENT_KEY), new byte[16], expires, TestKeys.signer(0));
        Envelope<Challenge> expired = challenge(0, NOW - SKEW - 1);

        assertThat(screen(forged, challenge(1, expires), challenge(2, expires), challenge(3, expires)))
                .isEqualTo(JoinRefusal.OWN_CHALLENGE_FORGED);
        assertThat(screen(otherKey, challenge(1, expires), challenge(2, expires), challenge(3, expires)))
                .isEqualTo(JoinRefusal.OWN_CHALLENGE_MISBOUND);
        assertThat(screen(otherNonce, challenge(1, expires), challenge(2, expires), challenge(3, expires)))
                .isEqualTo(JoinRefusal.OWN_CHALLENGE_MISBOUND);
        assertThat(screen(expired, challenge(1, expires), challenge(2, expires), challenge(3, expires)))
                .isEqualTo(JoinRefusal.OWN_CHALLENGE_EXPIRED);
    }

    @Test
    void fewerThanTwoFPlusOneChallengesThatCouldPassAreRefused() {
        long expires = NOW + LIFETIME;
        Envelope<Challenge> badSignature = challenge(3, TestKeys.key(CLIENT_KEY), NONCE, expires, TestKeys.signer(2));
        assertThat(screen(challenge(0, expires), challenge(1, expires)))
                .isEqualTo(JoinRefusal.TOO_FEW_CHALLENGES);
        assertThat(screen(challenge(0, expires), challenge(1, expires), challenge(1, expires)))
                .as("two from one replica count once").isEqualTo(JoinRefusal.TOO_FEW_CHALLENGES);
        assertThat(screen(challenge(1, expires), challenge(2, expires), badSignature))
                .as("without ours, the others' signatures are checked").isEqualTo(JoinRefusal.TOO_FEW_CHALLENGES);
        assertThat(screen(challenge(0, expires), challenge(1, expires), challenge(2, NOW - SKEW - 1)))
                .as("one of them expired").isEqualTo(JoinRefusal.TOO_FEW_CHALLENGES);
        assertThat(screen(challenge(0, expires), challenge(1, expires),
                challenge(2, NOW + CONFIG.settings().sessions().challengeLifetimeMaxMillis() + SKEW + 1)))
                .as("one claims to stay valid too long").isEqualTo(JoinRefusal.TOO_FEW_CHALLENGES);
        assertThat(screen.refusal(new Request(-7, 1, Request.Kind.JOIN, new byte[] {1, 2}), NOW))
                .isEqualTo(JoinRefusal.MALFORMED);
    }

    @Test
    void inAClusterScreenedJoinsAreDroppedAndCountedWhereTheyFailAndAGoodJoinJoins() {
        try (InMemoryCluster cluster = new InMemoryCluster(CONFIG, CounterService::new)) {
            long provisional = JoinRequest.provisionalClientId(TestKeys.key(CLIENT_KEY));
            Map<Integer, Reply> answers = new ConcurrentHashMap<>();
            cluster.registerClient(provisional, reply -> answers.put(reply.replicaId(), reply));
            long expires = System.currentTimeMillis() + LIFETIME;
            List<Envelope<Challenge>> tooFew = List.of(challenge(1, expires), challenge(2, expires));
            cluster.broadcastFromClient(join(tooFew, "mallory"));
            List<Envelope<Challenge>> forgedOwn = new ArrayList<>(List.of(challenge(1, expires), challenge(2, expires),
                    challenge(3, expires)));
            forgedOwn.add(challenge(0, TestKeys.key(CLIENT_KEY), NONCE, expires, TestKeys.signer(3)));
            cluster.replica(0).onClientMessage(join(forgedOwn, "mallory"), id -> { });

            Await.until("every replica counted the Join with too few challenges", Duration.ofSeconds(10),
                    () -> cluster.replicas().stream().allMatch(r ->
                            r.stats().joinsRefused().get(JoinRefusal.TOO_FEW_CHALLENGES) == 1));
            Await.until("replica 0 counted the forged challenge of its own", Duration.ofSeconds(10),
                    () -> cluster.replica(0).stats().joinsRefused().get(JoinRefusal.OWN_CHALLENGE_FORGED) == 1);
            assertThat(cluster.replicas()).allSatisfy(r -> assertThat(r.stats().requestsExecuted()).isZero());

            cluster.broadcastFromClient(join(List.of(challenge(0, expires), challenge(1, expires),
                    challenge(2, expires)), "alice"));
            Await.until("f+1 replicas answered the good Join", Duration.ofSeconds(10), () -> answers.size() >= 2);
            for (Reply reply : answers.values()) {
                assertThat(reply.status()).isEqualTo(Reply.Status.OK);
                assertThat(decode(reply).identity()).isEqualTo("alice");
            }
            Await.until("every replica has the session", Duration.ofSeconds(10),
                    () -> cluster.replicas().stream().allMatch(r -> r.sessions().liveCount() == 1));
        }
    }

    private static JoinResult decode(Reply reply) {
        try {
            return Codec.decodeJoinResult(reply.resultUnsafe());
        } catch (io.bastion.core.message.CodecException e) {
            throw new AssertionError(e);
        }
    }
}
