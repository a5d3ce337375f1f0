package io.bastion.evoting.ballot;

import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What a ballot of one election is checked against: the election's id, its number of options
 * {@code k}, how many of them a voter may choose ({@code minChoices..maxChoices}) and the threshold
 * public key the choices are encrypted under. Validated once, here; immutable and thread-safe. The
 * format is docs/ballots.md's.
 */
public record BallotParameters(long electionId, int options, int minChoices, int maxChoices, Element publicKey) {
    /** The largest election id: 2^53 − 1, so that JavaScript numbers carry every id exactly. */
    public static final long ELECTION_ID_MAX = (1L << 53) - 1;
    public static final int OPTIONS_MIN = 2;
    public static final int OPTIONS_MAX = 64;
    /**
     * The domain tag that starts every ballot's context and, with "/proof", every proof's hash: it
     * names the proofs' construction, version 1's, which version 2 of the format keeps unchanged.
     */
    static final String DOMAIN = "bastion-ballot-v1";

    public BallotParameters {
        if (electionId < 0 || electionId > ELECTION_ID_MAX) {
            throw new IllegalArgumentException("an election id is in 0.." + ELECTION_ID_MAX + ", not " + electionId);
        }
        if (options < OPTIONS_MIN || options > OPTIONS_MAX) {
            throw new IllegalArgumentException("an election has " + OPTIONS_MIN + ".." + OPTIONS_MAX + " options, not "
                    + options);
        }
        if (minChoices < 0 || minChoices > maxChoices || maxChoices > options || maxChoices < 1) {
            throw new IllegalArgumentException("choices must satisfy 0 <= min <= max <= " + options + " and max >= 1, not "
                    + minChoices + ".." + maxChoices);
        }
        if (publicKey.group() != P256Group.INSTANCE || publicKey.isIdentity()) {
            throw new IllegalArgumentException("the public key must be a P-256 point other than the identity");
        }
    }

    /** How many branches the overall proof has: one per allowed number of choices. */
    public int overallBranches() {
        return maxChoices - minChoices + 1;
    }

    /** "1..1", the allowed numbers of choices as the refusals write them. */
    String choicesRange() {
        return minChoices + ".." + maxChoices;
    }

    /**
     * The context every proof of a ballot cast with {@code credential} is bound to:
     * lp("bastion-ballot-v1") ‖ lp(u64be electionId) ‖ lp(PK) ‖ lp(credential) ‖ lp(u8 k) ‖ lp(u8 min) ‖ lp(u8 max).
     */
    public byte[] context(Credential credential) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(160);
        Encoding.write(out, DOMAIN.getBytes(StandardCharsets.UTF_8));
        Encoding.write(out, Encoding.u64(electionId));
        Encoding.write(out, publicKey.encode());
        Encoding.write(out, credential.bytes());
        Encoding.write(out, new byte[] {(byte) options});
        Encoding.write(out, new byte[] {(byte) minChoices});
        Encoding.write(out, new byte[] {(byte) maxChoices});
        return out.toByteArray();
    }
}
