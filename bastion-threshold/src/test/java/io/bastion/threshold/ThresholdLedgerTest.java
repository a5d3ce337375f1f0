package io.bastion.threshold;

import io.bastion.threshold.FaultyThresholdAgent.Fault;
import io.bastion.threshold.ThresholdLedger.Caller;
import io.bastion.threshold.ThresholdLedger.Outcome;
import io.bastion.threshold.ThresholdOp.*;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Key generation, decryption, coins and resharing on the ledger, with honest and faulty replicas. */
class ThresholdLedgerTest {
    private static final Group G = P256Group.INSTANCE;

    private static void generate(LedgerHarness h, String name, Suite suite) {
        assertThat(h.run(300, () -> h.ledger().encryptionKey(h.firstHonest()).isPresent()
                && countEnrolled(h) >= h.n - h.f)).isNotNegative();
        assertThat(h.service(new KeyGen(name, suite)).accepted()).isTrue();
        assertThat(h.run(300, () -> h.ledger().key(name).isPresent() && allHonestHoldShares(h, name)))
                .as("key %s ready; log %s", name, h.log).isNotNegative();
    }

    private static long countEnrolled(LedgerHarness h) {
        return java.util.stream.IntStream.range(0, h.n).filter(r -> h.ledger().encryptionKey(r).isPresent()).count();
    }

    private static boolean allHonestHoldShares(LedgerHarness h, String name) {
        for (int r = 0; r < h.n; r++) {
            if (!h.faults.containsKey(r) && !h.down[r] && h.share(r, name) == null) {
                return false;
            }
        }
        return true;
    }

    private static List<Integer> honest(LedgerHarness h) {
        List<Integer> out = new ArrayList<>();
        for (int r = 0; r < h.n; r++) {
            if (!h.faults.containsKey(r)) {
                out.add(r);
            }
        }
        return out;
    }

    private static long decrypt(LedgerHarness h, String key, ElGamal.Ciphertext c) {
        Outcome o = h.service(new Decrypt(key, List.of(c)));
        assertThat(o.accepted()).as(o.text()).isTrue();
        assertThat(h.run(200, () -> h.ledger().result(o.operation()).orElseThrow().done())).isNotNegative();
        Element m = h.ledger().result(o.operation()).orElseThrow().plaintexts().get(0);
        return ElGamal.discreteLog(m, 1000).orElseThrow();
    }

    @Test
    void honestClusterGeneratesOneKeyThatFPlusOneSharesUseAndFCannot() {
        LedgerHarness h = new LedgerHarness(1, 1, 0.0, Map.of());
        generate(h, "election", Suite.P256);
        Element pk = h.ledger().key("election").orElseThrow().publicKey();

        BigInteger secret = h.interpolate(G, "election", List.of(0, 1));
        assertThat(G.base(secret)).isEqualTo(pk);
        assertThat(h.interpolate(G, "election", List.of(2, 3))).isEqualTo(secret);
        // f = 1 share alone, interpolated as if it were enough, is not the secret
        for (int r = 0; r < h.n; r++) {
            assertThat(G.base(h.interpolate(G, "election", List.of(r)))).isNotEqualTo(pk);
        }
        for (int r = 0; r < h.n; r++) {
            assertThat(G.base(h.share(r, "election"))).isEqualTo(h.ledger().key("election").orElseThrow()
                    .verificationKeys().get(r));
        }

        ElGamal.Ciphertext c = ElGamal.encryptExponent(pk, 42, LedgerHarness.seeded(5));
        assertThat(decrypt(h, "election", c)).isEqualTo(42);
        // with f shares, the best guess at the secret decrypts to something else
        Element guess = ElGamal.decrypt(h.interpolate(G, "election", List.of(3)), c);
        assertThat(guess).isNotEqualTo(G.base(BigInteger.valueOf(42)));
    }

    @Test
    void theCoinIsTheKeysPowerOfTheHashedPointAndTheSameEverywhere() {
        LedgerHarness h = new LedgerHarness(1, 2, 0.0, Map.of());
        generate(h, "beacon", Suite.P256);
        Outcome o = h.service(new Coin("beacon", "round 7".getBytes()));
        assertThat(h.run(100, () -> h.ledger().result(o.operation()).orElseThrow().done())).isNotNegative();
        byte[] value = h.ledger().result(o.operation()).orElseThrow().value();
        BigInteger secret = h.interpolate(G, "beacon", List.of(1, 2));
        Element point = ThresholdLedger.coinPoint("beacon", o.operation(), "round 7".getBytes());
        assertThat(value).isEqualTo(ShareChecks.coinValue(point.multiply(secret)));
        Outcome other = h.service(new Coin("beacon", "round 7".getBytes()));
        assertThat(h.run(100, () -> h.ledger().result(other.operation()).orElseThrow().done())).isNotNegative();
        assertThat(h.ledger().result(other.operation()).orElseThrow().value()).isNotEqualTo(value);
    }

