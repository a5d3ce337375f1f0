package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.service.ServiceContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.bastion.evoting.Replicas.T0;
import static org.assertj.core.api.Assertions.assertThat;

class VotingTest {
    private static final String CAST = "{'op':'castBallot','electionId':%d,'option':'%s'}";

    @TempDir
    Path directory;

    private Replicas replicas;
    private Replicas.Session admin;
    private Replicas.Session alice;
    private Replicas.Session bob;
    private Replicas.Session carol;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.signIn("admin", "admin-demo");
        alice = replicas.signIn("alice", "alice-demo");
        bob = replicas.signIn("bob", "bob-demo");
        carol = replicas.signIn("carol", "carol-demo");
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private JsonNode cast(Replicas.Session voter, long election, String option) {
        return replicas.call(voter, CAST.formatted(election, option));
    }

    private static String error(JsonNode reply) {
        assertThat(reply.has("error")).as("a refusal, got %s", reply).isTrue();
        return reply.get("error").textValue();
    }

    @Test
    void theDemoElectionIsOpenForTheFourVoters() {
        JsonNode list = replicas.read(alice, "{'op':'listElections'}");
        assertThat(list.get("now").longValue()).isEqualTo(replicas.lastTimeMillis());
        assertThat(list.get("elections")).hasSize(1);
        JsonNode election = list.get("elections").get(0);
        assertThat(election.get("id").longValue()).isEqualTo(1);
        assertThat(election.get("title").textValue()).isEqualTo("Choose the next team offsite");
        assertThat(election.get("options")).extracting(JsonNode::textValue)
                .containsExactly("Lisbon", "Kraków", "Tallinn");
        assertThat(election.get("state").textValue()).isEqualTo("open");
        assertThat(election.get("closesAt").isNull()).isTrue();
        assertThat(election.get("eligible").booleanValue()).isTrue();
        assertThat(election.get("voted").booleanValue()).isFalse();
        JsonNode turnout = replicas.read(admin, "{'op':'turnout','electionId':1}");
        assertThat(turnout.get("eligible").longValue()).isEqualTo(4);
        assertThat(turnout.get("voted").longValue()).isZero();
    }

    @Test
    void aBallotGetsAReceiptThatEveryReplicaComputesAlikeAndMyReceiptShowsItCounted() {
        JsonNode cast = cast(alice, 1, "Kraków"); // the same reply bytes at all four replicas, checked by Replicas
        String receipt = cast.get("receipt").textValue();
        assertThat(receipt).matches("[0-9a-f]{64}");
        assertThat(cast.get("replaced").booleanValue()).isFalse();
        assertThat(cast.get("option").textValue()).isEqualTo("Kraków");
        long castAt = cast.get("castAt").longValue();
        assertThat(castAt).isEqualTo(replicas.lastTimeMillis());
        long seq = cast.get("seq").longValue();
        assertThat(receipt).as("computed from the ballot and its place in the order, as docs/evoting.md says")
                .isEqualTo(Hashes.receipt(1, "alice", "Kraków", castAt, seq, 0,
                        ServiceContext.deriveSeed(Replicas.batchSeed(seq), 0)));

        JsonNode mine = replicas.read(alice, "{'op':'myReceipt','electionId':1}");
        assertThat(mine.get("ballots")).hasSize(1);
        JsonNode ballot = mine.get("ballots").get(0);
        assertThat(ballot.get("receipt").textValue()).isEqualTo(receipt);
        assertThat(ballot.get("option").textValue()).isEqualTo("Kraków");
        assertThat(ballot.get("castAt").longValue()).isEqualTo(castAt);
        assertThat(ballot.get("counted").booleanValue()).isTrue();
        assertThat(replicas.read(alice, "{'op':'listElections'}").get("elections").get(0).get("voted").booleanValue())
                .isTrue();
    }

    @Test
    void twoBallotsInOneBatchGetDistinctReceiptsFromTheirPlaceInTheOrder() {
        List<Reply> replies = replicas.order(List.of(
                replicas.request(alice, Request.Kind.WRITE, CAST.formatted(1, "Lisbon")),
                replicas.request(bob, Request.Kind.WRITE, CAST.formatted(1, "Lisbon"))));
        List<String> receipts = new ArrayList<>();
        for (Reply reply : replies) {
            JsonNode cast = replicas.parse(reply.result());
            assertThat(cast.get("castAt").longValue()).isEqualTo(replicas.lastTimeMillis());
            receipts.add(cast.get("receipt").textValue());
        }
        assertThat(receipts).doesNotHaveDuplicates().allMatch(r -> r.matches("[0-9a-f]{64}"));
    }

    @Test
    void votingAgainWhileOpenReplacesTheCountedBallot() {
        String first = cast(bob, 1, "Lisbon").get("receipt").textValue();
        JsonNode again = cast(bob, 1, "Tallinn");
        assertThat(again.get("replaced").booleanValue()).isTrue();
        String second = again.get("receipt").textValue();
        assertThat(second).isNotEqualTo(first);
        String third = cast(bob, 1, "Tallinn").get("receipt").textValue();
        assertThat(third).as("the same option again is a new ballot with a new receipt").isNotEqualTo(second);

        JsonNode ballots = replicas.read(bob, "{'op':'myReceipt','electionId':1}").get("ballots");
        assertThat(ballots).extracting(b -> b.get("receipt").textValue()).containsExactly(first, second, third);
        assertThat(ballots).extracting(b -> b.get("counted").booleanValue()).containsExactly(false, false, true);
        assertThat(replicas.read(admin, "{'op':'turnout','electionId':1}").get("voted").longValue())
                .as("one voter, one counted ballot").isEqualTo(1);

        replicas.call(admin, "{'op':'closeElection','electionId':1}");
        JsonNode results = replicas.read(bob, "{'op':'results','electionId':1}");
        assertThat(results.get("results")).extracting(r -> r.get("votes").longValue()).containsExactly(0L, 0L, 1L);
    }

