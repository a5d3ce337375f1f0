package io.bastion.evoting.ballot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.threshold.P256Group;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Elections, voters and helpers the ballot tests share. */
final class BallotFixtures {
    static final P256Group GROUP = P256Group.INSTANCE;
    static final ObjectMapper JSON = new ObjectMapper();
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");

    private BallotFixtures() {}

    static SecureRandom seeded(long seed) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(seed);
            return random;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An election with its secret key, which in the cluster no one holds whole. */
    record Election(BallotParameters parameters, BigInteger secret) {
        static Election of(long id, int options, int min, int max, BigInteger secret) {
            return new Election(new BallotParameters(id, options, min, max, GROUP.base(secret)), secret);
        }

        static Election random(long id, int options, int min, int max, SecureRandom random) {
            return of(id, options, min, max, GROUP.randomScalar(random));
        }

        BallotVerifier verifier() {
            return new BallotVerifier(parameters);
        }
    }

    /** A voter whose signatures are deterministic (RFC 6979), so ballots can be reproduced byte for byte. */
    record Voter(BigInteger secret, Credential credential, BallotBuilder.Signer signer) {
        static Voter of(BigInteger secret) {
            Credential credential = Credential.decode(P256.getG().multiply(secret).normalize().getEncoded(false));
            ECDomainParameters domain = new ECDomainParameters(P256);
            BallotBuilder.Signer signer = bytes -> {
                ECDSASigner ecdsa = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
                ecdsa.init(true, new ECPrivateKeyParameters(secret, domain));
                BigInteger[] rs = ecdsa.generateSignature(Credential.sha256(bytes));
                byte[] signature = new byte[Credential.SIGNATURE_BYTES];
                System.arraycopy(EncryptedBallot.scalar(rs[0]), 0, signature, 0, 32);
                System.arraycopy(EncryptedBallot.scalar(rs[1]), 0, signature, 32, 32);
                return signature;
            };
            return new Voter(secret, credential, signer);
        }

        static Voter random(SecureRandom random) {
            return of(GROUP.randomScalar(random));
        }

        EncryptedBallot cast(BallotParameters parameters, int[] choices, SecureRandom random) {
            return BallotBuilder.build(parameters, choices, credential, BallotRandomness.draw(parameters, random), signer);
        }

        /** The ballot signed anew by this voter (after a change to its bytes). */
        EncryptedBallot sign(EncryptedBallot ballot) {
            return ballot.withSignature(signer.sign(ballot.bytes()));
        }
    }

    /** A JDK key pair, as a voter's browser has (random signatures). */
    static KeyPair jdkCredentialKey(SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Choices for {@code options} options with a number of them chosen uniformly in min..max. */
    static int[] randomChoices(BallotParameters parameters, SecureRandom random) {
        int chosen = parameters.minChoices() + random.nextInt(parameters.overallBranches());
        int[] choices = new int[parameters.options()];
        for (int placed = 0; placed < chosen; ) {
            int j = random.nextInt(choices.length);
            if (choices[j] == 0) {
                choices[j] = 1;
                placed++;
            }
        }
        return choices;
    }

    /** Why the replicas refuse this JSON text: the reader's complaint, or the verifier's; null if they accept it. */
    static String refusal(BallotVerifier verifier, String json) {
        try {
            return verifier.verify(BallotJson.parse(json));
        } catch (BallotFormatException e) {
            return e.getMessage();
        }
    }

    static JsonNode tree(EncryptedBallot ballot) {
        return BallotJson.toNode(ballot);
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] unb64(String text) {
        return Base64.getUrlDecoder().decode(text);
    }

    /** Why the replicas refuse a changed ballot that its voter signed again, so that the signature is not what fails. */
    static String resignedRefusal(BallotVerifier verifier, Voter voter, ObjectNode tree) {
        EncryptedBallot changed;
        try {
            changed = BallotJson.parse(tree);
        } catch (BallotFormatException e) {
            return e.getMessage();
        }
        return verifier.verify(voter.sign(changed));
    }

    static ObjectNode choice(ObjectNode tree, int j) {
        return (ObjectNode) tree.get("choices").get(j);
    }

    /** {@code bytes} with one bit flipped; bit 0 is the most significant of the first byte. */
    static byte[] flipped(byte[] bytes, int bit) {
        byte[] out = bytes.clone();
        out[bit / 8] ^= (byte) (0x80 >>> (bit % 8));
        return out;
    }

    /** A compressed encoding whose x (below p) has no point on P-256. */
    static byte[] offCurvePoint() {
        for (int x = 1; ; x++) {
            byte[] candidate = new byte[33];
            candidate[0] = 0x02;
            candidate[32] = (byte) x;
            try {
                GROUP.decode(candidate);
            } catch (IllegalArgumentException notAPoint) {
                return candidate;
            }
        }
    }

    /** The same bytes in base64url with nonzero unused bits in the last character. */
    static String nonCanonical(String b64) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = b64.charAt(b64.length() - 1);
        return b64.substring(0, b64.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
    }
}
