package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.replica.ViewChangeProtocol.State;
import io.bastion.core.util.Check;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.bastion.core.replica.SignedMessages.entry;
import static io.bastion.core.replica.SignedMessages.prepared;
import static io.bastion.core.replica.SignedMessages.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The view-change state machine of one replica of four (f = 1), driven directly through a fake
 * host with nothing executed and nothing stable. The request timeout is 1,000 ms; the primary of
 * view v is replica v mod 4.
 */
class ViewChangeProtocolTest {
    private static final Quorums QUORUMS = Quorums.forFaults(1);
    private static final ProtocolSettings SETTINGS = ProtocolSettings.DEFAULTS.withRequestTimeout(1_000);

    /** The rest of the replica, as far as the view change sees it. */
    private static final class FakeHost implements ViewChangeProtocol.Host {
        List<PreparedProof> proofs = List.of();
        long lastExecutionMillis;
        final Checkpoints checkpoints = new Checkpoints();
        final List<Envelope<NewView>> started = new ArrayList<>();

        @Override
        public List<PreparedProof> preparedProofs() {
            return proofs;
        }

        @Override
        public long lastStable() {
            return 0;
        }

        @Override
        public Checkpoints checkpoints() {
            return checkpoints;
        }

        @Override
        public long lastExecutionMillis() {
            return lastExecutionMillis;
        }

        @Override
        public void startView(Envelope<NewView> newView, ViewChangeRules.Plan plan, Output out) {
            assertThat(plan.prePrepares()).isEqualTo(newView.message().prePrepares().stream().map(Envelope::message).toList());
            started.add(newView);
        }
    }

    private final FakeHost host = new FakeHost();
    private final ReplicaStats stats = new ReplicaStats();

    private ViewChangeProtocol replica(int id) {
        return new ViewChangeProtocol(id, QUORUMS, SETTINGS, TestKeys.signer(id), stats, host);
    }

    /** Replica {@code replica}'s view change for {@code view} from the initial state, nothing prepared. */
    private static Envelope<ViewChange> change(int replica, int view) {
        return SignedMessages.signed(new ViewChange(replica, view, 0, Digest.ZERO, List.of(), List.of()));
    }

    /** A correct NEW-VIEW for {@code view} from the view changes of {@code replicas}. */
    private static Envelope<NewView> newView(int view, int... replicas) {
        List<Envelope<ViewChange>> changes = new ArrayList<>();
        for (int r : replicas) {
            changes.add(change(r, view));
        }
        return Envelope.sign(new NewView(view, changes, List.of()), TestKeys.signer(QUORUMS.primary(view)));
    }

    private static Output none() {
        return new Output();
    }

    @Test
    void aSuspicionAsksForTheNextViewAndMakesTheViewChangeDurableBeforeItIsSent() {
        ViewChangeProtocol views = replica(2);
        assertThat(views.state()).isEqualTo(State.NORMAL);

        Output out = new Output();
        views.suspect(1_000, "a test", out);

        assertThat(views.state()).isEqualTo(State.ASKED);
        assertThat(views.view()).isEqualTo(1);
        assertThat(views.changing()).isTrue();
        assertThat(views.primary()).isEqualTo(1);
        Envelope<ViewChange> own = change(2, 1);
        assertThat(out.persist).containsExactly(new Output.Persist(1, own));
        assertThat(out.sends).containsExactly(new Output.Send(Output.BROADCAST, own));
        assertThat(stats.get(Counter.VIEW_CHANGES_STARTED)).isEqualTo(1);
        assertThatThrownBy(() -> views.suspect(1_001, "a test", none())).isInstanceOf(Check.InvariantViolation.class);
    }

