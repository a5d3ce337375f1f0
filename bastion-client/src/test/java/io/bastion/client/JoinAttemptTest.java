package io.bastion.client;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which challenges a joining client keeps, and when it has enough (f = 1: 3 of 4). */
class JoinAttemptTest {
    private static final ClusterConfig CONFIG = TestKeys.cluster(1, 0);
    private static final PublicKeyRef KEY = TestKeys.key(5_000);
    private static final byte[] NONCE = "a nonce of 32 bytes, for a test".getBytes(StandardCharsets.UTF_8);
    private static final long NOW = 1_700_000_000_000L;
    private static final long LIFETIME = CONFIG.settings().sessions().challengeLifetimeMillis();

    private final JoinAttempt attempt = new JoinAttempt(CONFIG, TestKeys.VERIFIER, KEY, NONCE,
            "alice".getBytes(StandardCharsets.UTF_8));

    private static Envelope<Challenge> challenge(int replica, PublicKeyRef key, byte[] nonce, long expires, long signer) {
        return Envelope.sign(new Challenge(replica, Challenge.keyDigest(key), nonce, expires), TestKeys.signer(signer));
    }

    private static Envelope<Challenge> good(int replica) {
        return challenge(replica, KEY, NONCE, NOW + LIFETIME, replica);
    }

    @Test
    void buildsTheJoinOnceTwoFPlusOneGoodChallengesAreIn() {
        assertThat(attempt.hello().message().key()).isEqualTo(KEY);
        assertThat(attempt.onChallenge(0, good(0), NOW)).isTrue();
        assertThat(attempt.onChallenge(1, good(1), NOW)).isTrue();
        assertThat(attempt.ready()).isFalse();
        assertThat(attempt.onChallenge(1, good(1), NOW)).as("the same replica again").isTrue();
        assertThat(attempt.ready()).as("still two distinct replicas").isFalse();
        assertThat(attempt.onChallenge(3, good(3), NOW)).isTrue();
        assertThat(attempt.ready()).isTrue();
        JoinRequest join = attempt.join();
        assertThat(join.key()).isEqualTo(KEY);
        assertThat(join.nonce()).isEqualTo(NONCE);
        assertThat(join.challenges()).extracting(c -> c.message().replicaId()).containsExactly(0, 1, 3);
        assertThat(attempt.phase()).isEqualTo(JoinAttempt.Phase.JOINING);
        assertThat(attempt.onChallenge(2, good(2), NOW)).as("too late to count").isFalse();
        assertThat(attempt.provisionalClientId()).isEqualTo(JoinRequest.provisionalClientId(KEY));
    }

    @Test
    void whatAFaultyReplicaMightSendDoesNotCount() {
        long valid = NOW + LIFETIME;
        assertThat(attempt.onChallenge(3, challenge(3, KEY, NONCE, valid, 2), NOW)).as("signed by another key").isFalse();
        assertThat(attempt.onChallenge(3, good(2), NOW)).as("replica 2's, relayed on 3's connection").isFalse();
        assertThat(attempt.onChallenge(3, challenge(3, TestKeys.key(1), NONCE, valid, 3), NOW))
                .as("issued to another key").isFalse();
        assertThat(attempt.onChallenge(3, challenge(3, KEY, new byte[32], valid, 3), NOW))
                .as("for another nonce").isFalse();
        assertThat(attempt.onChallenge(3, challenge(3, KEY, NONCE, NOW + 1_000, 3), NOW))
                .as("about to expire").isFalse();
        assertThat(attempt.onChallenge(3, challenge(3, KEY, NONCE, Long.MAX_VALUE, 3), NOW))
                .as("valid forever").isFalse();
        assertThat(attempt.onChallenge(7, challenge(7, KEY, NONCE, valid, 7), NOW)).as("no such replica").isFalse();
        assertThat(attempt.refusedChallenges()).isEqualTo(7);
        assertThat(attempt.goodChallenges()).isZero();
        assertThatThrownBy(attempt::join).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void refusesNoncesAndCredentialsTheReplicasWouldRefuse() {
        assertThatThrownBy(() -> new JoinAttempt(CONFIG, TestKeys.VERIFIER, KEY, new byte[8], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JoinAttempt(CONFIG, TestKeys.VERIFIER, KEY, NONCE, new byte[4_097]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
