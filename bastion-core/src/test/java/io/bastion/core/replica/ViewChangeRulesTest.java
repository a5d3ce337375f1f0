package io.bastion.core.replica;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static io.bastion.core.replica.SignedMessages.checkpoint;
import static io.bastion.core.replica.SignedMessages.checkpoints;
import static io.bastion.core.replica.SignedMessages.digest;
import static io.bastion.core.replica.SignedMessages.first;
import static io.bastion.core.replica.SignedMessages.prePrepare;
import static io.bastion.core.replica.SignedMessages.prepare;
import static io.bastion.core.replica.SignedMessages.prepared;
import static io.bastion.core.replica.SignedMessages.request;
import static io.bastion.core.replica.SignedMessages.entry;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The view-change rules as tables: what makes a VIEW-CHANGE malformed, what a NEW-VIEW must
 * re-propose, and which NEW-VIEWs follow from the view changes they carry. Checkpoints every 4
 * seqs, a window of 8, at most 3 requests per batch. Batches are named by letters; batch x has
 * its own time, seed and request, so a re-proposal that changed any of them shows.
 */
class ViewChangeRulesTest {
    private static final int K = 4;
    private static final int LOG_SIZE = 8;
    private static final int BATCH_MAX = 3;
    private static final ProtocolSettings SETTINGS =
            ProtocolSettings.DEFAULTS.withCheckpointInterval(K, LOG_SIZE).withBatching(BATCH_MAX, 2);
    /** The view the view changes in these tables ask for; its primary is replica 3 for n = 4 and 7. */
    private static final int NEW_VIEW = 3;

    private static ViewChangeRules rules(Quorums q) {
        return new ViewChangeRules(q, SETTINGS);
    }

    // ------------------------------------------------------------------ named batches

    private static long time(char name) {
        return 1_767_225_600_000L + 1_000L * name;
    }

    private static long seed(char name) {
        return 31L * name - 5;
    }

    private static List<BatchEntry> entries(char name) {
        return List.of(entry(request(1000 + name, 1, 8)));
    }

    private static PrePrepare batch(int view, long seq, char name) {
        return new PrePrepare(view, seq, time(name), seed(name), entries(name));
    }

    private static PreparedProof proof(Quorums q, int view, long seq, char name) {
        return prepared(q, batch(view, seq, name));
    }

    /** A proof for batch a at seq 5 in view 1 whose prepares {@code change} altered. */
    private static PreparedProof proofWithPrepares(Quorums q, UnaryOperator<List<Envelope<Prepare>>> change) {
        PreparedProof good = proof(q, 1, 5, 'a');
        return new PreparedProof(good.prePrepare(), change.apply(new ArrayList<>(good.prepares())));
    }

    private static Digest batchDigestOfA() {
        return Codec.batchDigest(batch(1, 5, 'a'));
    }

    private static <T> List<T> plus(List<T> list, T extra) {
        List<T> out = new ArrayList<>(list);
        out.add(extra);
        return out;
    }

    private static <T> List<T> replaceFirst(List<T> list, T replacement) {
        List<T> out = new ArrayList<>(list);
        out.set(0, replacement);
        return out;
    }

    // ------------------------------------------------------------------ problem(ViewChange)

    /**
     * Replica 1 asks for view 3 from the stable checkpoint at 4 (proved by 2f+1 checkpoints), with
     * batch a prepared at 5 in view 1 and batch b at 6 in view 2.
     */
    private static ViewChange base(Quorums q) {
        return SignedMessages.viewChange(q, 1, NEW_VIEW, 4, List.of(proof(q, 1, 5, 'a'), proof(q, 2, 6, 'b')));
    }

    private static ViewChange withPrepared(Quorums q, PreparedProof... prepared) {
        ViewChange b = base(q);
        return new ViewChange(b.replicaId(), b.newView(), b.stableSeq(), b.stableDigest(), b.checkpointProof(),
                List.of(prepared));
    }

