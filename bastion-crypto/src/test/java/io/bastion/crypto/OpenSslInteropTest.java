package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** Key files written by OpenSSL are read, and OpenSSL reads ours. Skipped where no openssl command exists. */
class OpenSslInteropTest {
    @TempDir
    Path dir;

    @BeforeAll
    static void requireOpenSsl() {
        boolean available;
        try {
            available = run(List.of("openssl", "version")).exitValue() == 0;
        } catch (IOException e) {
            available = false;
        }
        assumeThat(available).as("openssl on PATH").isTrue();
    }

    @Test
    void keysGeneratedByOpenSslAreReadWithTheirPublicKeys() throws Exception {
        for (List<String> algorithm : List.of(List.of("-algorithm", "ed25519"),
                List.of("-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"))) {
            Path privateFile = dir.resolve("openssl-" + algorithm.get(1) + ".key");
            Path publicFile = dir.resolve("openssl-" + algorithm.get(1) + ".pub");
            openssl("genpkey", algorithm, "-out", privateFile);
            openssl("pkey", List.of("-in", privateFile.toString(), "-pubout"), "-out", publicFile);

            SigningKey key = KeyFiles.readPrivateKey(privateFile);
            assertThat(key.publicKey()).as(algorithm.get(1)).isEqualTo(KeyFiles.readPublicKey(publicFile));
        }
    }

    @Test
    void openSslDerivesTheSamePublicKeyFromOurPrivateKeyFiles() throws Exception {
        for (SigningKey key : List.of(TestKeys.ed25519(new Random(1)), EcdsaP256SigningKey.generate(TestKeys.secureRandom(1)))) {
            Path privateFile = dir.resolve("ours-" + key.publicKey().algorithm() + ".key");
            Path publicFile = dir.resolve("ours-" + key.publicKey().algorithm() + ".pub");
            KeyFiles.writePrivateKey(privateFile, key);
            openssl("pkey", List.of("-in", privateFile.toString(), "-pubout"), "-out", publicFile);

            PublicKeyRef derived = KeyFiles.readPublicKey(publicFile);
            assertThat(derived).isEqualTo(key.publicKey());
        }
    }

    private static void openssl(String command, List<String> arguments, String outFlag, Path out) throws Exception {
        List<String> line = new java.util.ArrayList<>(List.of("openssl", command));
        line.addAll(arguments);
        line.addAll(List.of(outFlag, out.toString()));
        Process process = run(line);
        assertThat(process.exitValue()).as(String.join(" ", line)).isZero();
        assertThat(Files.exists(out)).isTrue();
    }

    private static Process run(List<String> line) throws IOException {
        Process process = new ProcessBuilder(line).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + line);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + line, e);
        }
        return process;
    }
}
