package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.Credential;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simulated voter's keys — the enrollment key pair its code derives and the credential it makes —
 * and what it signs with them, in the formats of {@link JoinCredentials} and the ballots. The
 * signatures are ECDSA P-256 with SHA-256 as everywhere in the service, but with RFC 6979
 * deterministic nonces (the JDK's and WebCrypto's are random), so that a seed replays a simulated
 * election byte for byte. Enrollment keys cost a scrypt each and are kept for the whole test run.
 */
final class SimVoterKeys {
    private static final ECDomainParameters P256 = new ECDomainParameters(CustomNamedCurves.getByName("secp256r1"));
    private static final int SCALAR_BYTES = 32;
    private static final Map<String, BigInteger> ENROLLMENT_SCALARS = new ConcurrentHashMap<>();

    private final String voter;
    private final BigInteger enrollment;
    private final KeyPair credential;

    private SimVoterKeys(String voter, BigInteger enrollment, KeyPair credential) {
        this.voter = voter;
        this.enrollment = enrollment;
        this.credential = credential;
    }

    /** Voter {@code voter} holding code {@code code}, with the credential its device makes in the run of {@code seed}. */
    static SimVoterKeys of(String voter, String code, long seed) {
        BigInteger enrollment = ENROLLMENT_SCALARS.computeIfAbsent(voter + " " + EnrollmentCode.normalize(code),
                k -> EnrollmentCode.privateScalar(voter, code));
        return new SimVoterKeys(voter, enrollment, EnrollmentCode.keyPair(scalar(seeded("credential " + voter, seed))));
    }

    /**
     * Someone who claims to be {@code voter} without its code or credential: an enrollment key and a
     * credential of its own, drawn in the run of {@code seed}.
     */
    static SimVoterKeys impostor(String voter, long seed) {
        return new SimVoterKeys(voter, scalar(seeded("impostor's code for " + voter, seed)),
                EnrollmentCode.keyPair(scalar(seeded("impostor's credential for " + voter, seed))));
    }

    /** A P-256 private scalar in [1, q - 1] drawn from {@code random}. */
    static BigInteger scalar(SecureRandom random) {
        BigInteger q = P256.getN();
        return new BigInteger(320, random).mod(q.subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    /**
     * A generator that gives only what follows from {@code label} and {@code seed}: SHA1PRNG seeded
     * with bytes before its first use ({@code setSeed(long)} would let a seed of 0 seed it from the system).
     */
    static SecureRandom seeded(String label, long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed((label + " " + seed).getBytes(StandardCharsets.UTF_8));
            return random;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK provides SHA1PRNG", e);
        }
    }

    String voter() {
        return voter;
    }

    /** The enrollment public key the admin registers for this voter's code. */
    Credential enrollmentKey() {
        return Credential.of(EnrollmentCode.keyPair(enrollment).getPublic());
    }

    Credential credentialKey() {
        return Credential.of(credential.getPublic());
    }

    /** Signs with the credential, deterministically (a ballot's signer). */
    BallotBuilder.Signer signer() {
        BigInteger d = ((ECPrivateKey) credential.getPrivate()).getS();
        return bytes -> sign(d, bytes);
    }

    /** Join credentials that enroll the credential with the code and sign in session key {@code sessionKey}. */
    byte[] enroll(byte[] sessionKey) {
        byte[] credentialBytes = credentialKey().bytes();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("voter", voter);
        ObjectNode enroll = node.putObject("enroll");
        enroll.put("credential", Base64Url.encode(credentialBytes));
        enroll.put("signature", Base64Url.encode(sign(enrollment,
                JoinCredentials.enrollmentMessage(voter, credentialBytes))));
        node.put("signature", Base64Url.encode(signer().sign(JoinCredentials.signInMessage(sessionKey))));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Join credentials that sign in with the credential, for session key {@code sessionKey}. */
    byte[] signIn(byte[] sessionKey) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("voter", voter);
        node.put("signature", Base64Url.encode(signer().sign(JoinCredentials.signInMessage(sessionKey))));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** ECDSA P-256 over SHA-256 of {@code message} with RFC 6979 nonces: 64 bytes r ‖ s. */
    static byte[] sign(BigInteger privateScalar, byte[] message) {
        ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
        signer.init(true, new ECPrivateKeyParameters(privateScalar, P256));
        BigInteger[] rs = signer.generateSignature(sha256(message));
        byte[] signature = new byte[2 * SCALAR_BYTES];
        System.arraycopy(BigIntegers.asUnsignedByteArray(SCALAR_BYTES, rs[0]), 0, signature, 0, SCALAR_BYTES);
        System.arraycopy(BigIntegers.asUnsignedByteArray(SCALAR_BYTES, rs[1]), 0, signature, SCALAR_BYTES, SCALAR_BYTES);
        return signature;
    }

    private static byte[] sha256(byte[] message) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(message);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
