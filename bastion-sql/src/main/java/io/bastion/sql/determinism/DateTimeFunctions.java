package io.bastion.sql.determinism;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Overrides of SQLite's date and time functions that read the agreed time instead of the wall
 * clock. A call is rewritten only where it would read the clock — the time value {@code 'now'}
 * (any case) or a missing time value — by putting the agreed time in its place, formatted as
 * SQLite formats 'now' ({@code YYYY-MM-DD HH:MM:SS.SSS}, UTC, millisecond precision); the call is
 * then evaluated by the real built-in, so every modifier and format keeps SQLite's meaning.
 *
 * <p>The {@code 'localtime'} and {@code 'utc'} modifiers are refused: they depend on each host's
 * time zone. (For 'now', SQLite treats 'utc' as a no-op; once 'now' is replaced by text it would
 * not, so it is refused rather than silently changed.)
 *
 * <p>The functions other than the {@code CURRENT_*} keywords are registered as deterministic, as
 * SQLite's are, so they stay usable in indexes, CHECK constraints and generated columns. Unlike
 * SQLite, which raises an error for 'now' there, they then read the agreed time of the writing
 * request: deterministic on every replica, but such an expression is wrong in a schema anyway.
 */
final class DateTimeFunctions {
    private static final String NOW = "now";
    private static final Set<String> ZONE_MODIFIERS = Set.of("localtime", "utc");
    /** Functions whose first argument is the time value; SQLite registers them for any count. */
    private static final List<String> TIME_FIRST = List.of("date", "time", "datetime", "julianday", "unixepoch");
    private static final String STRFTIME = "strftime";
    private static final String TIMEDIFF = "timediff";
    private static final int TIMEDIFF_ARGUMENTS = 2;
    private static final DateTimeFormatter NOW_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    private DateTimeFunctions() {}

    /** The agreed time as SQLite's 'now' would be: {@code YYYY-MM-DD HH:MM:SS.SSS}, UTC. */
    static String nowText(long agreedTimeMillis) {
        return NOW_FORMAT.format(Instant.ofEpochMilli(agreedTimeMillis));
    }

    static void register(Connection connection, RequestState state, BuiltinEvaluator builtins) throws SQLException {
        int flags = ScalarFunction.DETERMINISTIC | ScalarFunction.INNOCUOUS;
        for (String name : TIME_FIRST) {
            ScalarFunction.register(connection, name, ScalarFunction.ANY_ARGUMENT_COUNT, flags,
                    call -> evaluate(name, new int[] {0}, call, state, builtins));
        }
        ScalarFunction.register(connection, STRFTIME, ScalarFunction.ANY_ARGUMENT_COUNT, flags,
                call -> evaluate(STRFTIME, new int[] {1}, call, state, builtins));
        ScalarFunction.register(connection, TIMEDIFF, TIMEDIFF_ARGUMENTS, flags,
                call -> evaluate(TIMEDIFF, new int[] {0, 1}, call, state, builtins));
        registerKeyword(connection, "current_timestamp", "datetime", state, builtins);
        registerKeyword(connection, "current_date", "date", state, builtins);
        registerKeyword(connection, "current_time", "time", state, builtins);
    }

    /** {@code CURRENT_TIMESTAMP} and friends: zero-argument functions, not deterministic (as in SQLite). */
    private static void registerKeyword(Connection connection, String keyword, String function,
                                        RequestState state, BuiltinEvaluator builtins) throws SQLException {
        ScalarFunction.register(connection, keyword, 0, ScalarFunction.INNOCUOUS,
                call -> call.returnValue(state.cached(keyword,
                        () -> builtins.evaluate(function, List.of(nowText(state.agreedTimeMillis()))))));
    }

    /**
     * Evaluates {@code name} with 'now' (or a missing time value) at {@code timePositions}
     * replaced by the agreed time, after refusing time-zone modifiers.
     */
    private static void evaluate(String name, int[] timePositions, ScalarFunction call, RequestState state,
                                 BuiltinEvaluator builtins) throws SQLException {
        int count = call.argumentCount();
        List<Object> arguments = new ArrayList<>(count + 1);
        for (int i = 0; i < count; i++) {
            arguments.add(call.value(i));
        }
        int lastTimePosition = timePositions[timePositions.length - 1];
        if (count == lastTimePosition) {
            arguments.add(NOW); // date() is date('now'), strftime(f) is strftime(f, 'now')
        }
        for (int position : timePositions) {
            if (position < arguments.size() && isNow(arguments.get(position))) {
                arguments.set(position, nowText(state.agreedTimeMillis()));
            }
        }
        for (int i = lastTimePosition + 1; i < arguments.size(); i++) {
            refuseZoneModifier(name, arguments.get(i));
        }
        call.returnValue(builtins.evaluate(name, arguments));
    }

    private static boolean isNow(Object value) {
        String text = asText(value);
        return text != null && SqlLexer.asciiEqualsIgnoreCase(text, NOW);
    }

    private static void refuseZoneModifier(String function, Object modifier) throws SQLException {
        String text = asText(modifier);
        if (text != null && ZONE_MODIFIERS.contains(SqlLexer.asciiLowerCase(text.strip()))) {
            throw new SQLException("the '" + text.strip() + "' modifier of " + function + "() is refused: it depends on "
                    + "each replica's time zone; times in Bastion are UTC");
        }
    }

    /** Text as SQLite would read it from a TEXT or BLOB value; null for numbers and NULL. */
    private static String asText(Object value) {
        return switch (value) {
            case String s -> s;
            case byte[] b -> new String(b, StandardCharsets.UTF_8);
            case null, default -> null;
        };
    }
}
