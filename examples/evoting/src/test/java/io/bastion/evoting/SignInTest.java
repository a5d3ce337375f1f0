package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.sql.SqlStateMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;

import static io.bastion.evoting.Replicas.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SignInTest {
    @TempDir
    Path directory;

    private Replicas replicas;

    @AfterEach
    void close() {
        if (replicas != null) {
            replicas.close();
        }
    }

    @Test
    void aVoterWithTheRightSecretSignsInAndTheSessionIdentityIsTheVoterId() {
        replicas = Replicas.demo(directory);
        Replicas.Session alice = replicas.signIn("alice", "alice-demo");
        assertThat(alice.identity()).isEqualTo("alice");
        Replicas.Session admin = replicas.signIn("admin", "admin-demo");
        assertThat(admin.identity()).isEqualTo("admin");
    }

    @Test
    void aWrongSecretAnUnknownVoterAndMalformedCredentialsAreRefusedWithAClearReason() {
        replicas = Replicas.demo(directory);
        for (String credentials : List.of("{'voter':'alice','secret':'bob-demo'}",
                "{'voter':'mallory','secret':'mallory-demo'}",
                "{'voter':'Alice','secret':'alice-demo'}")) {
            Reply reply = replicas.join(credentials);
            assertThat(reply.status()).as(credentials).isEqualTo(Reply.Status.REFUSED);
            assertThat(text(reply.result())).isEqualTo("unknown voter or wrong secret");
        }
        for (String credentials : List.of("alice", "{'voter':'alice'}", "{'voter':1,'secret':'x'}", "[]",
                "{'voter':'alice','secret':'alice-demo'} trailing")) {
            Reply reply = replicas.join(credentials);
            assertThat(reply.status()).as(credentials).isEqualTo(Reply.Status.REFUSED);
            assertThat(text(reply.result())).as(credentials).startsWith("credentials must be JSON");
        }
    }

    @Test
    void secretsAreKeptOnlyAsSaltedHashes() throws Exception {
        replicas = Replicas.demo(directory);
        replicas.signIn("bob", "bob-demo");
        SqlStateMachine replica = replicas.machines().get(0);
        try (Statement s = replica.connectionForReading().createStatement();
             ResultSet rs = s.executeQuery("SELECT id, secret_sha256 FROM voter ORDER BY id")) {
            while (rs.next()) {
                String id = rs.getString(1);
                assertThat(rs.getBytes(2)).as(id).isEqualTo(Hashes.secret(id, id + "-demo"));
            }
        }
        replica.connectionForReading().rollback();
        byte[] file = Files.readAllBytes(replica.databaseFile());
        String contents = new String(file, StandardCharsets.ISO_8859_1);
        assertThat(contents).as("no secret in clear, not even of a voter who signed in")
                .doesNotContain("bob-demo").doesNotContain("alice-demo").doesNotContain("admin-demo")
                .contains(new String(Hashes.secret("alice", "alice-demo"), StandardCharsets.ISO_8859_1));
        assertThat(Hashes.secret("alice", "same-secret")).as("salted by the voter id")
                .isNotEqualTo(Hashes.secret("bob", "same-secret"));
        assertThat(HexFormat.of().formatHex(Hashes.secret("ab", "c")))
                .isNotEqualTo(HexFormat.of().formatHex(Hashes.secret("a", "bc")));
    }

    @Test
    void theSessionIdentityDecidesWhoVotesNotANameInsideTheRequest() {
        replicas = Replicas.demo(directory);
        Replicas.Session alice = replicas.signIn("alice", "alice-demo");
        JsonNode cast = replicas.call(alice, "{'op':'castBallot','electionId':1,'option':'Lisbon','voter':'bob'}");
        assertThat(cast.has("receipt")).as(cast.toString()).isTrue();
        Replicas.Session bob = replicas.signIn("bob", "bob-demo");
        assertThat(replicas.read(bob, "{'op':'myReceipt','electionId':1}").get("ballots")).isEmpty();
        assertThat(replicas.read(alice, "{'op':'myReceipt','electionId':1}").get("ballots")).hasSize(1);
    }

    @Test
    void aSecondSignInOfTheSameVoterEndsTheFirstSession() {
        replicas = Replicas.demo(directory);
        Replicas.Session phone = replicas.signIn("carol", "carol-demo");
        Replicas.Session laptop = replicas.signIn("carol", "carol-demo");
        Reply old = replicas.order(List.of(replicas.request(phone, Request.Kind.WRITE,
                "{'op':'castBallot','electionId':1,'option':'Tallinn'}"))).get(0);
        assertThat(old.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(replicas.call(laptop, "{'op':'castBallot','electionId':1,'option':'Tallinn'}")
                .get("replaced").booleanValue()).isFalse();
    }

    @Test
    void aClientRegisteredInTheClusterFileIsNotAVoter() {
        replicas = Replicas.demo(directory);
        Reply reply = replicas.orderFromRegisteredClient("{'op':'listElections'}");
        assertThat(replicas.parse(reply.result()).get("error").textValue()).startsWith("not signed in as a voter");
    }

    @Test
    void thePlainServiceStartsWithOnlyTheAdminAndTheSecretItWasGiven() {
        replicas = new Replicas(directory, 2, () -> new EvotingService("correct horse battery"));
        assertThat(replicas.join("{'voter':'admin','secret':'admin-demo'}").status())
                .isEqualTo(Reply.Status.REFUSED);
        assertThat(replicas.join("{'voter':'alice','secret':'alice-demo'}").status())
                .isEqualTo(Reply.Status.REFUSED);
        Replicas.Session admin = replicas.signIn("admin", "correct horse battery");
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).isEmpty();
        assertThatThrownBy(() -> new EvotingService("short")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8..256");
    }

    /** What {@code bastion replica --sql-service io.bastion.evoting.EvotingServiceFromSecretFile} runs. */
    @Test
    void theServiceFromASecretFileStartsWithOnlyTheAdminAndTheFilesSecret() throws Exception {
        Path secret = Files.writeString(directory.resolve("admin.secret"), "correct horse battery\n");
        replicas = new Replicas(directory, 2, () -> new EvotingServiceFromSecretFile(secret));
        assertThat(replicas.join("{'voter':'admin','secret':'admin-demo'}").status())
                .isEqualTo(Reply.Status.REFUSED);
        Replicas.Session admin = replicas.signIn("admin", "correct horse battery");
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).isEmpty();

        assertThatThrownBy(() -> new EvotingServiceFromSecretFile(Files.writeString(directory.resolve("short"), "short")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("short").hasMessageContaining("8..256");
        assertThatThrownBy(() -> new EvotingServiceFromSecretFile(directory.resolve("missing")))
                .hasMessageContaining("cannot read the e-voting admin secret");
        assertThat(System.getProperty(EvotingServiceFromSecretFile.SECRET_FILE_PROPERTY)).isNull();
        assertThatThrownBy(EvotingServiceFromSecretFile::new).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-D" + EvotingServiceFromSecretFile.SECRET_FILE_PROPERTY + "=FILE");
    }
}
