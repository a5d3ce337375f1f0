package io.bastion.sql.determinism;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A seeded generator of transactions of random SQL requests, as the engine would apply them: data
 * changes with random and agreed-time functions, large blobs spanning overflow pages, schema
 * changes, triggers, statements that fail midway and requests that fail after earlier statements
 * succeeded, and refused statements. The same seed and the same schema give the same transactions.
 */
final class Workload {
    record Step(String sql, List<Object> parameters) {}

    record Request(long timeMillis, long seed, List<Step> steps) {}

    record Transaction(List<Request> requests) {
        int statementCount() {
            return requests.stream().mapToInt(r -> r.steps().size()).sum();
        }
    }

    /** 2001-02-03T04:05:06.789Z: far from any wall clock the test runs at. */
    static final long START_MILLIS = 981_173_106_789L;
    static final int REQUESTS_PER_TRANSACTION_MAX = 5;
    static final int STEPS_PER_REQUEST_MAX = 3;
    static final int TABLES_MAX = 8;
    static final int LARGE_BLOB_BYTES_MAX = 200_000;
    static final int SMALL_BLOB_BYTES_MAX = 300;
    static final int TEXT_CHARS_MAX = 120;
    /** Explicit ids come from a small range so that some inserts collide. */
    static final int ID_RANGE = 400;
    static final String AUDIT = "audit";

    private final SplittableRandom random;
    private long timeMillis = START_MILLIS;
    private int names;
    private boolean migrated;
    private Schema schema;

    Workload(long seed) {
        this.random = new SplittableRandom(seed);
    }

