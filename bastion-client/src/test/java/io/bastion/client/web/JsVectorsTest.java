package io.bastion.client.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.execution.ReplySigner;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;
import io.bastion.core.util.Hex;
import io.bastion.crypto.Ed25519SigningKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The byte vectors bastion-js is tested against ({@code bastion-js/test/vectors.json}), made here
 * by the Java codec and signers, so the two implementations cannot drift apart: this test fails
 * when the file differs from what the Java side produces now. {@code -Dbastion.writeVectors=true}
 * writes the file anew.
 */
class JsVectorsTest {
    private static final Path FILE = Path.of("..", "bastion-js", "test", "vectors.json");

    private static Ed25519SigningKey key(int seedByte) {
        byte[] seed = new byte[Ed25519SigningKey.SEED_BYTES];
        Arrays.fill(seed, (byte) seedByte);
        return Ed25519SigningKey.fromSeed(seed);
    }

    private static byte[] filled(int length, int value) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static Map<String, Object> vectors() throws Exception {
        Map<String, Object> v = new LinkedHashMap<>();
        Ed25519SigningKey replica = key(7);
        Ed25519SigningKey client = key(9);
        v.put("replicaKey", Hex.of(replica.publicKey().rawUnsafe()));
        v.put("clientKey", Hex.of(client.publicKey().rawUnsafe()));

        List<Map<String, Object>> requests = new ArrayList<>();
        for (Request.Kind kind : Request.Kind.values()) {
            Request r = new Request(-5_000_000_000L + kind.ordinal(), 1_767_225_600_000_123L, kind,
                    ("op-" + kind).getBytes(StandardCharsets.UTF_8));
            requests.add(Map.of("clientId", Long.toString(r.clientId()), "requestNumber", Long.toString(r.requestNumber()),
                    "kind", kind.ordinal(), "operation", Hex.of(r.operationUnsafe()),
                    "encoding", Hex.of(Envelope.sign(r, client).encoded())));
        }
        v.put("requests", requests);

        byte[] nonce = filled(32, 0x5a);
        Envelope<Challenge> challenge = Envelope.sign(new Challenge(2, Challenge.keyDigest(client.publicKey()), nonce,
                1_767_225_660_000L), replica);
        v.put("challenge", Map.of("frame", Hex.of(Codec.encodeFrame(challenge)), "replicaId", 2,
                "keyDigest", Challenge.keyDigest(client.publicKey()).hex(), "nonce", Hex.of(nonce),
                "expiresMillis", "1767225660000"));

        JoinRequest join = new JoinRequest(client.publicKey(), nonce, "alice".getBytes(StandardCharsets.UTF_8),
                List.of(challenge, challenge));
        v.put("join", Map.of("operation", Hex.of(Codec.encodeJoin(join)),
                "provisionalClientId", Long.toString(JoinRequest.provisionalClientId(client.publicKey())),
                "credentials", Hex.of("alice".getBytes(StandardCharsets.UTF_8))));
        v.put("joinResult", Map.of("bytes", Hex.of(Codec.encodeJoinResult(new JoinResult(1L << 40, "alice"))),
                "clientId", Long.toString(1L << 40), "identity", "alice"));

        List<ReplySigner.Unsigned> batch = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            batch.add(new ReplySigner.Unsigned(1000 + i, 40 + i, i == 3 ? Reply.Status.REFUSED : Reply.Status.OK,
                    ("result-" + i).getBytes(StandardCharsets.UTF_8)));
        }
        List<Reply> replies = new ReplySigner(2, replica).sign(3, 77, batch);
        List<Map<String, Object>> replyVectors = new ArrayList<>();
        for (Reply r : replies) {
            replyVectors.add(Map.of("frame", Hex.of(Codec.encodeFrame(Envelope.unsigned(r))), "clientId",
                    Long.toString(r.clientId()), "requestNumber", Long.toString(r.requestNumber()),
                    "status", r.status().ordinal(), "result", Hex.of(r.resultUnsafe()),
                    "leafIndex", r.leafIndex(), "leafCount", r.leafCount()));
        }
        v.put("replies", replyVectors);
        v.put("replyKeyAlg", PublicKeyRef.Algorithm.ED25519.name());
        return v;
    }

    @Test
    void theJavaScriptVectorsAreWhatTheJavaCodecProduces() throws Exception {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        String expected = json.writeValueAsString(vectors()) + "\n";
        if (Boolean.getBoolean("bastion.writeVectors")) {
            Files.writeString(FILE, expected);
        }
        assertThat(Files.exists(FILE)).as(FILE + " exists (write it with -Dbastion.writeVectors=true)").isTrue();
        assertThat(Files.readString(FILE)).as("bastion-js/test/vectors.json is stale: rerun this test with "
                + "-Dbastion.writeVectors=true").isEqualTo(expected);
    }
}
