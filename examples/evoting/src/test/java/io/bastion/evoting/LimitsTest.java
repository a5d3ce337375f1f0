package io.bastion.evoting;

import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.record.RecordJson;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdOp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How the service's maxima fit the threshold facility's and the ballot format's. */
class LimitsTest {
    @Test
    void everyElectionHasAKeyAndItsTallyFitsTheLedger() {
        assertThat(Elections.ELECTIONS_MAX).as("one key per election").isLessThanOrEqualTo(ThresholdLedger.KEYS_MAX);
        assertThat(Elections.ELECTIONS_MAX).as("one decryption per election, pending at once at worst")
                .isLessThanOrEqualTo(ThresholdLedger.OPERATIONS_PENDING_MAX);
        assertThat(Elections.ELECTIONS_MAX).as("the ledger keeps every tally's result")
                .isLessThanOrEqualTo(ThresholdLedger.OPERATIONS_KEPT_MAX);
        assertThat(Elections.OPTIONS_MAX).as("one ciphertext per option in the tally's decryption")
                .isLessThanOrEqualTo(ThresholdOp.CIPHERTEXTS_MAX)
                .isLessThanOrEqualTo(BallotParameters.OPTIONS_MAX);
        assertThat((long) Elections.ELECTIONS_MAX).isLessThanOrEqualTo(BallotParameters.ELECTION_ID_MAX);
        assertThat(PublicRecord.BALLOT_BOX_PAGE_MAX).isLessThanOrEqualTo(1_000);
    }

    @Test
    void theRecordReaderTakesTheLargestElectionTheServiceHolds() {
        assertThat(RecordJson.VOTERS_MAX).as("every account eligible").isGreaterThanOrEqualTo(Voters.VOTERS_MAX);
        assertThat((long) RecordJson.BALLOTS_MAX).as("every account casting all its ballots")
                .isGreaterThanOrEqualTo((long) Voters.VOTERS_MAX * Ballots.BALLOTS_PER_VOTER_MAX);
        assertThat((long) RecordPages.BALLOTS_PAGE_CHARS_MAX + 20_000).as("a full page and one more large ballot")
                .isLessThan(io.bastion.sql.SqlBudget.DEFAULTS.replyBytesMax());
    }
}
