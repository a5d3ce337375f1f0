package io.bastion.server.observe;

import io.bastion.core.message.MessageType;
import io.bastion.core.util.Check;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Which trace events to keep: by message type, seq range, view and recording replica. A criterion
 * left {@code null} keeps everything; an event without the field a criterion asks about (a
 * REQUEST has no seq) is left out. Immutable.
 *
 * @param types    message type names to keep
 * @param seqFrom  smallest seq to keep (inclusive)
 * @param seqTo    largest seq to keep (inclusive)
 * @param view     the view to keep
 * @param replicas recording replicas to keep
 */
public record TraceFilter(Set<String> types, Long seqFrom, Long seqTo, Long view, Set<Integer> replicas)
        implements Predicate<TraceEvent> {
    /** Keeps every event. */
    public static final TraceFilter ALL = new TraceFilter(null, null, null, null, null);

    private static final String RANGE = "..";

    public TraceFilter {
        types = types == null ? null : Set.copyOf(types);
        replicas = replicas == null ? null : Set.copyOf(replicas);
        Check.argument(seqFrom == null || seqTo == null || seqFrom <= seqTo,
                "an empty seq range: " + seqFrom + RANGE + seqTo);
    }

    @Override
    public boolean test(TraceEvent e) {
        return (types == null || types.contains(e.type()))
                && (seqFrom == null || (e.seq() != null && e.seq() >= seqFrom))
                && (seqTo == null || (e.seq() != null && e.seq() <= seqTo))
                && (view == null || view.equals(e.view()))
                && (replicas == null || replicas.contains(e.replica()));
    }

    /**
     * Keeps only these message types. Names are matched ignoring case, with {@code -} for
     * {@code _} ({@code pre-prepare}).
     *
     * @throws IllegalArgumentException naming the valid types, for a name that is none
     */
    public TraceFilter withTypes(Collection<String> names) {
        Set<String> known = Arrays.stream(MessageType.values()).map(Enum::name).collect(Collectors.toSet());
        Set<String> chosen = new TreeSet<>();
        for (String name : names) {
            String normal = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
            Check.argument(known.contains(normal), "unknown message type " + name + "; one of "
                    + Arrays.stream(MessageType.values()).map(Enum::name).collect(Collectors.joining(", ")));
            chosen.add(normal);
        }
        return new TraceFilter(chosen, seqFrom, seqTo, view, replicas);
    }

    /**
     * Keeps only seqs in {@code range}: {@code N}, {@code FROM..TO} (inclusive), {@code FROM..}
     * or {@code ..TO}.
     *
     * @throws IllegalArgumentException for anything else
     */
    public TraceFilter withSeqRange(String range) {
        String spec = range.strip();
        int dots = spec.indexOf(RANGE);
        if (dots < 0) {
            long seq = parseSeq(spec, range);
            return new TraceFilter(types, seq, seq, view, replicas);
        }
        String from = spec.substring(0, dots);
        String to = spec.substring(dots + RANGE.length());
        Check.argument(!from.isEmpty() || !to.isEmpty(), "a seq range needs FROM, TO or both: " + range);
        return new TraceFilter(types, from.isEmpty() ? null : parseSeq(from, range),
                to.isEmpty() ? null : parseSeq(to, range), view, replicas);
    }

    private static long parseSeq(String number, String range) {
        try {
            long seq = Long.parseLong(number.strip());
            Check.argument(seq >= 0, "a seq is not negative: " + range);
            return seq;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("a seq range is N, FROM..TO, FROM.. or ..TO, got " + range);
        }
    }

    /** Keeps only events of {@code view}. */
    public TraceFilter withView(long view) {
        return new TraceFilter(types, seqFrom, seqTo, view, replicas);
    }

    /** Keeps only events recorded by these replicas. */
    public TraceFilter withReplicas(Collection<Integer> ids) {
        return new TraceFilter(types, seqFrom, seqTo, view, Set.copyOf(ids));
    }
}
