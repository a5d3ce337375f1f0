package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.Credential;
import io.bastion.evoting.record.RecordJson;
import io.bastion.evoting.record.VoterEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The record's pages of voters and ballots, on a database filled directly: every eligible voter and
 * every ballot comes exactly once, in order, pages bounded by count and by characters, and the
 * cursors end with null. A voter whose credential was reset lists both credentials; one who is not
 * eligible is not listed.
 */
class RecordPagesTest {
    private static final int VOTERS = RecordPages.VOTERS_PAGE_MAX + 205;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Connection c;
    private final List<Credential> credentials = new ArrayList<>();
    private long election;

    @BeforeEach
    void fill() throws Exception {
        c = DriverManager.getConnection("jdbc:sqlite::memory:");
        KeyPairGenerator keys = KeyPairGenerator.getInstance("EC");
        keys.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        for (int i = 0; i < VOTERS + 3; i++) {
            credentials.add(Credential.of(keys.generateKeyPair().getPublic()));
        }
        Schema.create(c);
        Schema.createAdmin(c, credentials.get(VOTERS + 2));
        election = Elections.create(c, "Big", List.of("yes", "no"), 1, 1, 0, null, Schema.ADMIN_ID, 0);
        List<String> eligible = new ArrayList<>();
        for (int i = 0; i < VOTERS; i++) {
            String id = String.format("voter-%05d", i);
            Voters.register(c, id, "Voter " + i, Role.VOTER, credentials.get(i));
            Voters.enroll(c, id, credentials.get(i), 0);
            eligible.add(id);
        }
        Voters.register(c, "outsider", "Not eligible", Role.VOTER, credentials.get(VOTERS));
        Elections.addEligible(c, election, eligible);
    }

    @AfterEach
    void close() throws SQLException {
        c.close();
    }

    private void insertBallot(long number, String voter, Credential credential, String json) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO ballot (election_id, number, voter_id, credential,"
                + " tracker, ballot, cast_at, cast_seq, counted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)")) {
            p.setLong(1, election);
            p.setLong(2, number);
            p.setString(3, voter);
            p.setBytes(4, credential.bytes());
            p.setString(5, String.format("%064x", number));
            p.setString(6, json);
            p.setLong(7, number);
            p.setLong(8, number);
            p.executeUpdate();
        }
    }

    private JsonNode page(String part, long after) throws SQLException {
        String request = "{\"op\":\"record\",\"electionId\":" + election + ",\"part\":\"" + part + "\",\"after\":" + after
                + "}";
        ServiceContext context = new ServiceContext(1, 1, -1, 0, 0, 0, "voter-00000");
        return RecordPages.answer(Operation.parse(JSON, request.getBytes(StandardCharsets.UTF_8)), c, context, null);
    }

    /** Every element of {@code part}, page by page, checking each page with {@code check}. */
    private List<JsonNode> all(String part, java.util.function.Consumer<JsonNode> check) throws SQLException {
        List<JsonNode> items = new ArrayList<>();
        long after = 0;
        for (int pages = 0; pages < 100; pages++) {
            JsonNode page = page(part, after);
            check.accept(page.get(part));
            page.get(part).forEach(items::add);
            if (page.get("next").isNull()) {
                return items;
            }
            after = page.get("next").longValue();
        }
        throw new AssertionError("more than 100 pages");
    }

    @Test
    void everyEligibleVoterComesOnceWithTheCredentialsTheirBallotsWereCastWith() throws Exception {
        insertBallot(1, "voter-00007", credentials.get(VOTERS + 1), "{}"); // cast before an admin reset it
        insertBallot(2, "voter-00007", credentials.get(7), "{}");
        Voters.reset(c, "voter-00009", credentials.get(9));
        insertBallot(3, "voter-00009", credentials.get(9), "{}");

        List<Integer> sizes = new ArrayList<>();
        List<JsonNode> voters = all("voters", page -> sizes.add(page.size()));
        assertThat(sizes).containsExactly(RecordPages.VOTERS_PAGE_MAX, VOTERS - RecordPages.VOTERS_PAGE_MAX);
        List<VoterEntry> entries = voters.stream().map(v -> RecordJson.voter(v, "$")).toList();
        assertThat(entries).hasSize(VOTERS).noneMatch(e -> e.enrollmentKey().equals(credentials.get(VOTERS)));
        assertThat(entries.get(0)).isEqualTo(new VoterEntry(List.of(credentials.get(0)), credentials.get(0), true));
        assertThat(entries.get(7).credentials()).containsExactly(credentials.get(7), credentials.get(VOTERS + 1));
        assertThat(entries.get(9)).as("reset and not enrolled again: the credential of the ballot")
                .isEqualTo(new VoterEntry(List.of(credentials.get(9)), credentials.get(9), false));
        assertThat(entries.stream().flatMap(e -> e.credentials().stream()).distinct().count()).isEqualTo(VOTERS + 1);
    }

    @Test
    void ballotsComeInOrderInPagesBoundedByCountAndByCharacters() throws Exception {
        String large = "{\"pad\":\"" + "x".repeat(1990) + "\"}";
        int count = 1_100;
        for (int n = 1; n <= count; n++) {
            insertBallot(n, String.format("voter-%05d", n % VOTERS), credentials.get(n % VOTERS), n <= 600 ? "{}" : large);
        }
        List<Integer> sizes = new ArrayList<>();
        List<JsonNode> ballots = all("ballots", page -> {
            sizes.add(page.size());
            long chars = 0;
            for (int i = 0; i < page.size() - 1; i++) {
                chars += page.get(i).get("ballot").toString().length();
            }
            assertThat(chars).as("a page ends once it holds the most characters").isLessThan(
                    RecordPages.BALLOTS_PAGE_CHARS_MAX);
        });
        assertThat(ballots).extracting(b -> b.get("number").longValue())
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, count).boxed().toList());
        assertThat(sizes.get(0)).isEqualTo(RecordPages.BALLOTS_PAGE_MAX);
        assertThat(sizes.subList(1, sizes.size())).allMatch(size -> size < RecordPages.BALLOTS_PAGE_MAX);
        assertThat(ballots.get(700).get("ballot").toString()).isEqualTo(large);
        assertThat(page("ballots", count).get("ballots")).isEmpty();
        assertThat(page("ballots", count).get("next").isNull()).isTrue();
        assertThatThrownBy(() -> page("everything", 0))
                .hasMessage("record needs \"part\": \"summary\", \"voters\" or \"ballots\"");
    }
}
