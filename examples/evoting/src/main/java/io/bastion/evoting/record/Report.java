package io.bastion.evoting.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a {@link RecordVerifier} found: one {@link Check} per category, in the order they were made,
 * each with a one-line summary (with its counts) and, when something is wrong, exactly what — which
 * ballot (number and tracker), which replica's share. Immutable.
 */
public record Report(List<Check> checks) {
    /** Problems listed per check in {@link #lines()}; the rest are counted. All are in {@link Check#problems()}. */
    public static final int PROBLEMS_LISTED_MAX = 20;

    public Report {
        checks = List.copyOf(checks);
    }

    /** How a check came out. */
    public enum Status {
        /** Everything of this kind holds. */
        PASS,
        /** Something is wrong that does not change the result, or was caught by the cluster itself (a replica's bad share). */
        NOTE,
        /** Something the result depends on does not hold. */
        FAIL
    }

    /**
     * One category of checks.
     *
     * @param name     a short name: {@code election}, {@code key}, {@code ballots}, …
     * @param summary  one line, with its counts
     * @param problems each thing found wrong, one sentence each (empty for a plain pass)
     */
    public record Check(String name, Status status, String summary, List<String> problems) {
        public Check {
            problems = List.copyOf(problems);
        }
    }

    /** Whether the record verifies: no check failed (notes allowed). */
    public boolean verified() {
        return checks.stream().noneMatch(c -> c.status() == Status.FAIL);
    }

    /** The check named {@code name}. */
    public Check check(String name) {
        return checks.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no check " + name));
    }

    /** The report as text: a line per check, its problems indented below it, then the verdict. */
    public List<String> lines() {
        List<String> lines = new ArrayList<>();
        for (Check check : checks) {
            lines.add(String.format(Locale.ROOT, "%-4s  %-11s  %s", check.status(), check.name(), check.summary()));
            List<String> problems = check.problems();
            for (int i = 0; i < Math.min(problems.size(), PROBLEMS_LISTED_MAX); i++) {
                lines.add("      " + problems.get(i));
            }
            if (problems.size() > PROBLEMS_LISTED_MAX) {
                lines.add("      … and " + (problems.size() - PROBLEMS_LISTED_MAX) + " more");
            }
        }
        long failed = checks.stream().filter(c -> c.status() == Status.FAIL).count();
        lines.add(failed == 0 ? "the record verifies: the result follows from the ballots"
                : "the record does NOT verify: " + failed + " of " + checks.size() + " checks failed");
        return lines;
    }
}
