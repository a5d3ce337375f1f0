package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the primary proposes a batch smaller than {@code pipelineBatchMin}: when no batch is being
 * agreed on and at most one committed batch waits for or is in execution, or when its oldest
 * request has waited half the relay delay. Requests that arrive while execution lags go together
 * once it catches up, not one small batch each.
 */
class ProposalPacingTest {
    private static final long NOW = 1_767_225_600_000L;
    private static final int PRIMARY = 0;
    private static final ClusterConfig BASE = TestKeys.cluster(1, 8);
    private static final ClusterConfig CLUSTER = new ClusterConfig(BASE.f(), BASE.replicas(), BASE.clients(),
            ProtocolSettings.DEFAULTS.toBuilder().inFlightBatchesMax(2).pipelineBatchMin(3).build());

    private final Replica primary = new Replica(PRIMARY, CLUSTER, TestKeys.signer(PRIMARY), new SplittableRandom(1));
    private long nextClient = 1000;

    /** A fresh client's request reaches the primary; what it proposed in answer, one entry count per PRE-PREPARE. */
    private List<PrePrepare> request() {
        Envelope<Request> request = SignedMessages.request(nextClient++, 1, 8);
        return proposals(primary.step(new Event.Received(Event.FROM_CLIENT, request)));
    }

    private List<PrePrepare> proposals(Output out) {
        primary.checkInvariants();
        List<PrePrepare> proposed = new ArrayList<>();
        for (Output.Send send : out.sends) {
            if (send.message().message() instanceof PrePrepare p) {
                proposed.add(p);
            }
        }
        return proposed;
    }

    /** Backups 1 and 2 prepare and commit {@code p}: the primary commits it and hands it to its executor. */
    private void commit(PrePrepare p) {
        Digest digest = Codec.batchDigest(p);
        long delivered = primary.lastDelivered();
        for (int backup = 1; backup <= 2; backup++) {
            primary.step(new Event.Received(backup, SignedMessages.prepare(backup, 0, p.seq(), digest)));
        }
        for (int backup = 1; backup <= 2; backup++) {
            primary.step(new Event.Received(backup, Envelope.unsigned(new Commit(backup, 0, p.seq(), digest))));
        }
        primary.checkInvariants();
        assertThat(primary.lastDelivered()).as("seq %d committed", p.seq()).isEqualTo(delivered + 1);
    }

    private List<PrePrepare> executed(long seq) {
        return proposals(primary.step(new Event.Executed(seq, null, List.of())));
    }

    /** Two lone requests, each proposed at once and committed; neither executed yet. */
    private void twoCommittedBatchesAwaitExecution() {
        primary.step(new Event.Tick(NOW));
        commit(request().get(0));
        commit(request().get(0));
        assertThat(primary.lastExecuted()).isZero();
    }

    @Test
    void aSmallBatchWaitsWhileTwoCommittedBatchesAwaitExecutionAndGoesWhenOneExecutes() {
        primary.step(new Event.Tick(NOW));
        List<PrePrepare> first = request();
        assertThat(first).as("a lone request goes at once").hasSize(1);
        commit(first.get(0));

        List<PrePrepare> second = request();
        assertThat(second).as("one batch executing: the next may be agreed on meanwhile").hasSize(1);
        commit(second.get(0));

        assertThat(request()).as("two committed batches not yet executed: a small batch waits").isEmpty();
        assertThat(request()).isEmpty();
        List<PrePrepare> third = executed(1);
        assertThat(third).as("once one executes, the waiting requests go together").hasSize(1);
        assertThat(third.get(0).entries()).hasSize(2);
    }

    @Test
    void enoughWaitingRequestsGoWithoutWaitingForExecution() {
        twoCommittedBatchesAwaitExecution();
        assertThat(request()).isEmpty();
        assertThat(request()).isEmpty();
        List<PrePrepare> third = request();
        assertThat(third).as("pipelineBatchMin (3) requests make a batch worth its signatures").hasSize(1);
        assertThat(third.get(0).entries()).hasSize(3);
        assertThat(primary.lastExecuted()).isZero();
    }

    @Test
    void noRequestIsHeldBackLongerThanHalfTheRelayDelay() {
        twoCommittedBatchesAwaitExecution();
        assertThat(request()).as("held back for a fuller batch").isEmpty();
        long wait = primary.pacingWaitMaxMillis();
        assertThat(wait).as("half of requestTimeoutMillis / RELAY_DELAY_FRACTION")
                .isEqualTo(CLUSTER.settings().requestTimeoutMillis() / Replica.RELAY_DELAY_FRACTION / 2);
        assertThat(proposals(primary.step(new Event.Tick(NOW + wait - 1)))).isEmpty();
        List<PrePrepare> late = proposals(primary.step(new Event.Tick(NOW + wait)));
        assertThat(late).as("before any backup would relay it").hasSize(1);
        assertThat(late.get(0).entries()).hasSize(1);
        assertThat(primary.lastExecuted()).isZero();
    }

    @Test
    void withExecutionKeepingUpEveryRequestGoesAtOnce() {
        primary.step(new Event.Tick(NOW));
        for (long seq = 1; seq <= 4; seq++) {
            List<PrePrepare> proposed = request();
            assertThat(proposed).hasSize(1);
            commit(proposed.get(0));
            assertThat(executed(seq)).isEmpty();
        }
        assertThat(primary.lastExecuted()).isEqualTo(4);
    }
}