    @Test
    void aDealerThatDealsABadShareIsDisqualifiedAndNamedAndTheKeyStillWorks() {
        int caught = 0;
        for (int seed = 0; seed < 8; seed++) {
            int bad = seed % 4;
            LedgerHarness h = new LedgerHarness(1, 10 + seed, 0.0, Map.of(bad, Fault.BAD_DEALING));
            generate(h, "k", Suite.P256);
            boolean candidate = h.log.stream().anyMatch(l -> l.equals(bad + ": Deal -> dealing of replica " + bad + " accepted"));
            if (candidate) {
                caught++;
                assertThat(h.ledger().keyRecord("k").excluded).as("seed %d", seed).contains(bad);
                assertThat(h.log).anyMatch(l -> l.contains("replica " + bad + " dealt a bad share to replica " + h.firstHonest()));
            }
            Element pk = h.ledger().key("k").orElseThrow().publicKey();
            List<Integer> good = honest(h);
            assertThat(G.base(h.interpolate(G, "k", good.subList(0, 2)))).isEqualTo(pk);
            assertThat(G.base(h.share(h.firstHonest(), "k")))
                    .isEqualTo(h.ledger().key("k").orElseThrow().verificationKeys().get(h.firstHonest()));
            assertThat(decrypt(h, "k", ElGamal.encryptExponent(pk, 7, LedgerHarness.seeded(1)))).isEqualTo(7);
        }
        assertThat(caught).as("seeds where the faulty dealer was a candidate").isPositive();
    }

    @Test
    void aFalseComplaintNamesTheComplainerAndDisqualifiesNobody() {
        LedgerHarness h = new LedgerHarness(1, 3, 0.0, Map.of(3, Fault.FALSE_COMPLAINT));
        generate(h, "k", Suite.P256);
        KeyRecord key = h.ledger().keyRecord("k");
        assertThat(key.disqualified).isEmpty();
        if (key.verdicts.contains(3)) {
            assertThat(key.excluded).containsExactly(3);
        }
        assertThat(h.log).anyMatch(l -> l.contains("replica 3 is faulty"));
    }

    @Test
    void withheldContributionsAndLostRequestsDoNotStopFTwo() {
        LedgerHarness h = new LedgerHarness(2, 4, 0.2, Map.of(1, Fault.WITHHOLD, 5, Fault.WITHHOLD));
        generate(h, "k", Suite.P256);
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        assertThat(decrypt(h, "k", ElGamal.encryptExponent(pk, 3, LedgerHarness.seeded(2)))).isEqualTo(3);
        assertThat(h.share(1, "k")).isNull();
    }

    @Test
    void badDecryptionSharesAreRejectedAndTheirReplicaNamed() {
        LedgerHarness h = new LedgerHarness(1, 5, 0.0, Map.of(2, Fault.BAD_SHARES));
        generate(h, "k", Suite.P256);
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        Outcome o = h.service(new Decrypt("k", List.of(ElGamal.encryptExponent(pk, 9, LedgerHarness.seeded(3)))));
        // replica 2 answers first: its shares are refused, the operation waits for two good ones
        BigInteger bad = h.share(2, "k").add(BigInteger.ONE);
        Operation op = h.ledger().operation(o.operation());
        Shares wrong = new Shares(op.id, op.epoch, ShareChecks.make(G, h.ledger().bases(op), bad, op.id, op.epoch, 2,
                LedgerHarness.seeded(9)));
        assertThat(h.order(wrong, Caller.replica(2)).text()).contains("replica 2 is faulty");
        assertThat(h.run(100, () -> h.ledger().result(o.operation()).orElseThrow().done())).isNotNegative();
        var result = h.ledger().result(o.operation()).orElseThrow();
        assertThat(result.faulty()).containsOnlyKeys(2);
        assertThat(result.contributors()).as("two good shares, in ascending order").hasSize(2).isSorted()
                .doesNotContain(2);
        assertThat(ElGamal.discreteLog(result.plaintexts().get(0), 100)).contains(9L);
    }

    @Test
    void reshareKeepsThePublicKeyGivesNewSharesAndRecoversAWipedReplica() {
        LedgerHarness h = new LedgerHarness(1, 6, 0.0, Map.of());
        generate(h, "k", Suite.P256);
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        BigInteger oldShare0 = h.share(0, "k");
        h.wipe(3); // replica 3 lost its disk: a new encryption key, no share
        h.now += ThresholdLedger.RESHARE_INTERVAL_MIN_MILLIS;
        assertThat(h.run(400, () -> h.ledger().key("k").orElseThrow().epoch() >= 1 && h.share(3, "k") != null))
                .as("log %s", h.log).isNotNegative();
        assertThat(h.ledger().key("k").orElseThrow().publicKey()).isEqualTo(pk);
        assertThat(h.share(0, "k")).isNotEqualTo(oldShare0);
        assertThat(G.base(h.interpolate(G, "k", List.of(3, 1)))).isEqualTo(pk);
        assertThat(decrypt(h, "k", ElGamal.encryptExponent(pk, 11, LedgerHarness.seeded(4)))).isEqualTo(11);
    }

