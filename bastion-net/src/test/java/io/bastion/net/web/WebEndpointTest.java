package io.bastion.net.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A web endpoint in front of a client endpoint whose handler plays a replica in miniature: a
 * Hello is answered with a challenge signed by replica 0's Ed25519 key, a request binds its
 * client id and is answered with a reply echoing its operation. Real HTTP and WebSocket clients
 * (the JDK's) on 127.0.0.1.
 */
class WebEndpointTest {
    private static final int REPLICA = 0;
    private static final long EXPIRES_MILLIS = 1_767_225_660_000L;
    private static final String SECRET = "TOP SECRET: outside the web root";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();

    @TempDir
    Path directory;

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-web");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(WebSocketProbe.BOUND).build();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<Ed25519SigningKey> replicaKeys = new ArrayList<>();
    private final ClusterConfig config;
    private ClientEndpoint clients;

    WebEndpointTest() {
        List<ReplicaInfo> replicas = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
            Arrays.fill(seed, (byte) (id + 1));
            Ed25519SigningKey key = Ed25519SigningKey.fromSeed(seed);
            replicaKeys.add(key);
            replicas.add(new ReplicaInfo(id, TestCluster.HOST, Ports.free(), Ports.free(), Ports.free(), key.publicKey()));
        }
        config = new ClusterConfig(1, replicas, List.of(), ProtocolSettings.DEFAULTS);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        http.close();
        EventLoops.shutdown(group);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    /** Starts the client endpoint and replica 0's web endpoint serving {@code webRoot}. */
    private WebEndpoint start(Path webRoot, NetSettings clientSettings) {
        return start(webRoot, clientSettings, NetSettings.DEFAULTS);
    }

    private WebEndpoint start(Path webRoot, NetSettings clientSettings, NetSettings webSettings) {
        ReplicaInfo self = config.replica(REPLICA);
        clients = track(new ClientEndpoint(new InetSocketAddress(TestCluster.HOST, self.clientPort()), clientSettings,
                group, this::onClientMessage).start());
        return track(new WebEndpoint(new InetSocketAddress(TestCluster.HOST, self.webPort()), config, webRoot,
                webSettings, group, clients).start());
    }

    private void onClientMessage(ClientConnection connection, Envelope<?> message) {
        switch (message.message()) {
            case Hello hello -> connection.send(Envelope.sign(new Challenge(REPLICA, Challenge.keyDigest(hello.key()),
                    hello.nonce(), EXPIRES_MILLIS), replicaKeys.get(REPLICA)));
            case Request request -> {
                clients.bind(request.clientId(), request.requestNumber(), connection);
                clients.sendToClient(request.clientId(), Envelope.unsigned(new Reply(REPLICA, 0, 9, request.clientId(),
                        request.requestNumber(), request.operation(), 0, 1, List.of(), new byte[64])));
            }
            default -> { }
        }
    }

    private URI uri(String path) {
        return URI.create("http://" + TestCluster.HOST + ":" + config.replica(REPLICA).webPort() + path);
    }

    private WebSocketProbe webSocket() throws Exception {
        return track(WebSocketProbe.open(http, URI.create("ws://" + TestCluster.HOST + ":"
                + config.replica(REPLICA).webPort() + WebEndpoint.WEBSOCKET_PATH)));
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).timeout(WebSocketProbe.BOUND).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Sends {@code target} byte for byte as the request target (no client-side normalisation). */
    private String rawRequest(String method, String target) throws IOException {
        try (Socket socket = new Socket(TestCluster.HOST, config.replica(REPLICA).webPort())) {
            socket.setSoTimeout((int) WebSocketProbe.BOUND.toMillis());
            socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    private Path webRoot() throws IOException {
        Files.writeString(directory.resolve("secret.txt"), SECRET);
        Path root = Files.createDirectories(directory.resolve("www"));
        Files.writeString(root.resolve("index.html"), "<h1>bastion</h1>");
        Files.createDirectories(root.resolve("app"));
        Files.writeString(root.resolve("app/main.js"), "export const answer = 42;");
        Files.writeString(root.resolve("app/module.mjs"), "export default 1;");
        Files.writeString(root.resolve("style.css"), "body { margin: 0 }");
        Files.writeString(root.resolve("data.json"), "{\"a\":1}");
        Files.writeString(root.resolve("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>");
        Files.write(root.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/index.html"), "<p>sub</p>");
        Files.writeString(root.resolve(".hidden"), SECRET);
        Files.createSymbolicLink(root.resolve("link-out.txt"), directory.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("dir-out"), directory);
        Files.createSymbolicLink(root.resolve("alias.js"), root.resolve("app/main.js"));
        Files.write(root.resolve("big.js"), new byte[StaticFiles.FILE_BYTES_MAX + 1]);
        Files.write(root.resolve("largest.js"), new byte[StaticFiles.FILE_BYTES_MAX]);
        return root;
    }

    @Test
    void clusterJsonDescribesEveryReplicaWithItsKey() throws Exception {
        start(null, NetSettings.DEFAULTS);
        HttpResponse<byte[]> response = get(WebEndpoint.CLUSTER_PATH);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("*");
        assertThat(response.headers().firstValue("cache-control")).hasValue("no-cache");
        JsonNode cluster = JSON.readTree(response.body());
        assertThat(cluster.get("f").asInt()).isEqualTo(1);
        assertThat(cluster.get("n").asInt()).isEqualTo(4);
        assertThat(cluster.get("replicas")).hasSize(4);
        for (int id = 0; id < 4; id++) {
            JsonNode replica = cluster.get("replicas").get(id);
            ReplicaInfo info = config.replica(id);
            assertThat(replica.get("id").asInt()).isEqualTo(id);
            assertThat(replica.get("host").asText()).isEqualTo(TestCluster.HOST);
            assertThat(replica.get("webPort").asInt()).isEqualTo(info.webPort());
            assertThat(replica.get("publicKey").get("alg").asText()).isEqualTo("ED25519");
            assertThat(Base64.getDecoder().decode(replica.get("publicKey").get("raw").asText()))
                    .hasSize(32).isEqualTo(replicaKeys.get(id).publicKey().rawUnsafe());
            assertThat(replica.size()).as("exactly id, host, webPort, publicKey").isEqualTo(4);
        }
        assertThat(cluster.get("tls").asBoolean()).as("this endpoint is plaintext: clients open ws://").isFalse();
        assertThat(cluster.size()).as("exactly f, n, tls, replicas").isEqualTo(4);
    }

    @Test
    void staticFilesAreServedWithTheirContentType() throws Exception {
        Path root = webRoot();
        start(root, NetSettings.DEFAULTS);
        Map<String, String> types = Map.of(
                "/", "text/html; charset=utf-8",
                "/app/main.js", "text/javascript; charset=utf-8",
                "/app/module.mjs", "text/javascript; charset=utf-8",
                "/style.css", "text/css; charset=utf-8",
                "/data.json", "application/json",
                "/logo.svg", "image/svg+xml",
                "/logo.png", "image/png",
                "/sub/", "text/html; charset=utf-8",
                "/alias.js", "text/javascript; charset=utf-8",
                "/largest.js", "text/javascript; charset=utf-8");
        for (Map.Entry<String, String> entry : types.entrySet()) {
            HttpResponse<byte[]> response = get(entry.getKey());
            String file = entry.getKey().endsWith("/") ? entry.getKey() + "index.html" : entry.getKey();
            assertThat(response.statusCode()).as(entry.getKey()).isEqualTo(200);
            assertThat(response.headers().firstValue("content-type")).as(entry.getKey()).hasValue(entry.getValue());
            assertThat(response.headers().firstValue("cache-control")).as(entry.getKey()).hasValue("no-cache");
            assertThat(response.headers().firstValue("access-control-allow-origin")).as(entry.getKey()).hasValue("*");
            assertThat(response.body()).as(entry.getKey()).isEqualTo(Files.readAllBytes(root.resolve(file.substring(1))));
        }
        assertThat(rawRequest("HEAD", "/index.html")).startsWith("HTTP/1.1 200").contains("content-length: 16")
                .doesNotContain("bastion</h1>");
        assertThat(rawRequest("POST", "/index.html")).startsWith("HTTP/1.1 405").contains("allow: GET, HEAD");
    }

    /**
     * The page's own web root (bastion-js) with its vendored @noble modules, which index.html's import
     * map points to: served under paths with '@', whether the browser sends it as is or escaped.
     */
    @Test
    void thePageAndItsVendoredModulesAreServed() throws Exception {
        Path pageRoot = Path.of("..", "bastion-js");
        start(pageRoot, NetSettings.DEFAULTS);
        for (String file : List.of("vendor/@noble/curves/nist.js", "vendor/@noble/curves/abstract/weierstrass.js",
                "vendor/@noble/hashes/sha2.js", "src/ballot.js")) {
            for (String path : List.of("/" + file, "/" + file.replace("@", "%40"))) {
                HttpResponse<byte[]> response = get(path);
                assertThat(response.statusCode()).as(path).isEqualTo(200);
                assertThat(response.headers().firstValue("content-type")).as(path).hasValue("text/javascript; charset=utf-8");
                assertThat(response.body()).as(path).isEqualTo(Files.readAllBytes(pageRoot.resolve(file)));
            }
        }
        assertThat(rawRequest("GET", "/vendor/@noble/hashes/sha2.js")).startsWith("HTTP/1.1 200");
        assertThat(new String(get("/").body(), StandardCharsets.UTF_8)).contains("<script type=\"importmap\">");
    }

    @Test
    void pathsOutsideTheWebRootHiddenFilesAndOversizedFilesAreNotFound() throws Exception {
        start(webRoot(), NetSettings.DEFAULTS);
        List<String> attempts = List.of("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
                "/%2e%2e%2fsecret.txt", "/app/../../secret.txt", "/app/%2e%2e/%2e%2e/secret.txt",
                "/..%5csecret.txt", "/%2e%2e%5csecret.txt", "//secret.txt", "/" + directory.resolve("secret.txt"),
                "/%2F" + directory.resolve("secret.txt").toString().substring(1), "/link-out.txt",
                "/dir-out/secret.txt", "/.hidden", "/%2ehidden", "/app/./main.js", "/index.html%00.js",
                "/big.js", "/missing.js", "/app");
        for (String target : attempts) {
            String response = rawRequest("GET", target);
            assertThat(response).as(target).startsWith("HTTP/1.1 404").doesNotContain("TOP SECRET");
        }
        assertThat(rawRequest("GET", "/%zz")).as("a broken escape").startsWith("HTTP/1.1 400");
        assertThat(get("/%2e%2e/secret.txt").statusCode()).as("through the JDK client").isEqualTo(404);
    }

    @Test
    void withoutAWebRootOnlyTheClusterDescriptionIsServed() throws Exception {
        start(null, NetSettings.DEFAULTS);
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/index.html").statusCode()).isEqualTo(404);
        assertThat(get(WebEndpoint.CLUSTER_PATH).statusCode()).isEqualTo(200);
    }

    @Test
    void aHelloOverTheWebSocketIsAnsweredWithAChallengeSignedByTheReplica() throws Exception {
        start(null, NetSettings.DEFAULTS);
        EcdsaP256SigningKey client = EcdsaP256SigningKey.generate(new SecureRandom());
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) 0x5a);
        WebSocketProbe socket = webSocket();

        socket.send(hello("ECDSA_P256", client.publicKey().rawUnsafe(), nonce, "alice".getBytes(StandardCharsets.UTF_8)));
        JsonNode answer = socket.next("challenge");

        assertThat(answer.get("replica").asInt()).isEqualTo(REPLICA);
        Envelope<Challenge> challenge = Codec.decodeFrame(Base64.getDecoder().decode(answer.get("frame").asText()))
                .as(Challenge.class);
        assertThat(challenge.message().replicaId()).isEqualTo(REPLICA);
        assertThat(challenge.message().keyDigest()).isEqualTo(Challenge.keyDigest(client.publicKey()));
        assertThat(challenge.message().nonce()).isEqualTo(nonce);
        assertThat(new StandardSignatureVerifier().verify(config.replica(REPLICA).publicKey(),
                challenge.encodedUnsafe(), challenge.signatureUnsafe())).isTrue();
        assertThat(answer.size()).as("exactly type, replica, frame").isEqualTo(3);
    }

    @Test
    void requestsReachTheHandlerAndRepliesComeBackOnTheBoundWebSocket() throws Exception {
        start(null, NetSettings.DEFAULTS);
        Ed25519SigningKey client = Ed25519SigningKey.generate(new SecureRandom());
        WebSocketProbe socket = webSocket();

        for (Request.Kind kind : Request.Kind.values()) {
            Request request = new Request(77, 1 + kind.ordinal(), kind, ("op " + kind).getBytes(StandardCharsets.UTF_8));
            socket.send(request(Envelope.sign(request, client)));
            Reply reply = reply(socket.next("reply"));
            assertThat(reply.clientId()).isEqualTo(77);
            assertThat(reply.requestNumber()).isEqualTo(1 + kind.ordinal());
            assertThat(reply.resultUnsafe()).isEqualTo(request.operationUnsafe());
        }
        assertThat(clients.isBound(77)).isTrue();
        assertThat(clients.connectionCount()).as("the WebSocket is a client connection").isEqualTo(1);

        socket.close();
        Await.until("the closed WebSocket is unbound", () -> !clients.isBound(77) && clients.connectionCount() == 0);
    }

    @Test
    void malformedMessagesAreAnsweredWithAnErrorAndTheConnectionStaysUsable() throws Exception {
        WebEndpoint web = start(null, NetSettings.DEFAULTS);
        Ed25519SigningKey client = Ed25519SigningKey.generate(new SecureRandom());
        byte[] key = client.publicKey().rawUnsafe();
        byte[] nonce = new byte[16];
        WebSocketProbe socket = webSocket();
        String validHello = hello("ED25519", key, nonce, new byte[0]);
        String helloFrame = B64.encodeToString(Codec.encodeFrame(Envelope.unsigned(
                new Hello(client.publicKey(), nonce, new byte[0]))));
        Map<String, WebError> bad = new java.util.LinkedHashMap<>();
        bad.put("not json", WebError.NOT_JSON);
        bad.put("[1,2]", WebError.NOT_JSON);
        bad.put("{\"type\":\"request\",\"frame\":\"AA==\"} {}", WebError.NOT_JSON);
        bad.put("{\"type\":\"request\",\"frame\":\"AA==\",\"frame\":\"AA==\"}", WebError.NOT_JSON);
        bad.put("{\"type\":{\"a\":{\"b\":{\"c\":{\"d\":1}}}}}", WebError.NOT_JSON);
        bad.put("{\"type\":\"bogus\"}", WebError.UNKNOWN_TYPE);
        bad.put("{\"frame\":\"AA==\"}", WebError.INVALID_FIELD);
        bad.put("{\"type\":\"request\",\"frame\":\"AA==\",\"extra\":1}", WebError.INVALID_FIELD);
        bad.put("{\"type\":\"request\",\"frame\":7}", WebError.INVALID_FIELD);
        bad.put(hello("RSA", key, nonce, new byte[0]), WebError.INVALID_FIELD);
        bad.put(hello("ED25519", Arrays.copyOf(key, 31), nonce, new byte[0]), WebError.INVALID_FIELD);
        bad.put(hello("ED25519", key, new byte[15], new byte[0]), WebError.INVALID_FIELD);
        bad.put(hello("ED25519", key, nonce, new byte[Hello.CREDENTIALS_BYTES_MAX + 1]), WebError.INVALID_FIELD);
        bad.put("{\"type\":\"request\",\"frame\":\"!!!!\"}", WebError.BAD_BASE64);
        bad.put("{\"type\":\"request\",\"frame\":\"AAE\"}", WebError.BAD_BASE64);
        bad.put("{\"type\":\"request\",\"frame\":\"-_-_\"}", WebError.BAD_BASE64);
        bad.put("{\"type\":\"request\",\"frame\":\"AAEC\"}", WebError.BAD_FRAME);
        bad.put("{\"type\":\"request\",\"frame\":\"" + helloFrame + "\"}", WebError.BAD_FRAME);
        bad.put("{\"type\":\"request\",\"reason\":\"" + "x".repeat(WebEndpoint.MESSAGE_BYTES_MAX) + "\"}",
                WebError.OVERSIZED);

        for (Map.Entry<String, WebError> entry : bad.entrySet()) {
            long before = web.counters().counted(entry.getValue());
            socket.send(entry.getKey());
            JsonNode error = socket.next("error");
            assertThat(error.get("reason").asText()).as(clip(entry.getKey())).isNotBlank()
                    .hasSizeLessThanOrEqualTo(WebMessages.REASON_CHARS_MAX);
            assertThat(web.counters().counted(entry.getValue())).as(clip(entry.getKey())).isEqualTo(before + 1);
        }
        socket.sendBinary(new byte[] {1, 2, 3});
        assertThat(socket.next("error").get("reason").asText()).contains("text");
        assertThat(web.counters().counted(WebError.BINARY_MESSAGE)).isEqualTo(1);

        socket.send(validHello);
        assertThat(socket.next("challenge").get("replica").asInt()).as("the connection still works").isEqualTo(REPLICA);
    }

    @Test
    void aWebSocketTakesASlotOfTheClientEndpoint() throws Exception {
        start(null, NetSettings.DEFAULTS.withConnectionsMax(NetSettings.DEFAULT_PENDING_HANDSHAKES_MAX, 1));
        WebSocketProbe first = webSocket();
        byte[] key = Ed25519SigningKey.generate(new SecureRandom()).publicKey().rawUnsafe();
        first.send(hello("ED25519", key, new byte[16], new byte[0]));
        first.next("challenge");

        WebSocketProbe second = webSocket();
        assertThat(second.closedWithin(WebSocketProbe.BOUND)).as("beyond clientConnectionsMax").isTrue();
        first.send(hello("ED25519", key, new byte[16], new byte[0]));
        first.next("challenge");
    }

    @Test
    void anIdleWebSocketIsClosedByTheClientEndpointsLimitAndItsSlotFreed() throws Exception {
        NetSettings limits = NetSettings.DEFAULTS.withClientTimeouts(500, 250);
        start(null, limits, limits);
        WebSocketProbe socket = webSocket();
        socket.send(hello("ED25519", Ed25519SigningKey.generate(new SecureRandom()).publicKey().rawUnsafe(),
                new byte[16], new byte[0]));
        socket.next("challenge");
        assertThat(clients.connectionCount()).isEqualTo(1);

        assertThat(socket.closedWithin(WebSocketProbe.BOUND)).isTrue();
        assertThat(clients.counters().rejected(Rejection.IDLE_TIMEOUT)).isEqualTo(1);
        Await.until("the slot is free", () -> clients.connectionCount() == 0);
    }

    @Test
    void anHttpRequestTrickledAByteAtATimeIsClosedByTheFirstMessageLimit() throws Exception {
        WebEndpoint web = start(null, NetSettings.DEFAULTS, NetSettings.DEFAULTS.withClientTimeouts(500, 250));
        byte[] request = "GET /cluster.json HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = new Socket(TestCluster.HOST, config.replica(REPLICA).webPort())) {
            socket.setSoTimeout((int) WebSocketProbe.BOUND.toMillis());
            long deadline = System.nanoTime() + WebSocketProbe.BOUND.toNanos();
            boolean closed = false;
            for (int i = 0; !closed && System.nanoTime() < deadline; i = (i + 1) % request.length) {
                try {
                    socket.getOutputStream().write(request[i]); // never the blank line that ends the request
                    socket.getOutputStream().flush();
                    Thread.sleep(20); // the trickle under test, not a wait for something
                } catch (IOException e) {
                    closed = true;
                }
                closed |= web.transportCounters().rejected(Rejection.MESSAGE_TIMEOUT) == 1;
            }
            assertThat(closed).as("closed before the test's bound").isTrue();
            assertThat(socket.getInputStream().read()).as("end of stream").isEqualTo(-1);
        }
        assertThat(web.transportCounters().rejected(Rejection.MESSAGE_TIMEOUT)).isEqualTo(1);
        Await.until("the slot is free", () -> web.connectionCount() == 0); // released when the close completes
        assertThat(get(WebEndpoint.CLUSTER_PATH).statusCode()).as("a complete request is still served").isEqualTo(200);
    }

    @Test
    void theBoundsRelate() {
        assertThat(WebEndpoint.MESSAGE_BYTES_MAX).isLessThan(WebEndpoint.FRAME_PAYLOAD_BYTES_MAX);
        // the largest Join a client may send (64 challenges, the largest credentials) fits in one message
        int challengeFrame = 1 + 4 + 32 + 4 + Hello.NONCE_BYTES_MAX + 8 + 1 + Codec.SIGNATURE_BYTES_MAX;
        int join = 1 + 1 + 4 + 65 + 4 + Hello.NONCE_BYTES_MAX + 4 + Hello.CREDENTIALS_BYTES_MAX + 4
                + io.bastion.core.session.JoinRequest.CHALLENGES_MAX * (4 + challengeFrame);
        int requestFrame = 1 + 8 + 8 + 1 + 4 + join + 1 + Codec.SIGNATURE_BYTES_MAX;
        assertThat(base64Length(requestFrame) + 64).isLessThan(WebEndpoint.MESSAGE_BYTES_MAX);
        assertThat(requestFrame).isLessThan(NetSettings.DEFAULTS.frameBytesMax());
    }

    private static int base64Length(int bytes) {
        return 4 * ((bytes + 2) / 3);
    }

    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }

    static String hello(String alg, byte[] key, byte[] nonce, byte[] credentials) {
        return "{\"type\":\"hello\",\"key\":{\"alg\":\"" + alg + "\",\"raw\":\"" + B64.encodeToString(key)
                + "\"},\"nonce\":\"" + B64.encodeToString(nonce) + "\",\"credentials\":\""
                + B64.encodeToString(credentials) + "\"}";
    }

    static String request(Envelope<Request> request) {
        return "{\"type\":\"request\",\"frame\":\"" + B64.encodeToString(Codec.encodeFrame(request)) + "\"}";
    }

    static Reply reply(JsonNode message) throws Exception {
        return Codec.decodeFrame(Base64.getDecoder().decode(message.get("frame").asText())).as(Reply.class).message();
    }
}
