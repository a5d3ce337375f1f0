package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.FrostCommit;
import io.bastion.threshold.ThresholdOp.FrostShare;
import io.bastion.threshold.ThresholdOp.Sign;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A replica's side of FROST signing: it commits to fresh nonces for an attempt, and signs once the
 * attempt's signers are fixed with its own commitment among them. Nonces live in memory only and
 * sign once; a replica that restarted between the rounds has lost them and stays silent, so the
 * ledger leaves it out of the next attempt. Owned by the agent's thread.
 */
final class ThresholdFrost {
    private static final int ATTEMPTS_KEPT_MAX = 1024;
    private final int replica;
    private final SecureRandom random;
    private final Map<String, FrostNonces> nonces = new HashMap<>();
    private final Map<String, BigInteger> signed = new HashMap<>();

    ThresholdFrost(int replica, SecureRandom random) {
        this.replica = replica;
        this.random = random;
    }

    void due(ThresholdLedger ledger, KeyRecord key, Operation op, BigInteger share, long nowMillis,
             ThresholdAgent agent, List<ThresholdOp> out) {
        String attempt = op.id + "/" + op.round;
        FrostSuite suite = ThresholdSigning.frostSuite(key.suite);
        BigInteger id = BigInteger.valueOf(replica + 1L);
        if (op.commitments.size() < ledger.threshold() && !op.commitments.containsKey(replica)
                && !op.excluded.contains(replica)) {
            if (nonces.size() >= ATTEMPTS_KEPT_MAX) { // attempts of finished or restarted operations go
                nonces.keySet().removeIf(a -> !a.startsWith(op.id + "/"));
                signed.keySet().removeIf(a -> !a.startsWith(op.id + "/"));
            }
            FrostNonces mine = nonces.computeIfAbsent(attempt, a -> Frost.commit(suite, id, share, random));
            agent.offer(out, "frost-commit/" + attempt, nowMillis, () -> new FrostCommit(op.id, op.round,
                    mine.commitment().hiding(), mine.commitment().binding()));
            return;
        }
        FrostNonces mine = nonces.get(attempt);
        FrostCommit ordered = op.commitments.get(replica);
        if (op.commitments.size() < ledger.threshold() || ordered == null || op.signatureShares.containsKey(replica)
                || mine == null || !mine.commitment().hiding().equals(ordered.hiding())) {
            return;
        }
        BigInteger z = signed.computeIfAbsent(attempt, a -> Frost.sign(suite, id, agent.signingSecret(share), mine,
                ((Sign) op.request).message(), ThresholdSigning.commitmentList(op), key.publicKey));
        agent.offer(out, "frost-share/" + attempt, nowMillis, () -> new FrostShare(op.id, op.round, key.suite, z));
    }
}
