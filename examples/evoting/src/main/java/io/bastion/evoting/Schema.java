package io.bastion.evoting;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/** The tables, and the demo accounts and election. Everything here runs once, in migrate, at every replica alike. */
final class Schema {
    /** The demo admin's secret; each demo voter's secret is {@code <id>-demo}. */
    static final String DEMO_ADMIN_SECRET = "admin-demo";
    static final List<String> DEMO_VOTERS = List.of("alice", "bob", "carol", "dave");
    static final String DEMO_TITLE = "Choose the next team offsite";
    static final List<String> DEMO_OPTIONS = List.of("Lisbon", "Kraków", "Tallinn");
    static final String ADMIN_ID = "admin";

    private Schema() {}

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE voter (id TEXT PRIMARY KEY, name TEXT NOT NULL, secret_sha256 BLOB NOT NULL,"
                    + " role TEXT NOT NULL CHECK (role IN ('admin', 'voter')))");
            s.execute("CREATE TABLE election (id INTEGER PRIMARY KEY, title TEXT NOT NULL, opens_at INTEGER NOT NULL,"
                    + " closes_at INTEGER, closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),"
                    + " created_by TEXT NOT NULL REFERENCES voter (id), created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE election_option (election_id INTEGER NOT NULL REFERENCES election (id),"
                    + " position INTEGER NOT NULL, label TEXT NOT NULL, PRIMARY KEY (election_id, position),"
                    + " UNIQUE (election_id, label))");
            s.execute("CREATE TABLE eligibility (election_id INTEGER NOT NULL REFERENCES election (id),"
                    + " voter_id TEXT NOT NULL REFERENCES voter (id), PRIMARY KEY (election_id, voter_id))");
            s.execute("CREATE TABLE ballot (id INTEGER PRIMARY KEY, election_id INTEGER NOT NULL,"
                    + " voter_id TEXT NOT NULL, position INTEGER NOT NULL, cast_at INTEGER NOT NULL,"
                    + " cast_seq INTEGER NOT NULL, receipt TEXT NOT NULL UNIQUE,"
                    + " counted INTEGER NOT NULL CHECK (counted IN (0, 1)),"
                    + " FOREIGN KEY (election_id, voter_id) REFERENCES eligibility (election_id, voter_id),"
                    + " FOREIGN KEY (election_id, position) REFERENCES election_option (election_id, position))");
            s.execute("CREATE UNIQUE INDEX one_counted_ballot ON ballot (election_id, voter_id) WHERE counted = 1");
            s.execute("CREATE INDEX ballot_of_voter ON ballot (election_id, voter_id)");
        }
    }

    /** The admin account. */
    static void createAdmin(Connection c, String secret) throws SQLException {
        Voters.register(c, ADMIN_ID, "Administrator", secret, Role.ADMIN);
    }

    /** Four voters and one election open from the start, with no close time, all four eligible. */
    static void insertDemoData(Connection c) throws SQLException {
        for (String id : DEMO_VOTERS) {
            Voters.register(c, id, Character.toUpperCase(id.charAt(0)) + id.substring(1), id + "-demo", Role.VOTER);
        }
        long election = Elections.create(c, DEMO_TITLE, DEMO_OPTIONS, 0, null, ADMIN_ID, 0);
        Elections.addEligible(c, election, DEMO_VOTERS);
    }
}
