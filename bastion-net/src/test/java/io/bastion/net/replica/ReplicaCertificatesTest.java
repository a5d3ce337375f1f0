package io.bastion.net.replica;

import io.bastion.net.testing.TlsCluster;
import io.bastion.net.tls.RejectedCertificateException;
import io.bastion.net.tls.RejectedCertificateException.Reason;
import io.bastion.net.tls.ReplicaCertificates;
import io.bastion.net.tls.ReplicaIdentity;
import org.junit.jupiter.api.Test;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The check of a replica certificate against the cluster file, reason by reason, and its renewal. */
class ReplicaCertificatesTest {
    private final TlsCluster cluster = TlsCluster.of(4, false);
    private final Instant now = Instant.parse("2030-01-01T00:00:00Z");

    private X509Certificate[] certificate(int claimed, int signer, Instant from, Instant until) {
        return new X509Certificate[] {ReplicaCertificates.issue(cluster.key(signer), claimed, TlsCluster.HOST, from, until,
                TlsCluster.random()).certificate()};
    }

    private X509Certificate[] good(int id) {
        return certificate(id, id, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(7)));
    }

    @Test
    void aCertificateSignedByTheClaimedReplicasKeyIsThatReplica() throws Exception {
        assertThat(ReplicaCertificates.check(good(2), cluster.config(), 2, id -> true, now)).isEqualTo(2);
        assertThat(ReplicaCertificates.check(good(1), cluster.config(), -1, id -> id < 3, now)).isEqualTo(1);
        assertThat(ReplicaCertificates.claimedReplica(good(3)[0])).isEqualTo(3);
    }

    @Test
    void eachBadCertificateIsRefusedForItsReasonNamingTheReplica() {
        refused(certificate(1, 1, now.minus(Duration.ofDays(8)), now.minus(Duration.ofDays(1))), 1, Reason.EXPIRED,
                "replica 1's certificate expired at 2029-12-31T00:00:00Z");
        refused(certificate(1, 1, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(8))), 1, Reason.NOT_YET_VALID,
                "replica 1's certificate is not valid before 2030-01-02T00:00:00Z");
        refused(good(3), 1, Reason.OTHER_REPLICA, "replica 1 was expected, but the other end presented replica 3's certificate");
        refused(certificate(1, 2, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))), 1, Reason.KEY_MISMATCH,
                "the certificate of replica 1 is not signed by replica 1's key in the cluster file");
        refused(certificate(9, 1, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(1))), 1, Reason.KEY_MISMATCH,
                "replica 9, which the cluster file does not list");
        refused(new X509Certificate[] {cluster.webCertificate("127.0.0.1").leaf()}, 1, Reason.NOT_A_REPLICA,
                "replica 1 presented a certificate that names no replica");
        refused(new X509Certificate[0], 1, Reason.NOT_A_REPLICA, "replica 1 presented no certificate");
    }

    @Test
    void anAcceptorTakesOnlyLowerIdsAndLearnsWhichFromTheCertificate() {
        assertThatThrownBy(() -> ReplicaCertificates.check(good(3), cluster.config(), -1, id -> id < 2, now))
                .isInstanceOf(RejectedCertificateException.class)
                .hasMessageContaining("replica 3 may not open this connection");
    }

    @Test
    void aRunningReplicaRenewsItsCertificateBeforeItExpires() throws Exception {
        MutableClock clock = new MutableClock(now);
        ReplicaIdentity identity = new ReplicaIdentity(cluster.key(0), 0, TlsCluster.HOST, clock);
        X509Certificate first = identity.current().leaf();
        assertThat(identity.current().leaf()).isSameAs(first);
        clock.now = now.plus(ReplicaIdentity.RENEW_AFTER).plusSeconds(1);
        X509Certificate second = identity.current().leaf();
        assertThat(second).isNotEqualTo(first);
        assertThat(second.getNotAfter().toInstant()).isEqualTo(clock.now.plus(ReplicaIdentity.VALIDITY));
        assertThat(ReplicaCertificates.check(new X509Certificate[] {second}, cluster.config(), 0, id -> true,
                clock.now.plus(Duration.ofDays(6)))).isZero();
    }

    private void refused(X509Certificate[] chain, int expected, Reason reason, String words) {
        assertThatThrownBy(() -> ReplicaCertificates.check(chain, cluster.config(), expected, id -> true, now))
                .isInstanceOfSatisfying(RejectedCertificateException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(words);
    }

    private static final class MutableClock extends Clock {
        Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
