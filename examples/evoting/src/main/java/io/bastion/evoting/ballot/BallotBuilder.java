package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes ballots: encrypts each option's 0 or 1, proves each is 0 or 1 and that their number is
 * allowed, and has the credential sign the result. For tests and the command line; voters' ballots
 * are made in their browser (bastion-js/src/ballot.js), to the same bytes. Refuses choices it could
 * not prove (not 0/1, or a number outside min..max): an honest builder never makes an invalid ballot.
 * Not constant time (BouncyCastle's multiplication is not): do not build ballots where an observer
 * can time it.
 */
public final class BallotBuilder {
    private static final P256Group GROUP = P256Group.INSTANCE;

    private BallotBuilder() {}

    /** Signs a ballot's canonical bytes: 64 bytes r ‖ s, ECDSA P-256 with SHA-256. */
    @FunctionalInterface
    public interface Signer {
        byte[] sign(byte[] ballotBytes);
    }

    /**
     * A ballot for {@code choices} ({@code choices[j]} is 1 when option {@code j} is chosen, else 0),
     * signed with {@code credentialKey} (a JDK EC key pair on P-256), with fresh randomness.
     */
    public static EncryptedBallot build(BallotParameters parameters, int[] choices, KeyPair credentialKey,
                                        SecureRandom random) {
        return build(parameters, choices, Credential.of(credentialKey.getPublic()),
                BallotRandomness.draw(parameters, random), signer(credentialKey.getPrivate()));
    }

    /** The ballot {@code randomness} determines: the same inputs give the same bytes, in Java and in JavaScript. */
    public static EncryptedBallot build(BallotParameters parameters, int[] choices, Credential credential,
                                        BallotRandomness randomness, Signer signer) {
        int chosen = checkedCount(parameters, choices);
        if (randomness.options().size() != parameters.options()) {
            throw new IllegalArgumentException("randomness for " + randomness.options().size() + " options, not "
                    + parameters.options());
        }
        byte[] context = parameters.context(credential);
        Element publicKey = parameters.publicKey();
        List<EncryptedChoice> encrypted = new ArrayList<>(choices.length);
        List<Element> alphas = new ArrayList<>(choices.length);
        List<Element> betas = new ArrayList<>(choices.length);
        BigInteger rSum = BigInteger.ZERO;
        for (int j = 0; j < choices.length; j++) {
            BallotRandomness.Option option = randomness.options().get(j);
            BigInteger r = option.r();
            Element alpha = GROUP.base(r);
            Element beta = publicKey.multiply(r);
            if (choices[j] == 1) {
                beta = beta.add(GROUP.generator());
            }
            DisjunctiveProof proof = DisjunctiveProof.prove(
                    new DisjunctiveProof.Statement(context, j, publicKey, alpha, beta, 0, EncryptedChoice.PROOF_BRANCHES),
                    choices[j], r, option.proof());
            encrypted.add(new EncryptedChoice(alpha, beta, proof));
            alphas.add(alpha);
            betas.add(beta);
            rSum = rSum.add(r);
        }
        DisjunctiveProof overall = DisjunctiveProof.prove(
                new DisjunctiveProof.Statement(context, DisjunctiveProof.OVERALL_INDEX, publicKey, GROUP.sum(alphas),
                        GROUP.sum(betas), parameters.minChoices(), parameters.overallBranches()),
                chosen - parameters.minChoices(), rSum.mod(GROUP.order()), randomness.overall());
        EncryptedBallot unsigned = new EncryptedBallot(parameters.electionId(), credential, encrypted, overall,
                new byte[Credential.SIGNATURE_BYTES]);
        return unsigned.withSignature(signer.sign(unsigned.bytes()));
    }

    /** Signs with a JDK EC private key on P-256 (random nonces, as WebCrypto's), in the 64-byte r ‖ s form. */
    public static Signer signer(PrivateKey privateKey) {
        return bytes -> {
            try {
                Signature signature = Signature.getInstance("SHA256withECDSAinP1363Format");
                signature.initSign(privateKey);
                signature.update(bytes);
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage(), e);
            }
        };
    }

    private static int checkedCount(BallotParameters parameters, int[] choices) {
        if (choices.length != parameters.options()) {
            throw new IllegalArgumentException(choices.length + " choices for " + parameters.options() + " options");
        }
        int chosen = 0;
        for (int choice : choices) {
            if (choice != 0 && choice != 1) {
                throw new IllegalArgumentException("each choice is 0 or 1, not " + choice);
            }
            chosen += choice;
        }
        if (chosen < parameters.minChoices() || chosen > parameters.maxChoices()) {
            throw new IllegalArgumentException(chosen + " options chosen; this election allows "
                    + parameters.choicesRange());
        }
        return chosen;
    }
}
