package io.bastion.evoting.record;

import java.util.List;

/**
 * An election as its record describes it: what voters were asked and when.
 *
 * @param opensAtMillis  agreed time voting opened
 * @param closesAtMillis agreed time voting closed (or closes), or null when no time was set and the
 *                       election is still open
 * @param state          {@code upcoming}, {@code open} or {@code closed}, at the agreed time of the
 *                       read that exported it
 */
public record ElectionInfo(long id, String title, List<String> options, int minChoices, int maxChoices,
                           long opensAtMillis, Long closesAtMillis, String state) {
    public ElectionInfo {
        options = List.copyOf(options);
    }
}
