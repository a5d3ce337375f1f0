package io.bastion.evoting;

import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.Credential;
import org.bouncycastle.crypto.generators.SCrypt;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Enrollment codes, the keys they derive, and the scrypt underneath (RFC 7914's vectors). */
class EnrollmentCodeTest {
    private static String scryptHex(String password, String salt, int n, int r, int p, int length) {
        return HexFormat.of().formatHex(SCrypt.generate(password.getBytes(StandardCharsets.US_ASCII),
                salt.getBytes(StandardCharsets.US_ASCII), n, r, p, length));
    }

    /** RFC 7914, section 12: the first three vectors (the fourth takes 1 GiB). */
    @Test
    void bouncyCastlesScryptGivesRfc7914sVectors() {
        assertThat(scryptHex("", "", 16, 1, 1, 64)).isEqualTo("77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede2"
                + "1442fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
        assertThat(scryptHex("password", "NaCl", 1024, 8, 16, 64)).isEqualTo("fdbabe1c9d3472007856e7190d01e9fe7c6ad7cbc823"
                + "7830e77376634b3731622eaf30d92e22a3886ff109279d9830dac727afb94a83ee6d8360cbdfa2cc0640");
        assertThat(scryptHex("pleaseletmein", "SodiumChloride", 16384, 8, 1, 64)).isEqualTo("7023bdcb3afd7348461c06cd81fd"
                + "38ebfda8fbba904f8e3ea9b543f6545da1f2d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887");
    }

    @Test
    void theDemoAccountsKeysAreTheOnesTheirPrintedCodesDerive() {
        for (DemoData.Account account : DemoData.accounts()) {
            assertThat(EnrollmentCode.publicKey(account.voter(), account.code())).as(account.voter())
                    .isEqualTo(account.enrollmentKey());
        }
    }

    @Test
    void theKeyDependsOnTheVoterAndTheCodeAndSigns() {
        String code = "ABCD-EFGH-IJKL-MNOP-QRST";
        Credential alice = EnrollmentCode.publicKey("alice", code);
        assertThat(EnrollmentCode.publicKey("alice", "abcd efgh ijkl mnop qrst")).as("typed back loosely")
                .isEqualTo(alice);
        assertThat(EnrollmentCode.publicKey("bob", code)).as("salted by the voter id").isNotEqualTo(alice);
        assertThat(EnrollmentCode.publicKey("alice", "ABCD-EFGH-IJKL-MNOP-QRS2")).isNotEqualTo(alice);
        byte[] message = JoinCredentials.enrollmentMessage("alice", alice.bytes());
        byte[] signature = BallotBuilder.signer(EnrollmentCode.keyPair("alice", code).getPrivate()).sign(message);
        assertThat(alice.verifies(message, signature)).isTrue();
    }

    @Test
    void codesAreTwentyBase32CharactersInGroupsOfFour() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            String code = EnrollmentCode.generate(TestVoter.seeded(i));
            assertThat(code).matches("[A-Z2-7]{4}(-[A-Z2-7]{4}){4}");
            assertThat(EnrollmentCode.format(EnrollmentCode.normalize(code))).isEqualTo(code);
            seen.add(code);
        }
        assertThat(seen).hasSize(20);
        assertThat(EnrollmentCode.normalize(" abcd-efgh ijkl-mnop-qrst ")).isEqualTo("ABCDEFGHIJKLMNOPQRST");
        for (String bad : new String[] {"ABCD-EFGH-IJKL-MNOP-QRS", "ABCD-EFGH-IJKL-MNOP-QRS0", "ABCD-EFGH-IJKL-MNOP-QRST-U"}) {
            assertThatThrownBy(() -> EnrollmentCode.normalize(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("20 characters A-Z and 2-7");
        }
    }

    @Test
    void theSignedMessagesAreTheDomainThenTheFields() {
        byte[] credential = new byte[65];
        credential[0] = 4;
        assertThat(new String(JoinCredentials.enrollmentMessage("bob", credential), 0, 28, StandardCharsets.US_ASCII))
                .isEqualTo("bastion-evoting-enroll-v1bob");
        assertThat(JoinCredentials.enrollmentMessage("bob", credential)).hasSize(25 + 3 + 65);
        assertThat(JoinCredentials.signInMessage(new byte[] {1, 2})).hasSize(25 + 2)
                .startsWith("bastion-evoting-signin-v1".getBytes(StandardCharsets.US_ASCII)).endsWith(1, 2);
    }
}
