package io.bastion.core.quorum;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuorumsTest {

    @ParameterizedTest(name = "n={0} f={1}")
    @CsvSource({
        // n, f, certificate, prepares, reply, readOnly
        "1, 0, 1, 0, 1, 1",
        "4, 1, 3, 2, 2, 3",
        "5, 1, 4, 3, 2, 4",
        "7, 2, 5, 4, 3, 5",
        "10, 3, 7, 6, 4, 7",
        "13, 4, 9, 8, 5, 9",
    })
    void table(int n, int f, int certificate, int prepares, int reply, int readOnly) {
        Quorums q = new Quorums(n, f);
        assertThat(q.certificate()).isEqualTo(certificate);
        assertThat(q.commits()).isEqualTo(certificate);
        assertThat(q.stableCheckpoint()).isEqualTo(certificate);
        assertThat(q.viewChange()).isEqualTo(certificate);
        assertThat(q.prepares()).isEqualTo(prepares);
        assertThat(q.reply()).isEqualTo(reply);
        assertThat(q.weakCertificate()).isEqualTo(f + 1);
        assertThat(q.readOnlyReply()).isEqualTo(readOnly);
    }

    @Test
    void everyPairOfCertificatesSharesACorrectReplicaAndCorrectReplicasSufficeAlone() {
        for (int f = 0; f <= 10; f++) {
            for (int n = 3 * f + 1; n <= 3 * f + 6; n++) {
                Quorums q = new Quorums(n, f);
                assertThat(2 * q.certificate() - n).as("overlap for n=%d f=%d", n, f).isGreaterThanOrEqualTo(f + 1);
                assertThat(q.certificate()).as("availability for n=%d f=%d", n, f).isLessThanOrEqualTo(n - f);
                assertThat(q.reply() + q.readOnlyReply()).isGreaterThan(q.f() + 1);
            }
        }
    }

    @Test
    void primaryRotatesThroughReplicas() {
        Quorums q = Quorums.forFaults(1);
        assertThat(q.n()).isEqualTo(4);
        assertThat(q.primary(0)).isZero();
        assertThat(q.primary(5)).isEqualTo(1);
        assertThat(q.primary(Integer.MAX_VALUE)).isBetween(0, 3);
    }

    @Test
    void tooFewReplicasAreRefused() {
        assertThatThrownBy(() -> new Quorums(3, 1)).hasMessageContaining("needs n >= 3f+1");
        assertThatThrownBy(() -> new Quorums(4, -1)).hasMessageContaining("f must be >= 0");
    }
}
