package io.bastion.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.PublicKeyRef.Algorithm;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Project Wycheproof's ECDSA P-256 / SHA-256 vectors in the P1363 form (262 signatures: valid ones,
 * and r or s out of range, zero, overflowing, or made to hit arithmetic edge cases; the file and its
 * origin are in src/test/resources/wycheproof). The replicas' verifier ({@link StandardSignatureVerifier},
 * BouncyCastle) must give every vector's expected answer, and so must the JDK provider: the two accept
 * exactly the same signatures. Each message is also verified from inside a larger array, at an offset.
 */
class P256WycheproofTest {
    private static final String VECTORS = "/wycheproof/ecdsa_secp256r1_sha256_p1363_test.json";
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void everyWycheproofVectorGetsItsExpectedAnswerFromBouncyCastleAndTheJdk() throws Exception {
        JsonNode vectors = read();
        StandardSignatureVerifier standard = new StandardSignatureVerifier();
        JdkSignatureVerifier jdk = new JdkSignatureVerifier();
        int valid = 0;
        int invalid = 0;
        for (JsonNode group : vectors.get("testGroups")) {
            PublicKeyRef key = PublicKeys.validated(Algorithm.ECDSA_P256,
                    HEX.parseHex(group.get("publicKey").get("uncompressed").asText()));
            for (JsonNode test : group.get("tests")) {
                byte[] message = HEX.parseHex(test.get("msg").asText());
                byte[] signature = HEX.parseHex(test.get("sig").asText());
                String result = test.get("result").asText();
                assertThat(result).as("tcId %s", test.get("tcId")).isIn("valid", "invalid");
                boolean expected = result.equals("valid");
                String what = "tcId " + test.get("tcId") + " (" + test.get("comment").asText() + ")";
                assertThat(standard.verify(key, message, signature)).as("BouncyCastle, " + what).isEqualTo(expected);
                assertThat(jdk.verify(key, message, signature)).as("JDK, " + what).isEqualTo(expected);
                byte[] framed = new byte[message.length + 7];
                System.arraycopy(message, 0, framed, 3, message.length);
                framed[0] = (byte) 0xA5;
                framed[framed.length - 1] = (byte) 0x5A;
                assertThat(standard.verify(key, framed, 3, message.length, signature)).as("at an offset, " + what)
                        .isEqualTo(expected);
                if (expected) {
                    valid++;
                } else {
                    invalid++;
                }
            }
        }
        assertThat(valid + invalid).isEqualTo(vectors.get("numberOfTests").asInt());
        assertThat(valid).isEqualTo(173);
        assertThat(invalid).isEqualTo(89);
    }

    @Test
    void aValidSignatureOfAnotherMessageOrUnderAnotherKeyIsRefused() throws Exception {
        JsonNode group = read().get("testGroups").get(0);
        JsonNode first = group.get("tests").get(0);
        assertThat(first.get("result").asText()).isEqualTo("valid");
        byte[] message = HEX.parseHex(first.get("msg").asText());
        byte[] signature = HEX.parseHex(first.get("sig").asText());
        StandardSignatureVerifier standard = new StandardSignatureVerifier();
        PublicKeyRef key = PublicKeys.validated(Algorithm.ECDSA_P256,
                HEX.parseHex(group.get("publicKey").get("uncompressed").asText()));
        assertThat(standard.verify(key, message, signature)).isTrue();
        byte[] other = message.clone();
        other[0] ^= 1;
        assertThat(standard.verify(key, other, signature)).isFalse();
        PublicKeyRef otherKey = EcdsaP256SigningKey.generate(TestKeys.secureRandom(7)).publicKey();
        assertThat(standard.verify(otherKey, message, signature)).isFalse();
        assertThat(standard.verify(key, message, java.util.Arrays.copyOf(signature, 63))).isFalse();
    }

    private static JsonNode read() throws IOException {
        try (InputStream in = P256WycheproofTest.class.getResourceAsStream(VECTORS)) {
            assertThat(in).as(VECTORS).isNotNull();
            return new ObjectMapper().readTree(in);
        }
    }
}
