package io.bastion.evoting.record;

import java.util.List;

/**
 * The published result: the count per option, in the election's order; the winner, or the options
 * tied for the most votes; and the replicas whose decryption shares made it.
 *
 * @param winner the option with the most votes, or null when several tie
 * @param tie    the options tied for the most votes (empty when there is a winner)
 */
public record ResultRecord(List<String> options, List<Long> votes, String winner, List<String> tie,
                           List<Integer> decryptedBy) {
    public ResultRecord {
        options = List.copyOf(options);
        votes = List.copyOf(votes);
        tie = List.copyOf(tie);
        decryptedBy = List.copyOf(decryptedBy);
    }

    /** The winner, or the options tied for the most votes, from {@code votes} per option. */
    public static Leaders leaders(List<String> options, List<Long> votes) {
        long most = -1;
        List<String> leaders = new java.util.ArrayList<>();
        for (int position = 0; position < votes.size(); position++) {
            long count = votes.get(position);
            if (count > most) {
                most = count;
                leaders.clear();
            }
            if (count == most) {
                leaders.add(options.get(position));
            }
        }
        return leaders.size() == 1 ? new Leaders(leaders.get(0), List.of()) : new Leaders(null, leaders);
    }

    /** A winner (and no tie), or no winner and the tied options. */
    public record Leaders(String winner, List<String> tie) {}
}
