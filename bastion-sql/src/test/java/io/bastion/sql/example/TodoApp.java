package io.bastion.sql.example;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A to-do list kept in SQLite: an ordinary JDBC application, before it was replicated. */
public final class TodoApp {
    private final Connection db;

    public TodoApp(Path file) throws SQLException {
        db = DriverManager.getConnection("jdbc:sqlite:" + file);
        migrate(db);
    }

    static void migrate(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS todo (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL,"
                    + " text TEXT NOT NULL, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, done INTEGER NOT NULL DEFAULT 0)");
        }
    }

    public long add(String owner, String text) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT INTO todo (owner, text) VALUES (?, ?)")) {
            p.setString(1, owner);
            p.setString(2, text);
            p.executeUpdate();
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) FROM todo")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    public boolean complete(String owner, long id) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("UPDATE todo SET done = 1 WHERE id = ? AND owner = ?")) {
            p.setLong(1, id);
            p.setString(2, owner);
            return p.executeUpdate() == 1;
        }
    }

    public List<String> open(String owner) throws SQLException {
        List<String> items = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement(
                "SELECT id, text, created FROM todo WHERE owner = ? AND done = 0 ORDER BY id")) {
            p.setString(1, owner);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    items.add(rs.getLong(1) + " " + rs.getString(2) + " (" + rs.getString(3) + ")");
                }
            }
        }
        return items;
    }
}
