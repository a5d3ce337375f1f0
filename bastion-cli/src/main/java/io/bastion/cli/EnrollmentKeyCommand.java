package io.bastion.cli;

import io.bastion.evoting.EnrollmentCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.Callable;

/**
 * {@code bastion enrollment-key}: the e-voting admin's tool to hand out enrollment codes. It makes
 * a one-time code for a voter (or takes one) and prints the enrollment public key the code derives,
 * which is all the service is given: the code goes to the voter, never to a replica.
 */
@Command(name = "enrollment-key", mixinStandardHelpOptions = true,
        description = {"Makes a one-time enrollment code for an e-voting voter (or takes --code) and prints it with",
                "the enrollment public key it derives (scrypt; docs/evoting.md): register the voter with the",
                "key ('registerVoter', or -Dbastion.evoting.adminEnrollmentKeyFile for the admin) and hand",
                "the code to the voter alone."})
final class EnrollmentKeyCommand implements Callable<Integer> {
    @Option(names = "--voter", required = true, description = "The voter id the code is for (it salts the key).")
    String voter;

    @Option(names = "--code", description = "Derive the key of this code instead of making a new one.")
    String code;

    @Option(names = "--out", paramLabel = "FILE",
            description = "Also write the key to FILE (one line; what EvotingServiceFromKeyFile reads).")
    Path keyFile;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String handedOut = code != null ? EnrollmentCode.format(code) : EnrollmentCode.generate(new SecureRandom());
        String key = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(EnrollmentCode.publicKey(voter, handedOut).bytes());
        out.println("voter           " + voter);
        out.println("enrollment code " + handedOut + "   (for the voter alone, once)");
        out.println("enrollment key  " + key);
        out.println("register with   {\"op\":\"registerVoter\",\"voter\":\"" + voter + "\",\"name\":\"…\","
                + "\"role\":\"voter\",\"enrollmentKey\":\"" + key + "\"}");
        if (keyFile != null) {
            Files.writeString(keyFile, key + "\n", StandardCharsets.US_ASCII);
            out.println("wrote the key to " + keyFile);
        }
        out.flush();
        return 0;
    }
}
