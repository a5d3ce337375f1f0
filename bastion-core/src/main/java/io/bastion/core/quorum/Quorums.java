package io.bastion.core.quorum;

import io.bastion.core.util.Check;

/**
 * Every quorum size of the protocol, derived from n replicas tolerating f Byzantine ones, in one
 * place. No other code does quorum arithmetic.
 *
 * <p>With n >= 3f+1, a {@link #certificate() certificate quorum} q = ceil((n+f+1)/2) (2f+1 when
 * n = 3f+1) guarantees that any two quorums share at least f+1 replicas, hence at least one
 * correct replica; and that q replicas remain even when f are silent. Both are checked here.
 */
public final class Quorums {
    private final int n;
    private final int f;
    private final int certificate;

    public Quorums(int n, int f) {
        Check.argument(f >= 0, "f must be >= 0, got " + f);
        Check.argument(n >= 3 * f + 1, "n = " + n + " replicas cannot tolerate f = " + f + " (needs n >= 3f+1)");
        this.n = n;
        this.f = f;
        this.certificate = (n + f + 2) / 2;
        // any two certificate quorums intersect in at least f+1 replicas (one of them correct)
        Check.that(2 * certificate - n >= f + 1, "quorum intersection fails for n=%d f=%d", n, f);
        // a certificate quorum can always be formed by the correct replicas alone
        Check.that(certificate <= n - f, "quorum availability fails for n=%d f=%d", n, f);
    }

    /** The cluster size for f faults: 3f+1. */
    public static Quorums forFaults(int f) {
        return new Quorums(3 * f + 1, f);
    }

    public int n() {
        return n;
    }

    public int f() {
        return f;
    }

    /** Replicas that must agree for a certificate: 2f+1 when n = 3f+1. */
    public int certificate() {
        return certificate;
    }

    /** Matching PREPAREs from backups that, with the primary's PRE-PREPARE, make a batch prepared. */
    public int prepares() {
        return certificate - 1;
    }

    /** Matching COMMITs (own included) that make a batch committed. */
    public int commits() {
        return certificate;
    }

    /** Matching CHECKPOINTs that make a checkpoint stable. */
    public int stableCheckpoint() {
        return certificate;
    }

    /** VIEW-CHANGE messages the new primary needs for NEW-VIEW. */
    public int viewChange() {
        return certificate;
    }

    /** Matching replies a client needs for an ordered request: f+1, so at least one is correct. */
    public int reply() {
        return f + 1;
    }

    /** Matching replies for a read-only request, executed without ordering. */
    public int readOnlyReply() {
        return certificate;
    }

    /**
     * Challenges from distinct replicas a Join needs: 2f+1, so at least f+1 correct replicas
     * heard the client, and f faulty ones can neither forge a Join nor stop one.
     */
    public int joinChallenges() {
        return certificate();
    }

    /** f+1, PBFT's weak certificate: so many matching messages include one from a correct replica. */
    public int weakCertificate() {
        return f + 1;
    }

    /** The primary of a view: views rotate through the replicas. */
    public int primary(int view) {
        return Math.floorMod(view, n);
    }

    @Override
    public String toString() {
        return "Quorums[n=" + n + ", f=" + f + ", certificate=" + certificate + "]";
    }
}
