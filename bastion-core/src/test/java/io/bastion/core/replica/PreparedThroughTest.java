package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Replica#preparedThrough()}: the seqs whose further PREPAREs the edge may drop unchecked.
 * It covers a batch only once its prepared proof is made, only batches prepared one after the other
 * from the last delivered, and nothing while the view changes.
 */
class PreparedThroughTest {
    private static final ClusterConfig CLUSTER = TestKeys.cluster(1, 1);
    private static final int SELF = 3;
    private static final long NOW = 1_767_225_600_000L;

    private final Replica replica = new Replica(SELF, CLUSTER, TestKeys.signer(SELF), new SplittableRandom(1));
    private final Envelope<Request> first = SignedMessages.request(1000, 1, 8);
    private final Envelope<Request> second = SignedMessages.request(1000, 2, 8);
    private final Envelope<PrePrepare> prePrepare1 = prePrepare(1, first);
    private final Envelope<PrePrepare> prePrepare2 = prePrepare(2, second);

    private static Envelope<PrePrepare> prePrepare(long seq, Envelope<Request> request) {
        return SignedMessages.prePrepare(CLUSTER.quorums(),
                new PrePrepare(0, seq, NOW + seq, 5, List.of(SignedMessages.entry(request))));
    }

    private void receive(int from, Envelope<?> message) {
        replica.step(new Event.Received(from, message));
        replica.checkInvariants();
    }

    private void proposed() {
        replica.step(new Event.Tick(NOW));
        receive(Event.FROM_CLIENT, first);
        receive(Event.FROM_CLIENT, second);
        receive(0, prePrepare1);
        receive(0, prePrepare2);
    }

    private static Digest digest(Envelope<PrePrepare> p) {
        return Codec.batchDigest(p.message());
    }

    @Test
    void aBatchCountsOnceItsPreparedProofIsMade() {
        proposed();
        assertThat(replica.preparedThrough()).as("pre-prepared, only its own PREPARE").isZero();
        receive(1, SignedMessages.prepare(1, 0, 1, digest(prePrepare1)));
        assertThat(replica.preparedThrough()).as("its own PREPARE and one other: 2f").isEqualTo(1);
        assertThat(replica.lastDelivered()).isZero();
    }

    @Test
    void onlyBatchesPreparedOneAfterTheOtherCount() {
        proposed();
        receive(1, SignedMessages.prepare(1, 0, 2, digest(prePrepare2)));
        assertThat(replica.preparedThrough()).as("seq 2 prepared, seq 1 not").isZero();
        receive(1, SignedMessages.prepare(1, 0, 1, digest(prePrepare1)));
        assertThat(replica.preparedThrough()).isEqualTo(2);
    }

    @Test
    void aPrepareForAnotherBatchDoesNotCount() {
        proposed();
        receive(1, SignedMessages.prepare(1, 0, 1, SignedMessages.digest("another batch")));
        assertThat(replica.preparedThrough()).isZero();
    }

    @Test
    void executedBatchesAreBelowItAndAViewChangeClearsIt() {
        proposed();
        receive(1, SignedMessages.prepare(1, 0, 1, digest(prePrepare1)));
        receive(1, SignedMessages.prepare(1, 0, 2, digest(prePrepare2)));
        for (int r = 0; r < 2; r++) {
            receive(r, Envelope.unsigned(new Commit(r, 0, 1, digest(prePrepare1))));
        }
        assertThat(replica.lastDelivered()).isEqualTo(1);
        assertThat(replica.preparedThrough()).isEqualTo(2);

        replica.step(new Event.Tick(NOW + 60_000)); // seq 2 never commits: the backup suspects the primary
        assertThat(replica.viewChanging()).isTrue();
        assertThat(replica.preparedThrough()).as("while the view changes").isEqualTo(replica.lastDelivered());
    }
}
