package io.bastion.net.config;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/cluster.toml}, the sample cluster file for four hosts, read by the parser the
 * replicas use: it must stay in the format they read, and say what docs/operations.md and the
 * firewall rules in {@code deploy/firewall} say.
 */
class DeployClusterFileTest {
    private static final Path DEPLOY = Path.of("").toAbsolutePath().getParent().resolve("deploy");
    private static final int REPLICA_PORT = 7000;
    private static final int CLIENT_PORT = 7001;
    private static final int WEB_PORT = 443;
    private static final int METRICS_PORT = 9100;

    @Test
    void theSampleNamesFourHostsAndLoads() throws Exception {
        ClusterFile.Contents contents = ClusterFile.loadContents(DEPLOY.resolve("cluster.toml"));
        ClusterConfig config = contents.config();

        assertThat(config.f()).isEqualTo(1);
        assertThat(config.replicas()).extracting(ReplicaInfo::host)
                .containsExactly("r0.vote.example", "r1.vote.example", "r2.vote.example", "r3.vote.example");
        assertThat(config.replicas()).allSatisfy(replica -> {
            assertThat(replica.replicaPort()).isEqualTo(REPLICA_PORT);
            assertThat(replica.clientPort()).isEqualTo(CLIENT_PORT);
            assertThat(replica.webPort()).isEqualTo(WEB_PORT);
        });
        for (int id = 0; id < config.n(); id++) {
            assertThat(contents.metricsPort(id)).as("replica %d's metricsPort", id).isEqualTo(METRICS_PORT);
        }
        assertThat(config.replicas()).extracting(ReplicaInfo::publicKey).doesNotHaveDuplicates();
        assertThat(config.clients()).hasSize(1);
        assertThat(config.settings()).as("the sample shows the defaults").isEqualTo(ProtocolSettings.DEFAULTS);
        assertThat(contents.ca()).isNotNull();
        assertThat(contents.ca().getBasicConstraints()).as("the [tls] ca is a CA certificate").isNotNegative();
        assertThat(contents.ca().getSubjectX500Principal().getName()).contains("EXAMPLE");
    }

    @Test
    void theFirewallRulesOpenTheSamplesPorts() throws Exception {
        String nft = Files.readString(DEPLOY.resolve("firewall").resolve("bastion.nft"));
        String ufw = Files.readString(DEPLOY.resolve("firewall").resolve("ufw.sh"));
        for (String rules : List.of(nft, ufw)) {
            assertThat(rules).contains(Integer.toString(REPLICA_PORT), Integer.toString(CLIENT_PORT),
                    Integer.toString(WEB_PORT), Integer.toString(METRICS_PORT));
        }
        assertThat(Files.readString(DEPLOY.resolve("systemd").resolve("replica.env")))
                .as("the metrics port comes from the cluster file, where the firewall rules expect it")
                .doesNotContain("--metrics-port");
    }
}
