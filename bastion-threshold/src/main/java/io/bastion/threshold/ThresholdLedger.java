package io.bastion.threshold;

import io.bastion.threshold.KeyRecord.Dealt;
import io.bastion.threshold.KeyRecord.Kind;
import io.bastion.threshold.KeyRecord.Phase;
import io.bastion.threshold.ThresholdOp.*;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The replicated half of the threshold facility: keys, their sharing rounds and the operations
 * under way, changed only by ordered {@link ThresholdOp}s. Every check is deterministic — proofs,
 * commitments, boxes opened by proven complaints — so all correct replicas accept and reject the
 * same contributions and name the same faulty replicas. It holds no secret: shares live in each
 * replica's {@link ShareStore}, made by its {@link ThresholdAgent}.
 *
 * <p>Key generation (joint Feldman VSS, "Pedersen's DKG"): a {@link KeyGen} starts epoch 0; every
 * enrolled replica deals; the first f+1 well-formed dealings in the agreed order are the
 * candidates; recipients answer with {@link Verdict}s, a proven complaint for each bad box; after
 * 2f+1 verdicts the candidates nobody proved bad are qualified, and the key is their sum. A
 * {@link Reshare} runs the same round with each dealer sharing its own share (checked against its
 * verification key), which gives every replica a new share of the same key.
 *
 * <p>Owned by the executor thread; bounded by {@link #KEYS_MAX}, {@link #OPERATIONS_PENDING_MAX}
 * and {@link #OPERATIONS_KEPT_MAX}.
 */
public final class ThresholdLedger {
    public static final int KEYS_MAX = 64;
    public static final int OPERATIONS_PENDING_MAX = 64;
    public static final int OPERATIONS_KEPT_MAX = 256;
    /** A replica may ask for a reshare of a key at most this often (agreed time). */
    public static final long RESHARE_INTERVAL_MIN_MILLIS = 10_000;
    /** A FROST attempt not done after this long (agreed time) starts again, its silent signers left out once. */
    public static final long SIGNING_ROUND_MILLIS = 10_000;
    /**
     * A sharing round (key generation or reshare) not complete after this long starts again with
     * the replicas enrolled then: one that crashed, lost its disk or never enrolled cannot hold it up.
     */
    public static final long KEY_ROUND_MILLIS = 30_000;

    private final int n;
    private final int f;
    private final TreeMap<Integer, Element> encryptionKeys = new TreeMap<>();
    private final TreeMap<String, KeyRecord> keys = new TreeMap<>();
    private final TreeMap<Long, Operation> operations = new TreeMap<>();
    /** The request number of each replica's last {@link Contributions} executed. */
    private final TreeMap<Integer, Long> lastContribution = new TreeMap<>();
    private long nextOperation = 1;

    public ThresholdLedger(int n, int f) {
        if (n < 3 * f + 1 || n > ThresholdOp.REPLICAS_MAX) {
            throw new IllegalArgumentException("need 3f+1 <= n <= " + ThresholdOp.REPLICAS_MAX + ", got n=" + n + " f=" + f);
        }
        this.n = n;
        this.f = f;
    }

    public int n() {
        return n;
    }

    public int f() {
        return f;
    }

    /** Shares needed to use a key: f+1, so no f replicas can and any f+1 correct ones can. */
    public int threshold() {
        return f + 1;
    }

    // ------------------------------------------------------------------ executing

    /** Who submitted an operation: a replica (its agent), or a service/client (replica -1). */
    public record Caller(int replica) {
        public static final Caller SERVICE = new Caller(-1);

        public static Caller replica(int id) {
            return new Caller(id);
        }

        boolean isReplica() {
            return replica >= 0;
        }
    }

    /** The reply to an operation: accepted or not, and what it says. */
    public record Outcome(boolean accepted, String text, long operation) {
        static Outcome ok(String text) {
            return new Outcome(true, text, 0);
        }

        static Outcome refused(String reason) {
            return new Outcome(false, reason, 0);
        }

        public byte[] reply() {
            return ((accepted ? "ok " : "error: ") + text).getBytes(StandardCharsets.UTF_8);
        }
    }

    /** Executes an ordered operation at agreed time {@code nowMillis}; deterministic. */
    public Outcome execute(ThresholdOp op, Caller caller, long nowMillis) {
        expireRounds(nowMillis);
        if (requiresReplica(op) && !caller.isReplica()) {
            return Outcome.refused("only replicas submit " + op.getClass().getSimpleName());
        }
        try {
            return switch (op) {
                case Enroll e -> enroll(e, caller.replica());
                case KeyGen k -> keyGen(k, nowMillis);
                case Deal d -> deal(d, caller.replica(), nowMillis);
                case Verdict v -> verdict(v, caller.replica(), nowMillis);
                case Reshare r -> reshare(r, caller, nowMillis);
                case Decrypt d -> open(Operation.Kind.DECRYPT, d.name(), d, nowMillis);
                case Coin c -> open(Operation.Kind.COIN, c.name(), c, nowMillis);
                case Sign s -> open(Operation.Kind.SIGN, s.name(), s, nowMillis);
                case Shares s -> shares(s, caller.replica(), nowMillis);
                case FrostCommit c -> ThresholdSigning.commit(this, c, caller.replica(), nowMillis);
                case FrostShare s -> ThresholdSigning.share(this, s, caller.replica(), nowMillis);
                case Contributions c -> Outcome.refused("contributions do not nest");
                case Nudge nudge -> Outcome.ok("time is " + nowMillis);
                case KeyQuery q -> query(q);
                case ResultQuery q -> query(q);
            };
        } catch (IllegalArgumentException e) { // an element of the wrong group, say
            return Outcome.refused(e.getMessage());
        }
    }

    /**
     * Executes a replica's {@link Contributions}, each in turn, and notes its request number so
     * the replica knows the request ran ({@link #lastContribution}).
     */
    public Outcome contribute(Contributions c, int replica, long requestNumber, long nowMillis) {
        List<String> texts = new ArrayList<>(c.ops().size());
        for (ThresholdOp op : c.ops()) {
            Outcome o = execute(op, Caller.replica(replica), nowMillis);
            texts.add((o.accepted() ? "" : "refused: ") + o.text());
        }
        lastContribution.merge(replica, requestNumber, Math::max);
        return Outcome.ok(String.join(" | ", texts));
    }

    /** The request number of replica {@code replica}'s last contributions executed, or 0. */
    public long lastContribution(int replica) {
        return lastContribution.getOrDefault(replica, 0L);
    }

    private static boolean requiresReplica(ThresholdOp op) {
        return op instanceof Enroll || op instanceof Deal || op instanceof Verdict || op instanceof Shares
                || op instanceof FrostCommit || op instanceof FrostShare || op instanceof Contributions
                || op instanceof Nudge;
    }

    private Outcome enroll(Enroll e, int replica) {
        if (!e.proof().verifies(e.encryptionKey(), enrollContext(replica)) || e.encryptionKey().isIdentity()) {
            return Outcome.refused("replica " + replica + "'s enrollment proof does not verify");
        }
        encryptionKeys.put(replica, e.encryptionKey());
        return Outcome.ok("enrolled replica " + replica);
    }

    private Outcome keyGen(KeyGen k, long nowMillis) {
        if (keys.containsKey(k.name())) {
            KeyRecord existing = keys.get(k.name());
            return existing.suite == k.suite() ? Outcome.ok("key " + k.name() + " exists")
                    : Outcome.refused("key " + k.name() + " exists in suite " + existing.suite);
        }
        if (keys.size() >= KEYS_MAX) {
            return Outcome.refused("the ledger holds " + KEYS_MAX + " keys, its maximum");
        }
        if (encryptionKeys.size() < n - f) {
            return Outcome.refused("only " + encryptionKeys.size() + " replicas enrolled, key generation needs " + (n - f));
        }
        KeyRecord key = new KeyRecord(k.name(), k.suite());
        key.startEpoch(0, Kind.KEYGEN, encryptionKeys, nowMillis);
        keys.put(k.name(), key);
        return Outcome.ok("key " + k.name() + " generating");
    }

    private Outcome reshare(Reshare r, Caller caller, long nowMillis) {
        KeyRecord key = keys.get(r.name());
        if (key == null || !key.usable()) {
            return Outcome.refused("no usable key " + r.name());
        }
        if (key.phase != Phase.COMPLETE) {
            return Outcome.ok("key " + r.name() + " is already resharing in epoch " + key.epoch);
        }
        if (caller.isReplica() && nowMillis - key.epochStartMillis < RESHARE_INTERVAL_MIN_MILLIS) {
            return Outcome.refused("key " + r.name() + " was reshared less than "
                    + RESHARE_INTERVAL_MIN_MILLIS + " ms ago");
        }
        if (encryptionKeys.size() < n - f) {
            return Outcome.refused("only " + encryptionKeys.size() + " replicas enrolled, resharing needs " + (n - f));
        }
        key.startEpoch(key.epoch + 1, Kind.RESHARE, encryptionKeys, nowMillis);
        return Outcome.ok("key " + r.name() + " resharing in epoch " + key.epoch);
    }

    private Outcome deal(Deal d, int dealer, long nowMillis) {
        KeyRecord key = keys.get(d.name());
        if (key == null || key.phase != Phase.DEALING || d.epoch() != key.epoch || d.suite() != key.suite) {
            return Outcome.refused("no dealing round " + d.name() + "/" + d.epoch() + " open");
        }
        if (key.dealers.contains(dealer) || key.excluded.contains(dealer)) {
            return Outcome.refused("replica " + dealer + " may not deal again for " + d.name());
        }
        String problem = Dealings.problem(d, key, dealer, n, threshold());
        key.dealers.add(dealer);
        if (problem != null) {
            key.excluded.add(dealer);
            return Outcome.refused("dealing of replica " + dealer + " refused: " + problem);
        }
        key.candidates.add(new Dealt(dealer, d));
        if (key.candidates.size() == threshold()) {
            key.phase = Phase.VERDICTS;
        }
        return Outcome.ok("dealing of replica " + dealer + " accepted");
    }

    private Outcome verdict(Verdict v, int replica, long nowMillis) {
        KeyRecord key = keys.get(v.name());
        if (key == null || v.epoch() != key.epoch || key.phase == Phase.DEALING) {
            return Outcome.refused("no verdict round " + v.name() + "/" + v.epoch() + " open");
        }
        if (!key.recipients.containsKey(replica)) {
            return Outcome.refused("replica " + replica + " received nothing in " + v.name() + "/" + v.epoch());
        }
        if (key.verdicts.contains(replica)) {
            return Outcome.refused("replica " + replica + " already gave its verdict");
        }
        key.verdicts.add(replica);
        List<String> findings = new ArrayList<>();
        for (Complaint c : v.complaints()) {
            findings.add(judge(key, replica, c));
        }
        if (key.phase == Phase.VERDICTS && key.verdicts.size() >= n - f) {
            finish(key, nowMillis);
        }
        return Outcome.ok("verdict of replica " + replica + (findings.isEmpty() ? "" : ": " + String.join("; ", findings)));
    }

    /** A complaint proven right disqualifies the dealer; one proven wrong names the complainer. */
    private String judge(KeyRecord key, int complainer, Complaint c) {
        Dealt dealt = key.candidates.stream().filter(d -> d.dealer() == c.dealer()).findFirst().orElse(null);
        if (dealt == null) {
            return "no candidate dealing of replica " + c.dealer();
        }
        Dealings.Opened opened = Dealings.open(key, dealt, complainer, c);
        if (opened == Dealings.Opened.UNPROVEN) {
            key.excluded.add(complainer);
            return "complaint of replica " + complainer + " unproven: replica " + complainer + " is faulty";
        }
        if (opened == Dealings.Opened.GOOD_SHARE) {
            key.excluded.add(complainer);
            return "replica " + c.dealer() + "'s share for replica " + complainer + " is good: replica "
                    + complainer + " is faulty";
        }
        key.excluded.add(c.dealer());
        if (key.phase == Phase.VERDICTS) {
            key.disqualified.add(c.dealer());
        }
        return "replica " + c.dealer() + " dealt a bad share to replica " + complainer + ": disqualified";
    }

    private void finish(KeyRecord key, long nowMillis) {
        List<Dealt> qual = key.qualify();
        boolean enough = key.kind == Kind.KEYGEN ? !qual.isEmpty() : qual.size() >= threshold();
        if (!enough) { // faulty candidates were caught: deal again without them
            key.startEpoch(key.epoch + 1, key.kind, encryptionKeys, nowMillis);
            return;
        }
        key.complete(qual, n);
        for (Operation op : operations.values()) {
            if (!op.done() && op.key.equals(key.name)) {
                op.restart(key.completeEpoch, nowMillis);
            }
        }
    }

    // ------------------------------------------------------------------ operations

    private Outcome open(Operation.Kind kind, String keyName, ThresholdOp request, long nowMillis) {
        KeyRecord key = keys.get(keyName);
        if (key == null) {
            return Outcome.refused("no key " + keyName);
        }
        String unsupported = switch (kind) {
            case DECRYPT, COIN -> key.suite == Suite.P256 ? null : "decryption and coins need a P-256 key";
            case SIGN -> null;
        };
        if (unsupported != null) {
            return Outcome.refused(unsupported);
        }
        if (operations.values().stream().filter(o -> !o.done()).count() >= OPERATIONS_PENDING_MAX) {
            return Outcome.refused(OPERATIONS_PENDING_MAX + " threshold operations pending, the maximum");
        }
        long id = nextOperation++;
        Operation op = new Operation(id, kind, keyName, request, nowMillis);
        op.epoch = key.completeEpoch;
        op.roundStartMillis = nowMillis;
        operations.put(id, op);
        while (operations.size() > OPERATIONS_KEPT_MAX) { // the oldest finished ones go first
            Long oldest = operations.values().stream().filter(Operation::done).map(o -> o.id).findFirst().orElse(null);
            if (oldest == null) {
                break;
            }
            operations.remove(oldest);
        }
        return new Outcome(true, "operation " + id, id);
    }

    private Outcome shares(Shares s, int replica, long nowMillis) {
        Operation op = operations.get(s.operation());
        if (op == null || op.kind == Operation.Kind.SIGN) {
            return Outcome.refused("no decryption or coin " + s.operation());
        }
        KeyRecord key = keys.get(op.key);
        if (s.epoch() != op.epoch || !key.usable() || key.completeEpoch != op.epoch) {
            return Outcome.refused("shares for epoch " + s.epoch() + ", operation " + op.id + " uses epoch " + op.epoch);
        }
        if (op.shares.containsKey(replica) || op.faulty.containsKey(replica) || op.excluded.contains(replica)) {
            return Outcome.refused("replica " + replica + " already answered operation " + op.id);
        }
        List<Element> bases = bases(op);
        String problem = ShareChecks.problem(key, op, replica, bases, s.shares());
        if (problem != null) {
            op.faulty.put(replica, problem);
            op.rejectedShares.put(replica, List.copyOf(s.shares()));
            return Outcome.refused("replica " + replica + " is faulty: " + problem);
        }
        if (op.done()) { // checked all the same, so a faulty replica is named even when its share came late
            op.excluded.add(replica);
            op.lateShares.put(replica, List.copyOf(s.shares()));
            return Outcome.ok("shares of replica " + replica + " are good and came after the result");
        }
        op.shares.put(replica, List.copyOf(s.shares()));
        if (op.shares.size() == threshold()) {
            op.result = ShareChecks.combine(key, op, bases);
            op.doneMillis = nowMillis;
        }
        return Outcome.ok("shares of replica " + replica + " accepted");
    }

    /** The elements each share raises to the replica's secret: the c1s of a decryption, the coin's point. */
    List<Element> bases(Operation op) {
        if (op.bases == null) {
            op.bases = computeBases(op);
        }
        return op.bases;
    }

    private static List<Element> computeBases(Operation op) {
        return switch (op.request) {
            case Decrypt d -> d.ciphertexts().stream().map(ElGamal.Ciphertext::c1).toList();
            case Coin c -> List.of(coinPoint(op.key, op.id, c.input()));
            default -> throw new IllegalStateException("no share bases for " + op.kind);
        };
    }

    /** The point whose power is the coin: RFC 9380 hash of the key, the operation and its input. */
    static Element coinPoint(String key, long operation, byte[] input) {
        byte[] message = new Wire.Writer().string(key).i64(operation).bytes(input).toBytes();
        return P256Group.INSTANCE.hashToCurve(message, "BASTION-COIN-V1-P256_XMD:SHA-256_SSWU_RO_");
    }

    /** Starts again the sharing rounds and signing attempts that ran past their time. */
    private void expireRounds(long nowMillis) {
        for (KeyRecord key : keys.values()) {
            if (key.phase != Phase.COMPLETE && nowMillis - key.epochStartMillis > KEY_ROUND_MILLIS
                    && encryptionKeys.size() >= n - f) {
                key.startEpoch(key.epoch + 1, key.kind, encryptionKeys, nowMillis);
            }
        }
        for (Operation op : operations.values()) {
            if (!op.done() && op.kind == Operation.Kind.SIGN) {
                ThresholdSigning.expire(this, op, nowMillis);
            }
        }
    }

    /** Whether a round of key {@code key} or attempt of signature {@code op} is past its time at {@code nowMillis}. */
    boolean overdue(long nowMillis) {
        for (KeyRecord key : keys.values()) {
            if (key.phase != Phase.COMPLETE && nowMillis - key.epochStartMillis > KEY_ROUND_MILLIS) {
                return true;
            }
        }
        for (Operation op : operations.values()) {
            if (!op.done() && op.kind == Operation.Kind.SIGN && nowMillis - op.roundStartMillis > SIGNING_ROUND_MILLIS) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ reading

    /**
     * Answers a read without changing anything: {@code key NAME suite SUITE epoch E resharing B
     * public HEX verification HEX,HEX,…}, or {@code operation ID KIND pending|done HEX [faulty R:reason;…]}.
     */
    public Outcome query(ThresholdOp read) {
        return switch (read) {
            case KeyQuery q -> key(q.name()).map(k -> Outcome.ok("key " + k.name() + " suite " + k.suite() + " epoch "
                    + k.epoch() + " resharing " + k.resharing() + " public " + hex(k.publicKey()) + " verification "
                    + String.join(",", k.verificationKeys().stream().map(ThresholdLedger::hex).toList())))
                    .orElse(Outcome.refused("no usable key " + q.name()));
            case ResultQuery q -> result(q.operation()).map(r -> Outcome.ok("operation " + r.operation() + " " + r.kind()
                    + (r.done() ? " done " + io.bastion.core.util.Hex.of(r.value()) + " by " + contributors(q.operation())
                    : " pending")
                    + (r.faulty().isEmpty() ? "" : " faulty " + String.join(";", r.faulty().entrySet().stream()
                    .map(e -> e.getKey() + ":" + e.getValue()).toList()))))
                    .orElse(Outcome.refused("no operation " + q.operation()));
            default -> Outcome.refused(read.getClass().getSimpleName() + " is not a read");
        };
    }

    /** The replicas whose shares made an operation's result, e.g. {@code 0,2}. */
    private String contributors(long operation) {
        return String.join(",", contributorList(operations.get(operation)).stream().map(String::valueOf).toList());
    }

    private static List<Integer> contributorList(Operation op) {
        var by = op.kind == Operation.Kind.SIGN ? op.signatureShares.keySet() : op.shares.keySet();
        return List.copyOf(new java.util.TreeSet<>(by));
    }

    private static String hex(Element e) {
        return io.bastion.core.util.Hex.of(e.encode());
    }

    KeyRecord keyRecord(String name) {
        return keys.get(name);
    }

    Collection<KeyRecord> keyRecords() {
        return keys.values();
    }

    Collection<Operation> operationRecords() {
        return operations.values();
    }

    Operation operation(long id) {
        return operations.get(id);
    }

    public Optional<Element> encryptionKey(int replica) {
        return Optional.ofNullable(encryptionKeys.get(replica));
    }

    /** A key's public part: usable once a round completed. */
    public record KeyInfo(String name, Suite suite, int epoch, boolean resharing, Element publicKey,
                          List<Element> verificationKeys) {}

    public Optional<KeyInfo> key(String name) {
        KeyRecord k = keys.get(name);
        if (k == null || !k.usable()) {
            return Optional.empty();
        }
        return Optional.of(new KeyInfo(k.name, k.suite, k.completeEpoch, k.phase != Phase.COMPLETE, k.publicKey,
                k.verificationKeys));
    }

    /**
     * The public transcript of key {@code name}'s completed epoch (its qualified dealings' commitments,
     * public key and verification keys), for anyone to check offline; empty before one completed.
     */
    public Optional<KeyTranscript> keyTranscript(String name) {
        KeyRecord k = keys.get(name);
        return k == null ? Optional.empty() : Optional.ofNullable(k.transcript(n, threshold()));
    }

    /**
     * Everything the ledger holds about decryption {@code operation}: its ciphertexts, every
     * replica's proven shares (used, late or rejected) and the plaintexts once done; empty when there
     * is no such decryption (or it was dropped, as the oldest finished operations are).
     */
    public Optional<DecryptionTranscript> decryptionTranscript(long operation) {
        Operation op = operations.get(operation);
        if (op == null || !(op.request instanceof Decrypt d)) {
            return Optional.empty();
        }
        return Optional.of(new DecryptionTranscript(op.id, op.key, op.epoch, d.ciphertexts(), op.shares, op.lateShares,
                op.faulty, op.rejectedShares, op.done() ? Result.decodePlaintexts(op.result) : null));
    }

    /**
     * The state of an operation: pending, or done with its result; the replicas whose shares made
     * the result (in ascending order; empty while pending) and the replicas it caught.
     */
    public record Result(long operation, String kind, boolean done, byte[] value, List<Integer> contributors,
                         TreeMap<Integer, String> faulty) {
        /** A decryption's plaintexts {@code M_i = c2_i / c1_i^s}. */
        public List<Element> plaintexts() {
            return decodePlaintexts(value);
        }

        /** A decryption's result bytes (as a result query prints them in hex) as plaintexts. */
        public static List<Element> decodePlaintexts(byte[] value) {
            Wire.Reader r = new Wire.Reader(value);
            List<Element> out = r.list(ThresholdOp.CIPHERTEXTS_MAX, "plaintexts", x -> x.element(P256Group.INSTANCE, "plaintext"));
            r.end("plaintexts");
            return out;
        }
    }

    public Optional<Result> result(long operation) {
        Operation op = operations.get(operation);
        if (op == null) {
            return Optional.empty();
        }
        return Optional.of(new Result(op.id, op.kind.name().toLowerCase(java.util.Locale.ROOT), op.done(),
                op.result == null ? null : op.result.clone(), op.done() ? contributorList(op) : List.of(),
                new TreeMap<>(op.faulty)));
    }

    static byte[] enrollContext(int replica) {
        return new Wire.Writer().string("enroll").i32(replica).toBytes();
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The whole ledger as canonical bytes (equal ledgers, equal bytes). */
    public byte[] snapshot() {
        return LedgerCodec.encode(this, encryptionKeys, keys, operations, nextOperation, lastContribution);
    }

    /** A ledger from {@link #snapshot()} bytes. */
    public static ThresholdLedger restore(byte[] snapshot, int n, int f) {
        ThresholdLedger ledger = new ThresholdLedger(n, f);
        ledger.nextOperation = LedgerCodec.decode(snapshot, ledger.encryptionKeys, ledger.keys, ledger.operations,
                ledger.lastContribution);
        return ledger;
    }
}
