package io.bastion.sql;

import io.bastion.core.TestKeys;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.session.SessionRequests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SqlService#prepareBatch}: it sees the operations of a batch's writes, in order, before they
 * execute, on a read-only connection at the state the batch found; what it throws or tries to write
 * changes nothing the batch's requests get.
 */
class PrepareBatchTest {
    @TempDir
    Path directory;

    private SqlStateMachine machine;
    private long requestNumber = 1;

    @AfterEach
    void close() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void itSeesTheWritesInOrderAtTheStateTheBatchFound() {
        CountingService service = new CountingService();
        machine = open(service);
        List<String> first = texts(machine.execute(batch(1, List.of(write("add 1"), write("add 2")))));
        assertThat(first).containsExactly("rows 1", "rows 2");
        texts(machine.execute(batch(2, List.of(write("add 3"), read("rows"), write("add 4")))));
        assertThat(service.seen).containsExactly(List.of("add 1", "add 2"), List.of("add 3", "add 4"));
        assertThat(service.rowsSeen).as("rows when each batch began").containsExactly(0L, 2L);
    }

    @Test
    void whatItThrowsOrTriesToWriteChangesNothing() {
        CountingService service = new CountingService();
        service.misbehave = true;
        machine = open(service);
        assertThat(texts(machine.execute(batch(1, List.of(write("add 1"), write("add 2"))))))
                .containsExactly("rows 1", "rows 2");
        assertThat(service.writeRefused).as("its connection refuses writes").isTrue();
        assertThat(texts(machine.execute(batch(2, List.of(write("add 3")))))).containsExactly("rows 3");
    }

    private SqlStateMachine open(SqlService service) {
        return new SqlStateMachine(0, TestKeys.signer(0), service, directory.resolve("m"), SqlDatabase.Mode.DURABLE, 4,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
    }

    private Envelope<Request> write(String op) {
        return Envelope.sign(new Request(1000, requestNumber++, Request.Kind.WRITE, op.getBytes(StandardCharsets.UTF_8)),
                TestKeys.signer(1000));
    }

    private Envelope<Request> read(String op) {
        return Envelope.sign(new Request(1000, requestNumber++, Request.Kind.ORDERED_READ,
                op.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1000));
    }

    private static Execute batch(long seq, List<Envelope<Request>> requests) {
        return new Execute(seq, 0, 1_767_225_600_000L + seq * 1000, seq * 31, requests, false);
    }

    private static List<String> texts(StateMachine.Result result) {
        return result.replies().stream().map(r -> new String(r.result(), StandardCharsets.UTF_8)).toList();
    }

    /** "add N" inserts a row and answers how many there are; "rows" (a read) answers the count. */
    private static final class CountingService implements SqlService {
        final List<List<String>> seen = new ArrayList<>();
        final List<Long> rowsSeen = new ArrayList<>();
        boolean misbehave;
        boolean writeRefused;

        @Override
        public void migrate(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                s.execute("CREATE TABLE t (n INTEGER)");
            }
        }

        @Override
        public void prepareBatch(List<byte[]> operations, Connection connection) throws SQLException {
            seen.add(operations.stream().map(o -> new String(o, StandardCharsets.UTF_8)).toList());
            rowsSeen.add(rows(connection));
            if (misbehave) {
                try (Statement s = connection.createStatement()) {
                    s.execute("INSERT INTO t (n) VALUES (99)");
                } catch (SQLException refused) {
                    writeRefused = true;
                }
                throw new IllegalStateException("a service bug in prepareBatch");
            }
        }

        @Override
        public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
            String op = new String(request, StandardCharsets.UTF_8);
            try (PreparedStatement p = connection.prepareStatement("INSERT INTO t (n) VALUES (?)")) {
                p.setLong(1, Long.parseLong(op.substring("add ".length())));
                p.executeUpdate();
            }
            return ("rows " + rows(connection)).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
            return ("rows " + rows(connection)).getBytes(StandardCharsets.UTF_8);
        }

        private static long rows(Connection connection) throws SQLException {
            try (PreparedStatement p = connection.prepareStatement("SELECT count(*) FROM t"); ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
