package io.bastion.bench.sql;

import io.bastion.core.util.Check;
import io.bastion.sql.SqlStateMachine;
import io.bastion.sql.bench.InsertBenchService;
import io.bastion.sql.determinism.SqliteDatabase;
import io.bastion.sql.determinism.SqliteSettings;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.SplittableRandom;

/**
 * A database of the SQL insert benchmark ({@link InsertBenchService}) filled to a given size before
 * the cluster starts: made once, as a replica makes its database on its first start, filled with
 * rows that depend only on their number (key {@code preload:<n>}, a value of {@link #VALUE_BYTES}
 * pseudo-random bytes seeded by n, a fixed time), and copied to every replica's data directory. So
 * every replica starts from the same bytes at seq 0, and the state digests agree from the first
 * checkpoint on.
 */
final class PreloadedDatabase {
    /** Bytes of a preloaded row's value: the size of the benchmark's requests. */
    static final int VALUE_BYTES = 200;
    /** Rows per transaction while filling. */
    static final int ROWS_PER_TRANSACTION = 20_000;

    /** What was made. */
    record Made(Path file, long rows, long bytes) {}

    private PreloadedDatabase() {}

    /** Makes the database in {@code directory} with rows until it holds at least {@code bytes} (none for 0). */
    static Made make(Path directory, long bytes) throws SQLException {
        Path file = SqlStateMachine.createDatabase(directory, new InsertBenchService());
        long rows = 0;
        try (SqliteDatabase database = SqliteSettings.open(file, false)) { // synchronous=OFF: nobody runs on it yet
            Connection connection = database.connection();
            byte[] value = new byte[VALUE_BYTES];
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO bench (k, v, at, r) VALUES (?, ?, '2026-01-01 00:00:00', ?)")) {
                while (pageCount(connection) * (long) SqliteSettings.PAGE_SIZE_BYTES < bytes) {
                    for (int i = 0; i < ROWS_PER_TRANSACTION; i++, rows++) {
                        SplittableRandom random = new SplittableRandom(rows);
                        random.nextBytes(value);
                        insert.setString(1, String.format("preload:%012d", rows));
                        insert.setBytes(2, value);
                        insert.setLong(3, random.nextLong());
                        insert.executeUpdate();
                    }
                    connection.commit();
                    database.foldLog(); // keeps the write-ahead log small: it is folded only when asked
                }
            }
            long made = pageCount(connection) * (long) SqliteSettings.PAGE_SIZE_BYTES;
            Check.that(made >= bytes, "preloaded %d bytes, not %d", made, bytes);
            return new Made(file, rows, made);
        } // closing folds the write-ahead log into the file
    }

    private static long pageCount(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("PRAGMA main.page_count")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
