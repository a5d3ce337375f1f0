package io.bastion.sql.determinism;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Connection} a service gets: the replica's connection, minus everything that would
 * break determinism or reach outside the database file. Every method that takes SQL text
 * ({@code prepareStatement}, {@code prepareCall}, {@code nativeSQL}, and {@code execute*},
 * {@code executeQuery}, {@code executeUpdate}, {@code executeLargeUpdate}, {@code addBatch} on
 * statements) checks it first and throws {@link SqlRefusedException} naming what it refused:
 *
 * <ul>
 *   <li>ATTACH, DETACH, VACUUM (with or without INTO), sqlite-jdbc's BACKUP / RESTORE commands;</li>
 *   <li>transaction control — BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE — which the engine
 *       owns;</li>
 *   <li>PRAGMA, except the informational {@code table_info}, {@code table_xinfo},
 *       {@code table_list}, {@code index_list}, {@code index_info}, {@code index_xinfo},
 *       {@code foreign_key_list}, {@code foreign_key_check} and reading (not setting)
 *       {@code foreign_keys} and {@code user_version}; the same for {@code pragma_*} functions;</li>
 *   <li>temporary objects: CREATE TEMP / TEMPORARY and any {@code temp.} name — they live only
 *       as long as one replica's connection;</li>
 *   <li>{@code load_extension}, {@code dbstat} and {@code sqlite_dbpage} anywhere, and Bastion's own
 *       temp table.</li>
 * </ul>
 *
 * <p>Comments, case, quoting and several statements in one text do not get past: every statement's
 * first keyword is checked (after EXPLAIN, leading WITH lists, and inside trigger bodies), and a
 * keyword written as a quoted identifier ({@code "ATTACH"}) is not a keyword. On the connection,
 * {@code setAutoCommit}, {@code commit}, {@code rollback}, {@code setSavepoint},
 * {@code releaseSavepoint}, {@code close}, {@code setReadOnly}, {@code setTransactionIsolation},
 * {@code abort} and {@code setNetworkTimeout} are refused; on statements {@code setQueryTimeout}
 * and {@code cancel} (they act on wall-clock time or from another thread). Statements, result sets
 * and metadata it hands out are guarded too, and lead back only to the guarded connection;
 * {@code unwrap} does not reach the driver's objects.
 *
 * <p>{@link #readOnly} additionally refuses everything but SELECT, VALUES, WITH … SELECT, EXPLAIN
 * and the informational pragmas: the connection for read-only queries.
 *
 * <p>Given the request's {@link RequestBudget}, the guarded connection also tells it when a
 * statement fails with {@code SQLITE_FULL} (the request would grow the file past its allowance),
 * and once the request is over budget refuses every call but {@code close} with a
 * {@link BudgetExceededException}: the statement SQLite stopped may have rolled back the whole
 * transaction, and nothing may then run in autocommit mode.
 *
 * <p>On the connection for ordered requests ({@link #wrap}), prepared statements are kept for reuse
 * within a batch: a statement a service closes goes back to the connection's cache
 * ({@link #CACHED_STATEMENTS_MAX} texts, the least recently used closed first) with its parameters
 * cleared and its result set closed, and the next {@code prepareStatement} of the same text gets it
 * back instead of SQLite compiling the text again; the service sees a statement that is closed for it.
 * Only texts that read or write rows and nothing else are kept (SELECT, VALUES, INSERT, REPLACE,
 * UPDATE, DELETE); any other text prepared or run on the connection (CREATE, DROP, ALTER…) closes
 * every kept statement first, and so does {@link #dropKeptStatements}, which the engine calls when a
 * batch ends or starts again. Why only within a batch: SQLite calls the progress handler that counts
 * a request's steps ({@link RequestBudget}) every so many instructions of a statement counted over
 * all its runs, so a kept statement carries the remainder of its earlier runs into its next. Every
 * replica runs the same statements from the start of a batch, so the counts stay the same at every
 * replica; a statement kept across batches would carry a history that a replica which restarted, or
 * installed a checkpoint, does not have. Otherwise keeping changes nothing a request sees: SQLite
 * recompiles a kept statement itself if the schema changed, so it runs as a fresh one would. The
 * read-only connection keeps nothing: queries come at each replica's own moments. The policy check of
 * a text is remembered on both.
 *
 * <p>A guarded connection is as single-threaded as the connection it wraps.
 */
public final class SqlGuard {
    private static final Set<String> SQL_METHODS = Set.of(
            "prepareStatement", "prepareCall", "nativeSQL",
            "execute", "executeQuery", "executeUpdate", "executeLargeUpdate", "addBatch");
    private static final Map<Class<?>, Set<String>> REFUSED_METHODS = Map.of(
            Connection.class, Set.of("setAutoCommit", "commit", "rollback", "setSavepoint", "releaseSavepoint", "close",
                    "setReadOnly", "setTransactionIsolation", "abort", "setNetworkTimeout"),
            Statement.class, Set.of("setQueryTimeout", "cancel"));
    /** Interfaces whose objects are wrapped when a guarded object returns them. */
    private static final Set<Class<?>> GUARDED_TYPES = Set.of(
            Statement.class, PreparedStatement.class, CallableStatement.class, ResultSet.class, DatabaseMetaData.class);

    /** Prepared statements kept for reuse per guarded connection. */
    public static final int CACHED_STATEMENTS_MAX = 64;
    /** Texts whose policy check a guarded connection remembers (forgotten all at once beyond). */
    static final int CHECKED_TEXTS_MAX = 1_024;

    private SqlGuard() {}

    /** The connection for ordered requests ({@code SqlService.execute} and {@code migrate}). */
    public static Connection wrap(Connection connection) {
        return new Membrane(connection, false, null).connection;
    }

    /**
     * Closes the prepared statements {@code guarded} keeps, and keeps none that is in a service's hands
     * now: call it when a batch ends or starts again, so that no statement carries a count of steps
     * from one batch into the next (see the class comment).
     *
     * @throws IllegalArgumentException if {@code guarded} is not a connection this class made
     */
    public static void dropKeptStatements(Connection guarded) throws SQLException {
        if (!Proxy.isProxyClass(guarded.getClass()) || !(Proxy.getInvocationHandler(guarded) instanceof Handler handler)
                || handler.type() != Connection.class) {
            throw new IllegalArgumentException("not a guarded connection: " + guarded);
        }
        handler.membrane().dropKept();
    }

    /**
     * The connection for ordered requests, which also refuses every call (but {@code close}) once
     * the current request used up {@code budget}: the statement SQLite stopped may have taken the
     * whole transaction with it, and nothing the request runs afterwards may write outside it.
     */
    public static Connection wrap(Connection connection, RequestBudget budget) {
        return new Membrane(connection, false, budget).connection;
    }

    /** The connection for read-only queries ({@code SqlService.query}). */
    public static Connection readOnly(Connection connection) {
        return new Membrane(connection, true, null).connection;
    }

    /** The connection for read-only queries, refusing every call once {@code budget} is used up. */
    public static Connection readOnly(Connection connection, RequestBudget budget) {
        return new Membrane(connection, true, budget).connection;
    }

    /** Throws {@link SqlRefusedException} if {@code sql} may not run on a guarded connection. */
    public static void check(String sql) throws SqlRefusedException {
        SqlPolicy.check(sql, false);
    }

    /** Throws {@link SqlRefusedException} if {@code sql} may not run on a read-only guarded connection. */
    public static void checkReadOnly(String sql) throws SqlRefusedException {
        SqlPolicy.check(sql, true);
    }

    /** The guarded connection and everything reached from it share one policy. */
    private static final class Membrane {
        private final boolean readOnly;
        private final RequestBudget budget;
        private final Connection target;
        private final Connection connection;
        /** Statements closed by the service, by text, least recently used first. */
        private final LinkedHashMap<String, PreparedStatement> idle = new LinkedHashMap<>(16, 0.75f, true);
        /** Per text checked: whether it only reads or writes rows. */
        private final Map<String, Boolean> checked = new HashMap<>();
        /** Counts the drops of every kept statement; a statement leased before one is not kept. */
        private long generation;

        Membrane(Connection target, boolean readOnly, RequestBudget budget) {
            this.readOnly = readOnly;
            this.budget = budget;
            this.target = target;
            this.connection = guard(Connection.class, target);
        }

        /** Checks {@code sql} against the policy; returns whether it only reads or writes rows. */
        boolean check(String sql) throws SQLException {
            Boolean rowsOnly = checked.get(sql);
            if (rowsOnly == null) {
                rowsOnly = SqlPolicy.checkRows(sql, readOnly);
                if (checked.size() >= CHECKED_TEXTS_MAX) {
                    checked.clear();
                }
                checked.put(sql, rowsOnly);
            }
            if (!rowsOnly) {
                dropKept();
            }
            return rowsOnly;
        }

        /** Closes every kept statement; one leased now is closed when given back. */
        void dropKept() throws SQLException {
            generation++;
            SQLException failure = null;
            for (PreparedStatement statement : idle.values()) {
                try {
                    statement.close();
                } catch (SQLException e) {
                    failure = e;
                }
            }
            idle.clear();
            if (failure != null) {
                throw failure;
            }
        }

        /** A prepared statement of {@code sql} (checked, rows only) for the service: a kept one, or a new one. */
        PreparedStatement lease(String sql) throws SQLException {
            PreparedStatement statement = idle.remove(sql);
            if (statement == null) {
                statement = target.prepareStatement(sql);
            }
            return (PreparedStatement) Proxy.newProxyInstance(SqlGuard.class.getClassLoader(),
                    new Class<?>[] {PreparedStatement.class}, new Lease(this, sql, statement, generation));
        }

        /** Takes back a statement the service closed: kept unless kept statements were dropped since it was leased. */
        void giveBack(Lease lease) throws SQLException {
            PreparedStatement statement = lease.statement;
            try {
                for (ResultSet results : lease.results) {
                    results.close(); // resets the statement: no read stays open past the request
                }
                if (readOnly || lease.generation != generation || idle.containsKey(lease.sql)) {
                    statement.close();
                    return;
                }
                statement.clearParameters();
            } catch (SQLException | RuntimeException e) {
                statement.close();
                throw e;
            }
            idle.put(lease.sql, statement);
            if (idle.size() > CACHED_STATEMENTS_MAX) {
                var eldest = idle.entrySet().iterator();
                PreparedStatement evicted = eldest.next().getValue();
                eldest.remove();
                evicted.close();
            }
        }

        void refuseIfOverBudget(String method) throws BudgetExceededException {
            if (budget != null && budget.isExceeded() && !method.equals("close")) {
                throw budget.exception();
            }
        }

        /** {@code SQLITE_FULL} from a statement of a service call: it would have grown the file past the allowance. */
        void noteFailure(Throwable failure) {
            if (budget != null && failure instanceof SQLiteException sqlite
                    && sqlite.getResultCode() == SQLiteErrorCode.SQLITE_FULL) {
                budget.growthExceeded();
            }
        }

        private <T> T guard(Class<T> type, Object target) {
            return type.cast(Proxy.newProxyInstance(SqlGuard.class.getClassLoader(), new Class<?>[] {type},
                    new Handler(this, type, target)));
        }

        private Object wrapResult(Class<?> returnType, Object result) {
            if (result == null) {
                return null;
            }
            if (returnType == Connection.class) {
                return connection;
            }
            return GUARDED_TYPES.contains(returnType) ? guard(returnType, result) : result;
        }
    }

    private record Handler(Membrane membrane, Class<?> type, Object target) implements InvocationHandler {
        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return objectMethod(proxy, method.getName(), args);
            }
            return invoke(proxy, method, args, null);
        }

        /** Guards one call; a result set the target returns is added to {@code opened} if given. */
        Object invoke(Object proxy, Method method, Object[] args, List<ResultSet> opened) throws Throwable {
            String name = method.getName();
            membrane.refuseIfOverBudget(name);
            refuseMethod(name);
            if (name.equals("unwrap")) {
                return unwrap(proxy, (Class<?>) args[0]);
            }
            if (name.equals("isWrapperFor")) {
                return ((Class<?>) args[0]).isInstance(proxy);
            }
            if (SQL_METHODS.contains(name) && args != null && args.length > 0 && args[0] instanceof String sql) {
                boolean rowsOnly = membrane.check(sql);
                if (rowsOnly && !membrane.readOnly && type == Connection.class && name.equals("prepareStatement")
                        && args.length == 1) {
                    return membrane.lease(sql);
                }
            }
            return membrane.wrapResult(method.getReturnType(), call(method, args, opened));
        }

        private Object call(Method method, Object[] args, List<ResultSet> opened) throws Throwable {
            try {
                Object result = method.invoke(target, args);
                if (opened != null && result instanceof ResultSet results) {
                    opened.add(results);
                }
                return result;
            } catch (InvocationTargetException e) {
                membrane.noteFailure(e.getCause());
                throw e.getCause();
            }
        }

        private void refuseMethod(String name) throws SqlRefusedException {
            for (var refused : REFUSED_METHODS.entrySet()) {
                if (refused.getKey().isAssignableFrom(type) && refused.getValue().contains(name)) {
                    throw new SqlRefusedException(refused.getKey().getSimpleName() + "." + name,
                            refused.getKey() == Connection.class
                                    ? "the engine owns the connection and its transactions"
                                    : "it acts on wall-clock time or from another thread, differently on each replica",
                            null);
                }
            }
        }

        private Object unwrap(Object proxy, Class<?> wanted) throws SqlRefusedException {
            if (wanted.isInstance(proxy)) {
                return proxy;
            }
            throw new SqlRefusedException(type.getSimpleName() + ".unwrap(" + wanted.getName() + ")",
                    "the driver's own objects are not reachable from a guarded connection", null);
        }

        private Object objectMethod(Object proxy, String name, Object[] args) {
            return switch (name) {
                case "equals" -> proxy == args[0];
                case "hashCode" -> System.identityHashCode(proxy);
                case "toString" -> "guarded " + type.getSimpleName() + (membrane.readOnly ? " (read-only)" : "");
                default -> throw new UnsupportedOperationException(name);
            };
        }
    }

    /**
     * A kept statement as one service call sees it: closing it gives the statement back to the
     * connection's cache, and afterwards every call but {@code close} and {@code isClosed} fails as on
     * a closed statement. Everything else goes through the statement's ordinary guard.
     */
    private static final class Lease implements InvocationHandler {
        private final Membrane membrane;
        private final String sql;
        private final PreparedStatement statement;
        private final long generation;
        private final Handler guard;
        private final List<ResultSet> results = new ArrayList<>(1);
        private boolean closed;

        Lease(Membrane membrane, String sql, PreparedStatement statement, long generation) {
            this.membrane = membrane;
            this.sql = sql;
            this.statement = statement;
            this.generation = generation;
            this.guard = new Handler(membrane, PreparedStatement.class, statement);
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                return guard.objectMethod(proxy, name, args);
            }
            if (name.equals("close") && (args == null || args.length == 0)) {
                if (!closed) {
                    closed = true;
                    membrane.giveBack(this);
                }
                return null;
            }
            if (name.equals("isClosed") && (args == null || args.length == 0)) {
                return closed;
            }
            if (closed) {
                throw new SQLException("statement is closed");
            }
            return guard.invoke(proxy, method, args, results);
        }
    }
}