    @Test
    void resultsArePublishedOnlyOnceTheElectionClosesWithTheCorrectCounts() {
        cast(alice, 1, "Lisbon");
        cast(bob, 1, "Tallinn");
        cast(bob, 1, "Lisbon");
        cast(carol, 1, "Tallinn");
        assertThat(error(replicas.read(alice, "{'op':'results','electionId':1}")))
                .isEqualTo("results are published when the election closes");
        assertThat(error(replicas.read(admin, "{'op':'results','electionId':1}")))
                .isEqualTo("results are published when the election closes");
        JsonNode turnout = replicas.read(carol, "{'op':'turnout','electionId':1}");
        assertThat(turnout.get("state").textValue()).isEqualTo("open");
        assertThat(turnout.get("eligible").longValue()).isEqualTo(4);
        assertThat(turnout.get("voted").longValue()).isEqualTo(3);

        JsonNode closed = replicas.call(admin, "{'op':'closeElection','electionId':1}");
        assertThat(closed.get("state").textValue()).isEqualTo("closed");
        assertThat(closed.get("closesAt").longValue()).isEqualTo(replicas.lastTimeMillis());

        JsonNode results = replicas.read(alice, "{'op':'results','electionId':1}");
        assertThat(results.get("state").textValue()).isEqualTo("closed");
        assertThat(results.get("eligible").longValue()).isEqualTo(4);
        assertThat(results.get("voted").longValue()).isEqualTo(3);
        assertThat(results.get("results"))
                .extracting(r -> r.get("option").textValue() + "=" + r.get("votes").longValue())
                .containsExactly("Lisbon=2", "Kraków=0", "Tallinn=1");
        assertThat(error(cast(carol, 1, "Kraków"))).startsWith("election 1 is closed");
        assertThat(replicas.read(alice, "{'op':'results','electionId':1}")).as("nothing changed after the close")
                .isEqualTo(results);
    }

    @Test
    void theAgreedClockOpensAndClosesTheVotingWindow() {
        long opensAt = T0 + 3_600_000;
        long closesAt = opensAt + 600_000;
        JsonNode created = replicas.call(admin, "{'op':'createElection','title':'Budget','options':['yes','no'],"
                + "'opensAt':" + opensAt + ",'closesAt':" + closesAt + "}");
        long id = created.get("id").longValue();
        assertThat(created.get("state").textValue()).isEqualTo("upcoming");
        replicas.call(admin, "{'op':'addVoters','electionId':" + id + ",'voters':['alice','bob']}");

        replicas.at(opensAt - 1);
        assertThat(error(cast(alice, id, "yes"))).isEqualTo("election " + id + " is not open yet: voting opens at "
                + opensAt + " (agreed time now " + (opensAt - 1) + ")");
        assertThat(replicas.read(alice, "{'op':'listElections'}").get("elections").get(0).get("state").textValue())
                .isEqualTo("upcoming");

        replicas.at(opensAt);
        assertThat(cast(alice, id, "yes").get("replaced").booleanValue()).isFalse();
        assertThat(error(replicas.read(alice, "{'op':'results','electionId':" + id + "}")))
                .isEqualTo("results are published when the election closes");

        replicas.at(closesAt - 1);
        assertThat(cast(alice, id, "no").get("replaced").booleanValue()).as("the last millisecond still counts")
                .isTrue();

        replicas.at(closesAt);
        assertThat(error(cast(bob, id, "yes"))).isEqualTo("election " + id + " is closed: voting ended at " + closesAt);
        JsonNode results = replicas.read(bob, "{'op':'results','electionId':" + id + "}");
        assertThat(results.get("results")).extracting(r -> r.get("votes").longValue())
                .as("closed by the clock, without the admin").containsExactly(0L, 1L);
        JsonNode turnout = replicas.read(alice, "{'op':'turnout','electionId':" + id + "}");
        assertThat(turnout.get("state").textValue()).isEqualTo("closed");
        assertThat(turnout.get("eligible").longValue()).isEqualTo(2);
        assertThat(turnout.get("voted").longValue()).isEqualTo(1);
    }

    @Test
    void aReadSentOrderedGetsTheSameKindOfAnswerAsAnUnorderedOne() {
        cast(alice, 1, "Lisbon");
        Reply ordered = replicas.order(List.of(replicas.request(alice, Request.Kind.ORDERED_READ,
                "{'op':'turnout','electionId':1}"))).get(0);
        assertThat(replicas.parse(ordered.result())).isEqualTo(replicas.read(alice, "{'op':'turnout','electionId':1}"));
        JsonNode viaWrite = replicas.call(alice, "{'op':'myReceipt','electionId':1}");
        assertThat(viaWrite.get("ballots")).hasSize(1);
    }
}
