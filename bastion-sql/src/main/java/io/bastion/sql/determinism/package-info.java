/**
 * Deterministic, contained SQL for replicated SQLite state: every correct replica that applies the
 * same requests ends with a byte-identical database file and gives the same replies.
 *
 * <h2>How the engine uses it</h2>
 * <pre>{@code
 * SqliteDatabase db = SqliteSettings.open(file, durable, lengthBytes); // settings, limits, functions, autocommit off
 * Connection service = SqlGuard.wrap(db.connection(), db.budget());     // what SqlService.execute gets
 * Connection query = SqlGuard.readOnly(db.connection(), db.budget());   // what SqlService.query gets
 * // per request of a batch, on the replica's execution thread:
 * db.clock().set(context.timeMillis(), context.randomSeed());
 * db.budget().start(steps, growthBytes);
 * raw "SAVEPOINT request"; db.runCounted(() -> service.execute(request, service, context)); db.checkRequest();
 * raw "RELEASE request"    // or, if anything threw: "ROLLBACK TO request" then "RELEASE request";
 *                          // if that savepoint is gone, the budget stopped a write: apply the batch again
 * // per batch: db.connection().commit(); db.forgetSchema(); then replies may leave
 * }</pre>
 *
 * <h2>What would make replicas differ, and what is done about it</h2>
 * <table>
 *   <caption>Sources of non-determinism</caption>
 *   <tr><th>Source</th><th>Handling</th></tr>
 *   <tr><td>Wall clock: CURRENT_TIMESTAMP/DATE/TIME (also in DEFAULT clauses and triggers), date(),
 *       time(), datetime(), julianday(), unixepoch(), strftime(), timediff() with 'now' or no time
 *       value</td>
 *       <td>Agreed time of the batch ({@link io.bastion.sql.determinism.BatchClock}); other calls
 *       are evaluated by the real built-in.</td></tr>
 *   <tr><td>Host time zone: 'localtime' and 'utc' modifiers</td><td>Refused.</td></tr>
 *   <tr><td>SQLite's PRNG: random(), randomblob()</td>
 *       <td>PRF of the request's seed and the call's position; randomblob above 1 MiB refused.</td></tr>
 *   <tr><td>Host libm: exp, ln, log, pow, sin, cos, tan, their inverses and hyperbolics</td>
 *       <td>{@link java.lang.StrictMath} (bit-for-bit specified).</td></tr>
 *   <tr><td>Connection history: last_insert_rowid(), changes() at the start of a request</td>
 *       <td>Reset to 0 per request; SQLite semantics within it (getGeneratedKeys keeps working).</td></tr>
 *   <tr><td>Connection history: total_changes()</td><td>Refused.</td></tr>
 *   <tr><td>SQLite's PRNG: new rowids once a table holds rowid 2^63-1</td>
 *       <td>{@link io.bastion.sql.determinism.DeterministicFunctions#checkRequest} fails the
 *       request, which is rolled back.</td></tr>
 *   <tr><td>Temporary tables, views, triggers (live as long as one replica's connection)</td>
 *       <td>Refused: CREATE TEMP, {@code temp.} names.</td></tr>
 *   <tr><td>Settings a statement could change: PRAGMAs (journal, locking, page size, cache, …)</td>
 *       <td>Refused but for informational ones; all settings fixed at open
 *       ({@link io.bastion.sql.determinism.SqliteSettings}).</td></tr>
 *   <tr><td>Header bytes 24–27 and 92–95 (change counter), which in WAL mode count a connection's
 *       restarts and cache evictions</td>
 *       <td>Set to a constant after every fold of the write-ahead log
 *       ({@link io.bastion.sql.determinism.SqliteDatabase#foldLog}).</td></tr>
 *   <tr><td>Other files: ATTACH, VACUUM INTO, sqlite-jdbc BACKUP/RESTORE, load_extension</td>
 *       <td>Refused; extension loading is switched off.</td></tr>
 *   <tr><td>Per-replica facts: PRAGMA database_list / pragma_database_list (file path),
 *       data_version, dbstat (temp database)</td><td>Refused.</td></tr>
 *   <tr><td>Wall-clock timeouts and cross-thread cancel: Statement.setQueryTimeout, cancel,
 *       Connection.setNetworkTimeout</td><td>Refused.</td></tr>
 *   <tr><td>Transactions: BEGIN, COMMIT, END, ROLLBACK, SAVEPOINT, RELEASE and the JDBC equivalents</td>
 *       <td>Refused; the engine owns them.</td></tr>
 *   <tr><td>Raw pages: dbstat, sqlite_dbpage (not compiled in)</td><td>Refused.</td></tr>
 *   <tr><td>Work without end: a query that never finishes, a value of a gigabyte, an insert that fills
 *       the disk — stopped at a different moment on each replica by a timeout or by the machine</td>
 *       <td>{@link io.bastion.sql.determinism.RequestBudget}: SQLite steps and file growth per
 *       request; {@link io.bastion.sql.determinism.SqliteLimits}: lengths, depths, counts.</td></tr>
 *   <tr><td>Schema in a connection's memory: statistics of a rolled-back ANALYZE and others a fresh
 *       connection would not have, which change query plans and step counts</td>
 *       <td>{@link io.bastion.sql.determinism.SqliteDatabase#forgetSchema} after each commit.</td></tr>
 * </table>
 *
 * <h2>Assumptions and what is not covered</h2>
 * <ul>
 *   <li>All replicas run the same SQLite (sqlite-jdbc) version: it writes its version number into
 *       the header, and plans, formatting and file layout are only guaranteed identical within one
 *       version. The native library should also be the same build for one OS and 64-bit
 *       architecture: SQLite's own floating-point code (text↔real conversion, sums) is plain IEEE
 *       double arithmetic there, but 32-bit x86 builds may use extended precision.</li>
 *   <li>A service must take time and randomness only from SQL or its {@code ServiceContext}, and
 *       must not put what only its own replica knows (file paths from
 *       {@code DatabaseMetaData.getURL()}, object identities, its JVM's clock) into state or replies.</li>
 *   <li>With the overrides installed, 'now' in an index expression, CHECK constraint or generated
 *       column is accepted (SQLite would refuse it) and reads the writing request's agreed time: the
 *       same on every replica, but such a schema is wrong anyway.</li>
 *   <li>Running out of memory or disk on one replica only is not deterministic; it is a crash of
 *       that replica, not a different result. The budget keeps requests from getting there, but
 *       memory is bounded only through lengths and steps: SQLite's heap limits are process-wide and
 *       inert in this driver (no memory statistics).</li>
 * </ul>
 */
package io.bastion.sql.determinism;
