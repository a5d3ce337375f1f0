package io.bastion.evoting;

import java.util.Arrays;

/**
 * The operations, by the name in a request's {@code "op"} field: who may call each, and whether it
 * writes (a write must be ordered; the others also answer unordered, read-only requests).
 */
enum Op {
    CREATE_ELECTION("createElection", true, true),
    ADD_VOTERS("addVoters", true, true),
    REGISTER_VOTER("registerVoter", true, true),
    RESET_CREDENTIAL("resetCredential", true, true),
    CLOSE_ELECTION("closeElection", true, true),
    CAST_BALLOT("castBallot", false, true),
    LIST_ELECTIONS("listElections", false, false),
    ELECTION("election", false, false),
    MY_BALLOTS("myBallots", false, false),
    BALLOT_BOX("ballotBox", false, false),
    BALLOT("ballot", false, false),
    TURNOUT("turnout", false, false),
    RESULTS("results", false, false),
    RECORD("record", false, false);

    private final String label;
    private final boolean adminOnly;
    private final boolean writes;

    Op(String label, boolean adminOnly, boolean writes) {
        this.label = label;
        this.adminOnly = adminOnly;
        this.writes = writes;
    }

    /** The name in JSON. */
    String label() {
        return label;
    }

    boolean adminOnly() {
        return adminOnly;
    }

    boolean writes() {
        return writes;
    }

    static Op named(String label) {
        for (Op op : values()) {
            if (op.label.equals(label)) {
                return op;
            }
        }
        throw new Refusal("unknown op \"" + label + "\"; the ops are "
                + Arrays.stream(values()).map(Op::label).toList());
    }
}
