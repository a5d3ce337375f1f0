package io.bastion.threshold;

import io.bastion.threshold.KeyRecord.Dealt;
import io.bastion.threshold.KeyRecord.Kind;
import io.bastion.threshold.KeyRecord.Phase;
import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The ledger's snapshot format: every field of every key and operation, in key order, so equal
 * ledgers give equal bytes. Dealings and requests are kept in their operation encoding. Format 2
 * keeps every decryption or coin share with its DLEQ proof (the shares that made the result, those
 * that came later, and those rejected); format 1 kept only the shares that made the result, without
 * proofs, and is still read (its shares then have no proof), so that a cluster can be upgraded.
 */
final class LedgerCodec {
    private static final int VERSION = 2;
    private static final int VERSION_WITHOUT_PROOFS = 1;
    private static final int OP_BYTES_MAX = 1 << 20;
    private static final int LIST_MAX = 1 << 16;

    private LedgerCodec() {}

    static byte[] encode(ThresholdLedger ledger, TreeMap<Integer, Element> encryptionKeys, TreeMap<String, KeyRecord> keys,
                         TreeMap<Long, Operation> operations, long nextOperation, TreeMap<Integer, Long> lastContribution) {
        Wire.Writer w = new Wire.Writer().i32(VERSION).i64(nextOperation);
        w.list(List.copyOf(encryptionKeys.entrySet()), (x, e) -> x.i32(e.getKey()).element(e.getValue()));
        w.list(List.copyOf(keys.values()), LedgerCodec::key);
        w.list(List.copyOf(operations.values()), LedgerCodec::operation);
        w.list(List.copyOf(lastContribution.entrySet()), (x, e) -> x.i32(e.getKey()).i64(e.getValue()));
        return w.toBytes();
    }

    private static void key(Wire.Writer w, KeyRecord k) {
        w.string(k.name).u8(k.suite.ordinal()).i32(k.epoch).u8(k.kind.ordinal()).u8(k.phase.ordinal())
                .i64(k.epochStartMillis);
        elements(w, k.recipients);
        w.list(k.candidates, LedgerCodec::dealt);
        ints(w, k.dealers);
        ints(w, k.verdicts);
        ints(w, k.disqualified);
        ints(w, k.excluded);
        w.i32(k.completeEpoch).bool(k.publicKey != null);
        if (k.publicKey != null) {
            w.element(k.publicKey);
        }
        w.list(k.verificationKeys, Wire.Writer::element);
        w.list(k.qualified, LedgerCodec::dealt);
        elements(w, k.qualifiedRecipients);
        w.u8(k.qualifiedKind.ordinal());
    }

    private static void operation(Wire.Writer w, Operation op) {
        w.i64(op.id).u8(op.kind.ordinal()).string(op.key).bytes(op.request.encode()).i64(op.createdMillis).i32(op.epoch);
        provenShares(w, op.shares);
        w.list(List.copyOf(op.faulty.entrySet()), (x, e) -> x.i32(e.getKey()).string(e.getValue()));
        w.bool(op.result != null);
        if (op.result != null) {
            w.bytes(op.result).i64(op.doneMillis);
        }
        w.i32(op.round).i64(op.roundStartMillis);
        w.list(List.copyOf(op.commitments.entrySet()), (x, e) -> x.i32(e.getKey()).bytes(e.getValue().encode()));
        w.list(List.copyOf(op.signatureShares.entrySet()), (x, e) -> x.i32(e.getKey()).bytes(e.getValue().toByteArray()));
        ints(w, op.excluded);
        provenShares(w, op.lateShares);
        provenShares(w, op.rejectedShares);
    }

    /** Shares by replica, each with its proof (absent only in shares read from format 1). */
    private static void provenShares(Wire.Writer w, TreeMap<Integer, List<ProvenShare>> shares) {
        w.list(List.copyOf(shares.entrySet()), (x, e) -> x.i32(e.getKey()).list(e.getValue(), (y, s) -> {
            y.element(s.share()).bool(s.proof() != null);
            if (s.proof() != null) {
                Group g = s.share().group();
                y.scalar(g, s.proof().challenge()).scalar(g, s.proof().response());
            }
        }));
    }

    private static void readProvenShares(Wire.Reader r, TreeMap<Integer, List<ProvenShare>> into) {
        Group g = P256Group.INSTANCE;
        for (int i = r.count(LIST_MAX, "shares"); i > 0; i--) {
            int replica = r.i32();
            into.put(replica, r.list(LIST_MAX, "share", x -> {
                Element share = x.element(g, "share");
                return new ProvenShare(share, x.bool()
                        ? new DleqProof(x.scalar(g, "proof challenge"), x.scalar(g, "proof response")) : null);
            }));
        }
    }

    private static void dealt(Wire.Writer w, Dealt d) {
        w.i32(d.dealer()).bytes(d.deal().encode());
    }

    private static void elements(Wire.Writer w, TreeMap<Integer, Element> map) {
        w.list(List.copyOf(map.entrySet()), (x, e) -> x.i32(e.getKey()).element(e.getValue()));
    }

    private static void ints(Wire.Writer w, TreeSet<Integer> set) {
        w.list(List.copyOf(set), Wire.Writer::i32);
    }

