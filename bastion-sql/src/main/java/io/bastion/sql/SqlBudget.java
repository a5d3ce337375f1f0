package io.bastion.sql;

import io.bastion.core.util.Check;
import io.bastion.sql.determinism.RequestBudget;
import io.bastion.sql.determinism.SqliteLimits;

/**
 * How much work one request may make SQLite do, counted identically at every replica so that every
 * replica stops the same request at the same instruction: a request over its budget is rolled back
 * alone, its client gets an error naming the limit, and the rest of its batch commits. Given by
 * {@link SqlService#budget()}; each call into the service for a request (execute, query, authorize,
 * sessionEnded) counts against that request's budget.
 *
 * <p>Counted in SQLite virtual-machine instructions and bytes, never in time: time differs between
 * replicas, so a time limit would stop a request at one replica and let it finish at another. The
 * fixed size limits that come with it (SQL text, columns, expression depth, …) are in
 * {@link SqliteLimits}. What an instruction costs varies: a step that copies a long string costs
 * more than one that adds two numbers, and writing a row to disk more than reading it from the
 * cache, so the time a budget allows depends on what the request does (see docs/sql.md).
 *
 * @param steps       SQLite virtual-machine instructions the request's statements may execute in all,
 *                    counted in units of {@value RequestBudget#STEPS_PER_CHECK}
 * @param lengthBytes the longest string, blob or row a statement may make ({@code SQLITE_LIMIT_LENGTH});
 *                    SQLite refuses longer ones before allocating them. A reply must fit too
 *                    ({@link #replyBytesMax()}), since it is kept in the reply cache
 * @param growthBytes by how much the request may grow the database file (in pages of 4 KiB,
 *                    rounded down): SQLite refuses to allocate a page beyond it
 */
public record SqlBudget(long steps, int lengthBytes, long growthBytes) {
    /**
     * Default steps: 50 million, about half a second of SQLite's cheapest instructions (a counting
     * loop runs some 90 million a second on one 2020s x86 core) and up to ten seconds or so of its
     * dearest (inserts into indexed tables). Measured on the e-voting service at its largest (100,000
     * voters, 98,000 ballots): the results of an election take 3.4 million steps, adding 1,000
     * eligible voters 350,000, the turnout 590,000, casting a ballot about 200; an insert of one
     * row takes under 30 — a margin of more than ten over the largest.
     */
    public static final long STEPS_DEFAULT = 50_000_000L;
    /** The smallest budget: ten counting units. */
    public static final long STEPS_MIN = 10L * RequestBudget.STEPS_PER_CHECK;
    /** The largest budget, a few minutes of work: a budget is a bound, never "unlimited". */
    public static final long STEPS_MAX = 10_000_000_000L;
    /** Default growth: 64 MiB, some 16,000 pages, written in well under a second. */
    public static final long GROWTH_BYTES_DEFAULT = 64L << 20;
    /** The smallest growth allowance. */
    public static final long GROWTH_BYTES_MIN = 1L << 20;
    /** The largest growth allowance. */
    public static final long GROWTH_BYTES_MAX = 1L << 40;
    /** What the other columns of a reply-cache row may take besides the reply. */
    static final int REPLY_ROW_OVERHEAD_BYTES = 1_024;

    /** 50 million steps; strings, blobs and rows up to 4 MiB; 64 MiB of growth. */
    public static final SqlBudget DEFAULTS =
            new SqlBudget(STEPS_DEFAULT, SqliteLimits.LENGTH_BYTES_DEFAULT, GROWTH_BYTES_DEFAULT);

    public SqlBudget {
        Check.argument(steps >= STEPS_MIN && steps <= STEPS_MAX,
                "steps must be in " + STEPS_MIN + ".." + STEPS_MAX + ", got " + steps);
        Check.argument(lengthBytes >= SqliteLimits.LENGTH_BYTES_MIN && lengthBytes <= SqliteLimits.LENGTH_BYTES_MAX,
                "lengthBytes must be in " + SqliteLimits.LENGTH_BYTES_MIN + ".." + SqliteLimits.LENGTH_BYTES_MAX
                        + ", got " + lengthBytes);
        Check.argument(growthBytes >= GROWTH_BYTES_MIN && growthBytes <= GROWTH_BYTES_MAX,
                "growthBytes must be in " + GROWTH_BYTES_MIN + ".." + GROWTH_BYTES_MAX + ", got " + growthBytes);
    }

    /** The default budget with {@code steps} steps. */
    public static SqlBudget ofSteps(long steps) {
        return new SqlBudget(steps, SqliteLimits.LENGTH_BYTES_DEFAULT, GROWTH_BYTES_DEFAULT);
    }

    /** This budget with another growth allowance. */
    public SqlBudget withGrowthBytes(long bytes) {
        return new SqlBudget(steps, lengthBytes, bytes);
    }

    /** The longest reply a request may return: longer ones are refused (and the request rolled back). */
    public int replyBytesMax() {
        return lengthBytes - REPLY_ROW_OVERHEAD_BYTES;
    }
}
