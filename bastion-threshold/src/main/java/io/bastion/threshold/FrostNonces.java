package io.bastion.threshold;

import java.math.BigInteger;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A FROST participant's secret round-one state (RFC 9591 section 5.1): the hiding and binding
 * nonces, kept until round two, and the {@link #commitment()} to them, which is published. The
 * nonces sign at most once: a second use would reveal the secret share, so {@link Frost#sign}
 * spends them and refuses spent ones. Thread-safe; {@link #toString()} shows only the commitment.
 */
public final class FrostNonces {
    private final BigInteger hiding;
    private final BigInteger binding;
    private final FrostCommitment commitment;
    private final AtomicBoolean spent = new AtomicBoolean();

    FrostNonces(FrostSuite suite, BigInteger identifier, BigInteger hiding, BigInteger binding) {
        this.hiding = hiding;
        this.binding = binding;
        Group group = suite.group();
        this.commitment = new FrostCommitment(identifier, group.base(hiding), group.base(binding));
    }

    /** What to send the coordinator. */
    public FrostCommitment commitment() {
        return commitment;
    }

    /** Whether these nonces have signed already. */
    public boolean spent() {
        return spent.get();
    }

    BigInteger hiding() {
        return hiding;
    }

    BigInteger binding() {
        return binding;
    }

    /** Marks the nonces used; throws if they were already, so no two signatures share them. */
    void spend() {
        if (spent.getAndSet(true)) {
            throw new IllegalStateException("the nonces of participant " + commitment.identifier()
                    + " have signed already; signing again with them would reveal the secret share");
        }
    }

    @Override
    public String toString() {
        return "FrostNonces[" + commitment + (spent() ? ", spent]" : "]");
    }
}