    static long decode(byte[] bytes, TreeMap<Integer, Element> encryptionKeys, TreeMap<String, KeyRecord> keys,
                       TreeMap<Long, Operation> operations, TreeMap<Integer, Long> lastContribution) {
        Wire.Reader r = new Wire.Reader(bytes);
        int version = r.i32();
        if (version != VERSION && version != VERSION_WITHOUT_PROOFS) {
            throw new Wire.MalformedException("threshold ledger version " + version + ", expected " + VERSION);
        }
        long next = r.i64();
        readElements(r, P256Group.INSTANCE, encryptionKeys);
        for (KeyRecord k : r.list(ThresholdLedger.KEYS_MAX, "keys", LedgerCodec::readKey)) {
            keys.put(k.name, k);
        }
        for (Operation op : r.list(ThresholdLedger.OPERATIONS_KEPT_MAX + ThresholdLedger.OPERATIONS_PENDING_MAX,
                "operations", x -> readOperation(x, version))) {
            operations.put(op.id, op);
        }
        for (int i = r.count(ThresholdOp.REPLICAS_MAX, "contributions"); i > 0; i--) {
            lastContribution.put(r.i32(), r.i64());
        }
        r.end("threshold ledger");
        return next;
    }

    private static KeyRecord readKey(Wire.Reader r) {
        KeyRecord k = new KeyRecord(r.string(ThresholdOp.NAME_BYTES_MAX, "key name"), Suite.byCode(r.u8()));
        Group g = k.suite.group();
        k.epoch = r.i32();
        k.kind = Kind.values()[r.u8()];
        k.phase = Phase.values()[r.u8()];
        k.epochStartMillis = r.i64();
        readElements(r, P256Group.INSTANCE, k.recipients);
        k.candidates.addAll(r.list(LIST_MAX, "candidates", LedgerCodec::readDealt));
        readInts(r, k.dealers);
        readInts(r, k.verdicts);
        readInts(r, k.disqualified);
        readInts(r, k.excluded);
        k.completeEpoch = r.i32();
        if (r.bool()) {
            k.publicKey = r.element(g, "public key");
        }
        k.verificationKeys = List.copyOf(r.list(LIST_MAX, "verification keys", x -> x.element(g, "verification key")));
        k.qualified = List.copyOf(r.list(LIST_MAX, "qualified", LedgerCodec::readDealt));
        readElements(r, P256Group.INSTANCE, k.qualifiedRecipients);
        k.qualifiedKind = Kind.values()[r.u8()];
        return k;
    }

    private static Operation readOperation(Wire.Reader r, int version) {
        long id = r.i64();
        Operation.Kind kind = Operation.Kind.values()[r.u8()];
        String key = r.string(ThresholdOp.NAME_BYTES_MAX, "key name");
        ThresholdOp request = ThresholdOp.decode(r.bytes(OP_BYTES_MAX, "request"));
        Operation op = new Operation(id, kind, key, request, r.i64());
        op.epoch = r.i32();
        if (version == VERSION_WITHOUT_PROOFS) {
            for (int i = r.count(LIST_MAX, "shares"); i > 0; i--) {
                int replica = r.i32();
                op.shares.put(replica, r.list(LIST_MAX, "share",
                        x -> new ProvenShare(x.element(P256Group.INSTANCE, "share"), null)));
            }
        } else {
            readProvenShares(r, op.shares);
        }
        for (int i = r.count(LIST_MAX, "faulty"); i > 0; i--) {
            op.faulty.put(r.i32(), r.string(OP_BYTES_MAX, "reason"));
        }
        if (r.bool()) {
            op.result = r.bytes(OP_BYTES_MAX, "result");
            op.doneMillis = r.i64();
        }
        op.round = r.i32();
        op.roundStartMillis = r.i64();
        for (int i = r.count(LIST_MAX, "commitments"); i > 0; i--) {
            int replica = r.i32();
            op.commitments.put(replica, (ThresholdOp.FrostCommit) ThresholdOp.decode(r.bytes(OP_BYTES_MAX, "commitment")));
        }
        for (int i = r.count(LIST_MAX, "signature shares"); i > 0; i--) {
            op.signatureShares.put(r.i32(), new java.math.BigInteger(r.bytes(64, "signature share")));
        }
        readInts(r, op.excluded);
        if (version != VERSION_WITHOUT_PROOFS) {
            readProvenShares(r, op.lateShares);
            readProvenShares(r, op.rejectedShares);
        }
        return op;
    }

    private static Dealt readDealt(Wire.Reader r) {
        int dealer = r.i32();
        return new Dealt(dealer, (ThresholdOp.Deal) ThresholdOp.decode(r.bytes(OP_BYTES_MAX, "dealing")));
    }

    private static void readElements(Wire.Reader r, Group g, Map<Integer, Element> into) {
        for (int i = r.count(LIST_MAX, "elements"); i > 0; i--) {
            into.put(r.i32(), r.element(g, "element"));
        }
    }

    private static void readInts(Wire.Reader r, TreeSet<Integer> into) {
        into.addAll(r.list(LIST_MAX, "ids", Wire.Reader::i32));
    }
}
