package io.bastion.server;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The line a replica logs at start under {@code --insecure-plaintext}: one line, and with the
 * replica port in plaintext it says that the unsigned agreement messages can then be injected.
 */
class PlaintextWarningTest {
    @Test
    void tlsOnEveryPortLogsNothing() {
        assertThat(ReplicaNode.plaintextWarning(0, ReplicaTls.defaults())).isNull();
    }

    @Test
    void aPlaintextReplicaPortIsSaidToGiveUpAgreementAgainstTheNetwork() {
        String line = ReplicaNode.plaintextWarning(2, ReplicaTls.defaults().withPlaintext(EnumSet.of(ReplicaTls.Port.REPLICA)));
        assertThat(line).startsWith("replica 2: INSECURE: the " + ReplicaTls.Port.REPLICA + " port(s) speak PLAINTEXT")
                .contains("only the connection's handshake is authenticated")
                .contains("COMMIT, DECIDED and VOUCH messages carry no signature")
                .contains("execute a batch that was not decided")
                .contains("Agreement no longer holds against an attacker on the network")
                .endsWith("For local experiments only.")
                .doesNotContain("\n");
        assertThat(ReplicaNode.plaintextWarning(0, ReplicaTls.insecurePlaintext()))
                .contains("COMMIT, DECIDED and VOUCH");
    }

    @Test
    void plaintextOnOtherPortsOnlyIsNotSaidToTouchAgreement() {
        String line = ReplicaNode.plaintextWarning(1,
                ReplicaTls.defaults().withPlaintext(EnumSet.of(ReplicaTls.Port.WEB, ReplicaTls.Port.METRICS)));
        assertThat(line).startsWith("replica 1: INSECURE:").contains("PLAINTEXT")
                .doesNotContain("COMMIT").doesNotContain("Agreement")
                .endsWith("For local experiments only.");
    }
}
