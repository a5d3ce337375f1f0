package io.bastion.threshold;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The test vectors of RFC 9591 Appendix E for FROST(Ed25519, SHA-512) (E.1) and
 * FROST(P-256, SHA-256) (E.4), every value byte for byte: key shares from the dealer's
 * polynomial, nonces from the given randomness, commitments, binding factors, signature shares and
 * the signature. The JSON files are those of the RFC's source repository (cfrg/draft-irtf-cfrg-frost,
 * poc/), whose values the RFC prints.
 */
class FrostVectorsTest {
    private static final HexFormat HEX = HexFormat.of();

    enum Vectors {
        ED25519_SHA512(FrostSuite.ED25519_SHA512, "frost-ed25519-sha512.json"),
        P256_SHA256(FrostSuite.P256_SHA256, "frost-p256-sha256.json");

        final FrostSuite suite;
        final String file;

        Vectors(FrostSuite suite, String file) {
            this.suite = suite;
            this.file = file;
        }
    }

    @ParameterizedTest
    @EnumSource(Vectors.class)
    void keySharesComeFromTheDealersPolynomial(Vectors vectors) {
        Vector v = Vector.load(vectors);
        List<BigInteger> coefficients = new ArrayList<>();
        coefficients.add(v.scalar(v.inputs().get("group_secret_key")));
        v.inputs().get("share_polynomial_coefficients").forEach(c -> coefficients.add(v.scalar(c)));
        Polynomial polynomial = new Polynomial(v.group(), coefficients);

        assertThat(v.group().base(polynomial.constant())).isEqualTo(v.groupPublicKey());
        for (JsonNode share : v.inputs().get("participant_shares")) {
            BigInteger identifier = BigInteger.valueOf(share.get("identifier").asInt());
            assertThat(v.hex(polynomial.evaluate(identifier))).isEqualTo(share.get("participant_share").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Vectors.class)
    void roundOneNoncesAndCommitmentsComeFromTheGivenRandomness(Vectors vectors) {
        Vector v = Vector.load(vectors);
        for (JsonNode output : v.roundOne()) {
            FrostNonces nonces = v.commit(output);

            assertThat(v.hex(nonces.hiding())).isEqualTo(output.get("hiding_nonce").asText());
            assertThat(v.hex(nonces.binding())).isEqualTo(output.get("binding_nonce").asText());
            assertThat(HEX.formatHex(nonces.commitment().hiding().encode())).isEqualTo(output.get("hiding_nonce_commitment").asText());
            assertThat(HEX.formatHex(nonces.commitment().binding().encode())).isEqualTo(output.get("binding_nonce_commitment").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Vectors.class)
    void bindingFactorsMatch(Vectors vectors) {
        Vector v = Vector.load(vectors);
        FrostSigningPackage signing = new FrostSigningPackage(v.suite(), v.commitmentList(), v.message(), v.groupPublicKey());
        for (JsonNode output : v.roundOne()) {
            BigInteger identifier = BigInteger.valueOf(output.get("identifier").asInt());

            assertThat(HEX.formatHex(signing.bindingFactorInput(identifier))).isEqualTo(output.get("binding_factor_input").asText());
            assertThat(v.hex(signing.bindingFactor(identifier))).isEqualTo(output.get("binding_factor").asText());
        }
    }

    @ParameterizedTest
    @EnumSource(Vectors.class)
    void signatureSharesMatchAndVerify(Vectors vectors) {
        Vector v = Vector.load(vectors);
        for (JsonNode output : v.vectors.get("round_two_outputs").get("outputs")) {
            BigInteger identifier = BigInteger.valueOf(output.get("identifier").asInt());
            BigInteger share = v.sign(identifier);

            assertThat(v.hex(share)).isEqualTo(output.get("sig_share").asText());
            assertThat(Frost.verifyShare(v.suite(), identifier, v.group().base(v.secretShare(identifier)), share,
                    v.commitmentList(), v.message(), v.groupPublicKey())).isTrue();
        }
    }

    @ParameterizedTest
    @EnumSource(Vectors.class)
    void theAggregatedSignatureMatchesAndVerifies(Vectors vectors) {
        Vector v = Vector.load(vectors);
        Map<BigInteger, BigInteger> shares = new HashMap<>();
        for (JsonNode identifier : v.inputs().get("participant_list")) {
            BigInteger id = BigInteger.valueOf(identifier.asInt());
            shares.put(id, v.sign(id));
        }
        byte[] signature = Frost.aggregate(v.suite(), v.commitmentList(), v.message(), v.groupPublicKey(), shares);

        assertThat(HEX.formatHex(signature)).isEqualTo(v.vectors.get("final_output").get("sig").asText());
        assertThat(signature).hasSize(v.suite().signatureBytes());
        assertThat(Frost.verify(v.suite(), v.groupPublicKey(), v.message(), signature)).isTrue();
    }

    /** One suite's vector file, read with the suite's own encodings. */
    private record Vector(FrostSuite suite, JsonNode vectors) {
        static Vector load(Vectors which) {
            try (InputStream in = FrostVectorsTest.class.getResourceAsStream("frost/" + which.file)) {
                return new Vector(which.suite, new ObjectMapper().readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Group group() {
            return suite.group();
        }

        JsonNode inputs() {
            return vectors.get("inputs");
        }

        JsonNode roundOne() {
            return vectors.get("round_one_outputs").get("outputs");
        }

        BigInteger scalar(JsonNode hex) {
            return group().decodeScalar(HEX.parseHex(hex.asText()));
        }

        String hex(BigInteger scalar) {
            return HEX.formatHex(group().encodeScalar(scalar));
        }

        Element groupPublicKey() {
            return group().decode(HEX.parseHex(inputs().get("group_public_key").asText()));
        }

        byte[] message() {
            return HEX.parseHex(inputs().get("message").asText());
        }

        BigInteger secretShare(BigInteger identifier) {
            for (JsonNode share : inputs().get("participant_shares")) {
                if (share.get("identifier").asInt() == identifier.intValueExact()) {
                    return scalar(share.get("participant_share"));
                }
            }
            throw new AssertionError("no share for " + identifier);
        }

        FrostNonces commit(JsonNode roundOneOutput) {
            BigInteger identifier = BigInteger.valueOf(roundOneOutput.get("identifier").asInt());
            return Frost.commit(suite, identifier, secretShare(identifier),
                    HEX.parseHex(roundOneOutput.get("hiding_nonce_randomness").asText()),
                    HEX.parseHex(roundOneOutput.get("binding_nonce_randomness").asText()));
        }

        FrostNonces nonces(BigInteger identifier) {
            for (JsonNode output : roundOne()) {
                if (output.get("identifier").asInt() == identifier.intValueExact()) {
                    return commit(output);
                }
            }
            throw new AssertionError("no round one output for " + identifier);
        }

        /** The commitment list, from the commitments recomputed from the randomness. */
        List<FrostCommitment> commitmentList() {
            List<FrostCommitment> list = new ArrayList<>();
            roundOne().forEach(output -> list.add(commit(output).commitment()));
            return list;
        }

        BigInteger sign(BigInteger identifier) {
            return Frost.sign(suite, identifier, secretShare(identifier), nonces(identifier), message(),
                    commitmentList(), groupPublicKey());
        }
    }
}
