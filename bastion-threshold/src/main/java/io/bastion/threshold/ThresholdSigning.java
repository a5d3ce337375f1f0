package io.bastion.threshold;

import io.bastion.threshold.ThresholdLedger.Outcome;
import io.bastion.threshold.ThresholdOp.FrostCommit;
import io.bastion.threshold.ThresholdOp.FrostShare;
import io.bastion.threshold.ThresholdOp.Sign;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * FROST signing (RFC 9591) on the ledger, two ordered rounds per attempt: the first f+1
 * replicas whose nonce commitments are ordered are the signers; each then submits its signature
 * share, checked against its verification key at once. A bad share names its replica and starts a
 * new attempt without it; signers that have not answered {@link ThresholdLedger#SIGNING_ROUND_MILLIS}
 * (agreed time) after the signers were fixed are left out of the next attempt. The aggregate is an
 * ordinary Schnorr signature: for an edwards25519 key, an Ed25519 signature.
 */
final class ThresholdSigning {
    private ThresholdSigning() {}

    static FrostSuite frostSuite(Suite suite) {
        return suite == Suite.ED25519 ? FrostSuite.ED25519_SHA512 : FrostSuite.P256_SHA256;
    }

    static Outcome commit(ThresholdLedger ledger, FrostCommit c, int replica, long nowMillis) {
        Operation op = ledger.operation(c.operation());
        if (op == null || op.done() || op.kind != Operation.Kind.SIGN) {
            return Outcome.refused("no signature " + c.operation() + " pending");
        }
        KeyRecord key = ledger.keyRecord(op.key);
        if (c.round() != op.round || op.epoch != key.completeEpoch) {
            return Outcome.refused("commitment for round " + c.round() + ", signature " + op.id + " is in round " + op.round);
        }
        if (op.commitments.size() >= ledger.threshold() || op.commitments.containsKey(replica)
                || op.excluded.contains(replica) || replica >= ledger.n()) {
            return Outcome.refused("replica " + replica + " does not sign in this round");
        }
        if (c.hiding().group() != key.group() || c.hiding().isIdentity() || c.binding().isIdentity()) {
            return Outcome.refused("commitment not in " + key.group() + " or the identity");
        }
        op.commitments.put(replica, c);
        if (op.commitments.size() == ledger.threshold()) {
            op.roundStartMillis = nowMillis;
        }
        return Outcome.ok("commitment of replica " + replica + " accepted");
    }

    static Outcome share(ThresholdLedger ledger, FrostShare s, int replica, long nowMillis) {
        Operation op = ledger.operation(s.operation());
        if (op == null || op.done() || op.kind != Operation.Kind.SIGN) {
            return Outcome.refused("no signature " + s.operation() + " pending");
        }
        KeyRecord key = ledger.keyRecord(op.key);
        if (s.round() != op.round || op.commitments.size() < ledger.threshold() || !op.commitments.containsKey(replica)
                || op.signatureShares.containsKey(replica) || s.suite() != key.suite) {
            return Outcome.refused("replica " + replica + " is no signer of round " + s.round() + " of signature " + op.id);
        }
        FrostSuite suite = frostSuite(key.suite);
        List<FrostCommitment> list = commitmentList(op);
        byte[] message = ((Sign) op.request).message();
        BigInteger id = BigInteger.valueOf(replica + 1L);
        if (!Frost.verifyShare(suite, id, key.verificationKeys.get(replica), s.share(), list, message, key.publicKey)) {
            op.faulty.put(replica, "bad signature share in round " + op.round);
            op.excluded.add(replica);
            restart(ledger, op, nowMillis);
            return Outcome.refused("replica " + replica + " is faulty: its signature share does not verify");
        }
        op.signatureShares.put(replica, s.share());
        if (op.signatureShares.size() == ledger.threshold()) {
            Map<BigInteger, BigInteger> shares = new TreeMap<>();
            op.signatureShares.forEach((r, z) -> shares.put(BigInteger.valueOf(r + 1L), z));
            op.result = Frost.aggregate(suite, list, message, key.publicKey, shares);
            op.doneMillis = nowMillis;
        }
        return Outcome.ok("signature share of replica " + replica + " accepted");
    }

    /**
     * Starts a new attempt when this one ran past its time: signers that committed and did not
     * sign sit the next attempt out (their nonces may be lost), replicas caught with bad shares
     * stay out; everyone else may commit again.
     */
    static void expire(ThresholdLedger ledger, Operation op, long nowMillis) {
        if (nowMillis - op.roundStartMillis <= ThresholdLedger.SIGNING_ROUND_MILLIS) {
            return;
        }
        java.util.TreeSet<Integer> silent = new java.util.TreeSet<>();
        if (op.commitments.size() >= ledger.threshold()) {
            for (int signer : op.commitments.keySet()) {
                if (!op.signatureShares.containsKey(signer)) {
                    silent.add(signer);
                }
            }
        }
        op.excluded.retainAll(op.faulty.keySet());
        op.excluded.addAll(silent);
        restart(ledger, op, nowMillis);
    }

    private static void restart(ThresholdLedger ledger, Operation op, long nowMillis) {
        if (ledger.n() - op.excluded.size() < ledger.threshold()) { // too few left: only the proven faulty stay out
            op.excluded.retainAll(op.faulty.keySet());
        }
        op.restart(op.epoch, nowMillis);
    }

    static List<FrostCommitment> commitmentList(Operation op) {
        List<FrostCommitment> list = new ArrayList<>();
        op.commitments.forEach((r, c) -> list.add(new FrostCommitment(BigInteger.valueOf(r + 1L), c.hiding(), c.binding())));
        return list;
    }
}
