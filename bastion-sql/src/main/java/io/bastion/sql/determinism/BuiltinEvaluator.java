package io.bastion.sql.determinism;

import org.sqlite.SQLiteConfig;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates SQLite's own built-in functions on a private in-memory connection that has no
 * overrides, so that an override can hand every call it does not change (a date function on
 * anything but {@code 'now'}) to the real implementation, with exactly its semantics. Callers must
 * pass only arguments that make the built-in deterministic.
 *
 * <p>One per replica connection (nothing is shared between connections); not thread-safe.
 */
final class BuiltinEvaluator implements AutoCloseable {
    /** Distinct (function, argument count) pairs kept prepared; more are prepared per call. */
    static final int PREPARED_STATEMENTS_MAX = 32;
    private static final String IN_MEMORY_URL = "jdbc:sqlite::memory:";

    private final Connection memory;
    private final Map<String, PreparedStatement> prepared = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PreparedStatement> eldest) {
            if (size() <= PREPARED_STATEMENTS_MAX) {
                return false;
            }
            closeQuietly(eldest.getValue());
            return true;
        }
    };

    private BuiltinEvaluator(Connection memory) {
        this.memory = memory;
    }

    /**
     * Opens the private connection with the replica connection's {@link SqliteLimits}, so that a
     * built-in whose result outgrows its arguments ({@code strftime} with a long format) fails
     * here, with the same error, before it allocates more than a replica connection could hold.
     */
    static BuiltinEvaluator open(int lengthBytes) throws SQLException {
        SQLiteConfig config = new SQLiteConfig();
        config.enableLoadExtension(false);
        Connection memory = config.createConnection(IN_MEMORY_URL);
        try {
            SqliteLimits.apply(memory, lengthBytes);
        } catch (SQLException | RuntimeException e) {
            memory.close();
            throw e;
        }
        return new BuiltinEvaluator(memory);
    }

    /**
     * {@code SELECT function(arguments…)} with each argument bound in its storage class (Long,
     * Double, String, byte[] or null); returns the result the same way.
     */
    Object evaluate(String function, List<Object> arguments) throws SQLException {
        PreparedStatement statement = statementFor(function, arguments.size());
        for (int i = 0; i < arguments.size(); i++) {
            bind(statement, i + 1, arguments.get(i));
        }
        try (ResultSet result = statement.executeQuery()) {
            result.next();
            Object value = result.getObject(1);
            return value instanceof Integer i ? Long.valueOf(i) : value;
        }
    }

    private PreparedStatement statementFor(String function, int argumentCount) throws SQLException {
        String key = function + "/" + argumentCount;
        PreparedStatement statement = prepared.get(key);
        if (statement == null) {
            statement = memory.prepareStatement("SELECT " + function + "(" + placeholders(argumentCount) + ")");
            prepared.put(key, statement);
        }
        return statement;
    }

    private static String placeholders(int count) {
        return String.join(", ", java.util.Collections.nCopies(count, "?"));
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        switch (value) {
            case null -> statement.setNull(index, Types.NULL);
            case Long l -> statement.setLong(index, l);
            case Double d -> statement.setDouble(index, d);
            case String s -> statement.setString(index, s);
            case byte[] b -> statement.setBytes(index, b);
            default -> throw new SQLException("unexpected SQL value of " + value.getClass());
        }
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement statement : prepared.values()) {
            closeQuietly(statement);
        }
        prepared.clear();
        memory.close();
    }

    private static void closeQuietly(PreparedStatement statement) {
        try {
            statement.close();
        } catch (SQLException e) {
            // closing a statement of an in-memory connection has nothing to lose
        }
    }
}
