package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.evoting.ballot.Credential;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static io.bastion.evoting.Replicas.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enrolling a credential with a one-time code, and signing in with it: no secret ever reaches a replica. */
class EnrollmentTest {
    @TempDir
    Path directory;

    private Replicas replicas;
    private final TestVoter alice = TestVoter.demo("alice");
    private final TestVoter bob = TestVoter.demo("bob");

    @BeforeEach
    void start() {
        replicas = Replicas.demo(directory);
    }

    @AfterEach
    void close() {
        replicas.close();
    }

    private String refused(byte[] credentials) {
        Reply reply = replicas.join(credentials);
        assertThat(reply.status()).as(text(reply.result())).isEqualTo(Reply.Status.REFUSED);
        return text(reply.result());
    }

    private byte[] enrollment(TestVoter voter, long sessionKey) {
        return JoinCredentials.enroll(voter.id(), voter.enrollmentKey(), voter.credential(),
                Replicas.sessionKey(sessionKey));
    }

    @Test
    void aVoterEnrollsWithTheCodeThenSignsInWithTheCredentialAndTheIdentityIsTheVoterId() throws Exception {
        Replicas.Session enrolled = replicas.enroll(alice);
        assertThat(enrolled.identity()).isEqualTo("alice");
        Replicas.Session again = replicas.signIn(alice);
        assertThat(again.identity()).isEqualTo("alice");
        try (var s = replicas.machines().get(0).connectionForReading().createStatement();
             var rs = s.executeQuery("SELECT credential, enrolled_at FROM voter WHERE id = 'alice'")) {
            rs.next();
            assertThat(rs.getBytes(1)).isEqualTo(alice.credentialKey().bytes());
            assertThat(rs.getLong(2)).isEqualTo(Replicas.T0);
        }
        replicas.machines().get(0).connectionForReading().rollback();
    }

    @Test
    void aWrongCodeIsRefusedAndEnrollsNothing() {
        TestVoter guesser = alice.withCode("ALIC-DEMO-DEMO-DEMO-DEM2");
        assertThat(refused(enrollment(guesser, replicas.nextSessionKey())))
                .isEqualTo("unknown voter or wrong enrollment code");
        assertThat(refused(JoinCredentials.signIn("alice", guesser.credential(),
                Replicas.sessionKey(replicas.nextSessionKey())))).as("not enrolled")
                .isEqualTo("unknown voter or bad signature");
        replicas.enroll(alice);
    }

    @Test
    void anEnrollmentCannotBeReplayedNorMovedToAnotherVoterOrSession() {
        long key = replicas.nextSessionKey() + 1;
        byte[] aliceEnrolls = enrollment(alice, key);
        // a faulty replica saw alice's Join and sends its credentials first, with a session key of its own
        assertThat(refused(aliceEnrolls)).as("the credential's signature covers alice's session key, not this one")
                .isEqualTo("the signature over the session key does not verify under the credential being enrolled");
        assertThat(replicas.join(aliceEnrolls).status()).as("alice's own Join, after it").isEqualTo(Reply.Status.OK);
        // the same enrollment for bob: the enrollment key signed alice's id
        String forBob = text(aliceEnrolls).replace("\"alice\"", "\"bob\"");
        assertThat(refused(forBob.getBytes(StandardCharsets.UTF_8))).isEqualTo("unknown voter or wrong enrollment code");
        // bob's own code, but alice's credential (it is public once enrolled)
        TestVoter bobWithAlicesCredential = new TestVoter("bob", bob.code(), alice.credential());
        assertThat(refused(enrollment(bobWithAlicesCredential, replicas.nextSessionKey())))
                .isEqualTo("this credential is already another voter's: make a new one");
    }

    @Test
    void aSecondEnrollmentIsRefusedUntilAnAdminResetsTheCredential() {
        replicas.enroll(alice);
        TestVoter newPhone = alice.withCredential(99);
        assertThat(refused(enrollment(newPhone, replicas.nextSessionKey())))
                .startsWith("voter alice is already enrolled: sign in with your credential");
        assertThat(refused(enrollment(alice, replicas.nextSessionKey()))).as("the same credential again too")
                .startsWith("voter alice is already enrolled");

        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin"));
        String newCode = "ALIC-NEWC-ODE2-ODE2-ODE2";
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(
                EnrollmentCode.publicKey("alice", newCode).bytes());
        JsonNode reset = replicas.call(admin, "{'op':'resetCredential','voter':'alice','enrollmentKey':'" + key + "'}");
        assertThat(reset.get("enrolled").booleanValue()).isFalse();
        assertThat(refused(JoinCredentials.signIn("alice", alice.credential(),
                Replicas.sessionKey(replicas.nextSessionKey())))).as("the old credential is gone")
                .isEqualTo("unknown voter or bad signature");
        assertThat(refused(enrollment(newPhone, replicas.nextSessionKey()))).as("the old code is gone")
                .isEqualTo("unknown voter or wrong enrollment code");
        assertThat(replicas.enroll(newPhone.withCode(newCode)).identity()).isEqualTo("alice");
        assertThat(replicas.signIn(newPhone).identity()).isEqualTo("alice");
    }

