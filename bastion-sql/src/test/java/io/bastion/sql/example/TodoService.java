package io.bastion.sql.example;

import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlService;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** A to-do list kept in SQLite, replicated by Bastion: the same SQL, a different setup. */
public final class TodoService implements SqlService {
    private Connection db;

    @Override
    public void migrate(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS todo (id INTEGER PRIMARY KEY AUTOINCREMENT, owner TEXT NOT NULL,"
                    + " text TEXT NOT NULL, created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP, done INTEGER NOT NULL DEFAULT 0)");
        }
    }

    /** Requests are "add <owner> <text>", "complete <owner> <id>"; read-only: "open <owner>". */
    @Override
    public byte[] execute(byte[] request, Connection db, ServiceContext context) throws SQLException {
        this.db = db;
        String[] w = new String(request, StandardCharsets.UTF_8).split(" ", 3);
        String reply = switch (w[0]) {
            case "add" -> Long.toString(add(w[1], w[2]));
            case "complete" -> Boolean.toString(complete(w[1], Long.parseLong(w[2])));
            default -> throw new SQLException("unknown request " + w[0]);
        };
        return reply.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] query(byte[] request, Connection db, ServiceContext context) throws SQLException {
        this.db = db;
        String[] w = new String(request, StandardCharsets.UTF_8).split(" ", 2);
        return String.join("\n", open(w[1])).getBytes(StandardCharsets.UTF_8);
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
