package io.bastion.threshold;

import io.bastion.threshold.KeyRecord.Dealt;
import io.bastion.threshold.KeyRecord.Kind;
import io.bastion.threshold.ThresholdOp.Complaint;
import io.bastion.threshold.ThresholdOp.Deal;
import io.bastion.threshold.ThresholdOp.Shares;
import io.bastion.threshold.ThresholdOp.Verdict;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * A Byzantine replica's agent, for the simulator and tests: it runs the honest agent and departs
 * from it in one of the ways the threshold facility must survive. It signs what it sends with its
 * own key and knows only its own secrets, like any faulty replica.
 */
public final class FaultyThresholdAgent extends ThresholdAgent {
    /** How the replica misbehaves. */
    public enum Fault {
        /** Submits nothing at all: no enrollment, dealing, verdict or share. */
        WITHHOLD,
        /** Deals a wrong share to {@code victim}. */
        BAD_DEALING,
        /** Complains, with a valid proof, about every candidate's good box. */
        FALSE_COMPLAINT,
        /** Sends decryption, coin and signature shares made with a wrong secret. */
        BAD_SHARES
    }

    private final Fault fault;
    private final int victim;

    public FaultyThresholdAgent(int replica, ShareStore store, SecureRandom random, Fault fault, int victim) {
        super(replica, store, random);
        this.fault = fault;
        this.victim = victim;
    }

    public Fault fault() {
        return fault;
    }

    @Override
    public List<ThresholdOp> due(ThresholdLedger ledger, long nowMillis) {
        return fault == Fault.WITHHOLD ? List.of() : super.due(ledger, nowMillis);
    }

    @Override
    protected Deal makeDeal(ThresholdLedger ledger, KeyRecord key) {
        Deal honest = super.makeDeal(ledger, key);
        if (fault != Fault.BAD_DEALING || honest == null || key.kind != Kind.KEYGEN) {
            return honest;
        }
        return Dealings.deal(key.name, key.suite, key.epoch, replica, key.group().randomScalar(random), true,
                key.recipients, ledger.n(), ledger.threshold(), random, victim);
    }

    @Override
    protected Verdict makeVerdict(KeyRecord key) {
        if (fault != Fault.FALSE_COMPLAINT) {
            return super.makeVerdict(key);
        }
        List<Complaint> complaints = new ArrayList<>();
        for (Dealt dealt : key.candidates) {
            if (dealt.dealer() != replica) {
                complaints.add(complaint(key, dealt));
            }
        }
        return new Verdict(key.name, key.epoch, complaints);
    }

    @Override
    protected Shares makeShares(ThresholdLedger ledger, KeyRecord key, Operation op, BigInteger share) {
        return super.makeShares(ledger, key, op, fault == Fault.BAD_SHARES ? share.add(BigInteger.ONE) : share);
    }

    @Override
    protected BigInteger signingSecret(BigInteger share) {
        return fault == Fault.BAD_SHARES ? share.add(BigInteger.ONE) : share;
    }
}