    private static ViewChange withCheckpointProof(Quorums q, List<Envelope<Checkpoint>> proof) {
        ViewChange b = base(q);
        return new ViewChange(b.replicaId(), b.newView(), b.stableSeq(), b.stableDigest(), proof, b.prepared());
    }

    private static ViewChange withStable(Quorums q, long seq, Digest digest, List<Envelope<Checkpoint>> proof) {
        ViewChange b = base(q);
        return new ViewChange(b.replicaId(), b.newView(), seq, digest, proof, b.prepared());
    }

    private static ViewChange from(int replica, int newView) {
        return new ViewChange(replica, newView, 0, Digest.ZERO, List.of(), List.of());
    }

    /** One row: a view change built for a cluster, and a pattern found in its problem (null: it has none). */
    record Row(String description, Function<Quorums, ViewChange> build, String problem) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Row> viewChangeRows() {
        Digest s4 = digest("state 4");
        return List.of(
                new Row("a proved checkpoint and batches prepared in two views",
                        ViewChangeRulesTest::base, null),
                new Row("no prepared batches", q -> withPrepared(q), null),
                new Row("the initial state without a proof, and proofs from seq 1 to the high watermark",
                        q -> new ViewChange(1, NEW_VIEW, 0, Digest.ZERO, List.of(),
                                List.of(proof(q, 1, 1, 'a'), proof(q, 2, LOG_SIZE, 'b'))), null),
                new Row("a proof at the high watermark", q -> withPrepared(q, proof(q, 1, 4 + LOG_SIZE, 'a')), null),
                new Row("gaps between the prepared seqs", q -> withPrepared(q, proof(q, 1, 5, 'a'), proof(q, 1, 9, 'b')),
                        null),
                new Row("every replica's checkpoint in the proof",
                        q -> withCheckpointProof(q, checkpoints(4, s4, first(q.n()))), null),
                new Row("every backup's prepare in a proof", q -> withPrepared(q,
                        new PreparedProof(prePrepare(q, batch(1, 5, 'a')),
                                SignedMessages.prepares(q, batch(1, 5, 'a'), q.n() - 1))), null),
                new Row("a null batch prepared", q -> withPrepared(q, prepared(q, new PrePrepare(1, 5, 0, 0, List.of()))),
                        null),
                new Row("a batch as large as a batch may be", q -> withPrepared(q, prepared(q, batchOf(BATCH_MAX))), null),

                new Row("view 0", q -> from(1, 0), "view 0 from replica 1"),
                new Row("a negative view", q -> from(1, -1), "view -1 from replica 1"),
                new Row("a negative replica", q -> from(-1, NEW_VIEW), "from replica -1"),
                new Row("replica n", q -> from(q.n(), NEW_VIEW), "view 3 from replica (4|7)$"),
                new Row("a stable seq that is not at a checkpoint interval",
                        q -> withStable(q, 3, s4, checkpoints(3, s4, first(q.stableCheckpoint()))), "not at an interval"),
                new Row("a negative stable seq",
                        q -> withStable(q, -4, s4, checkpoints(-4, s4, first(q.stableCheckpoint()))), "not at an interval"),
                new Row("a checkpoint of another digest in the proof", q -> withCheckpointProof(q,
                        replaceFirst(checkpoints(4, s4, first(q.stableCheckpoint())), checkpoint(0, 4, digest("forged")))),
                        "mismatched or repeated checkpoint"),
                new Row("a checkpoint of another seq in the proof", q -> withCheckpointProof(q,
                        replaceFirst(checkpoints(4, s4, first(q.stableCheckpoint())), checkpoint(0, 8, s4))),
                        "mismatched or repeated checkpoint"),
                new Row("one signer twice among 2f+1 others in the proof", q -> withCheckpointProof(q,
                        plus(checkpoints(4, s4, first(q.stableCheckpoint())), checkpoint(0, 4, s4))),
                        "mismatched or repeated checkpoint"),
                new Row("one checkpoint fewer than 2f+1",
                        q -> withCheckpointProof(q, checkpoints(4, s4, first(q.stableCheckpoint() - 1))),
                        "checkpoint proof for 4 has \\d+ checkpoints"),
                new Row("the initial state with a checkpoint proof",
                        q -> withStable(q, 0, Digest.ZERO, List.of(checkpoint(0, 0, Digest.ZERO))),
                        "the initial state needs no checkpoint proof"),
                new Row("prepared proofs out of order", q -> withPrepared(q, proof(q, 1, 6, 'b'), proof(q, 1, 5, 'a')),
                        "seq 5 out of order or outside the window"),
                new Row("two prepared proofs for one seq", q -> withPrepared(q, proof(q, 1, 5, 'a'), proof(q, 2, 5, 'b')),
                        "seq 5 out of order or outside the window"),
                new Row("a prepared proof at the stable seq", q -> withPrepared(q, proof(q, 1, 4, 'a')),
                        "seq 4 out of order or outside the window"),
                new Row("a prepared proof above the high watermark", q -> withPrepared(q, proof(q, 1, 4 + LOG_SIZE + 1, 'a')),
                        "seq 13 out of order or outside the window"),
                new Row("a pre-prepare of the new view itself", q -> withPrepared(q, proof(q, NEW_VIEW, 5, 'a')),
                        "prepared proof from view 3 for new view 3"),
                new Row("a pre-prepare of a later view", q -> withPrepared(q, proof(q, NEW_VIEW + 1, 5, 'a')),
                        "prepared proof from view 4 for new view 3"),
                new Row("more batch entries than a batch may hold", q -> withPrepared(q, prepared(q, batchOf(BATCH_MAX + 1))),
                        "prepared proof from view 1 for new view 3"),
                new Row("a prepare of another view", q -> withPrepared(q, proofWithPrepares(q,
                        p -> replaceFirst(p, prepare(p.get(0).message().replicaId(), 2, 5, batchDigestOfA())))),
                        "seq 5 has a mismatched or repeated prepare"),
                new Row("a prepare of another seq", q -> withPrepared(q, proofWithPrepares(q,
                        p -> replaceFirst(p, prepare(p.get(0).message().replicaId(), 1, 6, batchDigestOfA())))),
                        "seq 5 has a mismatched or repeated prepare"),
                new Row("a prepare of another batch", q -> withPrepared(q, proofWithPrepares(q,
                        p -> replaceFirst(p, prepare(p.get(0).message().replicaId(), 1, 5, digest("other batch"))))),
                        "seq 5 has a mismatched or repeated prepare"),
                new Row("a prepare by the primary of the proof's view besides 2f backups", q -> withPrepared(q,
                        proofWithPrepares(q, p -> plus(p, prepare(q.primary(1), 1, 5, batchDigestOfA())))),
                        "seq 5 has a mismatched or repeated prepare"),
                new Row("one preparer twice besides 2f others", q -> withPrepared(q,
                        proofWithPrepares(q, p -> plus(p, p.get(0)))),
                        "seq 5 has a mismatched or repeated prepare"),
                new Row("one prepare fewer than 2f", q -> withPrepared(q,
                        proofWithPrepares(q, p -> p.subList(0, p.size() - 1))),
                        "prepared proof for seq 5 has \\d+ prepares"));
    }

