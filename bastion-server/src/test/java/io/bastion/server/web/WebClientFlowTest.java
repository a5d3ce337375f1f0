package io.bastion.server.web;

import io.bastion.server.ReplicaTls;
import io.bastion.net.tls.TlsContexts;
import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.web.WebSocketProbe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.ReplyProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.KeyValueService;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;
import io.bastion.core.session.SessionSettings;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.KeyFiles;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.ReplicaNode;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A client that speaks only the web protocol (docs/web-protocol.md), as a browser would, against
 * four replica nodes on 127.0.0.1 (f = 1) running the key-value service: it reads /cluster.json,
 * opens a WebSocket to every replica, says hello, joins with 2f+1 challenges under an ECDSA P-256
 * key (WebCrypto's kind), then writes and reads. It builds every frame with the Java codec but
 * checks every answer itself, as the document says a client must.
 */
class WebClientFlowTest {
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final Duration POLL = Duration.ofMillis(20);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final String INDEX = "<!doctype html><title>bastion</title>";

    @TempDir
    Path directory;

    private final SecureRandom random = new SecureRandom();
    private final StandardSignatureVerifier verifier = new StandardSignatureVerifier();
    private HttpClient http;
    private final ReplicaNode[] nodes = new ReplicaNode[4];
    private final List<WebSocketProbe> sockets = new ArrayList<>();
    private ClusterConfig config;

    @BeforeEach
    void start() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, 4, 0, Ports.base(12), random);
        config = generated.config();
        Path webRoot = Files.createDirectories(directory.resolve("www"));
        Files.writeString(webRoot.resolve("index.html"), INDEX);
        for (int id = 0; id < 4; id++) {
            nodes[id] = ReplicaNode.start(config, id, KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id)),
                    new KeyValueService(), ReplicaNode.Options.defaults(ReplicaStorage.none()).withWebRoot(webRoot)
                            .withTls(ReplicaTls.keygenFiles(directory, id)));
        }
        // HTTPS and WSS, trusting the cluster CA only (as a browser with the CA installed), names checked
        http = HttpClient.newBuilder().connectTimeout(BOUND).sslContext(TlsContexts.trusting(List.of(
                CertificateFiles.readChain(directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME)).get(0)))).build();
    }

    @AfterEach
    void stop() {
        sockets.forEach(WebSocketProbe::close);
        if (http != null) {
            http.close();
        }
        for (ReplicaNode node : nodes) {
            if (node != null) {
                node.close();
            }
        }
    }

    @Test
    void aWebClientJoinsWritesAndReadsOverWebSockets() throws Exception {
        JsonNode cluster = fetchClusterAndPage();
        int f = cluster.get("f").asInt();
        for (JsonNode replica : cluster.get("replicas")) {
            sockets.add(WebSocketProbe.open(http, URI.create("wss://" + replica.get("host").asText() + ":"
                    + replica.get("webPort").asInt() + "/ws")));
        }

        SigningKey key = EcdsaP256SigningKey.generate(random);
        byte[] nonce = new byte[32];
        random.nextBytes(nonce);
        byte[] credentials = "alice".getBytes(StandardCharsets.UTF_8);
        List<Envelope<Challenge>> challenges = helloEveryone(key.publicKey(), nonce, credentials);
        assertThat(challenges).hasSize(4);

        long provisional = JoinRequest.provisionalClientId(key.publicKey());
        byte[] join = Codec.encodeJoin(new JoinRequest(key.publicKey(), nonce, credentials,
                challenges.subList(0, 2 * f + 1)));
        Reply joined = invoke(Envelope.sign(new Request(provisional, 1, Request.Kind.JOIN, join), key), f + 1);
        assertThat(joined.status()).isEqualTo(Reply.Status.OK);
        JoinResult session = Codec.decodeJoinResult(joined.resultUnsafe());
        assertThat(session.identity()).isEqualTo("alice");
        assertThat(session.clientId()).isGreaterThanOrEqualTo(SessionSettings.FIRST_DYNAMIC_CLIENT_ID);
        Await.until("every replica knows the session", BOUND,
                () -> Arrays.stream(nodes).allMatch(n -> n.runtime().sessions().liveCount() == 1));

        long id = session.clientId();
        Reply written = invoke(Envelope.sign(new Request(id, 1, Request.Kind.WRITE, utf8("put colour blue")), key), f + 1);
        assertThat(written.status()).isEqualTo(Reply.Status.OK);
        assertThat(new String(written.resultUnsafe(), StandardCharsets.UTF_8)).isEqualTo("(nil)");
        Reply read = invoke(Envelope.sign(new Request(id, 2, Request.Kind.READ, utf8("get colour")), key), 2 * f + 1);
        assertThat(read.seq()).as("a read is answered unordered").isEqualTo(-1);
        assertThat(new String(read.resultUnsafe(), StandardCharsets.UTF_8)).isEqualTo("blue");
        for (ReplicaNode node : nodes) {
            assertThat(node.endpoint().isBound(id)).as("replies for the session go to its WebSocket").isTrue();
            assertThat(node.web().counters().errors().values()).as("no message was refused").containsOnly(0L);
        }
    }

    @Test
    void aWebSocketRecoversFromMalformedMessagesAndStillJoins() throws Exception {
        JsonNode replica0 = fetchClusterAndPage().get("replicas").get(0);
        WebSocketProbe socket = WebSocketProbe.open(http, URI.create("wss://127.0.0.1:" + replica0.get("webPort").asInt()
                + "/ws"));
        sockets.add(socket);
        for (String bad : List.of("{", "{\"type\":\"request\",\"frame\":\"not base64\"}",
                "{\"type\":\"request\",\"frame\":\"" + "A".repeat(4 << 20) + "\"}")) {
            socket.send(bad);
            assertThat(socket.next("error").get("reason").asText()).isNotBlank();
        }
        SigningKey key = EcdsaP256SigningKey.generate(random);
        socket.send(hello(key.publicKey(), new byte[16], new byte[0]));
        Envelope<Challenge> challenge = challenge(socket.next("challenge"), 0, key.publicKey(), new byte[16]);
        assertThat(challenge.message().replicaId()).isZero();
    }

    /** Reads /cluster.json from replica 0 and the page from replica 3; checks both. */
    private JsonNode fetchClusterAndPage() throws Exception {
        JsonNode cluster = JSON.readTree(get(0, "/cluster.json").body());
        assertThat(cluster.get("f").asInt()).isEqualTo(config.f());
        assertThat(cluster.get("tls").asBoolean()).as("the web ports speak TLS: clients open wss://").isTrue();
        assertThat(cluster.get("n").asInt()).isEqualTo(config.n());
        for (int id = 0; id < config.n(); id++) {
            JsonNode replica = cluster.get("replicas").get(id);
            assertThat(replica.get("webPort").asInt()).isEqualTo(config.replica(id).webPort()).isPositive();
            assertThat(publicKey(replica)).isEqualTo(config.replica(id).publicKey());
        }
        HttpResponse<String> page = get(3, "/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).isEqualTo(INDEX);
        return cluster;
    }

    private HttpResponse<String> get(int replica, String path) throws Exception {
        URI uri = URI.create("https://127.0.0.1:" + config.replica(replica).webPort() + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(BOUND).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static PublicKeyRef publicKey(JsonNode replica) {
        JsonNode key = replica.get("publicKey");
        return new PublicKeyRef(PublicKeyRef.Algorithm.valueOf(key.get("alg").asText()),
                Base64.getDecoder().decode(key.get("raw").asText()));
    }

    /** Sends one hello to every replica and returns each replica's checked challenge, in replica order. */
    private List<Envelope<Challenge>> helloEveryone(PublicKeyRef key, byte[] nonce, byte[] credentials) throws Exception {
        List<Envelope<Challenge>> challenges = new ArrayList<>();
        for (WebSocketProbe socket : sockets) {
            socket.send(hello(key, nonce, credentials));
        }
        for (int id = 0; id < sockets.size(); id++) {
            challenges.add(challenge(sockets.get(id).next("challenge"), id, key, nonce));
        }
        return challenges;
    }

    /** A challenge checked as docs/web-protocol.md says: replica, key digest, nonce, expiry, signature. */
    private Envelope<Challenge> challenge(JsonNode message, int replica, PublicKeyRef key, byte[] nonce) throws Exception {
        assertThat(message.get("replica").asInt()).isEqualTo(replica);
        Envelope<Challenge> signed = Codec.decodeFrame(frame(message)).as(Challenge.class);
        Challenge c = signed.message();
        assertThat(c.replicaId()).isEqualTo(replica);
        assertThat(c.keyDigest()).isEqualTo(Digest.sha256(new byte[] {(byte) key.algorithm().ordinal()},
                key.rawUnsafe()));
        assertThat(c.nonce()).isEqualTo(nonce);
        long now = System.currentTimeMillis();
        assertThat(c.expiresMillis()).isGreaterThan(now)
                .isLessThanOrEqualTo(now + config.settings().sessions().challengeLifetimeMaxMillis());
        assertThat(verifier.verify(config.replica(replica).publicKey(), signed.encodedUnsafe(),
                signed.signatureUnsafe())).as("the challenge is signed by replica " + replica).isTrue();
        return signed;
    }

    /**
     * Sends {@code request} to every replica and waits (bounded) until {@code needed} replicas sent
     * replies with the same leaf (status and result) whose proof and batch signature check out.
     */
    private Reply invoke(Envelope<Request> request, int needed) throws Exception {
        String message = "{\"type\":\"request\",\"frame\":\"" + B64.encodeToString(Codec.encodeFrame(request)) + "\"}";
        for (WebSocketProbe socket : sockets) {
            socket.send(message);
        }
        Map<Digest, Map<Integer, Reply>> byLeaf = new HashMap<>();
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (System.nanoTime() < deadline) {
            for (int id = 0; id < sockets.size(); id++) {
                JsonNode answer = sockets.get(id).poll(POLL);
                if (answer == null) {
                    continue;
                }
                assertThat(answer.get("type").asText()).as("answer " + answer).isEqualTo("reply");
                Reply reply = Codec.decodeFrame(frame(answer)).as(Reply.class).message();
                if (reply.clientId() != request.message().clientId()
                        || reply.requestNumber() != request.message().requestNumber()) {
                    continue; // a late reply to an earlier request
                }
                assertThat(checks(reply, id)).as("reply from replica " + id + " checks out").isTrue();
                Digest leaf = ReplyProof.leaf(reply.clientId(), reply.requestNumber(), reply.status(),
                        reply.resultUnsafe());
                Map<Integer, Reply> group = byLeaf.computeIfAbsent(leaf, l -> new TreeMap<>());
                group.put(id, reply);
                if (group.size() >= needed) {
                    return reply;
                }
            }
        }
        return fail("no " + needed + " matching replies to " + request.message() + " within " + BOUND + ": " + byLeaf);
    }

    /** Whether {@code reply}, received on replica {@code id}'s WebSocket, is that replica's signed answer. */
    private boolean checks(Reply reply, int id) {
        byte[] signed = ReplyProof.claimedRootBytes(reply);
        return reply.replicaId() == id && signed != null
                && verifier.verify(config.replica(id).publicKey(), signed, reply.batchSignature());
    }

    private static String hello(PublicKeyRef key, byte[] nonce, byte[] credentials) {
        return "{\"type\":\"hello\",\"key\":{\"alg\":\"" + key.algorithm().name() + "\",\"raw\":\""
                + B64.encodeToString(key.rawUnsafe()) + "\"},\"nonce\":\"" + B64.encodeToString(nonce)
                + "\",\"credentials\":\"" + B64.encodeToString(credentials) + "\"}";
    }

    private static byte[] frame(JsonNode message) {
        return Base64.getDecoder().decode(message.get("frame").asText());
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
