package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.MessageType;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.replica.ReplicaStats;
import io.bastion.core.service.CounterService;
import io.bastion.net.NetSettings;
import io.bastion.net.testing.Await;
import io.bastion.server.testing.InMemoryCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Replica 2 of four in-memory runtimes receives large NEW-VIEW messages from replica 1 (the
 * primary of view 1): well signed throughout, but proposing batches their view changes do not
 * imply, so the core refuses them and stays in view 0, and every copy reaches the edge's checks.
 * Replica 2 counts how often a NEW-VIEW's own signature is checked.
 */
class InboundBoundsTest {
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final int TARGET = 2;
    private static final int SENDER = 1;
    /** Near the default frameBytesMax (8 MiB): what one peer may send in one frame. */
    private static final int NEW_VIEW_BYTES = NetSettings.DEFAULT_FRAME_BYTES_MAX - (256 << 10);
    private static final int ENTRIES_PER_PROPOSAL = 512;

    private final AtomicInteger newViewChecks = new AtomicInteger();
    /** How long replica 2 takes to check a NEW-VIEW's signature: the stand-in for thousands of Ed25519 checks. */
    private volatile long newViewCheckMillis;
    private InMemoryCluster cluster;

    @AfterEach
    void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private ReplicaRuntime start(ReplicaRuntime.Settings settings) {
        SignatureVerifier counting = (key, message, signature) -> {
            if (message.length > 0 && message[0] == MessageType.NEW_VIEW.code) {
                newViewChecks.incrementAndGet();
                sleepQuietly(newViewCheckMillis); // the cost under test, not a wait for something
            }
            return TestKeys.VERIFIER.verify(key, message, signature);
        };
        cluster = new InMemoryCluster(TestKeys.cluster(1, 2), id -> new CounterService(),
                id -> id == TARGET ? counting : TestKeys.VERIFIER, settings);
        ReplicaRuntime replica = cluster.replica(TARGET);
        Await.until("replica 2 has started view 0", BOUND, () -> replica.stats().leftBehind(0));
        return replica;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A NEW-VIEW for view 1 of about {@link #NEW_VIEW_BYTES}; {@code variant} makes each one different. */
    private static Envelope<NewView> largeNewView(long variant) {
        List<Envelope<ViewChange>> changes = new ArrayList<>();
        for (int replica : new int[] {0, 2, 3}) {
            changes.add(Envelope.sign(new ViewChange(replica, 1, 0, Digest.ZERO, List.of(), List.of()),
                    TestKeys.signer(replica)));
        }
        List<Envelope<PrePrepare>> proposals = new ArrayList<>();
        int proposalBytes = ENTRIES_PER_PROPOSAL * (8 + 8 + Digest.BYTES + 4);
        for (long seq = 1; seq <= NEW_VIEW_BYTES / proposalBytes; seq++) {
            List<BatchEntry> entries = new ArrayList<>();
            for (int i = 0; i < ENTRIES_PER_PROPOSAL; i++) {
                entries.add(new BatchEntry(1000, seq * ENTRIES_PER_PROPOSAL + i, Digest.ZERO));
            }
            proposals.add(Envelope.sign(new PrePrepare(1, seq, 0, variant, entries), TestKeys.signer(SENDER)));
        }
        Envelope<NewView> newView = Envelope.sign(new NewView(1, changes, proposals), TestKeys.signer(SENDER));
        assertThat(newView.wireSize()).isBetween(NEW_VIEW_BYTES / 2, NetSettings.DEFAULT_FRAME_BYTES_MAX);
        return newView;
    }

    private static long coreCount(ReplicaRuntime replica, ReplicaStats.Counter counter) {
        return replica.stats().coreCounters().getOrDefault(counter, 0L);
    }

    @Test
    void anIdenticalNewViewIsCheckedOnceAndStillReachesTheCore() {
        ReplicaRuntime replica = start(ReplicaRuntime.Settings.defaults());
        Envelope<NewView> newView = largeNewView(0);
        replica.onReplicaMessage(SENDER, newView);
        Await.until("the core refused the first copy", BOUND,
                () -> coreCount(replica, ReplicaStats.Counter.NEW_VIEWS_INVALID) == 1);
        assertThat(newViewChecks.get()).isEqualTo(1);

        for (int copy = 0; copy < 3; copy++) {
            replica.onReplicaMessage(SENDER, Envelope.sign(newView.message(), TestKeys.signer(SENDER)));
        }
        Await.until("the core saw the copies", BOUND,
                () -> coreCount(replica, ReplicaStats.Counter.NEW_VIEWS_INVALID) == 4);
        assertThat(newViewChecks.get()).as("copies are not checked again").isEqualTo(1);
        assertThat(replica.stats().verificationsSaved()).isEqualTo(3);
        assertThat(replica.stats().view()).isZero();
    }

    @Test
    void viewMessagesForAViewTheReplicaHasEnteredAreDroppedBeforeTheirSignatureCheck() {
        ReplicaRuntime replica = start(ReplicaRuntime.Settings.defaults());
        Envelope<NewView> current = Envelope.sign(new NewView(0, List.of(), List.of()), TestKeys.signer(0));
        Envelope<ViewChange> toCurrent = Envelope.sign(new ViewChange(3, 0, 0, Digest.ZERO, List.of(), List.of()),
                TestKeys.signer(3));
        Envelope<ViewChange> ownEcho = Envelope.sign(new ViewChange(TARGET, 1, 0, Digest.ZERO, List.of(), List.of()),
                TestKeys.signer(TARGET));
        replica.onReplicaMessage(0, current);
        replica.onReplicaMessage(3, toCurrent);
        replica.onReplicaMessage(SENDER, ownEcho);

        assertThat(replica.stats().staleViewsDropped()).isEqualTo(3);
        assertThat(newViewChecks.get()).isZero();
        // the dropped ones hold no place; the peers' own traffic (STATUS) passes through in a moment
        Await.until("no message holds a place in the inbound bounds", BOUND,
                () -> replica.inboundMessagesInFlight() == 0);
    }

    @Test
    void aFloodOfLargeNewViewsFromOnePeerStaysWithinItsBytesAndTheReplicaRunsOn() throws Exception {
        ReplicaRuntime.Settings settings = ReplicaRuntime.Settings.defaults();
        ReplicaRuntime replica = start(settings);
        newViewCheckMillis = 300;
        AtomicLong peerMax = new AtomicLong();
        AtomicLong totalMax = new AtomicLong();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (flooding.get()) {
                peerMax.accumulateAndGet(replica.inboundBytesOfPeer(SENDER), Math::max);
                totalMax.accumulateAndGet(replica.inboundBytes(), Math::max);
                sleepQuietly(1); // sampling pace
            }
        });
        int copies = 24;
        try {
            for (int variant = 1; variant <= copies; variant++) {
                replica.onReplicaMessage(SENDER, largeNewView(variant)); // each one different: none is remembered
            }
            Await.until("everything admitted was checked and handed on", BOUND,
                    () -> replica.inboundMessagesInFlight() == 0);
        } finally {
            flooding.set(false);
            sampler.join(10_000);
        }
        assertThat(replica.stats().inboundBytesDropped()).as("copies beyond the peer's bytes were dropped").isPositive();
        assertThat(peerMax.get()).isPositive().isLessThanOrEqualTo(settings.peerInboundBytesMax());
        assertThat(totalMax.get()).isLessThanOrEqualTo(settings.inboundBytesMax());
        assertThat(newViewChecks.get() + replica.stats().inboundBytesDropped()).as("each copy checked or dropped")
                .isEqualTo(copies);
        assertThat(replica.inboundBytes()).isZero();
        assertThat(replica.failure()).isNull();

        newViewCheckMillis = 0;
        cluster.broadcastFromClient(Envelope.sign(new Request(1000, 1, false, CounterService.add(1)),
                TestKeys.signer(1000)));
        Await.until("replica 2 still executes requests", BOUND, () -> replica.stats().requestsExecuted() == 1);
    }
}
