package io.bastion.threshold;

/**
 * The group a threshold key lives in. P-256 keys serve threshold ElGamal and the coin (RFC 9380
 * hashes to P-256); edwards25519 keys serve FROST(Ed25519, SHA-512), whose signatures ordinary
 * Ed25519 code verifies. FROST(P-256, SHA-256) signs with P-256 keys.
 */
public enum Suite {
    P256(P256Group.INSTANCE),
    ED25519(Ed25519Group.INSTANCE);

    private final Group group;

    Suite(Group group) {
        this.group = group;
    }

    public Group group() {
        return group;
    }

    static Suite byCode(int code) {
        if (code < 0 || code >= values().length) {
            throw new Wire.MalformedException("unknown suite " + code);
        }
        return values()[code];
    }
}