    @Test
    void malformedAndMisdirectedOperationsAreRefusedWithAReason() {
        LedgerHarness h = new LedgerHarness(1, 7, 0.0, Map.of());
        generate(h, "k", Suite.P256);
        byte[] snapshot = h.ledger().snapshot();
        ThresholdLedger ledger = h.ledger();
        assertThat(ledger.execute(new Shares(99, 0, List.of()), Caller.SERVICE, h.now).text()).contains("only replicas");
        assertThat(ledger.execute(new Shares(99, 0, List.of()), Caller.replica(1), h.now).text()).contains("no decryption");
        ElGamal.Ciphertext c = ElGamal.encryptExponent(G.generator(), 1, LedgerHarness.seeded(1));
        assertThat(ledger.execute(new Decrypt("nope", List.of(c)), Caller.SERVICE, h.now).text()).contains("no key nope");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Decrypt("k", List.of()))
                .hasMessageContaining("1 to " + ThresholdOp.CIPHERTEXTS_MAX);
        assertThat(ledger.execute(new KeyGen("k", Suite.ED25519), Caller.SERVICE, h.now).text()).contains("exists in suite");
        assertThat(ledger.snapshot()).isEqualTo(snapshot);
        byte[] valid = new KeyGen("x", Suite.P256).encode();
        for (int cut = 0; cut < valid.length; cut++) {
            byte[] truncated = java.util.Arrays.copyOf(valid, cut);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ThresholdOp.decode(truncated))
                    .isInstanceOf(IllegalArgumentException.class);
        }
        byte[] huge = new Wire.Writer().u8('B').u8('T').u8('H').u8('1').u8(6).string("k").u8(0).i32(1_000_000).toBytes();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ThresholdOp.decode(huge))
                .hasMessageContaining("at most " + ThresholdOp.CIPHERTEXTS_MAX);
    }

    private static byte[] sign(LedgerHarness h, String key, byte[] message) {
        Outcome o = h.service(new Sign(key, message));
        assertThat(o.accepted()).as(o.text()).isTrue();
        assertThat(h.run(600, () -> h.ledger().result(o.operation()).orElseThrow().done())).as("log %s", h.log).isNotNegative();
        return h.ledger().result(o.operation()).orElseThrow().value();
    }

    static boolean jdkEd25519Verifies(Element publicKey, byte[] message, byte[] signature) throws Exception {
        byte[] spki = io.bastion.core.util.Hex.parse("302a300506032b6570032100" + io.bastion.core.util.Hex.of(publicKey.encode()));
        var key = java.security.KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
        var verifier = java.security.Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update(message);
        return verifier.verify(signature);
    }

    @Test
    void theClusterSignsAsOneEd25519SignerThatPlainEd25519CodeVerifies() throws Exception {
        LedgerHarness h = new LedgerHarness(1, 8, 0.1, Map.of(0, Fault.BAD_SHARES));
        generate(h, "cluster-cert", Suite.ED25519);
        Element pk = h.ledger().key("cluster-cert").orElseThrow().publicKey();
        for (int i = 0; i < 12 && h.log.stream().noneMatch(l -> l.contains("replica 0 is faulty")); i++) {
            byte[] message = ("certificate " + i).getBytes();
            byte[] signature = sign(h, "cluster-cert", message);
            assertThat(signature).hasSize(64);
            assertThat(jdkEd25519Verifies(pk, message, signature)).isTrue();
            assertThat(jdkEd25519Verifies(pk, "another".getBytes(), signature)).isFalse();
        }
        assertThat(h.log).anyMatch(l -> l.contains("replica 0 is faulty: its signature share does not verify"));
    }

    @Test
    void aSignerThatNeverAnswersIsLeftOutAfterTheRoundTimesOut() {
        LedgerHarness h = new LedgerHarness(1, 9, 0.0, Map.of());
        generate(h, "k", Suite.P256);
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        Outcome o = h.service(new Sign("k", "m".getBytes()));
        h.run(1, () -> false); // every replica commits; the first two ordered are the signers
        Operation op = h.ledger().operation(o.operation());
        int silent = op.commitments.firstKey();
        h.down[silent] = true; // crashes: its nonces are gone
        h.wipe(silent);
        assertThat(h.run(400, () -> h.ledger().result(o.operation()).orElseThrow().done())).isNotNegative();
        assertThat(op.excluded).contains(silent);
        assertThat(Frost.verify(FrostSuite.P256_SHA256, pk, "m".getBytes(), h.ledger().result(o.operation()).orElseThrow().value()))
                .isTrue();
    }
}
