package io.bastion.net.endpoint;

import io.bastion.net.endpoint.RequestAdmission.Limits;
import io.bastion.net.endpoint.RequestAdmission.Refusal;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAdmissionTest {
    private static final long MS = 1_000_000L;
    private static final long CLIENT = 7;
    /** Hold 1 s; 1000 requests/s, burst 200; 20 bad signatures/s, burst 40; 100 client ids. */
    private static final Limits LIMITS = new Limits(1_000 * MS, 1_000, 200, 20, 40, 100, 200, 400, 100 * MS);

    private final RequestAdmission admission = new RequestAdmission(LIMITS, 0);

    @Test
    void anHonestClientOneRequestAtATimeIsNeverRefused() {
        long now = 0;
        for (long n = 1; n <= 500; n++) {
            // its previous request was ordered (settled) before it sends the next
            assertThat(admission.begin(CLIENT, n, true, n - 1, now)).isNull();
            admission.end(CLIENT, n, true, true, now + MS);
            now += 2 * MS;
        }
    }

    @Test
    void aSecondRequestWhileOneIsUnderCheckIsRefused() {
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isNull();
        assertThat(admission.begin(CLIENT, 2, true, 0, 0)).isEqualTo(Refusal.CHECKING);
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isEqualTo(Refusal.CHECKING);
        assertThat(admission.begin(CLIENT + 1, 1, true, 0, 0)).as("another client is not held").isNull();
    }

    @Test
    void anOutstandingOrderedRequestHoldsBackTheNextUntilSettledOrTheHoldEnds() {
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isNull();
        admission.end(CLIENT, 1, true, true, 0);
        assertThat(admission.begin(CLIENT, 2, true, 0, 10 * MS)).isEqualTo(Refusal.OUTSTANDING);
        assertThat(admission.begin(CLIENT, 1, true, 0, 10 * MS)).as("the same number again, other bytes")
                .isEqualTo(Refusal.OUTSTANDING);
        assertThat(admission.begin(CLIENT, 2, true, 1, 20 * MS)).as("request 1 was ordered here").isNull();
        admission.end(CLIENT, 2, true, true, 20 * MS);
        assertThat(admission.begin(CLIENT, 3, true, 1, 20 * MS + 999 * MS)).isEqualTo(Refusal.OUTSTANDING);
        assertThat(admission.begin(CLIENT, 3, true, 1, 20 * MS + 1_000 * MS)).as("the hold ended").isNull();
    }

    @Test
    void theRequestThatLastCheckedOutIsNotCheckedAgainWithinTheHold() {
        assertThat(admission.begin(CLIENT, 5, true, 4, 0)).isNull();
        admission.end(CLIENT, 5, true, true, 0);
        assertThat(admission.begin(CLIENT, 5, true, 5, 10 * MS)).as("it ran here; a copy").isEqualTo(Refusal.OUTSTANDING);
        assertThat(admission.begin(CLIENT, 5, true, 5, 1_000 * MS)).as("a retransmission after the hold").isNull();
    }

    @Test
    void readsAreNotHeldButRateLimited() {
        long admitted = 0;
        for (int i = 0; i < 1_000; i++) {
            if (admission.begin(CLIENT, i + 1, false, 0, 0) == null) {
                admitted++;
                admission.end(CLIENT, i + 1, false, true, 0);
            }
        }
        assertThat(admitted).as("the burst, at one instant").isEqualTo(200);
        assertThat(admission.begin(CLIENT, 2_000, false, 0, 0)).isEqualTo(Refusal.RATE);
        assertThat(admission.begin(CLIENT, 2_000, false, 0, 10 * MS)).as("10 ms later: 10 more tokens").isNull();
    }

    @Test
    void aFloodingClientGetsOneCheckPerSettledRequest() {
        int admitted = 0;
        long settled = 0;
        for (int i = 1; i <= 10_000; i++) {
            long now = i * 100_000L; // 10,000 requests per second, for one second
            if (i % 100 == 0) {
                settled = i - 1; // a batch ordered its outstanding request every 10 ms
            }
            if (admission.begin(CLIENT, i, true, settled, now) == null) {
                admitted++;
                admission.end(CLIENT, i, true, true, now);
            }
        }
        assertThat(admitted).isBetween(95, 101);
    }

    @Test
    void failedSignaturesForgetTheEntryAndSilenceTheConnectionPastTheirBudget() {
        for (int i = 0; i < 40; i++) {
            assertThat(admission.begin(1_000 + i, 1, true, 0, 0)).isNull();
            admission.end(1_000 + i, 1, true, false, 0);
        }
        assertThat(admission.clientCount()).as("forged ids leave nothing behind").isZero();
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isEqualTo(Refusal.BAD_SIGNATURES);
        assertThat(admission.begin(CLIENT, 1, true, 0, 50 * MS)).as("a token back after 50 ms").isNull();
    }

    @Test
    void aConnectionWhoseRefusalsEmptyTheirBucketIsToldToPauseOnce() {
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isNull();
        for (int i = 0; i < 400; i++) {
            assertThat(admission.begin(CLIENT, 2 + i, true, 0, 0)).isEqualTo(Refusal.CHECKING);
        }
        assertThat(admission.pauseReadingNanos()).as("400 refusals: the burst, not beyond").isZero();
        assertThat(admission.begin(CLIENT, 500, true, 0, 0)).isEqualTo(Refusal.CHECKING);
        assertThat(admission.pauseReadingNanos()).isEqualTo(100 * MS);
        assertThat(admission.pauseReadingNanos()).as("handed out once").isZero();
    }

    @Test
    void requestsTheReplicaDropsForItsOwnReasonsCountAsRefusals() {
        for (int i = 0; i < 400; i++) {
            admission.refusedElsewhere(0); // e.g. replays of requests that ran here
        }
        assertThat(admission.pauseReadingNanos()).isZero();
        admission.refusedElsewhere(0);
        assertThat(admission.pauseReadingNanos()).isEqualTo(100 * MS);
    }

    @Test
    void aRequestDroppedBeforeItsCheckHoldsNothingBack() {
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isNull();
        admission.end(CLIENT, 1, true, null, 0);
        assertThat(admission.begin(CLIENT, 1, true, 0, 0)).isNull();
    }

    @Test
    void theNumberOfClientIdsPerConnectionIsBounded() {
        for (int id = 0; id < 100; id++) {
            assertThat(admission.begin(id, 1, true, 0, 0)).isNull();
            admission.end(id, 1, true, true, 0);
        }
        assertThat(admission.begin(100, 1, true, 0, 0)).isEqualTo(Refusal.CLIENTS);
        assertThat(admission.begin(100, 1, true, 0, 1_000 * MS)).as("the outstanding ones aged out of the hold")
                .isNull();
        assertThat(admission.clientCount()).isEqualTo(1);
    }
}