    private static PrePrepare batchOf(int requests) {
        List<BatchEntry> entries = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            entries.add(entry(request(2000 + i, 1, 4)));
        }
        return new PrePrepare(1, 5, time('a'), seed('a'), entries);
    }

    static Stream<Arguments> viewChangeTable() {
        return Stream.of(1, 2).flatMap(f -> viewChangeRows().stream().map(row -> Arguments.of(f, row)));
    }

    @ParameterizedTest(name = "f={0}: a view change with {1}")
    @MethodSource("viewChangeTable")
    void aViewChangeIsMalformedExactlyWhenItBreaksARule(int f, Row row) {
        Quorums q = Quorums.forFaults(f);
        String problem = rules(q).problem(row.build().apply(q));
        if (row.problem() == null) {
            assertThat(problem).as("problem").isNull();
        } else {
            assertThat(problem).as("problem").isNotNull().containsPattern(row.problem());
        }
    }

    // ------------------------------------------------------------------ plan

    /**
     * Parses view changes written as "stable: seq@view=batch ...", separated by '|', into the view
     * changes of replicas 0, 1, 2, ... for {@link #NEW_VIEW}.
     */
    private static List<ViewChange> viewChanges(Quorums q, String spec) {
        List<ViewChange> out = new ArrayList<>();
        String[] changes = spec.split("\\|");
        for (int replica = 0; replica < changes.length; replica++) {
            String[] parts = changes[replica].split(":", -1);
            long stable = Long.parseLong(parts[0].trim());
            List<PreparedProof> proofs = new ArrayList<>();
            for (String p : parts[1].trim().split("\\s+")) {
                if (!p.isEmpty()) {
                    String[] seqRest = p.split("@");
                    String[] viewName = seqRest[1].split("=");
                    proofs.add(proof(q, Integer.parseInt(viewName[0]), Long.parseLong(seqRest[0]), viewName[1].charAt(0)));
                }
            }
            out.add(SignedMessages.viewChange(q, replica, NEW_VIEW, stable, proofs));
        }
        return out;
    }

    /** Parses "seq=batch ..." ('-' for a null batch) into the pre-prepares of {@link #NEW_VIEW}. */
    private static List<PrePrepare> proposals(String spec) {
        List<PrePrepare> out = new ArrayList<>();
        for (String p : spec.trim().split("\\s+")) {
            if (!p.isEmpty()) {
                String[] seqName = p.split("=");
                long seq = Long.parseLong(seqName[0]);
                char name = seqName[1].charAt(0);
                out.add(name == '-' ? new PrePrepare(NEW_VIEW, seq, 0, 0, List.of()) : batch(NEW_VIEW, seq, name));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "[{0}] gives start {1}, proposals [{2}]")
    @CsvSource(delimiter = ';', value = {
        // view changes of replicas 0, 1, 2 (stable: seq@view=batch ...) ; chosen stable seq ; re-proposals
        "0: | 0: | 0:                                ; 0 ; ",
        "0: 1@1=a 2@1=b | 0: | 0:                    ; 0 ; 1=a 2=b",
        "0: 1@1=a | 0: 1@2=b | 0:                    ; 0 ; 1=b",
        "0: 1@2=b | 0: 1@1=a | 0: 1@0=c              ; 0 ; 1=b",
        "0: 1@1=a 3@1=c | 0: | 0:                    ; 0 ; 1=a 2=- 3=c",
        "0: 5@1=a | 0: | 0: 8@2=d                    ; 0 ; 1=- 2=- 3=- 4=- 5=a 6=- 7=- 8=d",
        "4: | 8: | 0:                                ; 8 ; ",
        "0: | 4: | 8:                                ; 8 ; ",
        "4: 5@1=a | 8: | 0: 3@1=x 4@1=y 6@2=z 8@2=w  ; 8 ; ",
        "4: 5@1=a 9@1=b | 8: 9@2=c | 0: 2@1=x        ; 8 ; 9=c",
        "4: 6@1=a 12@1=b | 8: | 0: 7@2=c             ; 8 ; 9=- 10=- 11=- 12=b",
    })
    void planStartsAtTheHighestStableCheckpointAndReproposesTheBatchOfTheHighestView(String changes, long start,
                                                                                      String expected) {
        Quorums q = Quorums.forFaults(1);
        List<ViewChange> viewChanges = viewChanges(q, changes);
        viewChanges.forEach(v -> assertThat(rules(q).problem(v)).as("table row's own view change").isNull());

        ViewChangeRules.Plan plan = rules(q).plan(NEW_VIEW, viewChanges);

        ViewChange chosen = viewChanges.stream().filter(v -> v.stableSeq() == start).findFirst().orElseThrow();
        assertThat(plan.stableSeq()).isEqualTo(start);
        assertThat(plan.stableDigest()).isEqualTo(chosen.stableDigest());
        assertThat(plan.stableProof()).isEqualTo(chosen.checkpointProof());
        assertThat(plan.prePrepares()).isEqualTo(proposals(expected == null ? "" : expected));
    }

    // ------------------------------------------------------------------ problem(NewView)

    /**
     * The 2f+1 view changes for view 3 of the NEW-VIEW table: replica 0 prepared a at 5 (view 1)
     * and c at 7 (view 2), replica 1 prepared b at 5 in view 2, replica 2 is still at the initial
     * state and prepared x at 3, the rest (f=2) prepared nothing above 4. Their plan starts at 4
     * and re-proposes 5=b 6=- 7=c.
     */
    private static final String NEW_VIEW_CHANGES = "4: 5@1=a 7@2=c | 4: 5@2=b | 0: 3@1=x";
    private static final String NEW_VIEW_PLAN = "5=b 6=- 7=c";

    private static List<Envelope<ViewChange>> signedChanges(Quorums q, int count) {
        StringBuilder spec = new StringBuilder(NEW_VIEW_CHANGES);
        for (int replica = 3; replica < count; replica++) {
            spec.append(" | 4:");
        }
        return viewChanges(q, spec.toString()).stream().map(SignedMessages::signed).toList();
    }

    private static List<Envelope<PrePrepare>> signedProposals(Quorums q, String spec) {
        return proposals(spec).stream().map(p -> prePrepare(q, p)).toList();
    }

    private static NewView newView(Quorums q, List<Envelope<ViewChange>> changes, List<Envelope<PrePrepare>> proposals) {
        return new NewView(NEW_VIEW, changes, proposals);
    }

    /** The NEW-VIEW built from 2f+1 view changes with {@code proposals} (given as in the plan table). */
    private static NewView newViewProposing(Quorums q, String proposals) {
        return newView(q, signedChanges(q, q.viewChange()), signedProposals(q, proposals));
    }

    /** The correct NEW-VIEW with its proposals edited. */
    private static NewView withProposals(Quorums q, UnaryOperator<List<Envelope<PrePrepare>>> change) {
        return newView(q, signedChanges(q, q.viewChange()),
                change.apply(new ArrayList<>(signedProposals(q, NEW_VIEW_PLAN))));
    }

    /** The correct proposals with its view changes edited (and proposals re-derived from them). */
    private static NewView withChanges(Quorums q, UnaryOperator<List<Envelope<ViewChange>>> change) {
        List<Envelope<ViewChange>> changes = change.apply(new ArrayList<>(signedChanges(q, q.viewChange())));
        List<ViewChange> distinct = changes.stream().map(Envelope::message).distinct().toList();
        List<PrePrepare> plan = distinct.isEmpty() ? List.of() : rules(q).plan(NEW_VIEW, distinct).prePrepares();
        return newView(q, changes, plan.stream().map(p -> prePrepare(q, p)).toList());
    }

    private static Envelope<PrePrepare> edited(Envelope<PrePrepare> p, UnaryOperator<PrePrepare> edit, Quorums q) {
        return prePrepare(q, edit.apply(p.message()));
    }

    record NewViewRow(String description, Function<Quorums, NewView> build, boolean accepted) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<NewViewRow> newViewRows() {
        return List.of(
                new NewViewRow("exactly the plan of its 2f+1 view changes", q -> newViewProposing(q, NEW_VIEW_PLAN), true),
                new NewViewRow("the plan of all n view changes", q -> newView(q, signedChanges(q, q.n()),
                        signedProposals(q, NEW_VIEW_PLAN)), true),
                new NewViewRow("2f view changes", q -> withChanges(q, c -> c.subList(0, c.size() - 1)), false),
                new NewViewRow("no view changes", q -> withChanges(q, c -> List.of()), false),
                new NewViewRow("a view change for a later view", q -> withChanges(q,
                        c -> plus(c.subList(0, c.size() - 1), SignedMessages.signed(
                                SignedMessages.viewChange(q, c.size() - 1, NEW_VIEW + 1, 4, List.of())))), false),
                new NewViewRow("a view change for an earlier view", q -> withChanges(q,
                        c -> plus(c.subList(0, c.size() - 1), SignedMessages.signed(
                                SignedMessages.viewChange(q, c.size() - 1, NEW_VIEW - 1, 4, List.of())))), false),
                new NewViewRow("one sender twice besides 2f+1 others", q -> withChanges(q, c -> plus(c, c.get(0))),
                        false),
                new NewViewRow("a malformed view change", q -> withChanges(q, c -> plus(c.subList(0, c.size() - 1),
                        SignedMessages.signed(new ViewChange(c.size() - 1, NEW_VIEW, 4, digest("state 4"),
                                checkpoints(4, digest("state 4"), first(q.stableCheckpoint() - 1)), List.of())))), false),
                new NewViewRow("a re-proposal omitted", q -> newViewProposing(q, "5=b 6=-"), false),
                new NewViewRow("an invented re-proposal after the last", q -> newViewProposing(q, NEW_VIEW_PLAN + " 8=d"),
                        false),
                new NewViewRow("a batch in place of a null batch", q -> newViewProposing(q, "5=b 6=d 7=c"), false),
                new NewViewRow("the batch of the lower view", q -> newViewProposing(q, "5=a 6=- 7=c"), false),
                new NewViewRow("a re-proposal at the stable checkpoint's seq", q -> newViewProposing(q, "4=- " + NEW_VIEW_PLAN),
                        false),
                new NewViewRow("a re-proposal at another time", q -> withProposals(q, p -> replaceFirst(p, edited(p.get(0),
                        b -> new PrePrepare(b.view(), b.seq(), b.timeMillis() + 1, b.seed(), b.entries()), q))), false),
                new NewViewRow("a re-proposal with another seed", q -> withProposals(q, p -> replaceFirst(p, edited(p.get(0),
                        b -> new PrePrepare(b.view(), b.seq(), b.timeMillis(), b.seed() + 1, b.entries()), q))), false),
                new NewViewRow("a re-proposal with other entries", q -> withProposals(q, p -> replaceFirst(p, edited(p.get(0),
                        b -> new PrePrepare(b.view(), b.seq(), b.timeMillis(), b.seed(), entries('z')), q))), false),
                new NewViewRow("a re-proposal keeping its old view number", q -> withProposals(q, p -> replaceFirst(p,
                        edited(p.get(0), b -> new PrePrepare(2, b.seq(), b.timeMillis(), b.seed(), b.entries()), q))),
                        false),
                new NewViewRow("its proposals in another order", q -> withProposals(q, p -> List.of(p.get(1), p.get(0),
                        p.get(2))), false));
    }

    static Stream<Arguments> newViewTable() {
        return Stream.of(1, 2).flatMap(f -> newViewRows().stream().map(row -> Arguments.of(f, row)));
    }

    @ParameterizedTest(name = "f={0}: a NEW-VIEW carrying {1}")
    @MethodSource("newViewTable")
    void aNewViewIsAcceptedOnlyIfItFollowsFromItsViewChanges(int f, NewViewRow row) {
        Quorums q = Quorums.forFaults(f);
        String problem = rules(q).problem(row.build().apply(q));
        if (row.accepted()) {
            assertThat(problem).as("problem").isNull();
        } else {
            assertThat(problem).as("problem").isNotNull();
        }
    }

    @ParameterizedTest(name = "f={0}")
    @ValueSource(ints = {1, 2})
    void theNewViewTableIsBuiltOnWellFormedViewChanges(int f) {
        Quorums q = Quorums.forFaults(f);
        List<Envelope<ViewChange>> changes = signedChanges(q, q.n());
        changes.forEach(v -> assertThat(rules(q).problem(v.message())).as("%s", v).isNull());
        assertThat(rules(q).plan(NEW_VIEW, changes.subList(0, q.viewChange()).stream().map(Envelope::message).toList())
                .prePrepares()).isEqualTo(proposals(NEW_VIEW_PLAN));
        assertThat(q.primary(NEW_VIEW)).isEqualTo(3);
    }
}