    @Test
    void aSignatureOverAnotherSessionKeyIsRefused() {
        replicas.enroll(bob);
        long next = replicas.nextSessionKey();
        assertThat(refused(JoinCredentials.signIn("bob", bob.credential(), Replicas.sessionKey(next + 1))))
                .isEqualTo("unknown voter or bad signature");
        assertThat(refused(JoinCredentials.signIn("bob", alice.credential(), Replicas.sessionKey(replicas.nextSessionKey()))))
                .as("another key's signature").isEqualTo("unknown voter or bad signature");
        assertThat(refused(JoinCredentials.signIn("mallory", bob.credential(),
                Replicas.sessionKey(replicas.nextSessionKey())))).isEqualTo("unknown voter or bad signature");
    }

    @Test
    void malformedCredentialsAreRefusedWithAClearReason() {
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[64]);
        for (String credentials : List.of("alice", "{'voter':'alice'}", "{'voter':1,'signature':'" + signature + "'}",
                "[]", "{'voter':'alice','secret':'alice-demo'}", "{'voter':'alice','signature':'AAAA'}",
                "{'voter':'alice','signature':'" + signature + "'} trailing",
                "{'voter':'alice','signature':'" + signature + "','enroll':'x'}",
                "{'voter':'alice','signature':'" + signature + "','voter':'bob'}")) {
            Reply reply = replicas.join(credentials);
            assertThat(reply.status()).as(credentials).isEqualTo(Reply.Status.REFUSED);
            assertThat(text(reply.result())).as(credentials).isEqualTo(SignIn.BAD_CREDENTIALS);
        }
        String notOnCurve = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[] {4, 1, 2});
        byte[] point = new byte[Credential.BYTES];
        point[0] = 4;
        String offCurve = Base64.getUrlEncoder().withoutPadding().encodeToString(point);
        assertThat(text(replicas.join("{'voter':'alice','signature':'" + signature + "','enroll':{'credential':'"
                + notOnCurve + "','signature':'" + signature + "'}}").result()))
                .isEqualTo("enroll.credential: must be 65 bytes in base64url without padding");
        assertThat(text(replicas.join("{'voter':'alice','signature':'" + signature + "','enroll':{'credential':'"
                + offCurve + "','signature':'" + signature + "'}}").result()))
                .isEqualTo("enroll.credential: not a point on P-256");
    }

    @Test
    void theSessionIdentityDecidesWhoActsAndASecondSignInEndsTheFirstSession() {
        Replicas.Session phone = replicas.enroll(alice);
        Replicas.Session laptop = replicas.signIn(alice);
        Reply old = replicas.order(List.of(replicas.request(phone, Request.Kind.WRITE,
                "{'op':'myBallots','electionId':1}"))).get(0);
        assertThat(old.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(replicas.call(laptop, "{'op':'myBallots','electionId':1,'voter':'bob'}").get("ballots")).isEmpty();
    }

    @Test
    void aClientRegisteredInTheClusterFileIsNotAVoter() {
        Reply reply = replicas.orderFromRegisteredClient("{'op':'listElections'}");
        assertThat(replicas.parse(reply.result()).get("error").textValue()).startsWith("not signed in as a voter");
    }

    @Test
    void thePlainServiceStartsWithOnlyTheAdminWhoEnrollsWithTheCodeOfItsKey() {
        replicas.close();
        String code = "CORR-ECTH-ORSE-BATT-ERY2";
        replicas = new Replicas(directory.resolve("plain"), () -> new EvotingService(EnrollmentCode.publicKey("admin", code)));
        assertThat(replicas.join(enrollment(TestVoter.demo("admin"), replicas.nextSessionKey())).status())
                .as("the demo code is not this admin's").isEqualTo(Reply.Status.REFUSED);
        assertThat(replicas.join(enrollment(alice, replicas.nextSessionKey())).status()).isEqualTo(Reply.Status.REFUSED);
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin").withCode(code));
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).isEmpty();
    }

    /** What {@code bastion replica --sql-service io.bastion.evoting.EvotingServiceFromKeyFile} runs. */
    @Test
    void theServiceFromAKeyFileStartsWithTheAdminOfThatKey() throws Exception {
        replicas.close();
        String code = "CORR-ECTH-ORSE-BATT-ERY2";
        Path file = Files.writeString(directory.resolve("admin.enrollment-key"), Base64.getUrlEncoder().withoutPadding()
                .encodeToString(EnrollmentCode.publicKey("admin", code).bytes()) + "\n");
        replicas = new Replicas(directory.resolve("file"), () -> new EvotingServiceFromKeyFile(file));
        Replicas.Session admin = replicas.enroll(TestVoter.demo("admin").withCode(code));
        assertThat(replicas.read(admin, "{'op':'listElections'}").get("elections")).isEmpty();

        assertThatThrownBy(() -> new EvotingServiceFromKeyFile(Files.writeString(directory.resolve("short"), "AAAA")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an enrollment key");
        assertThatThrownBy(() -> new EvotingServiceFromKeyFile(directory.resolve("missing")))
                .hasMessageContaining("cannot read the e-voting admin's enrollment key");
        assertThat(System.getProperty(EvotingServiceFromKeyFile.KEY_FILE_PROPERTY)).isNull();
        assertThatThrownBy(EvotingServiceFromKeyFile::new).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-D" + EvotingServiceFromKeyFile.KEY_FILE_PROPERTY + "=FILE");
    }
}
