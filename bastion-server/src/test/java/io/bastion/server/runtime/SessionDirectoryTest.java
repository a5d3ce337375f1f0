package io.bastion.server.runtime;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionSettings;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionDirectoryTest {
    private static final long FIRST = SessionSettings.FIRST_DYNAMIC_CLIENT_ID;
    private static final Map<Long, PublicKeyRef> REGISTERED = Map.of(1L, TestKeys.key(1), 2L, TestKeys.key(2));

    private static Session session(long clientId) {
        return new Session(clientId, "user-" + clientId, TestKeys.key(clientId), 0, 0);
    }

    private static SessionDirectory directory(int recentlyEndedMax) {
        return new SessionDirectory(REGISTERED::get, recentlyEndedMax);
    }

    @Test
    void knowsRegisteredClientsAndLiveSessionsOnly() {
        SessionDirectory d = directory(10);
        d.apply(List.of(session(FIRST), session(FIRST + 1)), List.of());
        assertThat(d.keyOf(1)).isEqualTo(TestKeys.key(1));
        assertThat(d.keyOf(FIRST)).isEqualTo(TestKeys.key(FIRST));
        assertThat(d.keyOf(FIRST + 1)).isEqualTo(TestKeys.key(FIRST + 1));
        assertThat(d.keyOf(3)).isNull();
        assertThat(d.keyOf(FIRST + 2)).isNull();
        assertThat(d.keyOfRelayed(FIRST + 2)).isNull();
        assertThat(d.liveCount()).isEqualTo(2);
    }

    @Test
    void anEndedSessionIsUnknownToClientsButStillVerifiesForPeers() {
        SessionDirectory d = directory(10);
        d.apply(List.of(session(FIRST)), List.of());
        d.apply(List.of(), List.of(FIRST));
        assertThat(d.keyOf(FIRST)).isNull();
        assertThat(d.isLive(FIRST)).isFalse();
        assertThat(d.recentlyEnded(FIRST)).isEqualTo(TestKeys.key(FIRST));
        assertThat(d.keyOfRelayed(FIRST)).isEqualTo(TestKeys.key(FIRST));
        assertThat(d.liveCount()).isZero();
        assertThat(d.recentlyEndedCount()).isEqualTo(1);
    }

    @Test
    void forgottenIdsThatWereNoSessionLeaveNoTrace() {
        SessionDirectory d = directory(10);
        long provisional = JoinRequest.provisionalClientId(TestKeys.key(99));
        d.apply(List.of(session(FIRST)), List.of(provisional, FIRST + 5, 1L));
        assertThat(d.recentlyEndedCount()).isZero();
        assertThat(d.keyOf(1)).as("a registered client is not a session to forget").isEqualTo(TestKeys.key(1));
        assertThat(d.liveCount()).isEqualTo(1);
    }

    @Test
    void theRecentlyEndedFifoKeepsTheNewestEntriesUpToItsBound() {
        int bound = 3;
        SessionDirectory d = directory(bound);
        for (long id = FIRST; id < FIRST + 10; id++) {
            d.apply(List.of(session(id)), List.of());
            d.apply(List.of(), List.of(id));
            assertThat(d.recentlyEndedCount()).isLessThanOrEqualTo(bound);
        }
        assertThat(d.recentlyEndedCount()).isEqualTo(bound);
        for (long id = FIRST; id < FIRST + 7; id++) {
            assertThat(d.keyOfRelayed(id)).as("session %d ended long ago", id).isNull();
        }
        for (long id = FIRST + 7; id < FIRST + 10; id++) {
            assertThat(d.keyOfRelayed(id)).as("session %d ended recently", id).isEqualTo(TestKeys.key(id));
        }
    }

    @Test
    void aBatchThatEndsOneSessionAndOpensAnotherAppliesBoth() {
        SessionDirectory d = directory(10);
        d.apply(List.of(session(FIRST)), List.of());
        // the same identity joined again: the old session ends, the new one opens, in one batch
        d.apply(List.of(session(FIRST + 1)), List.of(JoinRequest.provisionalClientId(TestKeys.key(FIRST + 1)), FIRST));
        assertThat(d.keyOf(FIRST)).isNull();
        assertThat(d.recentlyEnded(FIRST)).isNotNull();
        assertThat(d.keyOf(FIRST + 1)).isEqualTo(TestKeys.key(FIRST + 1));
    }

    @Test
    void rebuildingReplacesTheLiveSetAndRemembersWhatWentMissing() {
        SessionDirectory d = directory(10);
        d.apply(List.of(session(FIRST), session(FIRST + 1)), List.of());
        d.replaceLive(List.of(session(FIRST + 1), session(FIRST + 2))); // e.g. the state a transfer installed
        assertThat(d.keyOf(FIRST)).isNull();
        assertThat(d.recentlyEnded(FIRST)).isEqualTo(TestKeys.key(FIRST));
        assertThat(d.keyOf(FIRST + 1)).isNotNull();
        assertThat(d.keyOf(FIRST + 2)).isNotNull();
        assertThat(d.liveCount()).isEqualTo(2);
    }

    @Test
    void refusesAnUnboundedFifo() {
        assertThatThrownBy(() -> directory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theLastExecutedNumberIsKeptForLiveSessionsOnlyAndGoesWithThem() {
        SessionDirectory directory = directory(4);
        long id = SessionSettings.FIRST_DYNAMIC_CLIENT_ID + 7;
        directory.executed(id, 3);
        assertThat(directory.lastExecuted(id)).as("not live: nothing kept").isZero();
        directory.apply(List.of(session(id)), List.of());
        directory.executed(id, 3);
        directory.executed(id, 2);
        assertThat(directory.lastExecuted(id)).isEqualTo(3);
        directory.replaceLive(List.of(session(id)));
        assertThat(directory.lastExecuted(id)).as("unknown after a state transfer").isZero();
        directory.executed(id, 4);
        directory.apply(List.of(), List.of(id));
        assertThat(directory.lastExecuted(id)).as("gone with the session").isZero();
    }
}
