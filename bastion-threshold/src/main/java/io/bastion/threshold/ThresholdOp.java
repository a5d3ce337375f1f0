package io.bastion.threshold;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The ordered operations of the threshold facility, and their one byte format. Replicas' agents
 * submit {@link Enroll}, {@link Deal}, {@link Verdict}, {@link Shares}, {@link FrostCommit} and
 * {@link FrostShare}; services (or permitted clients) ask for {@link KeyGen}, {@link Reshare},
 * {@link Decrypt}, {@link Coin} and {@link Sign}. Every operation starts with {@link #MAGIC}, so a
 * service's own operations never collide with them.
 */
public sealed interface ThresholdOp {
    byte[] MAGIC = "BTH1".getBytes(StandardCharsets.US_ASCII);
    int NAME_BYTES_MAX = 64;
    int CIPHERTEXTS_MAX = 64;
    int INPUT_BYTES_MAX = 4096;
    int REPLICAS_MAX = 64;
    int COMPLAINTS_MAX = REPLICAS_MAX;

    /** A replica's encryption key for share boxes, with a proof that it knows the secret. */
    record Enroll(Element encryptionKey, SchnorrProof proof) implements ThresholdOp {}

    record KeyGen(String name, Suite suite) implements ThresholdOp {
        public KeyGen {
            checkName(name);
            java.util.Objects.requireNonNull(suite, "suite");
        }
    }

    /**
     * A dealer's sharing for epoch {@code epoch} of key {@code name}: Feldman commitments to its
     * polynomial, its ephemeral ECIES key, one box per replica (empty for replicas without an
     * encryption key), and, for a new key, a proof it knows its constant term.
     */
    record Deal(String name, Suite suite, int epoch, List<Element> commitments, Element ephemeral, List<byte[]> boxes,
                SchnorrProof proof) implements ThresholdOp {
        public Deal {
            checkName(name);
            commitments = List.copyOf(commitments);
            boxes = List.copyOf(boxes);
        }
    }

    /** A recipient's judgement of an epoch's candidate dealings: a complaint for each bad box. */
    record Verdict(String name, int epoch, List<Complaint> complaints) implements ThresholdOp {
        public Verdict {
            checkName(name);
            complaints = List.copyOf(complaints);
        }
    }

    /**
     * That the box from candidate {@code dealer} is bad: the shared point {@code K = R^sk}, proven
     * with a DLEQ proof against the complainer's encryption key, lets everyone open it.
     */
    record Complaint(int dealer, Element sharedPoint, DleqProof proof) {}

    /** New shares of the same key for every replica (share recovery and proactive refresh). */
    record Reshare(String name) implements ThresholdOp {
        public Reshare {
            checkName(name);
        }
    }

    record Decrypt(String name, List<ElGamal.Ciphertext> ciphertexts) implements ThresholdOp {
        public Decrypt {
            checkName(name);
            ciphertexts = List.copyOf(ciphertexts);
            if (ciphertexts.isEmpty() || ciphertexts.size() > CIPHERTEXTS_MAX) {
                throw new IllegalArgumentException("a decryption takes 1 to " + CIPHERTEXTS_MAX + " ciphertexts, not "
                        + ciphertexts.size());
            }
        }
    }

    /** The coin of {@code input}: {@code H(name, op, input)^s}, unknown until f+1 replicas release shares. */
    record Coin(String name, byte[] input) implements ThresholdOp {
        public Coin {
            checkName(name);
            input = checkInput(input).clone();
        }
    }

    /** A FROST signature by the cluster's key {@code name} on {@code message}. */
    record Sign(String name, byte[] message) implements ThresholdOp {
        public Sign {
            checkName(name);
            message = checkInput(message).clone();
        }
    }

    /** A replica's proven shares for operation {@code operation} (one per ciphertext, or one coin share). */
    record Shares(long operation, int epoch, List<ProvenShare> shares) implements ThresholdOp {}

    record ProvenShare(Element share, DleqProof proof) {}

    record FrostCommit(long operation, int round, Element hiding, Element binding) implements ThresholdOp {}

    record FrostShare(long operation, int round, Suite suite, BigInteger share) implements ThresholdOp {}

    /**
     * A replica's contributions of one round, in one request: a replica keeps one request
     * outstanding, as a client does, and packs what is due into it ({@link ThresholdHost}).
     */
    record Contributions(List<ThresholdOp> ops) implements ThresholdOp {
        public static final int OPS_MAX = 128;

        public Contributions {
            ops = List.copyOf(ops);
            if (ops.isEmpty() || ops.size() > OPS_MAX) {
                throw new IllegalArgumentException("1 to " + OPS_MAX + " contributions in one request, not " + ops.size());
            }
            for (ThresholdOp op : ops) {
                if (!(op instanceof Enroll || op instanceof Deal || op instanceof Verdict || op instanceof Shares
                        || op instanceof FrostCommit || op instanceof FrostShare || op instanceof Reshare
                        || op instanceof Nudge)) {
                    throw new IllegalArgumentException(op.getClass().getSimpleName() + " is no replica's contribution");
                }
            }
        }
    }

    /**
     * That a round is overdue: a replica sends it when a key's sharing round or a signing attempt
     * has run past its time, so the ledger, which only sees time pass with ordered requests, starts
     * it again ({@link ThresholdLedger#KEY_ROUND_MILLIS}, {@link ThresholdLedger#SIGNING_ROUND_MILLIS}).
     */
    record Nudge() implements ThresholdOp {}

    /** A read: the public part of key {@code name}. */
    record KeyQuery(String name) implements ThresholdOp {
        public KeyQuery {
            checkName(name);
        }
    }

    /** A read: the state or result of operation {@code operation}. */
    record ResultQuery(long operation) implements ThresholdOp {}

    /** A key name: 1 to {@link #NAME_BYTES_MAX} printable ASCII characters without spaces. */
    static String checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > NAME_BYTES_MAX
                || !name.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a key name is 1 to " + NAME_BYTES_MAX
                    + " printable ASCII characters without spaces");
        }
        return name;
    }

    private static byte[] checkInput(byte[] input) {
        if (input.length > INPUT_BYTES_MAX) {
            throw new IllegalArgumentException("at most " + INPUT_BYTES_MAX + " bytes of input, not " + input.length);
        }
        return input;
    }

    /** Whether {@code operation} is one of these (starts with {@link #MAGIC}). */
    static boolean isThresholdOperation(byte[] operation) {
        return operation.length >= MAGIC.length && Arrays.equals(operation, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    default byte[] encode() {
        return ThresholdOpCodec.encode(this);
    }

    static ThresholdOp decode(byte[] operation) {
        return ThresholdOpCodec.decode(operation);
    }
}
