package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.evoting.ballot.BallotJson;
import io.bastion.evoting.ballot.EncryptedBallot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static io.bastion.evoting.Replicas.T0;
import static org.assertj.core.api.Assertions.assertThat;

/** Casting encrypted ballots in the demo election, re-voting, the public box, and the window of agreed time. */
class VotingTest {
    private static final int[] LISBON = {1, 0, 0};
    private static final int[] KRAKOW = {0, 1, 0};
    private static final int[] TALLINN = {0, 0, 1};

    @TempDir
    Path directory;

    private Replicas replicas;
    private TestVoter alice = TestVoter.demo("alice");
    private TestVoter bob = TestVoter.demo("bob");
    private Replicas.Session admin;
    private Replicas.Session aliceSession;
    private Replicas.Session bobSession;
    private JsonNode election;

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
        admin = replicas.enroll(TestVoter.demo("admin"));
        aliceSession = replicas.enroll(alice);
        bobSession = replicas.enroll(bob);
        election = replicas.awaitKey(aliceSession, 1);
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private static String error(JsonNode reply) {
        assertThat(reply.has("error")).as("a refusal, got %s", reply).isTrue();
        assertThat(reply.size()).as("an error reply holds only the error").isEqualTo(1);
        return reply.get("error").textValue();
    }

