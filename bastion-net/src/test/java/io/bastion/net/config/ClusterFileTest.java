package io.bastion.net.config;

import io.bastion.core.config.ClientInfo;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.PublicKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cluster file: a round trip through write and load, and one named error for each kind of mistake. */
class ClusterFileTest {
    private static final Random RANDOM = new Random(42);
    private static final List<PublicKeyRef> REPLICA_KEYS = List.of(ed25519(), ed25519(), ed25519(), ed25519());
    private static final List<PublicKeyRef> CLIENT_KEYS = List.of(ed25519(), ed25519());
    private static final PublicKeyRef P256_KEY = EcdsaP256SigningKey.generate(new java.security.SecureRandom()).publicKey();

    @TempDir
    Path dir;

    @Test
    void writtenFileLoadsBackEqualAndIsCommented() throws Exception {
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replicas.add(new ReplicaInfo(i, i == 3 ? "replica-3.example" : "127.0.0.1", 7000 + i, 7100 + i,
                    i == 2 ? 0 : 7200 + i, REPLICA_KEYS.get(i)));
        }
        List<ClientInfo> clients = List.of(new ClientInfo(1, CLIENT_KEYS.get(0)), new ClientInfo(9, P256_KEY));
        ProtocolSettings settings = ProtocolSettings.DEFAULTS.withCheckpointInterval(64, 192).withBatching(100, 2);
        ClusterConfig config = new ClusterConfig(1, replicas, clients, settings);

        Path file = dir.resolve("cluster.toml");
        ClusterFile.write(config, file);

