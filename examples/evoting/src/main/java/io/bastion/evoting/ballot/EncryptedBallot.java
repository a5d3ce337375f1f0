package io.bastion.evoting.ballot;

import io.bastion.threshold.P256Group;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A cast ballot: for one election and one credential, a ciphertext with its 0/1 proof per option,
 * the overall proof that the number of choices is allowed, and the credential's signature over the
 * canonical bytes ({@link #bytes()}). Holding one says nothing about whether it is valid: that is
 * {@link BallotVerifier}'s verdict. Only the shape is checked here (sizes within the format's
 * limits, no identity point). Immutable.
 */
public record EncryptedBallot(long electionId, Credential credential, List<EncryptedChoice> choices,
                              DisjunctiveProof overall, byte[] signature) {
    /** The format version, the first byte of {@link #bytes()}. */
    public static final int VERSION = 2;
    /** Bytes before the options: version, election id, credential, k. */
    public static final int HEADER_BYTES = 1 + 8 + Credential.BYTES + 1;
    /** Bytes of one proof branch: A, B (33 each), c, s (32 each). */
    public static final int BRANCH_BYTES = 2 * 33 + 2 * 32;
    /** Bytes of one option: α, β and two branches. */
    public static final int OPTION_BYTES = 2 * 33 + EncryptedChoice.PROOF_BRANCHES * BRANCH_BYTES;

    public EncryptedBallot {
        if (electionId < 0 || electionId > BallotParameters.ELECTION_ID_MAX) {
            throw new IllegalArgumentException("an election id is in 0.." + BallotParameters.ELECTION_ID_MAX);
        }
        choices = List.copyOf(choices);
        if (choices.size() < BallotParameters.OPTIONS_MIN || choices.size() > BallotParameters.OPTIONS_MAX) {
            throw new IllegalArgumentException("a ballot has " + BallotParameters.OPTIONS_MIN + ".."
                    + BallotParameters.OPTIONS_MAX + " options, not " + choices.size());
        }
        Objects.requireNonNull(overall, "overall");
        if (signature.length != Credential.SIGNATURE_BYTES) {
            throw new IllegalArgumentException("a signature is " + Credential.SIGNATURE_BYTES + " bytes, not "
                    + signature.length);
        }
        signature = signature.clone();
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    /** The same ballot with another signature. */
    public EncryptedBallot withSignature(byte[] newSignature) {
        return new EncryptedBallot(electionId, credential, choices, overall, newSignature);
    }

    /**
     * The canonical bytes, which the credential signs and the tracker hashes: u8 version ‖ u64be
     * electionId ‖ credential ‖ u8 k ‖ per option α ‖ β ‖ its two branches ‖ u8 (number of overall
     * branches) ‖ the overall branches; each branch A ‖ B ‖ c ‖ s.
     */
    public byte[] bytes() {
        int size = HEADER_BYTES + choices.size() * OPTION_BYTES + 1 + overall.branches().size() * BRANCH_BYTES;
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        out.write(VERSION);
        out.writeBytes(Encoding.u64(electionId));
        out.writeBytes(credential.bytes());
        out.write(choices.size());
        for (EncryptedChoice choice : choices) {
            out.writeBytes(choice.alpha().encode());
            out.writeBytes(choice.beta().encode());
            writeBranches(out, choice.proof());
        }
        out.write(overall.branches().size());
        writeBranches(out, overall);
        return out.toByteArray();
    }

    /** SHA-256 of {@link #bytes()}. */
    public Tracker tracker() {
        return Tracker.of(bytes());
    }

    private static void writeBranches(ByteArrayOutputStream out, DisjunctiveProof proof) {
        for (DisjunctiveProof.Branch branch : proof.branches()) {
            out.writeBytes(branch.a().encode());
            out.writeBytes(branch.b().encode());
            out.writeBytes(scalar(branch.challenge()));
            out.writeBytes(scalar(branch.response()));
        }
    }

    /** 32 bytes big-endian, as is: a value not below q is written unreduced, and refused by the verifier. */
    static byte[] scalar(BigInteger value) {
        return Encoding.unsigned(value, P256Group.INSTANCE.scalarBytes());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EncryptedBallot b && b.electionId == electionId && b.credential.equals(credential)
                && b.choices.equals(choices) && b.overall.equals(overall) && Arrays.equals(b.signature, signature);
    }

    @Override
    public int hashCode() {
        return Objects.hash(electionId, credential, choices, overall, Arrays.hashCode(signature));
    }

    @Override
    public String toString() {
        return "EncryptedBallot[election " + electionId + ", " + choices.size() + " options, tracker " + tracker() + "]";
    }
}
