package io.bastion.evoting;

import io.bastion.evoting.ballot.Credential;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** The tables, the admin account and the demo data. Everything here runs once, in migrate, at every replica alike. */
final class Schema {
    static final String ADMIN_ID = "admin";

    private Schema() {}

    static void create(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE voter (id TEXT PRIMARY KEY, name TEXT NOT NULL,"
                    + " role TEXT NOT NULL CHECK (role IN ('admin', 'voter')),"
                    + " enrollment_key BLOB NOT NULL CHECK (length(enrollment_key) = 65),"
                    + " credential BLOB UNIQUE CHECK (length(credential) = 65), enrolled_at INTEGER)");
            s.execute("CREATE TABLE election (id INTEGER PRIMARY KEY, title TEXT NOT NULL, opens_at INTEGER NOT NULL,"
                    + " closes_at INTEGER, closed INTEGER NOT NULL DEFAULT 0 CHECK (closed IN (0, 1)),"
                    + " min_choices INTEGER NOT NULL, max_choices INTEGER NOT NULL,"
                    + " key_requested INTEGER NOT NULL DEFAULT 0 CHECK (key_requested IN (0, 1)),"
                    + " tally TEXT NOT NULL DEFAULT 'none' CHECK (tally IN ('none', 'requested', 'done', 'failed')),"
                    + " tally_operation INTEGER, tally_ballots INTEGER,"
                    + " created_by TEXT NOT NULL REFERENCES voter (id), created_at INTEGER NOT NULL)");
            s.execute("CREATE TABLE election_option (election_id INTEGER NOT NULL REFERENCES election (id),"
                    + " position INTEGER NOT NULL, label TEXT NOT NULL, votes INTEGER,"
                    + " sum_alpha BLOB NOT NULL CHECK (length(sum_alpha) = 33),"
                    + " sum_beta BLOB NOT NULL CHECK (length(sum_beta) = 33),"
                    + " PRIMARY KEY (election_id, position), UNIQUE (election_id, label))");
            s.execute("CREATE TABLE eligibility (election_id INTEGER NOT NULL REFERENCES election (id),"
                    + " voter_id TEXT NOT NULL REFERENCES voter (id), PRIMARY KEY (election_id, voter_id))");
            s.execute("CREATE TABLE ballot (id INTEGER PRIMARY KEY, election_id INTEGER NOT NULL,"
                    + " number INTEGER NOT NULL, voter_id TEXT NOT NULL, credential BLOB NOT NULL,"
                    + " tracker TEXT NOT NULL UNIQUE, ballot TEXT NOT NULL, cast_at INTEGER NOT NULL,"
                    + " cast_seq INTEGER NOT NULL, counted INTEGER NOT NULL CHECK (counted IN (0, 1)),"
                    + " UNIQUE (election_id, number),"
                    + " FOREIGN KEY (election_id, voter_id) REFERENCES eligibility (election_id, voter_id))");
            s.execute("CREATE UNIQUE INDEX one_counted_ballot ON ballot (election_id, voter_id) WHERE counted = 1");
            s.execute("CREATE INDEX ballot_of_voter ON ballot (election_id, voter_id)");
        }
    }

    /** The admin account, which enrolls with the code whose public key is {@code enrollmentKey}. */
    static void createAdmin(Connection c, Credential enrollmentKey) throws SQLException {
        Voters.register(c, ADMIN_ID, "Administrator", Role.ADMIN, enrollmentKey);
    }

    /** Four voters and one election open from the start, with no close time, all four eligible. */
    static void insertDemoData(Connection c) throws SQLException {
        for (DemoData.Account account : DemoData.VOTERS) {
            Voters.register(c, account.voter(), Character.toUpperCase(account.voter().charAt(0))
                    + account.voter().substring(1), Role.VOTER, account.enrollmentKey());
        }
        long election = Elections.create(c, DemoData.TITLE, DemoData.OPTIONS, 1, 1, 0, null, ADMIN_ID, 0);
        Elections.addEligible(c, election, DemoData.VOTERS.stream().map(DemoData.Account::voter).toList());
    }
}
