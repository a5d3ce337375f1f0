package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Status;
import io.bastion.core.replica.ReplicaStats.Counter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica that cannot count 2f+1 COMMITs learns a batch from f+1 peers' DECIDED, never from
 * fewer; and a replica answers a STATUS with its own votes only, never another replica's.
 */
class DecidedLearningTest {
    private static final ClusterConfig CLUSTER = TestKeys.cluster(1, 1);
    private static final int SELF = 3;
    private static final long NOW = 1_767_225_600_000L;

    private final Replica replica = new Replica(SELF, CLUSTER, TestKeys.signer(SELF), new SplittableRandom(1));
    private final Envelope<Request> request = SignedMessages.request(1000, 1, 8);
    private final Envelope<PrePrepare> prePrepare = SignedMessages.prePrepare(CLUSTER.quorums(),
            new PrePrepare(0, 1, NOW, 5, List.of(SignedMessages.entry(request))));
    private final Digest batch = Codec.batchDigest(prePrepare.message());

    private Output receive(int from, Envelope<?> message) {
        Output out = replica.step(new Event.Received(from, message));
        replica.checkInvariants();
        return out;
    }

    private Output decided(int from, Digest digest) {
        return receive(from, Envelope.unsigned(new Decided(from, 1, digest)));
    }

    /** The batch is proposed and its body is here; nobody's PREPARE or COMMIT arrives. */
    private void proposed() {
        replica.step(new Event.Tick(NOW));
        receive(Event.FROM_CLIENT, request);
        receive(0, prePrepare);
        assertThat(replica.lastDelivered()).isZero();
    }

    @Test
    void fPeersSayingDecidedAreNotEnoughAndFPlusOneAre() {
        proposed();
        assertThat(decided(1, batch).executes).isEmpty();
        assertThat(decided(2, Digest.sha256(new byte[] {9})).executes).as("another batch's DECIDED").isEmpty();
        assertThat(decided(1, batch).executes).as("the same peer again").isEmpty();
        assertThat(replica.lastDelivered()).isZero();

        Output out = decided(2, batch);
        assertThat(out.executes).extracting(Execute::seq).containsExactly(1L);
        assertThat(replica.lastDelivered()).isEqualTo(1);
        assertThat(replica.stats().get(Counter.BATCHES_LEARNED_DECIDED)).isEqualTo(1);
    }

    @Test
    void decidedsCountOnlyForTheBatchTheyName() {
        proposed();
        Digest other = Digest.sha256(new byte[] {9});
        decided(0, other);
        decided(1, other);
        assertThat(replica.lastDelivered()).as("f+1 DECIDEDs for a batch this replica does not hold").isZero();
        decided(2, batch);
        assertThat(replica.lastDelivered()).as("f DECIDEDs for the batch it holds").isZero();
        decided(0, batch); // replica 0 changes its word: its latest counts
        assertThat(replica.lastDelivered()).isEqualTo(1);
    }

    /** Unsigned, a DECIDED counts only as its author's word over the author's own connection (the edge checks it too). */
    @Test
    void aDecidedFromAnotherReplicasConnectionThanItsAuthorsIsIgnored() {
        proposed();
        receive(1, Envelope.unsigned(new Decided(2, 1, batch)));
        receive(0, Envelope.unsigned(new Decided(1, 1, batch)));
        assertThat(replica.lastDelivered()).as("two DECIDEDs, each on the wrong connection").isZero();
        assertThat(replica.stats().get(Counter.MESSAGES_IGNORED)).isEqualTo(2);
        decided(1, batch);
        decided(2, batch);
        assertThat(replica.lastDelivered()).isEqualTo(1);
    }

    @Test
    void aStatusGetsThisReplicasOwnCommitAndDecidedButNoOneElses() {
        proposed();
        for (int r = 0; r < 3; r++) {
            receive(r, Envelope.unsigned(new Commit(r, 0, 1, batch)));
        }
        receive(1, SignedMessages.prepare(1, 0, 1, batch));
        receive(2, SignedMessages.prepare(2, 0, 1, batch));
        assertThat(replica.lastDelivered()).as("prepared, and 2f+1 COMMITs with its own").isEqualTo(1);

        Output answer = receive(1, Envelope.unsigned(new Status(1, 0, false, 0, 0)));
        List<Commit> commits = answer.sends.stream().filter(s -> s.message().message() instanceof Commit)
                .map(s -> (Commit) s.message().message()).toList();
        List<Decided> decideds = answer.sends.stream().filter(s -> s.message().message() instanceof Decided)
                .map(s -> (Decided) s.message().message()).toList();
        assertThat(commits).containsExactly(new Commit(SELF, 0, 1, batch));
        assertThat(decideds).containsExactly(new Decided(SELF, 1, batch));
        assertThat(answer.sends).allSatisfy(s -> assertThat(s.to()).isEqualTo(1));
    }
}
