package io.bastion.sql.determinism;

import org.sqlite.Function;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Adapts a lambda to sqlite-jdbc's {@link Function}, whose argument and result methods are
 * protected. One instance per registration; called on the connection's thread only.
 */
final class ScalarFunction extends Function {
    /** sqlite3_create_function's SQLITE_DETERMINISTIC: same arguments, same result, within a statement. */
    static final int DETERMINISTIC = Function.FLAG_DETERMINISTIC;
    /** SQLITE_INNOCUOUS: no side effects, so usable in views and triggers even if the schema is untrusted. */
    static final int INNOCUOUS = 0x000200000;
    /** sqlite3_create_function's "any number of arguments". */
    static final int ANY_ARGUMENT_COUNT = -1;

    private static final int TYPE_INTEGER = 1;
    private static final int TYPE_FLOAT = 2;
    private static final int TYPE_TEXT = 3;
    private static final int TYPE_BLOB = 4;

    /** The function's work; report SQL errors by throwing {@link SQLException}. */
    @FunctionalInterface
    interface Body {
        void call(ScalarFunction call) throws SQLException;
    }

    private final Body body;

    private ScalarFunction(Body body) {
        this.body = body;
    }

    /** Registers {@code body} as {@code name} for {@code argumentCount} arguments on the connection. */
    static void register(Connection connection, String name, int argumentCount, int flags, Body body) throws SQLException {
        Function.create(connection, name, new ScalarFunction(body), argumentCount, flags);
    }

    @Override
    protected void xFunc() throws SQLException {
        try {
            body.call(this);
        } catch (SQLException e) {
            error(e.getMessage());
        }
    }

    int argumentCount() throws SQLException {
        return args();
    }

    long longValue(int index) throws SQLException {
        return value_long(index);
    }

    double doubleValue(int index) throws SQLException {
        return value_double(index);
    }

    boolean isInteger(int index) throws SQLException {
        return value_type(index) == TYPE_INTEGER;
    }

    boolean isFloat(int index) throws SQLException {
        return value_type(index) == TYPE_FLOAT;
    }

    boolean isText(int index) throws SQLException {
        return value_type(index) == TYPE_TEXT;
    }

    /** The argument as Long, Double, String, byte[] or null, keeping SQLite's storage class. */
    Object value(int index) throws SQLException {
        return switch (value_type(index)) {
            case TYPE_INTEGER -> value_long(index);
            case TYPE_FLOAT -> value_double(index);
            case TYPE_TEXT -> value_text(index);
            case TYPE_BLOB -> value_blob(index);
            default -> null;
        };
    }

    void returnLong(long value) throws SQLException {
        result(value);
    }

    /** NaN becomes NULL, as SQLite does for its own functions. */
    void returnDouble(double value) throws SQLException {
        if (Double.isNaN(value)) {
            result();
        } else {
            result(value);
        }
    }

    void returnText(String value) throws SQLException {
        result(value);
    }

    void returnBlob(byte[] value) throws SQLException {
        result(value);
    }

    void returnNull() throws SQLException {
        result();
    }

    /** Returns a Long/Integer, Double, String, byte[] or null with its storage class. */
    void returnValue(Object value) throws SQLException {
        switch (value) {
            case null -> result();
            case Integer i -> result((long) i);
            case Long l -> result(l);
            case Double d -> returnDouble(d);
            case String s -> result(s);
            case byte[] b -> result(b);
            default -> throw new SQLException("unexpected SQL value of " + value.getClass());
        }
    }
}