        assertThat(ClusterFile.load(file)).isEqualTo(config);
        String text = Files.readString(file);
        assertThat(text).contains("# Bastion cluster file").contains("[[replica]]").contains("[protocol]")
                .contains("checkpointInterval = 64").contains("# K: a checkpoint every K sequence numbers; default 128");
    }

    @Test
    void metricsPortsAreOptionalAndRoundTrip() throws Exception {
        ClusterFile.Contents plain = ClusterFile.parseContents(validFile(), Path.of("cluster.toml"));
        assertThat(plain.metricsPorts()).containsExactly(0, 0, 0, 0);
        assertThat(ClusterFile.format(plain.config())).doesNotContain("metricsPort");

        ClusterFile.Contents withMetrics = plain.withMetricsPorts(List.of(9400, 9401, 0, 9403));
        Path file = dir.resolve("cluster.toml");
        ClusterFile.write(withMetrics, file);
        assertThat(Files.readString(file)).contains("metricsPort = 9401").doesNotContain("metricsPort = 0");
        ClusterFile.Contents read = ClusterFile.loadContents(file);
        assertThat(read.metricsPorts()).containsExactly(9400, 9401, 0, 9403);
        assertThat(read.metricsPort(3)).isEqualTo(9403);
        assertThat(read.config()).isEqualTo(plain.config());
        assertThatThrownBy(() -> plain.withMetricsPorts(List.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hostsWithCharactersTomlMustEscapeRoundTrip() throws Exception {
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            replicas.add(new ReplicaInfo(i, "host\"with\\odd\tchars" + i, 7000 + i, 7100 + i, 0, REPLICA_KEYS.get(i)));
        }
        ClusterConfig config = new ClusterConfig(1, replicas, List.of(), ProtocolSettings.DEFAULTS);
        assertThat(ClusterFile.parse(ClusterFile.format(config), Path.of("x.toml"))).isEqualTo(config);
    }

    @Test
    void minimalFileTakesDefaults() throws Exception {
        String minimal = validFile().replaceAll("(?m)^webPort = .*\\n", "").replaceAll("(?s)\\[protocol].*?\\n\\n", "")
                .replaceAll("(?s)\\[\\[client]].*", "");
        ClusterConfig config = ClusterFile.parse(minimal, Path.of("cluster.toml"));
        assertThat(config.settings()).isEqualTo(ProtocolSettings.DEFAULTS);
        assertThat(config.clients()).isEmpty();
        assertThat(config.replica(3).webPort()).isZero();
        assertThat(config.n()).isEqualTo(4);
    }

    @Test
    void validBaseFileLoads() throws Exception {
        ClusterConfig config = ClusterFile.parse(validFile(), Path.of("cluster.toml"));
        assertThat(config.f()).isEqualTo(1);
        assertThat(config.replica(2).clientPort()).isEqualTo(7102);
        assertThat(config.settings().checkpointInterval()).isEqualTo(64);
        assertThat(config.clientKeys()).containsEntry(2L, P256_KEY);
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                mistake("out-of-range port", "clientPort = 7102", "clientPort = 70000",
                        "replica[2].clientPort", "must be in 1..65535, got 70000"),
                mistake("port zero", "replicaPort = 7001", "replicaPort = 0", "replica[1].replicaPort", "must be in 1..65535, got 0"),
                mistake("negative web port", "webPort = 7203", "webPort = -1", "replica[3].webPort", "must be 0 (no web endpoint) or in 1..65535"),
                mistake("negative metrics port", "webPort = 7201", "webPort = 7201\nmetricsPort = -5", "replica[1].metricsPort",
                        "must be 0 (no metrics unless --metrics-port) or in 1..65535, got -5"),
                mistake("metrics port on another port", "webPort = 7203", "webPort = 7203\nmetricsPort = 7103",
                        "replica[3].metricsPort", "127.0.0.1:7103 is already replica[3].clientPort"),
                mistake("missing field", "host = \"127.0.0.2\"\n", "", "replica[2].host", "missing"),
                mistake("missing f", "f = 1\n", "", "f", "missing"),
                mistake("missing key", "publicKey = \"" + b64(REPLICA_KEYS.get(1)) + "\"\n", "", "replica[1].publicKey", "missing"),
                mistake("string for integer", "clientPort = 7101", "clientPort = \"7101\"", "replica[1].clientPort", "expected an integer"),
                mistake("float for integer", "replicaPort = 7000", "replicaPort = 7000.5", "replica[0].replicaPort", "expected an integer, got 7000.5"),
                mistake("boolean for integer", "f = 1", "f = true", "f", "expected an integer"),
                mistake("integer for string", "host = \"127.0.0.1\"", "host = 12", "replica[0].host", "expected a string"),
                mistake("integer out of range", "id = 3", "id = 99999999999", "replica[3].id", "out of range"),
                mistake("unknown field", "webPort = 7200", "webport = 7200", "replica[0].webport",
                        "unknown field; the fields here are id, host, replicaPort, clientPort, webPort, metricsPort, publicKey"),
                mistake("unknown top-level field", "f = 1", "f = 1\nn = 4", "n", "unknown field; the fields here are f, protocol, tls, replica, client"),
                mistake("unknown setting", "logSize = 128", "logsize = 128", "protocol.logsize", "unknown field"),
                mistake("bad base64 key", b64(REPLICA_KEYS.get(1)), "not base64!", "replica[1].publicKey", "not valid base64"),
                mistake("not a key", b64(REPLICA_KEYS.get(2)), "AAAAAAAA", "replica[2].publicKey", "not a DER-encoded X.509 SubjectPublicKeyInfo"),
                mistake("P-256 replica key", b64(REPLICA_KEYS.get(0)), b64(P256_KEY), "replica[0].publicKey", "replicas sign with Ed25519"),
                mistake("duplicate replica id", "id = 1\nhost", "id = 0\nhost", "replica[1].id", "0 is already used by replica[0]"),
                mistake("replica ids out of order", "id = 1\nhost", "id = 5\nhost", "replica[1].id", "must be 1 (replicas are listed in id order 0..n-1), got 5"),
                mistake("duplicate client id", "id = 2\npublicKey", "id = 1\npublicKey", "client[1].id", "1 is already used by client[0]"),
                mistake("negative client id", "id = 2\npublicKey", "id = -2\npublicKey", "client[1].id", "must be >= 0, got -2"),
                mistake("client id in the dynamic range", "id = 2\npublicKey", "id = 1099511627776\npublicKey",
                        "client[1].id", "ids from there on are assigned to clients that join"),
                mistake("no sessions", "logSize = 128", "logSize = 128\nsessionsMax = 0", "protocol.sessionsMax",
                        "session capacity must be 1.."),
                mistake("non-positive idle time", "logSize = 128", "logSize = 128\nsessionIdleMillis = 0",
                        "protocol.sessionIdleMillis", "idleMillisBeforeEviction must be positive"),
                mistake("shared key", b64(REPLICA_KEYS.get(3)), b64(REPLICA_KEYS.get(0)), "replica[3].publicKey", "the same key as replica[0].publicKey"),
                mistake("client with a replica's key", b64(CLIENT_KEYS.get(0)), b64(REPLICA_KEYS.get(2)), "client[0].publicKey", "the same key as replica[2].publicKey"),
                mistake("shared endpoint", "clientPort = 7101", "clientPort = 7001", "replica[1].clientPort", "127.0.0.1:7001 is already replica[1].replicaPort"),
                mistake("f too large", "f = 1", "f = 2", "f", "f = 2 needs at least 3f+1 = 7 replicas, the file lists 4"),
                mistake("negative f", "f = 1", "f = -1", "f", "must be >= 0, got -1"),
                mistake("invalid setting", "logSize = 128", "logSize = 100", "protocol.logSize", "must be a multiple of checkpointInterval"),
                mistake("non-positive setting", "checkpointInterval = 64", "checkpointInterval = 0", "protocol.checkpointInterval", "must be positive, got 0"),
                mistake("no pipeline minimum", "logSize = 128", "logSize = 128\npipelineBatchMin = 0", "protocol.pipelineBatchMin",
                        "must be positive, got 0"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void eachMistakeIsReportedWithFileAndField(String name, String from, String to, String field, String problem) throws IOException {
        String text = validFile();
        assertThat(text).as("the base file contains the text to change").contains(from);
        Path file = dir.resolve("cluster.toml");
        Files.writeString(file, text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to)));

        assertThatThrownBy(() -> ClusterFile.load(file)).isInstanceOf(InvalidClusterFileException.class)
                .hasMessageStartingWith(file + ": " + field + ": ").hasMessageContaining(problem)
                .satisfies(e -> assertThat(((InvalidClusterFileException) e).field()).contains(field));
    }

    @Test
    void exampleMessageReadsExactlyAsDocumented() {
        String text = validFile().replace("clientPort = 7102", "clientPort = 70000");
        assertThatThrownBy(() -> ClusterFile.parse(text, Path.of("cluster.toml")))
                .hasMessage("cluster.toml: replica[2].clientPort: must be in 1..65535, got 70000");
    }

    @Test
    void syntaxErrorsCarryLineAndColumn() throws IOException {
        Path file = dir.resolve("broken.toml");
        Files.writeString(file, "f = 1\n\n[[replica]\nid = 0\n");
        assertThatThrownBy(() -> ClusterFile.load(file)).isInstanceOf(InvalidClusterFileException.class)
                .hasMessageMatching(java.util.regex.Pattern.quote(file.toString()) + ": line \\d+, column \\d+: TOML syntax error: .+");

        Files.writeString(file, validFile().replace("id = 2\nhost", "id = 2\nid = 2\nhost"));
        assertThatThrownBy(() -> ClusterFile.load(file)).hasMessageContaining("TOML syntax error: Duplicate key")
                .hasMessageContaining("line ");
    }

    @Test
    void aSingleTableWhereAnArrayOfTablesBelongsIsNamed() {
        String text = "f = 0\n[replica]\nid = 0\nhost = \"h\"\nreplicaPort = 1\nclientPort = 2\npublicKey = \""
                + b64(REPLICA_KEYS.get(0)) + "\"\n";
        assertThatThrownBy(() -> ClusterFile.parse(text, Path.of("cluster.toml")))
                .hasMessage("cluster.toml: replica: expected an array of tables, each written [[replica]]");
    }

    @Test
    void missingEmptyAndNonUtf8FilesAreNamed() throws IOException {
        Path absent = dir.resolve("absent.toml");
        assertThatThrownBy(() -> ClusterFile.load(absent)).isInstanceOf(InvalidClusterFileException.class)
                .hasMessage(absent + ": no such file");

        Path empty = dir.resolve("empty.toml");
        Files.writeString(empty, "");
        assertThatThrownBy(() -> ClusterFile.load(empty)).hasMessage(empty + ": f: missing");

        Path noReplicas = dir.resolve("none.toml");
        Files.writeString(noReplicas, "f = 0\n");
        assertThatThrownBy(() -> ClusterFile.load(noReplicas)).hasMessageContaining("replica: the file lists no replicas");

        Path binary = dir.resolve("binary.toml");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0x66});
        assertThatThrownBy(() -> ClusterFile.load(binary)).hasMessage(binary + ": is not UTF-8 text");
    }

    /** Four replicas (f = 1), two static clients (one P-256), two protocol settings. Ports: 7000+i, 7100+i, 7200+i. */
    static String validFile() {
        StringBuilder text = new StringBuilder("# test cluster\nf = 1\n\n[protocol]\ncheckpointInterval = 64\nlogSize = 128\n\n");
        for (int i = 0; i < 4; i++) {
            text.append("[[replica]]\nid = ").append(i).append("\nhost = \"127.0.0.").append(i == 2 ? 2 : 1)
                    .append("\"\nreplicaPort = ").append(7000 + i).append("\nclientPort = ").append(7100 + i)
                    .append("\nwebPort = ").append(7200 + i).append("\npublicKey = \"").append(b64(REPLICA_KEYS.get(i)))
                    .append("\"\n\n");
        }
        text.append("[[client]]\nid = 1\npublicKey = \"").append(b64(CLIENT_KEYS.get(0))).append("\"\n\n");
        text.append("[[client]]\nid = 2\npublicKey = \"").append(b64(P256_KEY)).append("\"\n");
        return text.toString();
    }

    private static Arguments mistake(String name, String from, String to, String field, String problem) {
        return Arguments.of(name, from, to, field, problem);
    }

    private static String b64(PublicKeyRef key) {
        return PublicKeys.toBase64(key);
    }

    private static PublicKeyRef ed25519() {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        return Ed25519SigningKey.fromSeed(seed).publicKey();
    }
}
