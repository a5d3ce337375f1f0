package io.bastion.bench.matrix;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code --matrix-filter}: which entries of a matrix to run. Terms separated by commas, all of
 * which an entry must meet: {@code key=value} (or {@code key=v1|v2}) on one of the entry's
 * {@linkplain MatrixEntry#parameters() parameters}, or any other text, found case-insensitively
 * in its {@linkplain MatrixEntry#description() description}. E.g.
 * {@code figure=table1,batching=off,clients=1|50} or {@code 4096/0}.
 */
public record MatrixFilter(String text, List<Term> terms) {
    /** One condition of the filter. */
    public sealed interface Term {
        boolean matches(MatrixEntry entry);
    }

    /** The parameter {@code key} is one of {@code values}. */
    public record Parameter(String key, Set<String> values) implements Term {
        @Override
        public boolean matches(MatrixEntry entry) {
            String value = entry.parameters().get(key); // null: the entry has no such parameter
            return value != null && values.contains(value);
        }
    }

    /** The description contains {@code text}, ignoring case. */
    public record Contains(String text) implements Term {
        @Override
        public boolean matches(MatrixEntry entry) {
            return entry.description().toLowerCase(Locale.ROOT).contains(text.toLowerCase(Locale.ROOT));
        }
    }

    /** Everything. */
    public static final MatrixFilter ALL = new MatrixFilter("", List.of());

    /** Parses {@code text} ({@code null} or blank: everything). */
    public static MatrixFilter parse(String text) {
        if (text == null || text.isBlank()) {
            return ALL;
        }
        List<Term> terms = new ArrayList<>();
        for (String part : text.split(",")) {
            String term = part.strip();
            if (term.isEmpty()) {
                throw new IllegalArgumentException("--matrix-filter " + text + ": an empty term (two commas in a row?)");
            }
            int equals = term.indexOf('=');
            if (equals < 0) {
                terms.add(new Contains(term));
                continue;
            }
            String key = term.substring(0, equals).strip();
            Set<String> values = new LinkedHashSet<>();
            for (String value : term.substring(equals + 1).split("\\|")) {
                if (!value.isBlank()) {
                    values.add(value.strip());
                }
            }
            if (key.isEmpty() || values.isEmpty()) {
                throw new IllegalArgumentException("--matrix-filter " + text + ": " + term + " is not key=value");
            }
            terms.add(new Parameter(key, Set.copyOf(values)));
        }
        return new MatrixFilter(text, List.copyOf(terms));
    }

    public boolean matches(MatrixEntry entry) {
        return terms.stream().allMatch(t -> t.matches(entry));
    }

    /**
     * The entries of {@code matrix} this filter keeps, in their order. Refuses a key no entry has,
     * and a filter that keeps nothing, saying what there is.
     */
    public List<MatrixEntry> select(Matrix matrix) {
        List<MatrixEntry> all = matrix.entries();
        Set<String> keys = new LinkedHashSet<>();
        all.forEach(e -> keys.addAll(e.parameters().keySet()));
        for (Term term : terms) {
            if (term instanceof Parameter p && !keys.contains(p.key())) {
                throw new IllegalArgumentException("--matrix-filter " + text + ": no parameter " + p.key()
                        + "; the parameters of --matrix " + matrix.flag() + " are " + String.join(", ", keys));
            }
        }
        List<MatrixEntry> kept = all.stream().filter(this::matches).toList();
        if (kept.isEmpty()) {
            throw new IllegalArgumentException("--matrix-filter " + text + " keeps none of the " + all.size()
                    + " configurations of --matrix " + matrix.flag() + unknownValues(all));
        }
        return kept;
    }

    /** For the message of a filter that kept nothing: the first value no entry has, and those there are. */
    private String unknownValues(List<MatrixEntry> all) {
        for (Term term : terms) {
            if (term instanceof Parameter p) {
                Set<String> known = new LinkedHashSet<>();
                all.forEach(e -> {
                    String value = e.parameters().get(p.key());
                    if (value != null) {
                        known.add(value);
                    }
                });
                if (p.values().stream().noneMatch(known::contains)) {
                    return " (" + p.key() + " is one of " + String.join(", ", known) + ")";
                }
            }
        }
        return "";
    }
}
