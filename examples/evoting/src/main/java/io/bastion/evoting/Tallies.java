package io.bastion.evoting;

import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.Tally;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.Suite;
import io.bastion.threshold.Threshold;
import io.bastion.threshold.ThresholdLedger;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the service asks of the cluster's threshold facility, and when: a key per election, and,
 * once an election has closed, the decryption of the homomorphic sums of its counted ballots — never
 * of anything else, so no single ballot is ever decrypted, and nothing before the close. Every
 * ordered request first runs {@link #upkeep}, which asks for what is due (a key that could not be
 * asked for yet, the tally of an election whose close time passed) and stores a tally whose
 * decryption is done. Deterministic, like all the service does: it reads only the database, the
 * ledger in it and the request's context.
 */
final class Tallies {
    /** Where a tally stands as a reader sees it: the counts when they exist, and who decrypted them. */
    record Outcome(Elections.TallyState state, List<Long> counts, List<Integer> decryptedBy,
                   TreeMap<Integer, String> faulty) {}

    private Tallies() {}

    /** Asks for what is due before an ordered request runs. */
    static void upkeep(Threshold threshold, Connection c, ServiceContext context) throws SQLException {
        long now = context.timeMillis();
        for (long id : Elections.withoutKeyRequest(c, now)) {
            if (!requestKey(threshold, c, Elections.require(c, id), context)) {
                break; // the ledger refuses keys for now (too few replicas enrolled): all would fail alike
            }
        }
        for (long id : Elections.closedUntallied(c, now)) {
            begin(threshold, c, Elections.require(c, id), context);
        }
        for (long id : Elections.tallying(c)) {
            Outcome outcome = decrypted(threshold, Elections.require(c, id)); // requested: there were ballots
            if (outcome.state() == Elections.TallyState.DONE) {
                Elections.tallied(c, id, outcome.counts());
            } else if (outcome.state() == Elections.TallyState.FAILED) {
                Elections.setTally(c, id, Elections.TallyState.FAILED);
            }
        }
    }

    /**
     * Asks for the election's key, unless asked already; whether it was asked for. A refusal (fewer
     * than 2f+1 replicas have enrolled their share-box keys, as just after the cluster starts) leaves
     * it to a later request.
     */
    static boolean requestKey(Threshold threshold, Connection c, Elections.Election election, ServiceContext context)
            throws SQLException {
        if (election.keyRequested()) {
            return true;
        }
        try {
            threshold.requestKey(election.keyName(), Suite.P256, context);
        } catch (Threshold.RefusedException notYet) {
            return false;
        }
        Elections.keyRequested(c, election.id());
        return true;
    }

    /** The election's public key, once the replicas have made it. */
    static Optional<Element> publicKey(Threshold threshold, Elections.Election election) {
        return threshold.key(election.keyName()).map(ThresholdLedger.KeyInfo::publicKey);
    }

    /**
     * Begins the tally of a closed election: asks the replicas to decrypt the sums of its counted
     * ballots per option, which casting kept up to date ({@link CountedSums}), so that closing costs
     * the same whatever the number of ballots. With no ballots there is nothing to decrypt: every
     * count is 0. A refused decryption is asked for again by a later request.
     */
    static void begin(Threshold threshold, Connection c, Elections.Election election, ServiceContext context)
            throws SQLException {
        long counted = Ballots.voted(c, election.id());
        if (counted == 0) {
            Elections.tallyRequested(c, election.id(), null, 0);
            Elections.tallied(c, election.id(), java.util.Collections.nCopies(election.options().size(), 0L));
            return;
        }
        List<ElGamal.Ciphertext> sums = CountedSums.of(c, election.id());
        long operation;
        try {
            operation = threshold.requestDecryption(election.keyName(), sums, context);
        } catch (Threshold.RefusedException later) {
            return;
        }
        Elections.tallyRequested(c, election.id(), operation, counted);
    }

    /**
     * Where the election's tally stands: the stored counts once done; while requested, what the
     * ledger holds (the counts as soon as the decryption is done, before an ordered request stores
     * them). Who decrypted, and which replicas were caught, always come from the ledger.
     */
    static Outcome outcome(Threshold threshold, Connection c, Elections.Election election) throws SQLException {
        if (election.tally() == Elections.TallyState.REQUESTED) {
            return decrypted(threshold, election);
        }
        if (election.tally() == Elections.TallyState.NONE) {
            return new Outcome(Elections.TallyState.NONE, null, List.of(), new TreeMap<>());
        }
        Optional<ThresholdLedger.Result> result = decryption(threshold, election);
        List<Integer> decryptedBy = result.map(ThresholdLedger.Result::contributors).orElse(List.of());
        TreeMap<Integer, String> faulty = result.map(ThresholdLedger.Result::faulty).orElse(new TreeMap<>());
        List<Long> counts = election.tally() == Elections.TallyState.DONE ? Elections.storedCounts(c, election.id())
                : null;
        return new Outcome(election.tally(), counts, decryptedBy, faulty);
    }

    /** The decryption's counts (found by search, checked with {@link Tally#check}) as soon as it is done. */
    private static Outcome decrypted(Threshold threshold, Elections.Election election) {
        ThresholdLedger.Result result = decryption(threshold, election).orElseThrow();
        if (!result.done()) {
            return new Outcome(Elections.TallyState.REQUESTED, null, List.of(), result.faulty());
        }
        List<Element> plaintexts = result.plaintexts();
        Optional<List<Long>> counts = Tally.counts(plaintexts, election.tallyBallots());
        if (counts.isEmpty() || Tally.check(plaintexts, counts.get()) != null) {
            return new Outcome(Elections.TallyState.FAILED, null, result.contributors(), result.faulty());
        }
        return new Outcome(Elections.TallyState.DONE, counts.get(), result.contributors(), result.faulty());
    }

    /** The threshold operation decrypting the election's sums; empty when there were no ballots to decrypt. */
    private static Optional<ThresholdLedger.Result> decryption(Threshold threshold, Elections.Election election) {
        if (election.tallyOperation() == null) {
            return Optional.empty();
        }
        // the ledger keeps every operation: fewer elections than it keeps operations (TalliesLimitsTest)
        return Optional.of(threshold.result(election.tallyOperation()).orElseThrow(() -> new IllegalStateException(
                "the ledger lost tally operation " + election.tallyOperation() + " of election " + election.id())));
    }
}
