package io.bastion.cli;

import io.bastion.client.BastionClient;
import io.bastion.core.util.Hex;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdOp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Threshold keys across four replica JVMs: a replica killed with SIGKILL during key generation
 * comes back and holds its share; one whose disk was wiped gets a new share by resharing, under
 * the same public key; decryption keeps working with f+1 replicas' shares throughout.
 */
class ThresholdProcessTest {
    private static final long BOUND_NANOS = 90_000_000_000L;
    private static final P256Group G = P256Group.INSTANCE;

    @TempDir
    Path directory;

    private ProcessLoad run;

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    private String ordered(ThresholdOp op) throws Exception {
        return new String(run.clients.get(0).invoke(op.encode()), StandardCharsets.UTF_8);
    }

    private String read(ThresholdOp op) throws Exception {
        return new String(run.clients.get(0).invokeReadOnly(op.encode()), StandardCharsets.UTF_8);
    }

    /** Polls {@code ask} until {@code done} holds, within the bound; the last answer. */
    private String await(String what, java.util.concurrent.Callable<String> ask, Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + BOUND_NANOS;
        String last = null;
        while (System.nanoTime() < deadline) {
            last = ask.call();
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(100); // the cluster works meanwhile; each poll is a read answered by the replicas
        }
        throw new AssertionError(what + " not reached within the bound; last answer: " + last);
    }

    private static String field(String reply, String label) {
        return ThresholdCommand.field(reply, label);
    }

    private BigInteger shareOnDisk(int replica, int epoch) throws Exception {
        Path file = directory.resolve("data-" + replica).resolve(ReplicaCommand.THRESHOLD_DIRECTORY)
                .resolve("share-" + Hex.of("election".getBytes(StandardCharsets.UTF_8)) + "-" + epoch);
        return Files.exists(file) ? new BigInteger(Files.readString(file).strip(), 16) : null;
    }

    private Element verificationKey(String keyReply, int replica) {
        return G.decode(Hex.parse(field(keyReply, "verification").split(",")[replica]));
    }

    private long decrypt(Element publicKey, long value) throws Exception {
        var c = ElGamal.encryptExponent(publicKey, value, new SecureRandom());
        String accepted = ordered(new ThresholdOp.Decrypt("election", List.of(c)));
        long operation = Long.parseLong(field(accepted, "operation"));
        String result = await("decryption " + operation, () -> read(new ThresholdOp.ResultQuery(operation)),
                r -> r.contains(" done "));
        Element plain = ThresholdLedger.Result.decodePlaintexts(Hex.parse(field(result, "done"))).get(0);
        return ElGamal.discreteLog(plain, 10_000).orElseThrow();
    }

    @Test
    void keyGenerationSurvivesAKilledReplicaAndAWipedOneGetsANewShareOfTheSameKey() throws Exception {
        run = ProcessLoad.start(directory, "threshold");
        // the replicas enroll their share-box keys as they start; key generation waits for 2f+1 of them
        await("key generation accepted", () -> ordered(new ThresholdOp.KeyGen("election", Suite.P256)),
                r -> r.startsWith("ok "));
        run.cluster.kill(3); // SIGKILL while the replicas deal
        String key = await("key ready", () -> read(new ThresholdOp.KeyQuery("election")), r -> r.startsWith("ok "));
        Element publicKey = G.decode(Hex.parse(field(key, "public")));
        assertThat(decrypt(publicKey, 1234)).isEqualTo(1234);

        run.cluster.start(3);
        run.cluster.awaitReady(java.time.Duration.ofSeconds(60));
        // replica 3 assembles its share from the dealings it missed, or, if it had not enrolled in
        // time to receive any, asks for a reshare and gets one
        String withThree = awaitShare(3);
        assertThat(field(withThree, "public")).isEqualTo(field(key, "public"));
        run.cluster.kill(0);
        assertThat(decrypt(publicKey, 77)).isEqualTo(77);
        run.cluster.start(0);
        run.cluster.awaitReady(java.time.Duration.ofSeconds(60));

        run.cluster.kill(2);
        ProcessLoad.wipe(directory.resolve("data-2"));
        run.cluster.start(2);
        String reshared = awaitShare(2);
        assertThat(Integer.parseInt(field(reshared, "epoch"))).as("a wiped replica needs a reshare").isPositive();
        int epoch = Integer.parseInt(field(reshared, "epoch"));
        assertThat(field(reshared, "public")).isEqualTo(field(key, "public"));
        assertThat(G.base(shareOnDisk(2, epoch))).isEqualTo(verificationKey(reshared, 2));
        assertThat(verificationKey(reshared, 1)).as("every replica's share is new").isNotEqualTo(verificationKey(key, 1));
        run.cluster.kill(1);
        assertThat(decrypt(publicKey, 4321)).isEqualTo(4321);
    }