    /** The next transaction, for the schema the replicas have now (read from {@code replica}). */
    Transaction next(Connection replica) throws SQLException {
        schema = Schema.read(replica);
        if (!migrated) {
            migrated = true;
            return new Transaction(List.of(request(List.of(new Step(
                    "CREATE TABLE " + AUDIT + "(n INTEGER PRIMARY KEY, tbl TEXT, at TEXT, r INTEGER, rid INTEGER)",
                    List.of())))));
        }
        int requestCount = 1 + random.nextInt(REQUESTS_PER_TRANSACTION_MAX);
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < requestCount; i++) {
            int stepCount = 1 + random.nextInt(STEPS_PER_REQUEST_MAX);
            List<Step> steps = new ArrayList<>();
            for (int s = 0; s < stepCount; s++) {
                steps.add(step());
            }
            requests.add(request(steps));
        }
        return new Transaction(requests);
    }

    private Request request(List<Step> steps) {
        timeMillis += random.nextLong(1, 40_000_000L); // up to ~11 hours, so dates roll over
        return new Request(timeMillis, random.nextLong(), steps);
    }

    private Step step() {
        if (schema.tables().isEmpty() || (schema.tables().size() < 2 && random.nextInt(3) == 0)) {
            return createTable();
        }
        int roll = random.nextInt(1000);
        if (roll < 330) {
            return insert(pickTable());
        }
        if (roll < 380) {
            return insertFailingMidway(pickTable());
        }
        if (roll < 530) {
            return update(pickTable());
        }
        if (roll < 620) {
            return delete(pickTable());
        }
        if (roll < 700) {
            return select(pickTable());
        }
        return lessCommon(roll);
    }

    private Step lessCommon(int roll) {
        if (roll < 730) {
            return schema.tables().size() < TABLES_MAX ? createTable() : dropTable();
        }
        if (roll < 745) {
            return dropTable();
        }
        if (roll < 790) {
            return createIndex(pickTable());
        }
        if (roll < 805) {
            return dropIndex();
        }
        if (roll < 840) {
            return alterTable(pickTable());
        }
        if (roll < 870) {
            return trigger(pickTable());
        }
        if (roll < 900) {
            return functionsOnly();
        }
        if (roll < 940) {
            return refused();
        }
        if (roll < 960) {
            return new Step(random.nextBoolean() ? "ANALYZE" : "REINDEX", List.of());
        }
        return insertReturning(pickTable());
    }

    private Schema.Table pickTable() {
        List<Schema.Table> tables = schema.tables();
        return tables.get(random.nextInt(tables.size()));
    }

    private String name(String prefix) {
        return prefix + (names++);
    }

    private Step createTable() {
        String table = name("t");
        boolean withoutRowid = random.nextInt(6) == 0;
        boolean autoincrement = !withoutRowid && random.nextInt(4) == 0;
        List<String> columns = new ArrayList<>();
        columns.add("id INTEGER PRIMARY KEY" + (autoincrement ? " AUTOINCREMENT" : withoutRowid ? " NOT NULL" : ""));
        columns.add("a TEXT" + (random.nextInt(5) == 0 ? " UNIQUE" : ""));
        columns.add("b INTEGER" + (random.nextInt(4) == 0 ? " CHECK (b IS NULL OR b < 900)" : ""));
        columns.add("c BLOB");
        columns.add("d REAL");
        if (random.nextBoolean()) {
            columns.add("e TEXT DEFAULT CURRENT_TIMESTAMP");
        }
        if (random.nextBoolean()) {
            columns.add("f INTEGER DEFAULT (random())");
        }
        if (random.nextInt(3) == 0) {
            columns.add("g TEXT DEFAULT (datetime('now', '+1 day'))");
        }
        if (random.nextInt(4) == 0) {
            columns.add("h TEXT GENERATED ALWAYS AS (substr(a, 1, 4)) VIRTUAL");
        }
        return new Step("CREATE TABLE " + table + "(" + String.join(", ", columns) + ")"
                + (withoutRowid ? " WITHOUT ROWID" : ""), List.of());
    }

    private Step dropTable() {
        return new Step("DROP TABLE IF EXISTS " + pickTable().name(), List.of());
    }

    private Step insert(Schema.Table table) {
        List<String> columns = table.writableColumns();
        int rows = 1 + (random.nextInt(4) == 0 ? random.nextInt(5) : 0);
        List<Object> parameters = new ArrayList<>();
        List<String> tuples = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            List<String> values = new ArrayList<>();
            for (String column : columns) {
                values.add(value(table, column, parameters));
            }
            tuples.add("(" + String.join(", ", values) + ")");
        }
        return new Step("INSERT INTO " + table.name() + "(" + String.join(", ", columns) + ") VALUES "
                + String.join(", ", tuples), parameters);
    }

    /** Two new rows and then one that repeats the first's id: fails after writing two rows. */
    private Step insertFailingMidway(Schema.Table table) {
        long id = 1_000_000L + random.nextInt(1_000_000);
        List<Object> parameters = List.of(id, id + 1, id);
        return new Step("INSERT INTO " + table.name() + "(id, c) VALUES (?, randomblob(3000)), (?, randomblob(5)), (?, NULL)",
                parameters);
    }

    private Step insertReturning(Schema.Table table) {
        return new Step("INSERT INTO " + table.name() + "(id, a) VALUES (" + idValue(table) + ", 'returning') "
                + "RETURNING id, last_insert_rowid(), changes(), random()", List.of());
    }

    private Step update(Schema.Table table) {
        List<String> columns = table.writableColumns();
        String column = columns.get(random.nextInt(columns.size()));
        List<Object> parameters = new ArrayList<>();
        String value = column.equals("id") ? "id + " + (1 + random.nextInt(3)) : value(table, column, parameters);
        parameters.add((long) (2 + random.nextInt(6)));
        parameters.add((long) random.nextInt(2));
        return new Step("UPDATE " + table.name() + " SET " + column + " = " + value + " WHERE id % ? = ?", parameters);
    }

    private Step delete(Schema.Table table) {
        if (random.nextBoolean()) {
            return new Step("DELETE FROM " + table.name() + " WHERE id IN (SELECT id FROM " + table.name()
                    + " ORDER BY random() LIMIT ?)", List.of((long) (1 + random.nextInt(6))));
        }
        return new Step("DELETE FROM " + table.name() + " WHERE id % ? = ?",
                List.of((long) (3 + random.nextInt(8)), (long) random.nextInt(3)));
    }

    private Step select(Schema.Table table) {
        return switch (random.nextInt(3)) {
            case 0 -> new Step("SELECT * FROM " + table.name() + " ORDER BY id LIMIT 40", List.of());
            case 1 -> new Step("SELECT count(*), sum(length(c)), max(id), group_concat(a) FROM " + table.name(), List.of());
            default -> new Step("SELECT id, random() FROM " + table.name() + " ORDER BY random() LIMIT 5", List.of());
        };
    }

    private Step createIndex(Schema.Table table) {
        List<String> columns = table.indexableColumns();
        String column = columns.get(random.nextInt(columns.size()));
        String index = name("i");
        return switch (random.nextInt(4)) {
            case 0 -> new Step("CREATE UNIQUE INDEX " + index + " ON " + table.name() + "(" + column + ")", List.of());
            case 1 -> new Step("CREATE INDEX " + index + " ON " + table.name() + "(lower(" + column + "))", List.of());
            case 2 -> new Step("CREATE INDEX " + index + " ON " + table.name() + "(" + column + ") WHERE id % 2 = 0",
                    List.of());
            default -> new Step("CREATE INDEX " + index + " ON " + table.name() + "(" + column + ", id DESC)", List.of());
        };
    }

    private Step dropIndex() {
        List<String> indexes = schema.indexes();
        if (indexes.isEmpty()) {
            return functionsOnly();
        }
        return new Step("DROP INDEX " + indexes.get(random.nextInt(indexes.size())), List.of());
    }

    private Step alterTable(Schema.Table table) {
        List<String> columns = table.writableColumns();
        return switch (random.nextInt(5)) {
            case 0 -> new Step("ALTER TABLE " + table.name() + " ADD COLUMN " + name("x") + " TEXT DEFAULT 'added'", List.of());
            case 1 -> new Step("ALTER TABLE " + table.name() + " ADD COLUMN " + name("x") + " INTEGER", List.of());
            case 2 -> new Step("ALTER TABLE " + table.name() + " ADD COLUMN " + name("x") + " TEXT DEFAULT CURRENT_TIMESTAMP",
                    List.of()); // refused by SQLite: non-constant default
            case 3 -> new Step("ALTER TABLE " + table.name() + " RENAME TO " + name("t"), List.of());
            default -> new Step("ALTER TABLE " + table.name() + " RENAME COLUMN "
                    + columns.get(random.nextInt(columns.size())) + " TO " + name("r"), List.of());
        };
    }

    private Step trigger(Schema.Table table) {
        String event = random.nextBoolean() ? "INSERT" : "DELETE";
        String row = event.equals("INSERT") ? "new" : "old";
        return new Step("CREATE TRIGGER IF NOT EXISTS " + name("g") + " AFTER " + event + " ON " + table.name()
                + " BEGIN INSERT INTO " + AUDIT + "(tbl, at, r, rid) VALUES ('" + table.name() + "', "
                + "CASE WHEN " + row + ".id % 2 = 0 THEN current_timestamp ELSE datetime('now', 'start of day') END, "
                + "random(), " + row + ".id); END", List.of());
    }

    private Step functionsOnly() {
        return new Step("SELECT random(), hex(randomblob(16)), datetime('now', '+1 day'), julianday('now'), "
                + "strftime('%Y-%m-%dT%H:%M:%f', 'now'), unixepoch('now', 'subsec'), last_insert_rowid(), changes(), "
                + "exp(random() % 10), sin(random() % 1000)", List.of());
    }

    private Step refused() {
        String[] refused = {"ATTACH DATABASE ':memory:' AS other", "PRAGMA journal_mode = WAL", "VACUUM", "BEGIN",
            "SELECT total_changes()", "SELECT randomblob(2000000)", "SELECT datetime('now', 'localtime')",
            "CREATE TEMP TABLE scratch(x)", "SELECT 1; DETACH other"};
        return new Step(refused[random.nextInt(refused.length)], List.of());
    }

    /** A value for one column: a bound parameter or an SQL expression using the deterministic functions. */
    private String value(Schema.Table table, String column, List<Object> parameters) {
        if (column.equals("id")) {
            return idValue(table);
        }
        if (random.nextInt(8) == 0) {
            return "NULL";
        }
        String type = table.typeOf(column);
        if (random.nextInt(3) == 0) {
            return expression(type);
        }
        parameters.add(parameter(type));
        return "?";
    }

    private String idValue(Schema.Table table) {
        if (table.withoutRowid() || random.nextInt(4) == 0) {
            return String.valueOf(1 + random.nextInt(ID_RANGE));
        }
        return "NULL";
    }

    private String expression(String type) {
        return switch (type) {
            case "INTEGER" -> random.nextBoolean() ? "random() % 1000" : "unixepoch('now')";
            case "REAL" -> random.nextBoolean() ? "julianday('now')" : "ln(abs(random() % 1000) + 1) * pow(1.5, 3)";
            case "BLOB" -> "randomblob(" + blobSize() + ")";
            default -> random.nextBoolean() ? "current_timestamp" : "datetime('now', '+1 day', 'start of month')";
        };
    }

    private Object parameter(String type) {
        return switch (type) {
            case "INTEGER" -> (long) random.nextInt(1000);
            case "REAL" -> random.nextDouble() * 1000;
            case "BLOB" -> bytes(blobSize());
            default -> text(random.nextInt(TEXT_CHARS_MAX));
        };
    }

    private int blobSize() {
        return random.nextInt(12) == 0 ? 20_000 + random.nextInt(LARGE_BLOB_BYTES_MAX - 20_000)
                : 1 + random.nextInt(SMALL_BLOB_BYTES_MAX);
    }

    private byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        return bytes;
    }

    private String text(int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append((char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /** The tables (with columns) and indexes the replicas have, read from one of them. */
    record Schema(List<Table> tables, List<String> indexes) {
        record Table(String name, boolean withoutRowid, List<String> columns, List<String> types, List<Boolean> generated) {
            List<String> writableColumns() {
                List<String> writable = new ArrayList<>();
                for (int i = 0; i < columns.size(); i++) {
                    if (!generated.get(i)) {
                        writable.add(columns.get(i));
                    }
                }
                return writable;
            }

            List<String> indexableColumns() {
                return columns;
            }

            String typeOf(String column) {
                return types.get(columns.indexOf(column));
            }
        }

        static Schema read(Connection connection) throws SQLException {
            List<Table> tables = new ArrayList<>();
            List<String> indexes = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                 ResultSet objects = statement.executeQuery("SELECT type, name, sql FROM sqlite_schema "
                         + "WHERE name NOT LIKE 'sqlite_%' AND name <> '" + AUDIT + "' ORDER BY name")) {
                while (objects.next()) {
                    if (objects.getString(1).equals("table")) {
                        tables.add(new Table(objects.getString(2), objects.getString(3).endsWith("WITHOUT ROWID"),
                                new ArrayList<>(), new ArrayList<>(), new ArrayList<>()));
                    } else if (objects.getString(1).equals("index") && objects.getString(3) != null) {
                        indexes.add(objects.getString(2));
                    }
                }
            }
            for (Table table : tables) {
                readColumns(connection, table);
            }
            return new Schema(tables, indexes);
        }

        private static void readColumns(Connection connection, Table table) throws SQLException {
            try (Statement statement = connection.createStatement();
                 ResultSet columns = statement.executeQuery(
                         "SELECT name, type, hidden FROM pragma_table_xinfo('" + table.name() + "') ORDER BY cid")) {
                while (columns.next()) {
                    table.columns().add(columns.getString(1));
                    table.types().add(columns.getString(2).toUpperCase(java.util.Locale.ROOT));
                    table.generated().add(columns.getInt(3) != 0);
                }
            }
        }
    }
}
