package io.bastion.threshold;

import io.bastion.threshold.KeyRecord.Dealt;
import io.bastion.threshold.KeyRecord.Kind;
import io.bastion.threshold.KeyRecord.Phase;
import io.bastion.threshold.ThresholdOp.*;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A replica's private half of the threshold facility. After each executed batch it reads the
 * ledger and says what this replica must submit — its enrollment, dealings, verdicts, proven
 * shares, FROST commitments and signature shares — made with the secrets only it holds
 * ({@link ShareStore}). The host signs each as a request of the replica's own client id and hands
 * it to its replica to be ordered like any request. Nothing here changes replicated state.
 *
 * <p>A contribution is submitted again after {@link #RESUBMIT_MILLIS} if the ledger still waits
 * for it (the request may have been lost with a view change). Owned by one thread.
 */
public class ThresholdAgent {
    public static final long RESUBMIT_MILLIS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(ThresholdAgent.class);

    protected final int replica;
    private final ShareStore store;
    protected final SecureRandom random;
    private final BigInteger encryptionSecret;
    private final Element encryptionKey;
    private final Map<String, Long> submitted = new HashMap<>();
    /** The "key/epoch"s this replica already said it holds no share of: said once each, not every retry. */
    private final Set<String> reportedMissing = new HashSet<>();
    private final ThresholdFrost frost;

    public ThresholdAgent(int replica, ShareStore store, SecureRandom random) {
        this.replica = replica;
        this.store = store;
        this.random = random;
        Optional<BigInteger> stored = store.encryptionSecret();
        if (stored.isEmpty()) {
            BigInteger fresh = ShareBox.GROUP.randomScalar(random);
            store.putEncryptionSecret(fresh);
            stored = Optional.of(fresh);
        }
        this.encryptionSecret = stored.get();
        this.encryptionKey = ShareBox.GROUP.base(encryptionSecret);
        this.frost = new ThresholdFrost(replica, random);
    }

    public int replica() {
        return replica;
    }

    /** What this replica should submit now, given the ledger after the last executed batch. */
    public List<ThresholdOp> due(ThresholdLedger ledger, long nowMillis) {
        List<ThresholdOp> out = new ArrayList<>();
        if (!ledger.encryptionKey(replica).map(encryptionKey::equals).orElse(false)) {
            offer(out, "enroll", nowMillis, () -> new Enroll(encryptionKey,
                    SchnorrProof.prove(ShareBox.GROUP, encryptionSecret, ThresholdLedger.enrollContext(replica), random)));
        }
        for (KeyRecord key : ledger.keyRecords()) {
            keyDue(ledger, key, nowMillis, out);
        }
        if (ledger.overdue(nowMillis)) {
            offer(out, "nudge", nowMillis, Nudge::new);
        }
        for (Operation op : ledger.operationRecords()) {
            if (!op.done()) {
                operationDue(ledger, op, nowMillis, out);
            }
        }
        return out;
    }

    private void keyDue(ThresholdLedger ledger, KeyRecord key, long nowMillis, List<ThresholdOp> out) {
        if (key.phase == Phase.DEALING && !key.dealers.contains(replica) && !key.excluded.contains(replica)) {
            offer(out, "deal/" + key.name + "/" + key.epoch, nowMillis, () -> makeDeal(ledger, key));
        }
        if (key.phase != Phase.DEALING && !key.verdicts.contains(replica) && isRecipient(key.recipients)
                && key.epoch != key.completeEpoch) {
            offer(out, "verdict/" + key.name + "/" + key.epoch, nowMillis, () -> makeVerdict(key));
        }
        if (key.usable() && store.share(key.name, key.completeEpoch).isEmpty()) {
            BigInteger share = assembleShare(key);
            if (share != null) {
                store.putShare(key.name, key.completeEpoch, share);
                store.forgetBefore(key.name, key.completeEpoch);
                LOG.info("replica {}: holds its share of threshold key {}, epoch {}", replica, key.name, key.completeEpoch);
            } else if (key.phase == Phase.COMPLETE) { // no share for this replica: ask for new shares for all
                if (reportedMissing.add(key.name + "/" + key.completeEpoch)) {
                    LOG.warn("replica {}: holds no share of threshold key {}, epoch {} (it was down or not enrolled when"
                            + " the shares were dealt, or its data directory was lost): asking for a reshare, which gives"
                            + " every replica a new share of the same key", replica, key.name, key.completeEpoch);
                }
                offer(out, "reshare/" + key.name + "/" + key.completeEpoch, nowMillis, () -> new Reshare(key.name));
            }
        }
    }

    private boolean isRecipient(Map<Integer, Element> recipients) {
        return encryptionKey.equals(recipients.get(replica));
    }

    /** This replica's dealing for the key's open round, or {@code null} when it has nothing to deal. */
    protected Deal makeDeal(ThresholdLedger ledger, KeyRecord key) {
        BigInteger secret;
        if (key.kind == Kind.KEYGEN) {
            if (!isRecipient(key.recipients)) {
                return null;
            }
            secret = key.group().randomScalar(random);
        } else {
            secret = store.share(key.name, key.completeEpoch).orElse(null);
            if (secret == null) {
                return null;
            }
        }
        return Dealings.deal(key.name, key.suite, key.epoch, replica, secret, key.kind == Kind.KEYGEN,
                key.recipients, ledger.n(), ledger.threshold(), random);
    }

    /** A verdict on the candidates: a proven complaint for each box that does not hold a good share. */
    protected Verdict makeVerdict(KeyRecord key) {
        List<Complaint> complaints = new ArrayList<>();
        for (Dealt dealt : key.candidates) {
            if (openOwn(key.suite, dealt, key.epoch) == null) {
                complaints.add(complaint(key, dealt));
            }
        }
        return new Verdict(key.name, key.epoch, complaints);
    }

    protected Complaint complaint(KeyRecord key, Dealt dealt) {
        Element shared = dealt.deal().ephemeral().multiply(encryptionSecret);
        DleqProof proof = DleqProof.prove(ShareBox.GROUP.generator(), dealt.deal().ephemeral(), encryptionSecret,
                Dealings.boxContext(key.name, key.suite, key.epoch, dealt.dealer(), replica), random);
        return new Complaint(dealt.dealer(), shared, proof);
    }

    private BigInteger openOwn(Suite suite, Dealt dealt, int epoch) {
        Element shared = dealt.deal().ephemeral().multiply(encryptionSecret);
        return Dealings.openShare(suite, dealt.deal(), dealt.dealer(), replica, shared, epoch);
    }

    /** This replica's share of the completed epoch, checked against its verification key; or {@code null}. */
    private BigInteger assembleShare(KeyRecord key) {
        if (!isRecipient(key.qualifiedRecipients)) {
            return null;
        }
        List<BigInteger> weights = KeyRecord.weights(key.qualifiedKind, key.qualified, key.group());
        BigInteger share = BigInteger.ZERO;
        for (int k = 0; k < key.qualified.size(); k++) {
            BigInteger part = openOwn(key.suite, key.qualified.get(k), key.completeEpoch);
            if (part == null) {
                return null;
            }
            share = share.add(part.multiply(weights.get(k)));
        }
        share = key.group().reduce(share);
        return key.group().base(share).equals(key.verificationKeys.get(replica)) ? share : null;
    }

    private void operationDue(ThresholdLedger ledger, Operation op, long nowMillis, List<ThresholdOp> out) {
        KeyRecord key = ledger.keyRecord(op.key);
        if (key == null || !key.usable() || op.epoch != key.completeEpoch || op.faulty.containsKey(replica)) {
            return;
        }
        BigInteger share = store.share(key.name, key.completeEpoch).orElse(null);
        if (share == null) {
            return;
        }
        if (op.kind == Operation.Kind.SIGN) {
            frost.due(ledger, key, op, share, nowMillis, this, out);
            return;
        }
        if (!op.shares.containsKey(replica)) {
            offer(out, "shares/" + op.id + "/" + op.epoch, nowMillis, () -> makeShares(ledger, key, op, share));
        }
    }

    /** This replica's proven shares for a decryption or coin. */
    protected Shares makeShares(ThresholdLedger ledger, KeyRecord key, Operation op, BigInteger share) {
        return new Shares(op.id, op.epoch, ShareChecks.make(key.group(), ledger.bases(op), share, op.id, op.epoch,
                replica, random));
    }

    /** The secret this replica signs FROST shares with: its share. */
    protected BigInteger signingSecret(BigInteger share) {
        return share;
    }

    /** Adds {@code op} unless it was submitted less than {@link #RESUBMIT_MILLIS} ago. */
    void offer(List<ThresholdOp> out, String what, long nowMillis, java.util.function.Supplier<ThresholdOp> op) {
        Long last = submitted.get(what);
        if (last != null && nowMillis - last < RESUBMIT_MILLIS) {
            return;
        }
        submitted.put(what, nowMillis);
        if (submitted.size() > 4096) { // forget the oldest memories; at worst a contribution goes again
            submitted.clear();
            submitted.put(what, nowMillis);
        }
        ThresholdOp made = op.get();
        if (made != null) {
            out.add(made);
        }
    }
}
