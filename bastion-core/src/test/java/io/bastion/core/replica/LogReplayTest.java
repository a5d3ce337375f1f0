package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class LogReplayTest {
    private static final ClusterConfig CLUSTER = TestKeys.cluster(1, 1);
    private static final int SELF = 3;

    private static Replica recover(List<Output.Persist> log, long snapshotSeq) {
        return Replica.recover(SELF, CLUSTER, TestKeys.signer(SELF), new SplittableRandom(1),
                new Recovery(snapshotSeq, null, Map.of(), 20, log));
    }

    private static Envelope<PrePrepare> nullBatch(int view, long seq, long time) {
        return Envelope.sign(new PrePrepare(view, seq, time, view, List.of()), TestKeys.signer(view % 4));
    }

    /**
     * The replica accepted view 1's batch at seq 4, then asked for view 3, then learned and
     * executed view 2's batch at seq 4 from its commits. Its restored state includes seq 4: the
     * executed batch is view 2's, although the replica was in view 3 when it logged it.
     */
    @Test
    void aBatchLearnedAfterAskingForANewerViewIsTheOneTheRestoredStateExecuted() {
        Envelope<PrePrepare> accepted = nullBatch(1, 4, 10);
        Envelope<ViewChange> asked = Envelope.sign(new ViewChange(SELF, 3, 0, Digest.ZERO, List.of(), List.of()),
                TestKeys.signer(SELF));
        Envelope<PrePrepare> learned = nullBatch(2, 4, 20);
        Replica replica = recover(List.of(new Output.Persist(4, accepted), new Output.Persist(1, asked),
                new Output.Persist(4, learned)), 4);

        assertThat(replica.view()).isEqualTo(3);
        assertThat(replica.viewChanging()).isTrue();
        assertThat(replica.log.get(4).executedDigest).isEqualTo(Codec.batchDigest(learned.message()));
    }

    @Test
    void aNewerViewsBatchReplacesAnOlderOneAtTheSameSeqButNotTheOtherWayRound() {
        Envelope<PrePrepare> older = nullBatch(1, 5, 10);
        Envelope<PrePrepare> newer = nullBatch(2, 5, 20);
        Replica forward = recover(List.of(new Output.Persist(5, older), new Output.Persist(5, newer)), 0);
        Replica backward = recover(List.of(new Output.Persist(5, newer), new Output.Persist(5, older)), 0);

        assertThat(forward.log.get(5).prePrepare).isEqualTo(newer);
        assertThat(backward.log.get(5).prePrepare).isEqualTo(newer);
        assertThat(forward.view()).isEqualTo(2);
        assertThat(forward.viewChanging()).isFalse();
    }

    /**
     * An equivocating primary gave this replica one batch at seq 6 and the others another, which
     * f+1 of them committed; the replica took theirs and executed it. Its log holds both
     * pre-prepares of view 0: the later one is the batch its restored state executed.
     */
    @Test
    void aBatchAdoptedInPlaceOfAnEquivocatingPrimarysOtherOneIsTheOneReplayed() {
        Envelope<PrePrepare> givenToUs = Envelope.sign(new PrePrepare(0, 6, 10, 1, List.of()), TestKeys.signer(0));
        Envelope<PrePrepare> committed = Envelope.sign(new PrePrepare(0, 6, 10, 2, List.of()), TestKeys.signer(0));
        Replica replica = recover(List.of(new Output.Persist(6, givenToUs), new Output.Persist(6, committed)), 6);

        assertThat(replica.log.get(6).executedDigest).isEqualTo(Codec.batchDigest(committed.message()));
    }

    /**
     * A whole cluster restored from one backup: every replica holds the same checkpoint's state,
     * above the log window, and no log. Each signs that checkpoint at its first tick (durable
     * before it leaves); 2f+1 of them make it stable, which opens the window above it, and the
     * primary orders the next request right after it.
     */
    @Test
    void replicasRestoredToOneCheckpointWithoutALogMakeItStableAndOrderAboveIt() {
        long seq = CLUSTER.settings().logSize() + 2L * CLUSTER.settings().checkpointInterval();
        Digest state = Digest.sha256(new byte[] {42});
        List<Replica> replicas = new ArrayList<>();
        List<Envelope<?>> announced = new ArrayList<>();
        for (int id = 0; id < CLUSTER.n(); id++) {
            Replica replica = Replica.recover(id, CLUSTER, TestKeys.signer(id), new SplittableRandom(id),
                    new Recovery(seq, state, Map.of(), 20, List.of()));
            Output out = replica.step(new Event.Tick(1_000));
            Envelope<Checkpoint> checkpoint = Envelope.sign(new Checkpoint(id, seq, state), TestKeys.signer(id));
            assertThat(out.persist).containsExactly(new Output.Persist(seq, checkpoint));
            assertThat(out.sends).contains(new Output.Send(Output.BROADCAST, checkpoint));
            assertThat(replica.lastStable()).as("one signature is no quorum").isZero();
            replicas.add(replica);
            announced.add(checkpoint);
        }
        for (int id = 0; id < CLUSTER.n(); id++) {
            for (int from = 0; from < CLUSTER.n(); from++) {
                if (from != id) {
                    replicas.get(id).step(new Event.Received(from, announced.get(from)));
                }
            }
            assertThat(replicas.get(id).lastStable()).as("replica %d's stable checkpoint", id).isEqualTo(seq);
        }

        long client = CLUSTER.clients().get(0).id();
        Envelope<Request> request = Envelope.sign(new Request(client, 1, false, new byte[] {1}), TestKeys.signer(client));
        Replica primary = replicas.get(0);
        List<Output.Send> sent = new ArrayList<>(primary.step(new Event.Received(Event.FROM_CLIENT, request)).sends);
        sent.addAll(primary.step(new Event.Tick(1_001)).sends);
        assertThat(sent).anySatisfy(send -> assertThat(send.message().message())
                .isInstanceOfSatisfying(PrePrepare.class, p -> assertThat(p.seq()).isEqualTo(seq + 1)));
    }

    /** A replica whose log proves its restored checkpoint stable (a plain restart) signs nothing again. */
    @Test
    void aRestartWhoseLogHoldsTheStableCheckpointAnnouncesNothing() {
        long seq = CLUSTER.settings().checkpointInterval();
        Digest state = Digest.sha256(new byte[] {7});
        List<Output.Persist> log = new ArrayList<>();
        for (int id = 0; id < CLUSTER.n(); id++) {
            log.add(new Output.Persist(seq, Envelope.sign(new Checkpoint(id, seq, state), TestKeys.signer(id))));
        }
        Replica replica = Replica.recover(SELF, CLUSTER, TestKeys.signer(SELF), new SplittableRandom(1),
                new Recovery(seq, state, Map.of(), 20, log));
        assertThat(replica.lastStable()).isEqualTo(seq);

        Output out = replica.step(new Event.Tick(1_000));
        assertThat(out.persist).isEmpty();
        assertThat(out.sends).noneSatisfy(send -> assertThat(send.message().message()).isInstanceOf(Checkpoint.class));
    }
}