    @Test
    void theDemoElectionCarriesItsKeyAndBallotParameters() {
        assertThat(election.get("title").textValue()).isEqualTo("Choose the next team offsite");
        assertThat(election.get("options")).extracting(JsonNode::textValue).containsExactly("Lisbon", "Kraków", "Tallinn");
        assertThat(election.get("minChoices").intValue()).isEqualTo(1);
        assertThat(election.get("maxChoices").intValue()).isEqualTo(1);
        assertThat(election.get("state").textValue()).isEqualTo("open");
        assertThat(Base64.getUrlDecoder().decode(election.get("publicKey").textValue()))
                .as("the threshold key of election 1").isEqualTo(replicas.ledger().key("election-1").orElseThrow()
                        .publicKey().encode());
        JsonNode listed = replicas.read(aliceSession, "{'op':'listElections'}").get("elections");
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("publicKey")).isEqualTo(election.get("publicKey"));
        assertThat(listed.get(0).get("eligible").booleanValue()).isTrue();
        assertThat(listed.get(0).get("voted").booleanValue()).isFalse();
    }

    @Test
    void anHonestBallotIsAcceptedAndShownInThePublicBox() {
        EncryptedBallot ballot = alice.build(election, KRAKOW, 1);
        JsonNode cast = replicas.cast(aliceSession, 1, BallotJson.toNode(ballot));
        assertThat(cast.get("tracker").textValue()).isEqualTo(ballot.tracker().hex());
        assertThat(cast.get("number").longValue()).isEqualTo(1);
        assertThat(cast.get("replaced").booleanValue()).isFalse();
        assertThat(cast.get("castAt").longValue()).isEqualTo(replicas.lastTimeMillis());
        assertThat(cast.has("option")).as("no plaintext anywhere").isFalse();

        JsonNode box = replicas.read(bobSession, "{'op':'ballotBox','electionId':1}");
        assertThat(box.get("total").longValue()).isEqualTo(1);
        JsonNode entry = box.get("ballots").get(0);
        assertThat(entry.get("tracker").textValue()).isEqualTo(ballot.tracker().hex());
        assertThat(entry.get("credential").textValue())
                .isEqualTo(Base64.getUrlEncoder().withoutPadding().encodeToString(alice.credentialKey().bytes()));
        assertThat(entry.get("counted").booleanValue()).isTrue();
        assertThat(box.get("next").isNull()).isTrue();

        JsonNode full = replicas.read(bobSession, "{'op':'ballot','tracker':'" + ballot.tracker().hex() + "'}");
        assertThat(BallotJson.parse(full.get("ballot"))).as("the ballot as cast").isEqualTo(ballot);
        assertThat(full.get("electionId").longValue()).isEqualTo(1);
        assertThat(replicas.read(aliceSession, "{'op':'listElections'}").get("elections").get(0).get("voted")
                .booleanValue()).isTrue();
    }

    @Test
    void votingAgainReplacesTheCountedBallotAndTheBoxShowsBoth() {
        String first = replicas.cast(aliceSession, 1, alice.ballot(election, LISBON, 1)).get("tracker").textValue();
        JsonNode again = replicas.cast(aliceSession, 1, alice.ballot(election, TALLINN, 2));
        assertThat(again.get("replaced").booleanValue()).isTrue();
        assertThat(again.get("number").longValue()).isEqualTo(2);
        String second = again.get("tracker").textValue();

        JsonNode box = replicas.read(admin, "{'op':'ballotBox','electionId':1}").get("ballots");
        assertThat(box).extracting(b -> b.get("tracker").textValue()).containsExactly(first, second);
        assertThat(box).extracting(b -> b.get("counted").booleanValue()).containsExactly(false, true);
        JsonNode mine = replicas.read(aliceSession, "{'op':'myBallots','electionId':1}").get("ballots");
        assertThat(mine).extracting(b -> b.get("tracker").textValue()).containsExactly(first, second);
        assertThat(replicas.read(admin, "{'op':'turnout','electionId':1}").get("voted").longValue())
                .as("one voter, one counted ballot").isEqualTo(1);
    }

    @Test
    void twoBallotsInOneBatchAreNumberedInTheAgreedOrder() {
        List<Reply> replies = replicas.order(List.of(
                replicas.castRequest(aliceSession, 1, alice.ballot(election, LISBON, 3)),
                replicas.castRequest(bobSession, 1, bob.ballot(election, LISBON, 4))));
        assertThat(replies).extracting(r -> replicas.parse(r.result()).get("number").longValue()).containsExactly(1L, 2L);
    }

    @Test
    void theBallotBoxIsPagedWithABound() {
        for (int i = 0; i < 5; i++) {
            replicas.cast(i % 2 == 0 ? aliceSession : bobSession, 1,
                    (i % 2 == 0 ? alice : bob).ballot(election, TALLINN, 10 + i));
        }
        JsonNode page = replicas.read(bobSession, "{'op':'ballotBox','electionId':1,'limit':2}");
        assertThat(page.get("ballots")).extracting(b -> b.get("number").longValue()).containsExactly(1L, 2L);
        assertThat(page.get("next").longValue()).isEqualTo(2);
        JsonNode last = replicas.read(bobSession, "{'op':'ballotBox','electionId':1,'after':4,'limit':2}");
        assertThat(last.get("ballots")).extracting(b -> b.get("number").longValue()).containsExactly(5L);
        assertThat(last.get("next").isNull()).isTrue();
        assertThat(error(replicas.read(bobSession, "{'op':'ballotBox','electionId':1,'limit':101}")))
                .isEqualTo("ballotBox needs \"limit\": an integer in 1..100");
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
        JsonNode budget = replicas.awaitKey(admin, id);

        replicas.at(opensAt - 1);
        assertThat(error(replicas.cast(aliceSession, id, alice.ballot(budget, new int[] {1, 0}, 1))))
                .isEqualTo("election " + id + " is not open yet: voting opens at " + opensAt + " (agreed time now "
                        + (opensAt - 1) + ")");
        replicas.at(opensAt);
        assertThat(replicas.cast(aliceSession, id, alice.ballot(budget, new int[] {1, 0}, 2)).get("replaced")
                .booleanValue()).isFalse();
        replicas.at(closesAt - 1);
        assertThat(replicas.cast(aliceSession, id, alice.ballot(budget, new int[] {0, 1}, 3)).get("replaced")
                .booleanValue()).as("the last millisecond still counts").isTrue();
        replicas.at(closesAt);
        assertThat(error(replicas.cast(bobSession, id, bob.ballot(budget, new int[] {1, 0}, 4))))
                .isEqualTo("election " + id + " is closed: voting ended at " + closesAt);
        JsonNode results = replicas.awaitResults(bobSession, id);
        assertThat(results.get("results")).extracting(r -> r.get("votes").longValue())
                .as("closed by the clock, without the admin").containsExactly(0L, 1L);
        assertThat(results.get("winner").textValue()).isEqualTo("no");
    }

    @Test
    void aReadSentOrderedGetsTheSameKindOfAnswerAsAnUnorderedOne() {
        replicas.cast(aliceSession, 1, alice.ballot(election, LISBON, 5));
        Reply ordered = replicas.order(List.of(replicas.request(aliceSession, Request.Kind.ORDERED_READ,
                "{'op':'turnout','electionId':1}"))).get(0);
        assertThat(replicas.parse(ordered.result()))
                .isEqualTo(replicas.read(aliceSession, "{'op':'turnout','electionId':1}"));
    }
}
