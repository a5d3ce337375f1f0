package io.bastion.net.config;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A generated cluster loads, and every private key it wrote belongs to the public key in the file. */
class ClusterGeneratorTest {
    @TempDir
    Path dir;

    @Test
    void generatedClusterLoadsAndEachPrivateKeyMatchesItsPublicKey() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(dir.resolve("local"), 4, 3, 9000, new SecureRandom());
        ClusterConfig loaded = ClusterFile.load(generated.clusterFile());

        assertThat(loaded).isEqualTo(generated.config());
        assertThat(loaded.f()).isEqualTo(1);
        assertThat(loaded.settings()).isEqualTo(ProtocolSettings.DEFAULTS);
        assertThat(generated.clusterFile()).hasFileName("cluster.toml");
        SignatureVerifier verifier = new StandardSignatureVerifier();
        for (ReplicaInfo replica : loaded.replicas()) {
            Path keyFile = dir.resolve("local").resolve("replica-" + replica.id() + ".key");
            assertThat(generated.replicaKeyFiles().get(replica.id())).isEqualTo(keyFile);
            SigningKey key = KeyFiles.readPrivateKey(keyFile);
            assertThat(key.publicKey()).isEqualTo(replica.publicKey());
            assertThat(verifier.verify(replica.publicKey(), "hello".getBytes(), key.sign("hello".getBytes()))).isTrue();
        }
        assertThat(loaded.clientKeys()).hasSize(3 + loaded.n()).containsKeys(1L, 2L, 3L);
        for (Map.Entry<Long, Path> client : generated.clientKeyFiles().entrySet()) {
            assertThat(client.getValue()).hasFileName("client-" + client.getKey() + ".key");
            assertThat(KeyFiles.readPrivateKey(client.getValue()).publicKey()).isEqualTo(loaded.clientKeys().get(client.getKey()));
        }
    }

    @Test
    void portsAreConsecutiveFromTheBasePortAndFollowsFromN() throws Exception {
        ClusterConfig config = ClusterGenerator.generate(dir, 7, 0, 20000, new SecureRandom()).config();
        assertThat(config.f()).isEqualTo(2);
        assertThat(config.clients()).isEmpty();
        for (ReplicaInfo replica : config.replicas()) {
            assertThat(replica.host()).isEqualTo("127.0.0.1");
            assertThat(replica.replicaPort()).isEqualTo(20000 + replica.id());
            assertThat(replica.clientPort()).isEqualTo(20007 + replica.id());
            assertThat(replica.webPort()).isEqualTo(20014 + replica.id());
        }
    }

    @Test
    void refusesToOverwriteAnExistingCluster() throws Exception {
        ClusterGenerator.generate(dir, 4, 1, 7000, new SecureRandom());
        String before = Files.readString(dir.resolve("replica-0.key"));
        assertThatThrownBy(() -> ClusterGenerator.generate(dir, 4, 1, 7000, new SecureRandom()))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(dir.resolve("replica-0.key"))).isEqualTo(before);
    }

    @Test
    void refusesArgumentsThatCannotMakeACluster() {
        assertThatThrownBy(() -> ClusterGenerator.generate(dir, 0, 0, 7000, new SecureRandom()))
                .hasMessageContaining("replicas must be in 1..");
        assertThatThrownBy(() -> ClusterGenerator.generate(dir, 4, 0, 65530, new SecureRandom()))
                .hasMessageContaining("do not fit in 1..65535");
        assertThatThrownBy(() -> ClusterGenerator.generate(dir, 4, -1, 7000, new SecureRandom()))
                .hasMessageContaining("clients must be in 0..");
    }
}