    @Test
    void aReplicaSendingBadSharesIsNamedWhileDecryptionsCoinsAndSignaturesStayRight() throws Exception {
        run = ProcessLoad.start(directory, id -> id == 3
                ? List.of("--service", "threshold", "--test-fault", "threshold-bad-shares")
                : List.of("--service", "threshold"), false);
        await("key generation accepted", () -> ordered(new ThresholdOp.KeyGen("election", Suite.P256)),
                r -> r.startsWith("ok "));
        // replica 3 holds a share (it may have enrolled too late for the first round and need a reshare)
        String key = awaitShare(3);
        Element publicKey = G.decode(Hex.parse(field(key, "public")));
        boolean named = false;
        for (int i = 0; i < 20 && !named; i++) {
            var c = ElGamal.encryptExponent(publicKey, i, new SecureRandom());
            long operation = Long.parseLong(field(ordered(new ThresholdOp.Decrypt("election", List.of(c))), "operation"));
            String result = await("decryption", () -> read(new ThresholdOp.ResultQuery(operation)),
                    r -> r.contains(" done "));
            Element plain = ThresholdLedger.Result.decodePlaintexts(Hex.parse(field(result, "done"))).get(0);
            assertThat(ElGamal.discreteLog(plain, 100)).contains((long) i);
            assertThat(field(result, "by")).doesNotContain("3");
            named = result.contains(" faulty 3:");
        }
        assertThat(named).as("replica 3's bad shares were caught and it was named").isTrue();

        await("signing key", () -> ordered(new ThresholdOp.KeyGen("cert", Suite.ED25519)), r -> r.startsWith("ok "));
        String certKey = await("signing key ready", () -> read(new ThresholdOp.KeyQuery("cert")), r -> r.startsWith("ok "));
        byte[] message = "certificate".getBytes(StandardCharsets.UTF_8);
        long signing = Long.parseLong(field(ordered(new ThresholdOp.Sign("cert", message)), "operation"));
        String signed = await("signature", () -> read(new ThresholdOp.ResultQuery(signing)), r -> r.contains(" done "));
        Element certPublic = io.bastion.threshold.Ed25519Group.INSTANCE.decode(Hex.parse(field(certKey, "public")));
        assertThat(io.bastion.threshold.Frost.verify(io.bastion.threshold.FrostSuite.ED25519_SHA512, certPublic, message,
                Hex.parse(field(signed, "done")))).isTrue();
    }

    /** Waits until {@code replica} holds its share of the key's current epoch, matching its verification key. */
    private String awaitShare(int replica) throws Exception {
        return await("replica " + replica + "'s share", () -> {
            ordered(new ThresholdOp.KeyQuery("election")); // an ordered batch: every agent looks at the ledger again
            return read(new ThresholdOp.KeyQuery("election"));
        }, r -> {
            if (!r.startsWith("ok ") || !field(r, "resharing").equals("false")) {
                return false;
            }
            BigInteger share = unchecked(() -> shareOnDisk(replica, Integer.parseInt(field(r, "epoch"))));
            return share != null && G.base(share).equals(verificationKey(r, replica));
        });
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
