package io.bastion.client;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.SessionKey;
import io.bastion.core.service.KeyValueService;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.connector.ClusterConnector;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.server.ReplicaNode;
import io.bastion.server.ReplicaTls;
import io.bastion.server.runtime.ReplicaStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * MAC client mode over real TLS connections to four replica nodes in this JVM: session keys set up
 * per connection, requests ordered on tags alone, keys set up again after a replica restarts, and
 * the key message's refusals (replayed onto another connection, again on its own, for another
 * replica).
 */
class MacClientModeTest {
    @TempDir
    Path directory;

    private ClusterGenerator.Generated generated;
    private final ReplicaNode[] nodes = new ReplicaNode[4];

    @BeforeEach
    void start() throws Exception {
        generated = ClusterGenerator.generate(directory, 4, 2, Ports.base(20), new SecureRandom());
        for (int i = 0; i < 4; i++) {
            startNode(i);
        }
    }

    private void startNode(int id) throws Exception {
        SigningKey key = KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id));
        nodes[id] = ReplicaNode.start(generated.config(), id, key, new KeyValueService(),
                ReplicaNode.Options.defaults(ReplicaStorage.none()).withTls(ReplicaTls.keygenFiles(directory, id)));
    }

    @AfterEach
    void stop() {
        for (ReplicaNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    /** The client's key, counting what it signs: in MAC mode, one SESSION-KEY per connection and no request. */
    private static final class CountingSigner implements Signer {
        private final Signer key;
        private final AtomicLong signed = new AtomicLong();

        CountingSigner(Signer key) {
            this.key = key;
        }

        @Override
        public byte[] sign(byte[] message) {
            signed.incrementAndGet();
            return key.sign(message);
        }
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private ClientOptions mac() {
        return ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)).withAuth(ClientOptions.ClientAuth.MAC);
    }

    @Test
    void requestsAreOrderedOnTagsAloneAndARestartedReplicaGetsANewKey() throws Exception {
        CountingSigner signer = new CountingSigner(KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L)));
        try (BastionClient client = Clients.connect(generated.config(), 1, signer, mac())) {
            Await.until("every replica holds the client's key", () -> holdAll(1));
            long keysSigned = signer.signed.get();
            assertThat(keysSigned).as("one SESSION-KEY per replica").isEqualTo(4);
            for (int i = 0; i < 10; i++) {
                assertThat(client.invoke(utf8("put k" + i + " v" + i))).asString().isEqualTo("(nil)");
            }
            assertThat(client.invoke(utf8("get k3"))).asString().isEqualTo("v3");
            assertThat(signer.signed.get()).as("no request was signed").isEqualTo(keysSigned);

            nodes[2].close();
            assertThat(client.invoke(utf8("put during restart"))).asString().isEqualTo("(nil)");
            startNode(2);
            Await.until("the restarted replica holds a new key", Duration.ofSeconds(20),
                    () -> nodes[2].runtime().sessionKeys().holds(1));
            assertThat(nodes[2].runtime().sessionKeysInstalled()).isEqualTo(1);
            assertThat(client.invoke(utf8("put after restart"))).asString().isEqualTo("(nil)");
            assertThat(signer.signed.get()).as("the new key, and still no request signed").isEqualTo(keysSigned + 1);
        }
        Await.until("keys leave with their connections", () -> !nodes[0].runtime().sessionKeys().holds(1));
    }

    private boolean holdAll(long clientId) {
        for (ReplicaNode node : nodes) {
            if (!node.runtime().sessionKeys().holds(clientId)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void macModeOverAPlaintextPortIsRefusedWithAClearError() throws Exception {
        SigningKey key = KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L));
        assertThatThrownBy(() -> Clients.connect(generated.config(), ClientSecurity.PLAINTEXT, 1, key, mac()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs TLS on the client port");
    }

    /** A raw TLS connection to every replica that records the KEY-NONCE each sends. */
    private static final class RawClient implements AutoCloseable {
        final ConcurrentHashMap<Integer, byte[]> nonces = new ConcurrentHashMap<>();
        final ClusterConnector connector;

        RawClient(ClusterConfig config) {
            connector = new ClusterConnector(config, NetSettings.DEFAULTS, ClientSecurity.tls(config), (replicaId, m) -> {
                if (m.message() instanceof KeyNonce k && k.replicaId() == replicaId) {
                    nonces.put(replicaId, k.nonce());
                }
            }).start();
            Await.until("a key nonce from every replica", () -> nonces.size() == config.n());
        }

        @Override
        public void close() {
            connector.close();
        }
    }

    @Test
    void aKeyMessageIsRefusedOnAnotherConnectionTwiceOnItsOwnAndAtAnotherReplica() throws Exception {
        ClusterConfig config = generated.config();
        SigningKey key = KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L));
        byte[] sessionKey = new byte[32];
        new SecureRandom().nextBytes(sessionKey);
        try (RawClient first = new RawClient(config); RawClient second = new RawClient(config)) {
            Envelope<SessionKey> toZero = Envelope.sign(new SessionKey(1, 0, first.nonces.get(0), sessionKey), key);
            first.connector.send(0, toZero);
            Await.until("replica 0 holds the key", () -> nodes[0].runtime().sessionKeys().holds(1));

            second.connector.send(0, toZero); // replayed onto another connection: its nonce is not this one's
            first.connector.send(0, toZero); // again on its own connection
            // addressed to replica 0, with replica 1's nonce, sent to replica 1
            first.connector.send(1, Envelope.sign(new SessionKey(1, 0, first.nonces.get(1), sessionKey), key));
            Await.until("three refusals", () -> nodes[0].runtime().sessionKeysRefused()
                    + nodes[1].runtime().sessionKeysRefused() == 3);
            assertThat(nodes[0].runtime().sessionKeysInstalled()).isEqualTo(1);
            assertThat(nodes[1].runtime().sessionKeys().holds(1)).isFalse();
        }
        // the key lived on the first connection only: with it closed, nothing remains
        Await.until("the key left with its connection", () -> !nodes[0].runtime().sessionKeys().holds(1));
    }
}
