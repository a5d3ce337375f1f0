package io.bastion.evoting;

import io.bastion.core.crypto.Digest;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * The two digests the service computes: the stored form of a voter's secret, and a ballot's
 * receipt. Both are SHA-256 over a domain tag and length-prefixed fields, so no two different
 * inputs share an encoding; both depend only on their arguments, so every replica computes the
 * same bytes.
 */
final class Hashes {
    private static final String SECRET_DOMAIN = "bastion-evoting";
    private static final String RECEIPT_DOMAIN = "bastion-evoting-receipt";

    private Hashes() {}

    /**
     * What the voter table keeps instead of the secret: SHA-256("bastion-evoting" ‖ voter ‖ secret),
     * salted by the voter id so that equal secrets of two voters look different.
     */
    static byte[] secret(String voterId, String secret) {
        MessageDigest md = sha256();
        field(md, SECRET_DOMAIN);
        field(md, voterId);
        field(md, secret);
        return md.digest();
    }

    /**
     * A ballot's receipt, in lowercase hex: SHA-256 over the election, the voter, the option, the
     * agreed time the ballot was cast, and the request's place in the order (sequence number, index
     * in its batch, per-request seed). The last three make every ballot's receipt distinct, a
     * re-vote for the same option included, and are the same at every replica.
     */
    static String receipt(long electionId, String voterId, String option, long castAtMillis, long seq, int index,
                          long randomSeed) {
        MessageDigest md = sha256();
        field(md, RECEIPT_DOMAIN);
        md.update(ByteBuffer.allocate(8).putLong(electionId).array());
        field(md, voterId);
        field(md, option);
        md.update(ByteBuffer.allocate(28).putLong(castAtMillis).putLong(seq).putInt(index).putLong(randomSeed).array());
        return HexFormat.of().formatHex(md.digest());
    }

    private static void field(MessageDigest md, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
        md.update(bytes);
    }

    private static MessageDigest sha256() {
        return Digest.newSha256();
    }
}
