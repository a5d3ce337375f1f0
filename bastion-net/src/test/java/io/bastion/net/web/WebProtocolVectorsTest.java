package io.bastion.net.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.execution.ReplySigner;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.ReplyProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;
import io.bastion.core.util.Hex;
import io.bastion.crypto.Ed25519SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The worked example of docs/web-protocol.md, made here and checked against the document, so the
 * bytes a browser client is written against are the bytes the Java codec produces.
 *
 * <p>Each vector is laid out field by field, as the document explains it; the test checks that
 * the layout gives exactly what {@link Codec}, {@link ReplyProof} and {@link MerkleTree} produce,
 * that every signature in it verifies, and that the document's {@code hex} blocks hold exactly
 * these vectors and its {@code json} blocks exactly these messages. Ed25519 signatures are
 * deterministic, so the vectors are fixed; the one ECDSA P-256 signature (randomized) was made
 * once and is checked by verifying it. {@code -Dbastion.printWebVectors=true} writes the blocks to
 * {@code target/web-protocol-vectors.md}, to paste into the document after a codec change.
 */
class WebProtocolVectorsTest {
    private static final Path DOC = Path.of("..", "docs", "web-protocol.md");
    private static final Path PRINTED = Path.of("target", "web-protocol-vectors.md");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final int HEX_BYTES_PER_LINE = 32;
    private static final int COMMENT_COLUMN = 70;

    private static final long DYNAMIC_CLIENT_ID = 1L << 40;
    private static final long EXPIRES_MILLIS = 1_767_225_660_000L;
    private static final byte[] NONCE = filled(32, 0x5a);
    private static final byte[] CREDENTIALS = utf8("alice");
    private static final byte[] WRITE_OPERATION = utf8("put colour blue");
    /** A P-256 key (uncompressed point) and its P1363 signature over write.request.encoding, made once. */
    private static final String ECDSA_PUBLIC_KEY = "044add13677b4b3042ec9f551c72986a874283859735d85dc894c5328594aefc"
            + "7c8b29cfedc9c19a2d4321bcfe59b380027a4b25058fca176a8017a2bbe497df2a";
    private static final String ECDSA_SIGNATURE = "2528e2b11cfa06b69434e5e55321cd48dff1d4d8f7c7bc51f83e647c831beb3a"
            + "be8b0652f35686b52ded28927a998de682c021fb4c22e7ec5c91974e21c286d7";

    private final Ed25519SigningKey client = key(9);
    private final List<Ed25519SigningKey> replicas = List.of(key(1), key(2), key(3), key(4));
    private final StandardSignatureVerifier verifier = new StandardSignatureVerifier();
    private final Map<String, Layout> vectors = new LinkedHashMap<>();
    private final List<JsonNode> messages = new ArrayList<>();
    private ClusterConfig cluster;

    // ---------------------------------------------------------------- the example

    /** Builds every vector and message, checking each layout against the Java implementation as it goes. */
    private void build() throws Exception {
        List<ReplicaInfo> infos = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            infos.add(new ReplicaInfo(id, "127.0.0.1", 7000 + id, 7100 + id, 7200 + id, replicas.get(id).publicKey()));
            add(new Layout("replica." + id + ".publicKey").raw(replicas.get(id).publicKey().rawUnsafe(),
                    "Ed25519 public key of replica " + id + " (seed " + (id + 1) + "×32)"));
        }
        cluster = new ClusterConfig(1, infos, List.of(), ProtocolSettings.DEFAULTS);
        PublicKeyRef key = client.publicKey();
        add(new Layout("client.publicKey").raw(key.rawUnsafe(), "Ed25519 public key of the client (seed 9×32)"));
        messages.add(JSON.readTree(WebEndpointTest.hello("ED25519", key.rawUnsafe(), NONCE, CREDENTIALS)));

        byte[] digestInput = add(new Layout("client.keyDigest.input")
                .u8(key.algorithm().ordinal(), "alg 0 = ED25519 (1 = ECDSA_P256)")
                .raw(key.rawUnsafe(), "the raw key")).bytes();
        Digest keyDigest = Digest.sha256(digestInput);
        assertThat(keyDigest).isEqualTo(Challenge.keyDigest(key));
        add(new Layout("client.keyDigest").raw(keyDigest.toBytes(), "SHA-256(client.keyDigest.input)"));
        long provisional = JoinRequest.provisionalClientId(key);
        long bits = ByteBuffer.wrap(keyDigest.toBytes()).getLong();
        assertThat(provisional).isEqualTo(-1 - (bits & Long.MAX_VALUE));
        add(new Layout("client.provisionalId").i64(provisional, "-1 - (first 8 digest bytes & 0x7fff…ff) = "
                + provisional));

