package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A voter's device in tests: its voter id, the enrollment code it was handed, and the credential key
 * pair it made (from a seed, so runs repeat). Enrollment key pairs cost a scrypt each and are kept
 * for the whole run.
 */
record TestVoter(String id, String code, KeyPair credential) {
    private static final Map<String, KeyPair> ENROLLMENT_KEYS = new ConcurrentHashMap<>();

    /** Demo voter {@code id} (or the admin), with the credential seed {@code credentialSeed}. */
    static TestVoter demo(String id, long credentialSeed) {
        String code = DemoData.accounts().stream().filter(a -> a.voter().equals(id)).findFirst().orElseThrow().code();
        return new TestVoter(id, code, credential(credentialSeed));
    }

    static TestVoter demo(String id) {
        return demo(id, id.hashCode());
    }

    /** The same voter with another device: a new credential. */
    TestVoter withCredential(long seed) {
        return new TestVoter(id, code, credential(seed));
    }

    /** The same voter handed another code. */
    TestVoter withCode(String newCode) {
        return new TestVoter(id, newCode, credential);
    }

    KeyPair enrollmentKey() {
        return ENROLLMENT_KEYS.computeIfAbsent(id + " " + EnrollmentCode.normalize(code),
                k -> EnrollmentCode.keyPair(id, code));
    }

    Credential credentialKey() {
        return Credential.of(credential.getPublic());
    }

    /** A ballot choosing the options {@code choices} marks 1, for the election as listElections describes it. */
    JsonNode ballot(JsonNode election, int[] choices, long seed) {
        return BallotJson.toNode(build(election, choices, seed));
    }

    EncryptedBallot build(JsonNode election, int[] choices, long seed) {
        return BallotBuilder.build(parameters(election), choices, credential, seeded(seed));
    }

    static BallotParameters parameters(JsonNode election) {
        byte[] key = Base64.getUrlDecoder().decode(election.get("publicKey").textValue());
        return new BallotParameters(election.get("id").longValue(), election.get("options").size(),
                election.get("minChoices").intValue(), election.get("maxChoices").intValue(),
                P256Group.INSTANCE.decode(key));
    }

    static KeyPair credential(long seed) {
        BigInteger q = P256Group.INSTANCE.order();
        BigInteger d = new BigInteger(320, seeded(seed)).mod(q.subtract(BigInteger.ONE)).add(BigInteger.ONE);
        return EnrollmentCode.keyPair(d);
    }

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
