package io.bastion.sql.example;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.TestKeys;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.Execute;
import io.bastion.sql.SqlDatabase;
import io.bastion.sql.SqlStateMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The ported example of docs/sql.md: it behaves as the original, and only its setup changed. */
class TodoServiceTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final DateTimeFormatter SQLITE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

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

    private String run(long seq, String operation) {
        Envelope<Request> request = Envelope.sign(new Request(1000, requestNumber++, false,
                operation.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1000));
        StateMachine.Result result = machine.execute(new Execute(seq, 0, T0 + seq * 60_000, seq, List.of(request),
                false));
        return new String(result.replies().get(0).result(), StandardCharsets.UTF_8);
    }

    private String query(String operation) {
        Envelope<Request> request = Envelope.sign(new Request(1000, requestNumber++, true,
                operation.getBytes(StandardCharsets.UTF_8)), TestKeys.signer(1000));
        return new String(machine.query(request, 0).result(), StandardCharsets.UTF_8);
    }

    @Test
    void theReplicatedToDoListBehavesAsTheOriginalWithTheAgreedTime() {
        machine = new SqlStateMachine(0, TestKeys.signer(0), new TodoService(), directory, SqlDatabase.Mode.DURABLE, 8,
                SessionRequests.of(TestKeys.cluster(1, 0), TestKeys.VERIFIER));
        assertThat(run(1, "add alice buy milk")).isEqualTo("1");
        assertThat(run(2, "add alice call bob")).isEqualTo("2");
        assertThat(run(3, "add carol write report")).isEqualTo("3");
        assertThat(run(4, "complete alice 1")).isEqualTo("true");
        assertThat(run(5, "complete alice 3")).as("not alice's").isEqualTo("false");
        assertThat(run(6, "rename alice 2")).isEqualTo("error: unknown request rename");
        assertThat(query("open alice")).isEqualTo("2 call bob (" + SQLITE_TIME.format(Instant.ofEpochMilli(T0 + 120_000))
                + ")");
    }

    @Test
    void onlyTheSetupCodeChangedInThePort() throws IOException {
        Path sources = Path.of("src/test/java/io/bastion/sql/example");
        String before = Files.readString(sources.resolve("TodoApp.java"));
        String after = Files.readString(sources.resolve("TodoService.java"));
        for (String method : List.of("add", "complete", "open")) {
            assertThat(body(after, method)).as("method %s", method).isEqualTo(body(before, method));
        }
    }

    /** The text of public method {@code name}, from its signature to the closing brace at its indent. */
    private static String body(String source, String name) {
        Matcher m = Pattern.compile("\n    public [^\n]* " + name + "\\(").matcher(source);
        assertThat(m.find()).as("method %s", name).isTrue();
        int end = source.indexOf("\n    }\n", m.start());
        return source.substring(m.start(), end);
    }
}
