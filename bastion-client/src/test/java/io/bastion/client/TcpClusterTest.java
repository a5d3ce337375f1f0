package io.bastion.client;

import io.bastion.server.ReplicaTls;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.KeyValueService;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.ReplicaNode;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Four replica nodes over real TCP on 127.0.0.1, with real Ed25519 keys, in this JVM. */
class TcpClusterTest {
    @TempDir
    Path directory;

    private ClusterGenerator.Generated generated;
    private final ReplicaNode[] nodes = new ReplicaNode[4];
    private ClientGroup clients;

    @BeforeEach
    void start() throws Exception {
        generated = ClusterGenerator.generate(directory, 4, 4, Ports.base(12), new SecureRandom());
        for (int i = 0; i < 4; i++) {
            startNode(i);
        }
        clients = new ClientGroup(generated.config());
    }

    private void startNode(int id) throws Exception {
        SigningKey key = KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id));
        nodes[id] = ReplicaNode.start(generated.config(), id, key, new KeyValueService(),
                ReplicaNode.Options.defaults(ReplicaStorage.none()).withTls(ReplicaTls.keygenFiles(directory, id)));
    }

    @AfterEach
    void stop() {
        if (clients != null) {
            clients.close();
        }
        for (ReplicaNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    private BastionClient client(long id) throws Exception {
        return clients.connect(id, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(id)),
                ClientOptions.defaults().withRequestTimeout(Duration.ofSeconds(20)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void clientsRoundTripThroughTheCluster() throws Exception {
        try (BastionClient alice = client(1); BastionClient bob = client(2)) {
            assertThat(alice.invoke(utf8("put greeting hello"))).asString().isEqualTo("(nil)");
            Result r = bob.invokeForResult(utf8("get greeting"));
            assertThat(r.value()).asString().isEqualTo("hello");
            assertThat(r.agreeing()).hasSizeGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void garbageOnEveryPortNeitherCrashesNorWedgesAnyReplica() throws Exception {
        ClusterConfig config = generated.config();
        try (BastionClient alice = client(1)) {
            alice.invoke(utf8("put warm up"));
            AtomicBoolean stop = new AtomicBoolean();
            List<Throwable> errors = new CopyOnWriteArrayList<>();
            AtomicLong done = new AtomicLong();
            Thread load = Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        alice.invoke(utf8("put k " + done.incrementAndGet()));
                    }
                } catch (Throwable t) {
                    errors.add(t);
                }
            });
            SplittableRandom random = new SplittableRandom(99);
            for (ReplicaInfo r : config.replicas()) {
                for (int port : new int[] {r.replicaPort(), r.clientPort()}) {
                    for (byte[] attack : attacks(random)) {
                        try (Socket s = new Socket(r.host(), port)) {
                            OutputStream out = s.getOutputStream();
                            out.write(attack);
                            out.flush();
                        }
                    }
                }
            }
            long before = done.get();
            Await.until("requests keep completing during the attack", Duration.ofSeconds(30),
                    () -> done.get() > before + 20);
            stop.set(true);
            load.join(30_000);
            assertThat(errors).isEmpty();
        }
        for (ReplicaNode node : nodes) {
            assertThat(node.runtime().failure()).isNull();
            assertThat(node.endpoint().counters().rejectedTotal() + node.network().counters().rejectedTotal())
                    .isPositive();
        }
        try (BastionClient bob = client(2)) {
            assertThat(bob.invoke(utf8("get warm"))).asString().isEqualTo("up");
        }
    }

    /** Random bytes, a truncated frame, an oversized length, an unknown type, trailing garbage. */
    private static List<byte[]> attacks(SplittableRandom random) {
        List<byte[]> out = new ArrayList<>();
        byte[] noise = new byte[512];
        random.nextBytes(noise);
        out.add(noise);
        byte[] request = Codec.encodeFrame(Envelope.sign(new Request(1, 1, false, utf8("x")), m -> new byte[64]));
        out.add(ByteBuffer.allocate(4 + request.length / 2).putInt(request.length)
                .put(request, 0, request.length / 2).array());
        out.add(ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).putInt(0).array());
        out.add(ByteBuffer.allocate(6).putInt(2).put((byte) 0x7f).put((byte) 0).array());
        out.add(ByteBuffer.allocate(4 + request.length + 3).putInt(request.length + 3).put(request)
                .put(new byte[] {1, 2, 3}).array());
        return out;
    }

    @Test
    void aCrashedBackupDoesNotStopClients() throws Exception {
        try (BastionClient alice = client(1)) {
            for (int i = 0; i < 20; i++) {
                alice.invoke(utf8("put a " + i));
            }
            nodes[3].close();
            nodes[3] = null;
            for (int i = 20; i < 60; i++) {
                alice.invoke(utf8("put a " + i));
            }
            assertThat(alice.invoke(utf8("get a"))).asString().isEqualTo("59");
        }
    }

    @Test
    void aReplicaRestartedOnItsPortsIsReconnectedByItsPeers() throws Exception {
        try (BastionClient alice = client(1)) {
            alice.invoke(utf8("put a 1"));
            nodes[0].close();
            startNode(0);
            Await.until("replica 0 reconnected to every peer", Duration.ofSeconds(20), () -> {
                for (int peer = 1; peer < 4; peer++) {
                    if (!nodes[0].network().isConnected(peer) || !nodes[peer].network().isConnected(0)) {
                        return false;
                    }
                }
                return true;
            });
        }
    }
}