    @Test
    void theWaitForNewViewStartsAtTheFirstTickAtWhichTwoFPlusOneReplicasAskForTheView() {
        ViewChangeProtocol views = replica(2);
        views.suspect(1_000, "a test", none());

        views.onTick(1_100, none());
        assertThat(views.state()).as("only its own view change").isEqualTo(State.ASKED);
        views.onViewChange(change(0, 1), 1_200, none());
        views.onTick(1_300, none());
        assertThat(views.state()).as("two of three").isEqualTo(State.ASKED);
        views.onViewChange(change(3, 1), 1_400, none());
        assertThat(views.state()).as("not before a tick").isEqualTo(State.ASKED);

        views.onTick(1_500, none());

        assertThat(views.state()).isEqualTo(State.AWAITING_NEW_VIEW);
        assertThat(views.view()).isEqualTo(1);
    }

    /** Replica 2 asked for view 1 at 1,000 and all asked by 1,500: the deadline is 1,500 + 2 x 1,000. */
    private ViewChangeProtocol awaitingViewOne() {
        ViewChangeProtocol views = replica(2);
        views.suspect(1_000, "a test", none());
        views.onViewChange(change(0, 1), 1_200, none());
        views.onViewChange(change(3, 1), 1_400, none());
        views.onTick(1_500, none());
        assertThat(views.state()).isEqualTo(State.AWAITING_NEW_VIEW);
        assertThat(views.timeoutMillis()).isEqualTo(2_000);
        return views;
    }

    @Test
    void whenTheDeadlinePassesWithoutNewViewTheReplicaAsksForTheNextView() {
        ViewChangeProtocol views = awaitingViewOne();

        Output before = new Output();
        views.onTick(3_499, before);
        assertThat(before.isEmpty()).isTrue();
        assertThat(views.state()).isEqualTo(State.AWAITING_NEW_VIEW);

        Output at = new Output();
        views.onTick(3_500, at);

        assertThat(views.state()).isEqualTo(State.ASKED);
        assertThat(views.view()).isEqualTo(2);
        assertThat(at.sends).containsExactly(new Output.Send(Output.BROADCAST, change(2, 2)));
        assertThat(views.timeoutMillis()).as("doubled again").isEqualTo(4_000);
    }

    @Test
    void aReplicaStillLearningBatchesGivesTheNewPrimaryAnotherTimeout() {
        ViewChangeProtocol views = awaitingViewOne();
        host.lastExecutionMillis = 3_000;

        views.onTick(3_500, none());
        assertThat(views.state()).as("executed 500 ms ago").isEqualTo(State.AWAITING_NEW_VIEW);
        views.onTick(5_499, none());
        assertThat(views.state()).isEqualTo(State.AWAITING_NEW_VIEW);

        views.onTick(5_500, none());

        assertThat(views.state()).as("nothing executed for 2,500 ms").isEqualTo(State.ASKED);
        assertThat(views.view()).isEqualTo(2);
    }

    @ParameterizedTest(name = "after {0} view changes without progress the timeout is {1} ms")
    @CsvSource({"0, 1000", "1, 2000", "2, 4000", "3, 8000", "4, 8000", "6, 8000"})
    void theTimeoutDoublesWithEveryViewChangeWithoutProgressUpToEightTimes(int changes, long timeout) {
        ViewChangeProtocol views = replica(2);
        for (int i = 0; i < changes; i++) {
            if (i == 0) {
                views.suspect(0, "a test", none());
            } else {
                views.onViewChange(change(0, i + 1), 0, none());
                views.onViewChange(change(3, i + 1), 0, none());
            }
        }

        assertThat(views.view()).isEqualTo(changes);
        assertThat(views.timeoutMillis()).isEqualTo(timeout);
    }

    @Test
    void fPlusOneViewChangesForHigherViewsPullAReplicaToTheLowestOfThem() {
        ViewChangeProtocol views = replica(2);

        views.onViewChange(change(0, 5), 1_000, none());
        assertThat(views.state()).as("one replica may be faulty").isEqualTo(State.NORMAL);
        assertThat(views.view()).isZero();

        Output out = new Output();
        views.onViewChange(change(3, 7), 1_100, out);

        assertThat(views.state()).isEqualTo(State.ASKED);
        assertThat(views.view()).isEqualTo(5);
        assertThat(out.sends).containsExactly(new Output.Send(Output.BROADCAST, change(2, 5)));
    }

