package io.bastion.evoting.record;

import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.threshold.KeyTranscript;

import java.util.List;

/**
 * An election's public record, as {@code bastion evoting export} writes it and {@link RecordReader}
 * reads it (docs/evoting.md, "The election record"): the election, the parameters its ballots were
 * made for, its threshold key with the transcript it follows from, the eligible voters' credentials,
 * every ballot of the box in order, the tally with its decryption, and the result. Everything a
 * {@link RecordVerifier} needs to check the election without the cluster.
 *
 * @param ballotParameters null when the election had no key yet
 * @param key              null when the election had no key yet
 * @param eligible         how many voters are eligible ({@code voters} lists each)
 * @param result           null before the tally is done
 */
public record ElectionRecord(ElectionInfo election, BallotParameters ballotParameters, KeyTranscript key, long eligible,
                             List<VoterEntry> voters, List<BallotEntry> ballots, TallyRecord tally, ResultRecord result) {
    public ElectionRecord {
        voters = List.copyOf(voters);
        ballots = List.copyOf(ballots);
    }
}
