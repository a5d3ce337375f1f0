package io.bastion.evoting;

import io.bastion.evoting.ballot.Credential;

import java.util.Base64;
import java.util.List;

/**
 * The demo's accounts and election ({@link EvotingService#withDemoData()}). The enrollment codes are
 * fixed and printed (by {@code bastion demo} and in docs/evoting.md): anyone may enroll as any demo
 * voter, once. Never for a real vote. The public keys are those the codes derive ({@link
 * EnrollmentCode#publicKey}), written out so that a replica need not run scrypt to create its
 * database; a test derives them again.
 */
public final class DemoData {
    /** A demo account: its voter id, its enrollment code, and the enrollment public key the code gives. */
    public record Account(String voter, String code, Credential enrollmentKey) {}

    public static final Account ADMIN = account("admin", "ADMN-DEMO-DEMO-DEMO-DEMO",
            "BDuVTCGCMaZw9pmonqZU7mux_TEb_C63zGtAp-zIw_mLGJLK48zORpc5MDM2NJoTwymnzpB_35L90RXNPHHGFA8");
    public static final List<Account> VOTERS = List.of(
            account("alice", "ALIC-DEMO-DEMO-DEMO-DEMO",
                    "BEvjpL-YW8cU5AYzrRa_Nw6kiiTF9pUX-R7x95ej1oqmthY6qAOKX8xq-tnDJwkY4Vs2jaAXNMN_OjENK1jmS1o"),
            account("bob", "BOBB-DEMO-DEMO-DEMO-DEMO",
                    "BDc2VIIpwjHttZ7Eeds_qnuwyILp7bQh6xB05HJPuETyFZePbsdzQ1PiICXnrHE6flNl7Zc4mG1RKbL8XvgmrJE"),
            account("carol", "CARL-DEMO-DEMO-DEMO-DEMO",
                    "BAkba1gB-eIPgZemGgRgRumvx8MRZxkGfe9AfY7dekP6IU_GHY51Wb9mtxfcEXIgBjVj3mB5E5PNDEgfrnK6IsE"),
            account("dave", "DAVE-DEMO-DEMO-DEMO-DEMO",
                    "BKg-_y64ZpQOhlT4h_KHwWUNx_zsuK927By72WwJUBvRZCU2CZSb8crx6Cpcbxkelh1C5DuZffGjBdV2E449mSs"));
    public static final String TITLE = "Choose the next team offsite";
    public static final List<String> OPTIONS = List.of("Lisbon", "Kraków", "Tallinn");

    private DemoData() {}

    /** Every demo account, the admin first. */
    public static List<Account> accounts() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(ADMIN), VOTERS.stream()).toList();
    }

    private static Account account(String voter, String code, String enrollmentKey) {
        return new Account(voter, code, Credential.decode(Base64.getUrlDecoder().decode(enrollmentKey)));
    }
}
