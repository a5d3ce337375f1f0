package io.bastion.evoting.record;

import io.bastion.threshold.DecryptionTranscript;

/**
 * Where the election's tally stood when the record was exported, and its decryption.
 *
 * @param state      {@code none} (not begun), {@code requested}, {@code done} or {@code failed}
 * @param counted    how many counted ballots the tally added up, or null before it began
 * @param decryption the threshold decryption of the per-option sums: its inputs (the aggregate),
 *                   every replica's proven shares and the plaintexts; null when none was asked for
 *                   (the tally has not begun, or there were no counted ballots)
 */
public record TallyRecord(String state, Long counted, DecryptionTranscript decryption) {}