        List<Envelope<Challenge>> challenges = new ArrayList<>();
        for (int id = 0; id < 3; id++) {
            challenges.add(challenge(id, keyDigest));
        }
        JoinRequest join = new JoinRequest(key, NONCE, CREDENTIALS, challenges);
        Layout operation = new Layout("join.operation")
                .u8(0x82, "tag: a Join operation")
                .u8(0, "key alg 0 = ED25519")
                .bytes(key.rawUnsafe(), "key: client.publicKey")
                .bytes(NONCE, "nonce (the one sent in the hellos)")
                .bytes(CREDENTIALS, "credentials \"alice\"")
                .i32(challenges.size(), "challenge count 3 (2f+1)");
        for (int id = 0; id < 3; id++) {
            operation.i32(Codec.encodeFrame(challenges.get(id)).length, "length of challenge " + id)
                    .ref("challenge." + id + ".frame");
        }
        assertThat(add(operation).bytes()).isEqualTo(Codec.encodeJoin(join));
        Envelope<Request> joinRequest = Envelope.sign(new Request(provisional, 1, Request.Kind.JOIN,
                Codec.encodeJoin(join)), client);
        request("join", joinRequest, "client.provisionalId", "kind 3 = join", "join.operation");

        byte[] joinResult = add(new Layout("join.result")
                .u8(0x83, "tag: a Join result")
                .i64(DYNAMIC_CLIENT_ID, "assigned client id 2^40")
                .bytes(CREDENTIALS, "identity \"alice\" (UTF-8)")).bytes();
        assertThat(joinResult).isEqualTo(Codec.encodeJoinResult(new JoinResult(DYNAMIC_CLIENT_ID, "alice")));
        List<Reply> batch = new ReplySigner(0, replicas.get(0)).sign(0, 1, List.of(
                new ReplySigner.Unsigned(1, 5, utf8("(nil)")),
                new ReplySigner.Unsigned(provisional, 1, joinResult),
                new ReplySigner.Unsigned(2, 9, utf8("blue"))));
        reply("join", batch.get(1), "client.provisionalId", "join.result");

        Envelope<Request> write = Envelope.sign(new Request(DYNAMIC_CLIENT_ID, 1, Request.Kind.WRITE, WRITE_OPERATION),
                client);
        request("write", write, null, "kind 0 = write", null);
        PublicKeyRef ecdsa = new PublicKeyRef(PublicKeyRef.Algorithm.ECDSA_P256, Hex.parse(ECDSA_PUBLIC_KEY));
        assertThat(verifier.verify(ecdsa, write.encodedUnsafe(), Hex.parse(ECDSA_SIGNATURE)))
                .as("the ECDSA P-256 (P1363) signature verifies").isTrue();
        add(new Layout("ecdsa.publicKey").raw(ecdsa.rawUnsafe(), "a P-256 key: 04 ‖ x ‖ y"));
        add(new Layout("ecdsa.signature").raw(Hex.parse(ECDSA_SIGNATURE),
                "P1363 r ‖ s over write.request.encoding (randomized: yours will differ)"));
        Reply writeReply = new ReplySigner(1, replicas.get(1)).sign(0, 2,
                List.of(new ReplySigner.Unsigned(DYNAMIC_CLIENT_ID, 1, utf8("(nil)")))).get(0);
        reply("write", writeReply, null, null);