    @Test
    void viewChangesOfItsOwnOfOldViewsOrOfItsCurrentViewWhileNormalAreIgnored() {
        ViewChangeProtocol views = replica(2);
        views.onNewView(newView(4, 0, 1, 3), none());
        assertThat(views.view()).isEqualTo(4);

        views.onViewChange(change(2, 6), 0, none());
        views.onViewChange(change(0, 3), 0, none());
        views.onViewChange(change(0, 4), 0, none());
        views.onViewChange(change(1, 4), 0, none());

        assertThat(stats.get(Counter.MESSAGES_WRONG_VIEW)).isEqualTo(4);
        views.onViewChange(change(0, 6), 0, none());
        assertThat(views.state()).as("its own view change for 6 did not count").isEqualTo(State.NORMAL);
    }

    @Test
    void aMalformedViewChangeIsCountedAndDoesNotCount() {
        ViewChangeProtocol views = replica(2);
        Envelope<ViewChange> malformed = SignedMessages.signed(
                new ViewChange(0, 5, 3, Digest.ZERO, List.of(), List.of())); // stable seq 3: not at an interval

        views.onViewChange(malformed, 0, none());
        views.onViewChange(change(3, 5), 0, none());

        assertThat(stats.get(Counter.VIEW_CHANGES_INVALID)).isEqualTo(1);
        assertThat(views.state()).isEqualTo(State.NORMAL);
    }

    @Test
    void theNewPrimarySendsNewViewOnceItHoldsTwoFPlusOneViewChangesAndStartsTheView() {
        PrePrepare prepared = new PrePrepare(0, 1, 1_767_225_600_000L, 42, List.of(entry(request(1000, 1, 4))));
        host.proofs = List.of(prepared(QUORUMS, prepared));
        ViewChangeProtocol views = replica(1);
        views.suspect(1_000, "a test", none());
        views.onViewChange(change(0, 1), 1_100, none());
        assertThat(views.state()).isEqualTo(State.ASKED);

        Output out = new Output();
        views.onViewChange(change(3, 1), 1_200, out);

        assertThat(views.state()).isEqualTo(State.NORMAL);
        assertThat(views.view()).isEqualTo(1);
        assertThat(views.isPrimary()).isTrue();
        assertThat(host.started).hasSize(1);
        Envelope<NewView> sent = host.started.get(0);
        assertThat(sent.message().viewChanges()).extracting(v -> v.message().replicaId()).containsExactly(0, 1, 3);
        assertThat(new ViewChangeRules(QUORUMS, SETTINGS).problem(sent.message())).isNull();
        PrePrepare reproposal = new PrePrepare(1, 1, prepared.timeMillis(), prepared.seed(), prepared.entries());
        assertThat(sent.message().prePrepares()).extracting(Envelope::message).containsExactly(reproposal);
        assertThat(out.persist).containsExactly(new Output.Persist(1, sent));
        assertThat(out.sends).containsExactly(new Output.Send(Output.BROADCAST, sent));
        assertThat(views.fixedProposal(1, 1).message()).isEqualTo(reproposal);
        assertThat(views.fixedProposal(1, 0)).as("only in the view it started").isNull();
        assertThat(views.fixedProposal(2, 1)).isNull();
        assertThat(stats.get(Counter.NEW_VIEWS_SENT)).isEqualTo(1);
    }

