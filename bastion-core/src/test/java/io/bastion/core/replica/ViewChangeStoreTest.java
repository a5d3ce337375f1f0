package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;
import io.bastion.core.quorum.Quorums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The view changes a replica holds, written "replica@view ..." (each one from the initial state,
 * with nothing prepared).
 */
class ViewChangeStoreTest {
    private static Envelope<ViewChange> change(int replica, int view) {
        return SignedMessages.signed(new ViewChange(replica, view, 0, Digest.ZERO, List.of(), List.of()));
    }

    private static ViewChangeStore store(String spec) {
        ViewChangeStore store = new ViewChangeStore();
        if (spec != null) {
            for (String c : spec.trim().split("\\s+")) {
                String[] p = c.split("@");
                store.add(change(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
            }
        }
        return store;
    }

    @Test
    void aReplicaHasOneChangePerViewAndTheFirstOneStays() {
        ViewChangeStore store = new ViewChangeStore();
        Envelope<ViewChange> first = change(1, 2);
        Quorums q = Quorums.forFaults(1);
        Envelope<ViewChange> other = SignedMessages.signed(SignedMessages.viewChange(q, 1, 2, 4, List.of()));

        assertThat(store.add(first)).isTrue();
        assertThat(store.add(first)).isFalse();
        assertThat(store.add(other)).isFalse();
        assertThat(store.add(change(2, 2))).isTrue();
        assertThat(store.add(change(1, 3))).isTrue();

        assertThat(store.of(1, 2)).isEqualTo(first);
        assertThat(store.of(1, 3)).isEqualTo(change(1, 3));
        assertThat(store.of(3, 2)).isNull();
        assertThat(store.countForView(2)).isEqualTo(2);
    }

    @Test
    void aReplicaKeepsItsNewestViewsOnly() {
        ViewChangeStore store = store("1@1 1@2 1@3 1@4 1@5 1@6 2@1");

        assertThat(ViewChangeStore.VIEWS_PER_REPLICA_MAX).isEqualTo(4);
        for (int view = 1; view <= 6; view++) {
            assertThat(store.of(1, view) != null).as("view %d held", view).isEqualTo(view >= 3);
        }
        assertThat(store.of(2, 1)).as("another replica's old view is its own").isNotNull();
    }

    @Test
    void aViewOlderThanAReplicasNewestFourIsNotKept() {
        ViewChangeStore store = store("1@3 1@4 1@5 1@6");

        assertThat(store.add(change(1, 2))).isFalse();

        assertThat(store.of(1, 2)).isNull();
        assertThat(store.countForView(2)).isZero();
    }

    @ParameterizedTest(name = "[{0}] view {1}, at most {2} -> replicas [{3}]")
    @CsvSource(delimiter = ';', value = {
        // held                        ; view ; max ; replicas returned, in order
        "3@2 0@2 2@2 1@2               ; 2    ; 4   ; 0 1 2 3",
        "3@2 0@2 2@2 1@2               ; 2    ; 3   ; 0 1 2",
        "3@2 2@2 1@3                   ; 2    ; 3   ; 2 3",
        "3@2 2@2 1@3                   ; 3    ; 3   ; 1",
        "3@2 2@2                       ; 4    ; 3   ; ",
        "6@2 5@2 4@2 1@2               ; 2    ; 3   ; 1",
    })
    void forViewReturnsOneChangePerReplicaInReplicaOrderAndAtMostMax(String held, int view, int max, String expected) {
        ViewChangeStore store = store(held);

        List<Integer> replicas = new ArrayList<>();
        store.forView(view, 4, max).forEach(v -> {
            assertThat(v.message().newView()).isEqualTo(view);
            replicas.add(v.message().replicaId());
        });

        assertThat(String.join(" ", replicas.stream().map(String::valueOf).toList()))
                .isEqualTo(expected == null ? "" : expected.trim());
    }

    @ParameterizedTest(name = "[{0}] view {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
        "                      ; 2 ; 0",
        "0@2 1@2 1@3 2@2       ; 2 ; 3",
        "0@2 1@2 1@3 2@2       ; 3 ; 1",
        "0@2 1@2 1@3 2@2       ; 1 ; 0",
    })
    void countForViewCountsReplicasThatAskedForThatView(String held, int view, int count) {
        assertThat(store(held).countForView(view)).isEqualTo(count);
    }

    @ParameterizedTest(name = "[{0}] above view {1}, self {2}, needing {3} -> {4}")
    @CsvSource(delimiter = ';', value = {
        // held                   ; current view ; self ; replicas needed ; view to move to (-1: stay)
        "                         ; 2 ; 0 ; 2 ; -1",
        "1@3                      ; 2 ; 0 ; 2 ; -1",
        "1@3 2@5                  ; 2 ; 0 ; 2 ; 3",
        "1@3 2@5 3@4              ; 2 ; 0 ; 2 ; 3",
        "1@3 2@5 3@4              ; 2 ; 1 ; 2 ; 4",
        "1@3 1@9 2@5              ; 2 ; 0 ; 2 ; 5",
        "1@2 2@5                  ; 2 ; 0 ; 2 ; -1",
        "1@1 2@2 3@5              ; 2 ; 0 ; 2 ; -1",
        "0@7 1@7                  ; 2 ; 0 ; 2 ; -1",
        "0@7 1@7 2@8              ; 2 ; 0 ; 2 ; 7",
        "1@3 2@3 4@3 5@6          ; 2 ; 0 ; 3 ; 3",
        "1@3 2@3 4@3 5@6          ; 2 ; 0 ; 5 ; -1",
        "1@3 2@5                  ; 4 ; 0 ; 1 ; 5",
    })
    void lowestViewAboveNeedsThatManyOtherReplicasAboveTheViewAndTakesTheLowestOfTheirNewestViews(
            String held, int view, int self, int needed, int expected) {
        assertThat(store(held).lowestViewAbove(view, self, needed)).isEqualTo(expected);
    }

    @Test
    void dropBelowForgetsEveryChangeForAnEarlierView() {
        ViewChangeStore store = store("0@1 1@2 1@3 2@3 3@5");

        store.dropBelow(3);

        assertThat(store.countForView(1)).isZero();
        assertThat(store.countForView(2)).isZero();
        assertThat(store.countForView(3)).isEqualTo(2);
        assertThat(store.of(3, 5)).isNotNull();
        assertThat(store.lowestViewAbove(0, 3, 2)).isEqualTo(3);
        assertThat(store.lowestViewAbove(0, 3, 3)).as("replica 0's view 1 no longer counts").isEqualTo(-1);
    }

    /** A replica's view changes beyond the byte bound go, oldest first; its newest always stays. */
    @Test
    void aReplicasViewChangesAreBoundedInBytesKeepingTheNewest() {
        long one = change(1, 1).wireSize();
        ViewChangeStore store = new ViewChangeStore(2 * one + one / 2);
        for (int view = 1; view <= 4; view++) {
            store.add(change(1, view));
        }
        assertThat(store.of(1, 4)).isNotNull();
        assertThat(store.of(1, 3)).isNotNull();
        assertThat(store.of(1, 2)).as("beyond the byte bound").isNull();
        assertThat(store.of(1, 1)).isNull();

        ViewChangeStore tiny = new ViewChangeStore(1);
        assertThat(tiny.add(change(2, 5))).as("the newest is kept even above the bound").isTrue();
        assertThat(tiny.add(change(2, 6))).isTrue();
        assertThat(tiny.of(2, 5)).isNull();
        assertThat(tiny.of(2, 6)).isNotNull();
    }
}
