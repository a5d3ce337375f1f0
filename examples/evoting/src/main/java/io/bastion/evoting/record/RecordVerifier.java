package io.bastion.evoting.record;

import io.bastion.evoting.ballot.BallotFormatException;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.BallotVerifier;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.ballot.EncryptedBallot;
import io.bastion.evoting.ballot.Tracker;
import io.bastion.evoting.record.Report.Check;
import io.bastion.evoting.record.Report.Status;
import io.bastion.threshold.DecryptionTranscript;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.KeyTranscript;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.ShareChecks;
import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.math.BigInteger;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * Checks an election record end to end, with no replica involved (docs/evoting.md, "Verifying the
 * record"): that the ballots' parameters are the election's and its key's; that the public key and
 * the replicas' verification keys follow from the key's transcript; that every ballot is well formed,
 * signed by its credential and proven (docs/ballots.md), and its tracker the hash of its bytes;
 * that every ballot's credential is an eligible voter's, and that each voter's counted ballot is
 * their last; that the aggregate the replicas decrypted is the sum of exactly the counted ballots;
 * that every decryption share is proven against its replica's verification key, f+1 of them at
 * least, and the plaintexts recombine from them; that each plaintext is its count times G; and that
 * the published winner or tie is what the counts say.
 *
 * <p>The ballots are checked a chunk at a time on a fixed pool of threads; within a chunk all the
 * ballots' proof equations make one multi-scalar multiplication with the verifier's own random
 * weights ({@link BallotVerifier#verifyAll}), and only a chunk that fails is looked at ballot by
 * ballot, to name the bad ones. The verdict does not depend on the randomness except with
 * probability about 2^-128. A verifier is reusable; {@link #verify} may be called from several
 * threads.
 */
public final class RecordVerifier {
    /** Ballots per chunk: one multi-scalar multiplication each, and the unit of work a thread takes. */
    public static final int CHUNK_BALLOTS = 256;
    private static final P256Group GROUP = P256Group.INSTANCE;

    private final int threads;

    /** A verifier using every core. */
    public RecordVerifier() {
        this(Runtime.getRuntime().availableProcessors());
    }

    /** A verifier that checks ballots on {@code threads} threads. */
    public RecordVerifier(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread, not " + threads);
        }
        this.threads = threads;
    }

    /** Everything the record shows, checked; {@link Report#verified()} says whether it all holds. */
    public Report verify(ElectionRecord record) {
        List<Check> checks = new ArrayList<>();
        checks.add(election(record));
        checks.add(key(record));
        BallotVerdicts ballots = ballots(record);
        checks.add(ballots.ballotsCheck);
        checks.add(ballots.trackersCheck);
        Eligibility eligibility = eligibility(record);
        checks.add(eligibility.check);
        checks.add(counting(record, eligibility));
        checks.add(aggregate(record, ballots));
        Shares shares = shares(record);
        checks.add(shares.check);
        checks.add(decryption(record, shares));
        checks.add(counts(record));
        checks.add(result(record));
        return new Report(checks);
    }

    // ------------------------------------------------------------------ the election and its key

    private static Check election(ElectionRecord record) {
        ElectionInfo e = record.election();
        BallotParameters p = record.ballotParameters();
        String summary = "election " + e.id() + ", \"" + e.title() + "\": " + e.options().size() + " options, "
                + e.minChoices() + ".." + e.maxChoices() + " choices, " + e.state();
        List<String> problems = new ArrayList<>();
        if (p == null || record.key() == null) {
            problems.add("the election has no key: the record has no ballot parameters or key transcript");
        } else {
            if (p.electionId() != e.id() || p.options() != e.options().size() || p.minChoices() != e.minChoices()
                    || p.maxChoices() != e.maxChoices()) {
                problems.add("the ballot parameters (election " + p.electionId() + ", " + p.options() + " options, "
                        + p.minChoices() + ".." + p.maxChoices() + " choices) are not the election's");
            }
            if (!p.publicKey().equals(record.key().publicKey())) {
                problems.add("the ballots' public key is not the key transcript's public key");
            }
            if (!record.key().name().equals("election-" + e.id())) {
                problems.add("the key transcript is of key \"" + record.key().name() + "\", not election-" + e.id());
            }
        }
        if (e.options().stream().distinct().count() != e.options().size()) {
            problems.add("the election's options are not distinct");
        }
        return problems.isEmpty() ? new Check("election", Status.PASS, summary
                + "; the ballots' parameters are the election's and its key's", List.of())
                : new Check("election", Status.FAIL, summary, problems);
    }

    private static Check key(ElectionRecord record) {
        KeyTranscript key = record.key();
        if (key == null) {
            return new Check("key", Status.FAIL, "no key transcript", List.of("the election has no key"));
        }
        List<String> problems = key.problems();
        String summary = "the public key and " + key.verificationKeys().size() + " verification keys "
                + (problems.isEmpty() ? "follow" : "do not follow") + " from " + key.dealings().size()
                + " qualified dealings (epoch " + key.epoch() + ", " + (key.reshare() ? "a reshare: its dealers'"
                + " constant terms are their verification keys of the epoch before, which the ledger checked"
                : "key generation, each dealer's proof of knowledge checked") + ")";
        return new Check("key", problems.isEmpty() ? Status.PASS : Status.FAIL, summary, problems);
    }

    // ------------------------------------------------------------------ ballots

    /** What checking the ballots found: the two checks, and the sums of the counted ballots per option. */
    private record BallotVerdicts(Check ballotsCheck, Check trackersCheck, List<ElGamal.Ciphertext> countedSums,
                                  long countedUnsummed) {}

    /** One chunk's findings, by position in the chunk. */
    private record Chunk(String[] verdicts, String[] trackerProblems, List<List<Element>> alphas,
                         List<List<Element>> betas, long countedUnsummed) {}

    private BallotVerdicts ballots(ElectionRecord record) {
        List<BallotEntry> entries = record.ballots();
        BallotParameters parameters = record.ballotParameters();
        if (parameters == null || record.key() == null) {
            String why = entries.isEmpty() ? "no ballots, and no key to check any against"
                    : entries.size() + " ballots and no key to check them against";
            Status status = entries.isEmpty() ? Status.PASS : Status.FAIL;
            return new BallotVerdicts(new Check("ballots", status, why, List.of()),
                    new Check("trackers", status, why, List.of()), null, 0);
        }
        List<Chunk> chunks = verifyChunks(entries, parameters);
        List<String> refused = new ArrayList<>();
        List<String> trackerProblems = new ArrayList<>();
        int k = parameters.options();
        List<List<Element>> alphas = new ArrayList<>();
        List<List<Element>> betas = new ArrayList<>();
        for (int j = 0; j < k; j++) {
            alphas.add(new ArrayList<>());
            betas.add(new ArrayList<>());
        }
        long unsummed = 0;
        for (int c = 0; c < chunks.size(); c++) {
            Chunk chunk = chunks.get(c);
            for (int i = 0; i < chunk.verdicts().length; i++) {
                BallotEntry entry = entries.get(c * CHUNK_BALLOTS + i);
                if (chunk.verdicts()[i] != null) {
                    refused.add(describe(entry) + ": " + chunk.verdicts()[i]);
                }
                if (chunk.trackerProblems()[i] != null) {
                    trackerProblems.add(describe(entry) + ": " + chunk.trackerProblems()[i]);
                }
            }
            for (int j = 0; j < k; j++) {
                alphas.get(j).addAll(chunk.alphas().get(j));
                betas.get(j).addAll(chunk.betas().get(j));
            }
            unsummed += chunk.countedUnsummed();
        }
        trackerProblems.addAll(numbering(entries));
        List<ElGamal.Ciphertext> sums = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            sums.add(new ElGamal.Ciphertext(GROUP.sum(alphas.get(j)), GROUP.sum(betas.get(j))));
        }
        int total = entries.size();
        Check ballotsCheck = new Check("ballots", refused.isEmpty() ? Status.PASS : Status.FAIL,
                (total - refused.size()) + " of " + total + " ballots are well formed, signed by their credential"
                        + " and proven (each option 0 or 1, " + parameters.minChoices() + ".." + parameters.maxChoices()
                        + " choices)", refused);
        Check trackersCheck = new Check("trackers", trackerProblems.isEmpty() ? Status.PASS : Status.FAIL,
                trackerProblems.isEmpty() ? total + " trackers are the SHA-256 of their ballot's bytes, each ballot's"
                        + " credential is the one the box lists, numbered 1.." + total + " in order"
                        : trackerProblems.size() + " problems with trackers, credentials or numbering", trackerProblems);
        return new BallotVerdicts(ballotsCheck, trackersCheck, sums, unsummed);
    }

    /** The chunks' findings, in order, computed on the pool. */
    private List<Chunk> verifyChunks(List<BallotEntry> entries, BallotParameters parameters) {
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "record-verifier");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<Chunk>> futures = new ArrayList<>();
            for (int from = 0; from < entries.size(); from += CHUNK_BALLOTS) {
                List<BallotEntry> slice = entries.subList(from, Math.min(entries.size(), from + CHUNK_BALLOTS));
                futures.add(pool.submit(() -> chunk(slice, parameters)));
            }
            List<Chunk> chunks = new ArrayList<>(futures.size());
            for (Future<Chunk> future : futures) {
                chunks.add(future.get());
            }
            return chunks;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while verifying ballots", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("checking a chunk of ballots failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Reads, checks and (for the counted ones) adds up one chunk of ballots. */
    private static Chunk chunk(List<BallotEntry> entries, BallotParameters parameters) {
        int k = parameters.options();
        String[] verdicts = new String[entries.size()];
        String[] trackerProblems = new String[entries.size()];
        List<EncryptedBallot> parsed = new ArrayList<>(entries.size());
        List<Integer> positions = new ArrayList<>(entries.size());
        List<List<Element>> alphas = new ArrayList<>(k);
        List<List<Element>> betas = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            alphas.add(new ArrayList<>());
            betas.add(new ArrayList<>());
        }
        long unsummed = 0;
        for (int i = 0; i < entries.size(); i++) {
            BallotEntry entry = entries.get(i);
            EncryptedBallot ballot;
            try {
                ballot = BallotJson.parse(entry.ballotJson());
            } catch (BallotFormatException e) {
                verdicts[i] = "malformed: " + e.getMessage();
                trackerProblems[i] = "its tracker cannot be checked: the ballot is malformed";
                unsummed += entry.counted() ? 1 : 0;
                continue;
            }
            String tracker = Tracker.of(ballot.bytes()).hex();
            if (!tracker.equals(entry.tracker())) {
                trackerProblems[i] = "the tracker is not the SHA-256 of the ballot's bytes, which is " + tracker;
            } else if (!ballot.credential().equals(entry.credential())) {
                trackerProblems[i] = "the box lists one credential, the ballot carries another";
            }
            parsed.add(ballot);
            positions.add(i);
            if (entry.counted() && ballot.choices().size() == k) {
                for (int j = 0; j < k; j++) {
                    alphas.get(j).add(ballot.choices().get(j).alpha());
                    betas.get(j).add(ballot.choices().get(j).beta());
                }
            } else if (entry.counted()) {
                unsummed++;
            }
        }
        List<String> results = new BallotVerifier(parameters).verifyAll(parsed, random());
        for (int p = 0; p < positions.size(); p++) {
            verdicts[positions.get(p)] = results.get(p);
        }
        List<List<Element>> alphaSums = new ArrayList<>(k);
        List<List<Element>> betaSums = new ArrayList<>(k);
        for (int j = 0; j < k; j++) { // a partial sum per chunk: the elements themselves need not be kept
            alphaSums.add(List.of(GROUP.sum(alphas.get(j))));
            betaSums.add(List.of(GROUP.sum(betas.get(j))));
        }
        return new Chunk(verdicts, trackerProblems, alphaSums, betaSums, unsummed);
    }

    /** A fresh generator for one chunk's weights, seeded by the platform: unknown to whoever made the record. */
    private static SecureRandom random() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    /** Ballots numbered 1, 2, … in order, no tracker twice. */
    private static List<String> numbering(List<BallotEntry> entries) {
        List<String> problems = new ArrayList<>();
        Set<String> trackers = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            BallotEntry entry = entries.get(i);
            if (entry.number() != i + 1) {
                problems.add(describe(entry) + ": listed at place " + (i + 1) + " in the box, numbered "
                        + entry.number());
            }
            if (!trackers.add(entry.tracker())) {
                problems.add(describe(entry) + ": its tracker appears earlier in the box too");
            }
        }
        return problems;
    }

    // ------------------------------------------------------------------ who voted, and which ballot counts

    /** The voter each credential belongs to (index in the record's list). */
    private record Eligibility(Check check, Map<Credential, Integer> holder) {}

    private static Eligibility eligibility(ElectionRecord record) {
        List<String> problems = new ArrayList<>();
        Map<Credential, Integer> holder = new HashMap<>();
        List<VoterEntry> voters = record.voters();
        for (int v = 0; v < voters.size(); v++) {
            for (Credential credential : voters.get(v).credentials()) {
                Integer earlier = holder.putIfAbsent(credential, v);
                if (earlier != null && earlier != v) {
                    problems.add("voters " + (earlier + 1) + " and " + (v + 1) + " of the list share a credential");
                }
            }
        }
        if (voters.size() != record.eligible()) {
            problems.add("the list has " + voters.size() + " voters, the election " + record.eligible() + " eligible");
        }
        for (BallotEntry entry : record.ballots()) {
            if (!holder.containsKey(entry.credential())) {
                problems.add(describe(entry) + (entry.counted() ? " is counted, but its" : ": its")
                        + " credential is no eligible voter's");
            }
        }
        long enrolled = voters.stream().filter(VoterEntry::enrolled).count();
        String summary = problems.isEmpty()
                ? "every ballot's credential is an eligible voter's (" + voters.size() + " eligible, " + enrolled
                + " enrolled, " + holder.size() + " credentials)"
                : problems.size() + " problems with eligibility";
        return new Eligibility(new Check("eligibility", problems.isEmpty() ? Status.PASS : Status.FAIL, summary, problems),
                holder);
    }

    /**
     * One counted ballot per voter who cast any, and it is their last. A ballot whose credential is
     * no voter's (reported by the eligibility check) stands for a voter of its own, by credential.
     */
    private static Check counting(ElectionRecord record, Eligibility eligibility) {
        Map<Object, List<BallotEntry>> byVoter = new LinkedHashMap<>();
        for (BallotEntry entry : record.ballots()) {
            Object voter = eligibility.holder().containsKey(entry.credential())
                    ? eligibility.holder().get(entry.credential()) : entry.credential();
            byVoter.computeIfAbsent(voter, v -> new ArrayList<>()).add(entry);
        }
        List<String> problems = new ArrayList<>();
        long counted = 0;
        for (List<BallotEntry> cast : byVoter.values()) {
            List<BallotEntry> countedOnes = cast.stream().filter(BallotEntry::counted).toList();
            counted += countedOnes.size();
            BallotEntry last = cast.get(cast.size() - 1);
            if (countedOnes.size() > 1) {
                problems.add(countedOnes.size() + " ballots of one voter are counted: " + countedOnes.stream()
                        .map(RecordVerifier::describe).collect(Collectors.joining(", ")));
            } else if (countedOnes.isEmpty()) {
                problems.add("no ballot of the voter who cast " + cast.stream().map(RecordVerifier::describe)
                        .collect(Collectors.joining(", ")) + " is counted");
            } else if (countedOnes.get(0) != last) {
                problems.add(describe(countedOnes.get(0)) + " is counted, but the same voter cast " + describe(last)
                        + " after it");
            }
        }
        Long tallied = record.tally().counted();
        if (tallied != null && tallied != counted) {
            problems.add("the tally says it added up " + tallied + " ballots, the box marks " + counted + " counted");
        }
        String summary = problems.isEmpty() ? counted + " counted ballots: one per voter who voted, their last of "
                + record.ballots().size() + " cast" + (tallied == null ? "" : "; the tally added up " + tallied)
                : problems.size() + " problems with which ballots count";
        return new Check("counting", problems.isEmpty() ? Status.PASS : Status.FAIL, summary, problems);
    }

    // ------------------------------------------------------------------ the tally

    private static Check aggregate(ElectionRecord record, BallotVerdicts ballots) {
        TallyRecord tally = record.tally();
        long counted = record.ballots().stream().filter(BallotEntry::counted).count();
        DecryptionTranscript d = tally.decryption();
        if (d == null) {
            if (counted == 0 && tally.state().equals("done")) {
                return new Check("aggregate", Status.PASS, "no counted ballots: nothing to add up or decrypt", List.of());
            }
            return new Check("aggregate", Status.FAIL, "no aggregate", List.of(notTallied(tally)));
        }
        if (ballots.countedSums() == null) {
            return new Check("aggregate", Status.FAIL, "no ballot parameters to add ballots up with", List.of());
        }
        List<String> problems = new ArrayList<>();
        if (ballots.countedUnsummed() > 0) {
            problems.add(ballots.countedUnsummed() + " counted ballots cannot be read or have the wrong number of"
                    + " options, so cannot be added up");
        }
        List<String> options = record.election().options();
        if (d.ciphertexts().size() != ballots.countedSums().size()) {
            problems.add("the aggregate has " + d.ciphertexts().size() + " sums for " + ballots.countedSums().size()
                    + " options");
        } else {
            for (int j = 0; j < d.ciphertexts().size(); j++) {
                if (!d.ciphertexts().get(j).equals(ballots.countedSums().get(j))) {
                    problems.add("option " + j + " (" + option(options, j) + "): the aggregate is not the sum of the"
                            + " counted ballots");
                }
            }
        }
        return new Check("aggregate", problems.isEmpty() ? Status.PASS : Status.FAIL, problems.isEmpty()
                ? "the " + d.ciphertexts().size() + " sums the replicas decrypted are those of the " + counted
                + " counted ballots" : "the aggregate is not the counted ballots' sum", problems);
    }

    /** The decryption shares found valid, by replica, and the check that says so. */
    private record Shares(Check check, TreeMap<Integer, List<Element>> valid) {}

    private static Shares shares(ElectionRecord record) {
        DecryptionTranscript d = record.tally().decryption();
        KeyTranscript key = record.key();
        if (d == null || key == null) {
            boolean fine = d == null && record.tally().state().equals("done")
                    && record.ballots().stream().noneMatch(BallotEntry::counted);
            return new Shares(new Check("shares", fine ? Status.PASS : Status.FAIL, fine ? "no decryption, no shares"
                    : "no decryption shares", fine ? List.of() : List.of(notTallied(record.tally()))), new TreeMap<>());
        }
        if (d.epoch() != key.epoch()) {
            return new Shares(new Check("shares", Status.FAIL, "the shares cannot be checked against this key transcript",
                    List.of("the shares are proven against the verification keys of epoch " + d.epoch() + ", the key"
                            + " transcript is of epoch " + key.epoch() + " (the key was reshared after the tally)")),
                    new TreeMap<>());
        }
        TreeMap<Integer, List<Element>> valid = new TreeMap<>();
        List<Integer> bad = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        RecordJson.answers(d).forEach((replica, shares) -> {
            String problem = shareProblem(key, d, replica, shares);
            if (problem == null) {
                valid.put(replica, shares.stream().map(ProvenShare::share).toList());
            } else {
                bad.add(replica);
                notes.add("replica " + replica + "'s " + (d.usedShares().containsKey(replica) ? "" : "late ")
                        + "shares: " + problem);
            }
        });
        List<String> failures = new ArrayList<>();
        d.faulty().forEach((replica, reason) -> {
            List<ProvenShare> rejected = d.rejectedShares().get(replica);
            if (rejected == null) {
                notes.add("replica " + replica + " was caught by the cluster (" + reason + "); its shares are not kept");
            } else if (shareProblem(key, d, replica, rejected) == null) {
                failures.add("replica " + replica + " was named faulty (" + reason + "), but its shares verify");
            } else {
                notes.add("replica " + replica + " was caught by the cluster with bad shares (" + reason
                        + "); they fail here too");
            }
        });
        int needed = key.threshold();
        String summary = valid.size() + " replicas' shares (" + valid.keySet() + ") are proven against their"
                + " verification keys; " + needed + " needed";
        if (valid.size() < needed) {
            failures.add(0, "only " + valid.size() + " valid shares: a decryption needs " + needed);
        }
        if (!failures.isEmpty()) {
            failures.addAll(notes);
            return new Shares(new Check("shares", Status.FAIL, summary, failures), valid);
        }
        if (!bad.isEmpty()) {
            summary += "; bad shares from replicas " + bad + ": the result holds without them";
        }
        return new Shares(new Check("shares", notes.isEmpty() ? Status.PASS : Status.NOTE, summary, notes), valid);
    }

    private static String shareProblem(KeyTranscript key, DecryptionTranscript d, int replica, List<ProvenShare> shares) {
        if (replica >= key.verificationKeys().size()) {
            return "replica " + replica + " has no verification key";
        }
        return ShareChecks.problem(GROUP, key.verificationKeys().get(replica), d.bases(), shares, d.operation(),
                d.epoch(), replica);
    }

    private static Check decryption(ElectionRecord record, Shares shares) {
        DecryptionTranscript d = record.tally().decryption();
        if (d == null) {
            return new Check("decryption", shares.check().status() == Status.PASS ? Status.PASS : Status.FAIL,
                    "nothing was decrypted", shares.check().status() == Status.PASS ? List.of()
                    : List.of(notTallied(record.tally())));
        }
        if (d.plaintexts() == null) {
            return new Check("decryption", Status.FAIL, "no plaintexts", List.of(notTallied(record.tally())));
        }
        int needed = record.key() == null ? Integer.MAX_VALUE : record.key().threshold();
        if (shares.valid().size() < needed) {
            return new Check("decryption", Status.FAIL, "the plaintexts cannot be recombined",
                    List.of("too few valid shares to recombine the plaintexts"));
        }
        TreeMap<Integer, List<Element>> first = new TreeMap<>();
        for (Map.Entry<Integer, List<Element>> e : shares.valid().entrySet()) {
            if (first.size() < needed) {
                first.put(e.getKey(), e.getValue());
            }
        }
        List<Element> recombined = ShareChecks.plaintexts(d.ciphertexts(), first);
        List<String> problems = new ArrayList<>();
        if (recombined.size() != d.plaintexts().size()) {
            problems.add(d.plaintexts().size() + " plaintexts for " + recombined.size() + " sums");
        } else {
            for (int j = 0; j < recombined.size(); j++) {
                if (!recombined.get(j).equals(d.plaintexts().get(j))) {
                    problems.add("option " + j + " (" + option(record.election().options(), j) + "): the published"
                            + " plaintext is not what the shares give");
                }
            }
        }
        return new Check("decryption", problems.isEmpty() ? Status.PASS : Status.FAIL, "the " + recombined.size()
                + " plaintexts " + (problems.isEmpty() ? "are" : "are not") + " what the shares of replicas "
                + first.keySet() + " give (Lagrange interpolation in the exponent)", problems);
    }

    private static Check counts(ElectionRecord record) {
        ResultRecord result = record.result();
        if (result == null) {
            return new Check("counts", Status.FAIL, "no result", List.of(notTallied(record.tally())));
        }
        List<String> problems = new ArrayList<>();
        List<String> options = record.election().options();
        if (!result.options().equals(options)) {
            problems.add("the result's options " + result.options() + " are not the election's " + options);
        }
        DecryptionTranscript d = record.tally().decryption();
        long counted = record.ballots().stream().filter(BallotEntry::counted).count();
        if (d == null || d.plaintexts() == null) {
            if (result.votes().stream().anyMatch(v -> v != 0)) {
                problems.add("nothing was decrypted, yet the result has votes");
            }
        } else if (d.plaintexts().size() != result.votes().size()) {
            problems.add(d.plaintexts().size() + " decrypted sums for " + result.votes().size() + " counts");
        } else {
            for (int j = 0; j < result.votes().size(); j++) { // Tally.check's rule, option by option
                if (!GROUP.base(BigInteger.valueOf(result.votes().get(j))).equals(d.plaintexts().get(j))) {
                    problems.add("option " + j + " (" + option(options, j) + "): the decrypted sum is not "
                            + result.votes().get(j) + "·G");
                }
            }
        }
        for (int j = 0; j < result.votes().size(); j++) {
            if (result.votes().get(j) > counted) {
                problems.add("option " + j + " has " + result.votes().get(j) + " votes of " + counted + " ballots");
            }
        }
        String counts = java.util.stream.IntStream.range(0, Math.min(options.size(), result.votes().size()))
                .mapToObj(j -> options.get(j) + " " + result.votes().get(j)).collect(Collectors.joining(", "));
        return new Check("counts", problems.isEmpty() ? Status.PASS : Status.FAIL, (problems.isEmpty()
                ? "each decrypted sum is its count times G: " : "the counts do not match the decryption: ") + counts,
                problems);
    }

    private static Check result(ElectionRecord record) {
        ResultRecord result = record.result();
        if (result == null) {
            return new Check("result", Status.FAIL, "no result", List.of(notTallied(record.tally())));
        }
        List<String> problems = new ArrayList<>();
        ResultRecord.Leaders leaders = ResultRecord.leaders(result.options(), result.votes());
        String said = result.winner() != null ? result.winner() + " wins" : "a tie between " + result.tie();
        String counted = leaders.winner() != null ? leaders.winner() + " wins" : "a tie between " + leaders.tie();
        if (!java.util.Objects.equals(leaders.winner(), result.winner()) || !leaders.tie().equals(result.tie())) {
            problems.add("the result says " + said + "; the counts say " + counted);
        }
        DecryptionTranscript d = record.tally().decryption();
        List<Integer> used = d == null ? List.of() : List.copyOf(d.usedShares().keySet());
        if (!result.decryptedBy().equals(used)) {
            problems.add("the result says it was decrypted by replicas " + result.decryptedBy()
                    + ", the decryption used the shares of " + used);
        }
        return new Check("result", problems.isEmpty() ? Status.PASS : Status.FAIL, problems.isEmpty()
                ? said + ", as the counts say" + (used.isEmpty() ? "" : "; decrypted by replicas " + used)
                : "the published result does not follow from the counts", problems);
    }

    // ------------------------------------------------------------------ wording

    private static String notTallied(TallyRecord tally) {
        return "the tally is " + tally.state() + ": the record has no result to check; export it again once the"
                + " results are published";
    }

    private static String describe(BallotEntry entry) {
        return "ballot " + entry.number() + " (tracker " + entry.tracker() + ")";
    }

    private static String option(List<String> options, int j) {
        return j < options.size() ? options.get(j) : "no such option";
    }
}