    @Test
    void aBackupEntersTheViewOfAValidNewViewAndIgnoresItOnceNormalInThatView() {
        ViewChangeProtocol views = replica(2);
        views.suspect(1_000, "a test", none());
        Envelope<NewView> newView = newView(1, 0, 1, 2);

        Output out = new Output();
        views.onNewView(newView, out);

        assertThat(views.state()).isEqualTo(State.NORMAL);
        assertThat(views.view()).isEqualTo(1);
        assertThat(out.persist).containsExactly(new Output.Persist(1, newView));
        assertThat(host.started).containsExactly(newView);

        Output again = new Output();
        views.onNewView(newView, again);

        assertThat(again.isEmpty()).isTrue();
        assertThat(host.started).hasSize(1);
        assertThat(stats.get(Counter.MESSAGES_WRONG_VIEW)).isEqualTo(1);
        assertThat(stats.get(Counter.NEW_VIEWS_ACCEPTED)).isEqualTo(1);
    }

    @Test
    void aNewViewThatDoesNotFollowFromItsViewChangesIsRefused() {
        ViewChangeProtocol views = replica(2);
        views.suspect(1_000, "a test", none());

        views.onNewView(newView(1, 0, 1), none());

        assertThat(views.state()).isEqualTo(State.ASKED);
        assertThat(stats.get(Counter.NEW_VIEWS_INVALID)).isEqualTo(1);
        assertThat(host.started).isEmpty();
    }

    @Test
    void aValidNewViewForALaterViewIsFollowedFromNormal() {
        ViewChangeProtocol views = replica(2);

        views.onNewView(newView(5, 0, 1, 3), none());

        assertThat(views.state()).isEqualTo(State.NORMAL);
        assertThat(views.view()).isEqualTo(5);
        views.onNewView(newView(4, 0, 1, 3), none());
        assertThat(views.view()).as("an older view's NEW-VIEW changes nothing").isEqualTo(5);
    }

    @Test
    void persistRecordPersistsItsOwnViewChangeWhileChangingAndTheNewViewWhileNormal() {
        ViewChangeProtocol views = replica(2);
        Output initial = new Output();
        views.persistRecord(8, initial);
        assertThat(initial.persist).as("view 0 needs no record").isEmpty();

        views.suspect(1_000, "a test", none());
        Output changing = new Output();
        views.persistRecord(8, changing);
        assertThat(changing.persist).containsExactly(new Output.Persist(8, change(2, 1)));

        Envelope<NewView> newView = newView(1, 0, 1, 2);
        views.onNewView(newView, none());
        Output normal = new Output();
        views.persistRecord(16, normal);
        assertThat(normal.persist).containsExactly(new Output.Persist(16, newView));
    }

    @Test
    void aReplicaRestartedWhileAskingSaysItsViewChangeAgainOnTheFirstTick() {
        ViewChangeProtocol views = replica(2);
        views.replayedVoteIn(1);
        views.replayViewChange(change(0, 3)); // another replica's: not this replica's record
        assertThat(views.state()).isEqualTo(State.NORMAL);
        Envelope<ViewChange> own = change(2, 3);

        views.replayViewChange(own);
        assertThat(views.state()).isEqualTo(State.RESTARTED);
        assertThat(views.view()).isEqualTo(3);
        assertThat(views.changing()).isTrue();

        Output out = new Output();
        views.onTick(5_000, out);

        assertThat(views.state()).isEqualTo(State.ASKED);
        assertThat(out.sends).containsExactly(new Output.Send(Output.BROADCAST, own));
        assertThat(out.persist).as("it is durable already").isEmpty();
    }

    @Test
    void aReplayedNewViewPutsTheReplicaBackInItsViewAndAnOlderOneDoesNot() {
        ViewChangeProtocol views = replica(2);
        Envelope<NewView> newView = newView(1, 0, 1, 2);

        assertThat(views.replayNewView(newView)).isTrue();
        assertThat(views.replayNewView(newView(0, 0, 1, 3))).isFalse();

        assertThat(views.state()).isEqualTo(State.NORMAL);
        assertThat(views.view()).isEqualTo(1);
        Output out = new Output();
        views.persistRecord(8, out);
        assertThat(out.persist).containsExactly(new Output.Persist(8, newView));
    }
}