        messages.add(JSON.readTree(WebMessages.error(((WebMessages.Refused) new WebMessages(1 << 20)
                .decode("{\"type\":\"request\",\"frame\":\"AAE\"}")).reason())));
    }

    private Envelope<Challenge> challenge(int id, Digest keyDigest) throws Exception {
        Envelope<Challenge> challenge = Envelope.sign(new Challenge(id, keyDigest, NONCE, EXPIRES_MILLIS), replicas.get(id));
        Layout encoding = new Layout("challenge." + id + ".encoding")
                .u8(0x10, "type 16 = CHALLENGE")
                .i32(id, "replica " + id)
                .ref("client.keyDigest")
                .bytes(NONCE, "nonce")
                .i64(EXPIRES_MILLIS, "expires " + EXPIRES_MILLIS + " ms (epoch; 2026-01-01T00:01:00Z)");
        assertThat(add(encoding).bytes()).isEqualTo(challenge.encodedUnsafe());
        frame("challenge." + id, challenge, "Ed25519 signature of replica " + id);
        assertThat(verifier.verify(replicas.get(id).publicKey(), challenge.encodedUnsafe(), challenge.signatureUnsafe()))
                .isTrue();
        messages.add(JSON.readTree(WebMessages.encode(challenge)));
        return challenge;
    }

    private void request(String name, Envelope<Request> signed, String clientIdRef, String kind, String operationRef)
            throws Exception {
        Request r = signed.message();
        Layout encoding = new Layout(name + ".request.encoding").u8(0x01, "type 1 = REQUEST");
        if (clientIdRef != null) {
            encoding.ref(clientIdRef);
        } else {
            encoding.i64(r.clientId(), "clientId " + r.clientId());
        }
        encoding.i64(r.requestNumber(), "requestNumber " + r.requestNumber()).u8(r.kind().ordinal(), kind);
        if (operationRef != null) {
            encoding.i32(r.operationUnsafe().length, "operation length " + r.operationUnsafe().length).ref(operationRef);
        } else {
            encoding.bytes(r.operationUnsafe(), "operation \"" + new String(r.operationUnsafe(), StandardCharsets.UTF_8)
                    + "\"");
        }
        assertThat(add(encoding).bytes()).isEqualTo(signed.encodedUnsafe());
        frame(name + ".request", signed, "the client's Ed25519 signature over the encoding");
        assertThat(verifier.verify(client.publicKey(), signed.encodedUnsafe(), signed.signatureUnsafe())).isTrue();
        messages.add(JSON.readTree(WebEndpointTest.request(signed)));
    }

    private void frame(String name, Envelope<?> signed, String signatureComment) {
        Layout frame = new Layout(name + ".frame").ref(name + ".encoding")
                .u8(signed.signatureUnsafe().length, "signature length " + signed.signatureUnsafe().length)
                .raw(signed.signatureUnsafe(), signatureComment);
        assertThat(add(frame).bytes()).isEqualTo(Codec.encodeFrame(signed));
    }

    private void reply(String name, Reply reply, String clientIdRef, String resultRef) throws Exception {
        Layout leafInput = new Layout(name + ".reply.leaf.input");
        if (clientIdRef != null) {
            leafInput.ref(clientIdRef);
        } else {
            leafInput.i64(reply.clientId(), "clientId " + reply.clientId());
        }
        leafInput.i64(reply.requestNumber(), "requestNumber " + reply.requestNumber())
                .u8(reply.status().ordinal(), "status 0 = OK");
        if (resultRef != null) {
            leafInput.ref(resultRef);
        } else {
            leafInput.raw(reply.resultUnsafe(), "result \"" + new String(reply.resultUnsafe(), StandardCharsets.UTF_8)
                    + "\" (no length prefix)");
        }
        Digest leaf = MerkleTree.leafHash(add(leafInput).bytes());
        assertThat(leaf).isEqualTo(ReplyProof.leaf(reply.clientId(), reply.requestNumber(), reply.status(),
                reply.resultUnsafe()));
        add(new Layout(name + ".reply.leaf").raw(leaf.toBytes(), "SHA-256(00 ‖ " + name + ".reply.leaf.input)"));
        Digest root = leaf;
        if (reply.leafCount() == 3) { // index 1 of 3: proof[0] is its left sibling, proof[1] the right subtree
            Digest node = Digest.sha256(new byte[] {1}, reply.proof().get(0).toBytes(), leaf.toBytes());
            add(new Layout(name + ".reply.node").raw(node.toBytes(), "SHA-256(01 ‖ proof[0] ‖ leaf): leaves 0..1"));
            root = Digest.sha256(new byte[] {1}, node.toBytes(), reply.proof().get(1).toBytes());
            add(new Layout(name + ".reply.root").raw(root.toBytes(), "SHA-256(01 ‖ node ‖ proof[1]): leaves 0..2"));
        }
        assertThat(root).isEqualTo(MerkleTree.rootFromProof(leaf, reply.leafIndex(), reply.leafCount(), reply.proof()));
        Layout signedBytes = new Layout(name + ".reply.rootSignedBytes")
                .u8(0x80, "tag: a reply root")
                .i32(reply.replicaId(), "replica " + reply.replicaId())
                .i32(reply.view(), "view " + reply.view())
                .i64(reply.seq(), "seq " + reply.seq())
                .i32(reply.leafCount(), "leafCount " + reply.leafCount())
                .raw(root.toBytes(), reply.leafCount() == 1 ? "root = the leaf (one reply in the batch)" : "root");
        assertThat(add(signedBytes).bytes()).isEqualTo(ReplyProof.claimedRootBytes(reply));
        assertThat(verifier.verify(replicas.get(reply.replicaId()).publicKey(), signedBytes.bytes(),
                reply.batchSignature())).as(name + " reply signature").isTrue();

        Layout frame = new Layout(name + ".reply.frame")
                .u8(0x06, "type 6 = REPLY")
                .i32(reply.replicaId(), "replica " + reply.replicaId())
                .i32(reply.view(), "view " + reply.view())
                .i64(reply.seq(), "seq " + reply.seq());
        if (clientIdRef != null) {
            frame.ref(clientIdRef);
        } else {
            frame.i64(reply.clientId(), "clientId " + reply.clientId());
        }
        frame.i64(reply.requestNumber(), "requestNumber " + reply.requestNumber())
                .u8(reply.status().ordinal(), "status 0 = OK");
        if (resultRef != null) {
            frame.i32(reply.resultUnsafe().length, "result length " + reply.resultUnsafe().length).ref(resultRef);
        } else {
            frame.bytes(reply.resultUnsafe(), "result \"" + new String(reply.resultUnsafe(), StandardCharsets.UTF_8) + "\"");
        }
        frame.i32(reply.leafIndex(), "leafIndex " + reply.leafIndex())
                .i32(reply.leafCount(), "leafCount " + reply.leafCount())
                .i32(reply.proof().size(), "proof count " + reply.proof().size());
        for (int i = 0; i < reply.proof().size(); i++) {
            frame.raw(reply.proof().get(i).toBytes(), "proof[" + i + "]" + (i == 0 ? " (nearest the leaf)" : ""));
        }
        frame.bytes(reply.batchSignature(), "batch signature: Ed25519 of replica " + reply.replicaId()
                        + " over " + name + ".reply.rootSignedBytes")
                .u8(0, "envelope signature length 0 (REPLY is unsigned)");
        assertThat(add(frame).bytes()).isEqualTo(Codec.encodeFrame(Envelope.unsigned(reply)));
        messages.add(JSON.readTree(WebMessages.encode(Envelope.unsigned(reply))));
    }

    // ---------------------------------------------------------------- the tests

    @Test
    void theDocumentCarriesExactlyTheseVectors() throws Exception {
        build();
        String doc = Files.readString(DOC);
        if (Boolean.getBoolean("bastion.printWebVectors")) {
            print();
        }
        Map<String, String> documented = documentedVectors(doc);
        assertThat(documented.keySet()).as("vectors in " + DOC).containsExactlyElementsOf(vectors.keySet());
        for (Layout vector : vectors.values()) {
            assertThat(documented.get(vector.name)).as(vector.name + " in " + DOC).isEqualTo(Hex.of(vector.bytes()));
        }
    }

    @Test
    void theDocumentsJsonExamplesAreExactlyTheMessagesOfTheExample() throws Exception {
        build();
        List<JsonNode> documented = documentedJson(Files.readString(DOC));
        JsonNode description = JSON.readTree(ClusterDescription.json(cluster, true));
        List<JsonNode> expected = new ArrayList<>(messages);
        expected.add(0, description);
        assertThat(documented).as("json blocks in " + DOC).containsExactlyInAnyOrderElementsOf(expected);
        WebMessages codec = new WebMessages(1 << 20);
        for (JsonNode message : documented) {
            String type = message.path("type").asText();
            if (type.equals("hello") || type.equals("request")) {
                assertThat(codec.decode(message.toString())).as(type + " is accepted")
                        .isInstanceOf(WebMessages.Accepted.class);
            }
        }
    }

    // ---------------------------------------------------------------- the document

    private static final Pattern FENCE = Pattern.compile("(?ms)^```(hex|json)\\n(.*?)^```$");
    private static final Pattern START = Pattern.compile("^([a-zA-Z0-9.]+) =(.*)$");
    private static final Pattern REFERENCE = Pattern.compile("<([a-zA-Z0-9.]+)>");

    /** The {@code hex} blocks: "name =" starts a vector; hex and &lt;name&gt; tokens follow; '#' starts a comment. */
    private static Map<String, String> documentedVectors(String doc) {
        Map<String, StringBuilder> raw = new LinkedHashMap<>();
        Matcher fence = FENCE.matcher(doc);
        StringBuilder current = null;
        while (fence.find()) {
            if (!fence.group(1).equals("hex")) {
                continue;
            }
            for (String line : fence.group(2).split("\n")) {
                String content = line.contains("#") ? line.substring(0, line.indexOf('#')) : line;
                Matcher start = START.matcher(content.strip());
                if (!line.startsWith(" ") && start.matches()) {
                    current = new StringBuilder();
                    assertThat(raw.put(start.group(1), current)).as("vector " + start.group(1) + " twice").isNull();
                    content = start.group(2);
                }
                if (!content.isBlank()) {
                    assertThat(current).as("hex before any vector name: " + line).isNotNull();
                    current.append(' ').append(content.strip());
                }
            }
        }
        Map<String, String> resolved = new LinkedHashMap<>();
        for (String name : raw.keySet()) {
            resolved.put(name, resolve(name, raw, 0));
        }
        return resolved;
    }

    private static String resolve(String name, Map<String, StringBuilder> raw, int depth) {
        assertThat(depth).as("references nest too deep at " + name).isLessThan(8);
        assertThat(raw).as("referenced vector " + name).containsKey(name);
        StringBuilder hex = new StringBuilder();
        for (String token : raw.get(name).toString().strip().split("\\s+")) {
            Matcher reference = REFERENCE.matcher(token);
            if (reference.matches()) {
                hex.append(resolve(reference.group(1), raw, depth + 1));
            } else {
                assertThat(token).as("a hex token of " + name).matches("([0-9a-f]{2})+");
                hex.append(token);
            }
        }
        return hex.toString();
    }

    private static List<JsonNode> documentedJson(String doc) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        Matcher fence = FENCE.matcher(doc);
        while (fence.find()) {
            if (fence.group(1).equals("json")) {
                try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(fence.group(2))) {
                    out.addAll(values.readAll());
                }
            }
        }
        return out;
    }

    private void print() throws IOException {
        StringBuilder out = new StringBuilder();
        for (Layout vector : vectors.values()) {
            out.append("```hex\n").append(vector.print()).append("```\n\n");
        }
        ObjectMapper pretty = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        out.append("```json\n").append(pretty.writeValueAsString(JSON.readTree(ClusterDescription.json(cluster, true))))
                .append("\n```\n\n");
        for (JsonNode message : messages) {
            out.append("```json\n").append(JSON.writeValueAsString(message)).append("\n```\n\n");
        }
        Files.writeString(PRINTED, out);
    }

    // ---------------------------------------------------------------- layouts

    private Layout add(Layout layout) {
        assertThat(vectors.put(layout.name, layout)).as("vector " + layout.name + " twice").isNull();
        return layout;
    }

    /** A vector as a list of fields, each with the comment the document shows next to it. */
    private final class Layout {
        private final String name;
        private final List<byte[]> parts = new ArrayList<>();
        private final List<String> lines = new ArrayList<>();

        Layout(String name) {
            this.name = name;
        }

        Layout u8(int value, String comment) {
            return raw(new byte[] {(byte) value}, comment);
        }

        Layout i32(int value, String comment) {
            return raw(ByteBuffer.allocate(4).putInt(value).array(), comment);
        }

        Layout i64(long value, String comment) {
            return raw(ByteBuffer.allocate(8).putLong(value).array(), comment);
        }

        /** A length-prefixed byte string: u32 length, then the bytes. */
        Layout bytes(byte[] data, String comment) {
            return i32(data.length, "length " + data.length).raw(data, comment);
        }

        Layout raw(byte[] data, String comment) {
            parts.add(data.clone());
            String hex = Hex.of(data);
            for (int i = 0; i < hex.length(); i += 2 * HEX_BYTES_PER_LINE) {
                String chunk = hex.substring(i, Math.min(hex.length(), i + 2 * HEX_BYTES_PER_LINE));
                lines.add(comment(chunk, i == 0 ? comment : null));
            }
            return this;
        }

        /** The bytes of an earlier vector, shown as a reference to it. */
        Layout ref(String vector) {
            assertThat(vectors).as("vector " + vector + " defined before " + name).containsKey(vector);
            parts.add(vectors.get(vector).bytes());
            lines.add(comment("<" + vector + ">", null));
            return this;
        }

        private String comment(String token, String comment) {
            String line = "  " + token;
            return comment == null ? line : line + " ".repeat(Math.max(1, COMMENT_COLUMN - line.length())) + "# " + comment;
        }

        byte[] bytes() {
            int length = parts.stream().mapToInt(p -> p.length).sum();
            ByteBuffer out = ByteBuffer.allocate(length);
            parts.forEach(out::put);
            return out.array();
        }

        String print() {
            return name + " =\n" + String.join("\n", lines) + "\n";
        }
    }

    private static Ed25519SigningKey key(int seedByte) {
        return Ed25519SigningKey.fromSeed(filled(Ed25519SigningKey.SEED_BYTES, seedByte));
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
