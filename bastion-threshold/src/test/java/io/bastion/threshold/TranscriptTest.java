package io.bastion.threshold;

import io.bastion.core.util.Hex;
import io.bastion.threshold.FaultyThresholdAgent.Fault;
import io.bastion.threshold.ThresholdLedger.Outcome;
import io.bastion.threshold.ThresholdOp.Decrypt;
import io.bastion.threshold.ThresholdOp.KeyGen;
import io.bastion.threshold.ThresholdOp.ProvenShare;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The public transcripts of keys and decryptions that the ledger hands out for offline checks: the
 * public key and verification keys follow from the dealings, and every kept share is checkable
 * against them, including the rejected ones; and a changed value is caught and named.
 */
class TranscriptTest {
    private static final Group G = P256Group.INSTANCE;

    private static LedgerHarness withKey(long seed, Map<Integer, Fault> faults) {
        LedgerHarness h = new LedgerHarness(1, seed, 0.0, faults);
        assertThat(h.run(300, () -> IntStream.range(0, h.n).filter(r -> h.ledger().encryptionKey(r).isPresent())
                .count() >= h.n - h.f)).isNotNegative();
        assertThat(h.service(new KeyGen("k", Suite.P256)).accepted()).isTrue();
        assertThat(h.run(300, () -> h.ledger().key("k").isPresent()
                && IntStream.range(0, h.n).allMatch(r -> faults.containsKey(r) || h.share(r, "k") != null))).isNotNegative();
        return h;
    }

    private static long decrypt(LedgerHarness h, long... values) {
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        List<ElGamal.Ciphertext> ciphertexts = new ArrayList<>();
        for (long v : values) {
            ciphertexts.add(ElGamal.encryptExponent(pk, v, LedgerHarness.seeded(v)));
        }
        Outcome o = h.service(new Decrypt("k", ciphertexts));
        assertThat(h.run(100, () -> h.ledger().result(o.operation()).orElseThrow().done())).isNotNegative();
        h.run(3, () -> false); // the agents that did not make the result answer too
        return o.operation();
    }

    private static KeyTranscript withVerificationKey(KeyTranscript t, int replica, Element key) {
        List<Element> keys = new ArrayList<>(t.verificationKeys());
        keys.set(replica, key);
        return new KeyTranscript(t.name(), t.suite(), t.replicas(), t.threshold(), t.epoch(), t.reshare(),
                t.publicKey(), t.dealings(), keys);
    }

    private static Map<Integer, List<Element>> elements(Map<Integer, List<ProvenShare>> shares) {
        Map<Integer, List<Element>> out = new TreeMap<>();
        shares.forEach((r, list) -> out.put(r, list.stream().map(ProvenShare::share).toList()));
        return out;
    }

    @Test
    void aKeysPublicKeyAndVerificationKeysFollowFromItsTranscriptAndAChangeIsNamed() {
        LedgerHarness h = withKey(21, Map.of());
        KeyTranscript t = h.ledger().keyTranscript("k").orElseThrow();
        assertThat(t.reshare()).isFalse();
        assertThat(t.dealings()).hasSizeBetween(1, h.f + 1).allSatisfy(d -> assertThat(d.proof()).isNotNull());
        assertThat(t.publicKey()).isEqualTo(h.ledger().key("k").orElseThrow().publicKey());
        assertThat(t.verificationKeys()).hasSize(h.n);
        assertThat(t.problems()).isEmpty();
        for (int r = 0; r < h.n; r++) {
            assertThat(t.verificationKeys().get(r)).isEqualTo(G.base(h.share(r, "k")));
        }

        assertThat(withVerificationKey(t, 2, t.verificationKeys().get(2).add(G.generator())).problems())
                .containsExactly("replica 2's verification key is not what the dealings give");
        KeyTranscript otherKey = new KeyTranscript(t.name(), t.suite(), t.replicas(), t.threshold(), t.epoch(), false,
                t.publicKey().add(G.generator()), t.dealings(), t.verificationKeys());
        assertThat(otherKey.problems()).containsExactly("the public key is not what the dealings' constant terms give");
        KeyTranscript.Dealing first = t.dealings().get(0);
        List<Element> moved = new ArrayList<>(first.commitments());
        moved.set(1, moved.get(1).add(G.generator()));
        List<KeyTranscript.Dealing> dealings = new ArrayList<>(t.dealings());
        dealings.set(0, new KeyTranscript.Dealing(first.dealer(), moved, first.proof()));
        assertThat(new KeyTranscript(t.name(), t.suite(), t.replicas(), t.threshold(), t.epoch(), false, t.publicKey(),
                dealings, t.verificationKeys()).problems()).as("every verification key but none at 0 moves")
                .hasSize(h.n).allMatch(p -> p.endsWith("verification key is not what the dealings give"));
        assertThat(new KeyTranscript(t.name(), t.suite(), t.replicas(), t.threshold(), t.epoch() + 1, false,
                t.publicKey(), t.dealings(), t.verificationKeys()).problems())
                .as("a proof of knowledge is bound to its epoch")
                .allMatch(p -> p.endsWith("proof of knowledge of its constant term does not verify")).isNotEmpty();
    }

    @Test
    void aReshareTranscriptGivesTheSamePublicKeyFromTheDealersLagrangeWeights() {
        LedgerHarness h = withKey(22, Map.of());
        Element pk = h.ledger().key("k").orElseThrow().publicKey();
        h.wipe(3);
        h.now += ThresholdLedger.RESHARE_INTERVAL_MIN_MILLIS;
        assertThat(h.run(400, () -> h.ledger().key("k").orElseThrow().epoch() >= 1 && h.share(3, "k") != null))
                .isNotNegative();
        KeyTranscript t = h.ledger().keyTranscript("k").orElseThrow();
        assertThat(t.reshare()).isTrue();
        assertThat(t.epoch()).isPositive();
        assertThat(t.dealings()).hasSizeGreaterThanOrEqualTo(h.f + 1);
        assertThat(t.publicKey()).isEqualTo(pk);
        assertThat(t.problems()).isEmpty();
        assertThat(withVerificationKey(t, 0, t.verificationKeys().get(1)).problems())
                .containsExactly("replica 0's verification key is not what the dealings give");
    }

    @Test
    void aDecryptionKeepsEveryShareWithItsProofAndTheRejectedOnesFailThem() {
        LedgerHarness h = withKey(23, Map.of(2, Fault.BAD_SHARES));
        long operation = decrypt(h, 4, 0, 7);
        KeyTranscript key = h.ledger().keyTranscript("k").orElseThrow();
        DecryptionTranscript d = h.ledger().decryptionTranscript(operation).orElseThrow();
        assertThat(d.done()).isTrue();
        assertThat(d.epoch()).isEqualTo(key.epoch());
        assertThat(d.usedShares()).hasSize(h.f + 1).doesNotContainKey(2);
        assertThat(d.usedShares().keySet()).isEqualTo(java.util.Set.copyOf(h.ledger().result(operation).orElseThrow()
                .contributors()));
        assertThat(d.lateShares()).as("the third honest replica answered after the result").hasSize(1);
        assertThat(d.faulty()).containsOnlyKeys(2);
        assertThat(d.rejectedShares()).containsOnlyKeys(2);
        Map<Integer, List<ProvenShare>> valid = new TreeMap<>(d.usedShares());
        valid.putAll(d.lateShares());
        valid.forEach((replica, shares) -> assertThat(ShareChecks.problem(G, key.verificationKeys().get(replica),
                d.bases(), shares, operation, d.epoch(), replica)).as("replica %d", replica).isNull());
        assertThat(ShareChecks.problem(G, key.verificationKeys().get(2), d.bases(), d.rejectedShares().get(2), operation,
                d.epoch(), 2)).isEqualTo("share 0's proof does not verify");
        int late = d.lateShares().keySet().iterator().next();
        assertThat(ShareChecks.problem(G, key.verificationKeys().get(late), d.bases(), d.lateShares().get(late),
                operation + 1, d.epoch(), late)).as("a proof is bound to its operation").isNotNull();

        List<Long> counts = d.plaintexts().stream().map(m -> ElGamal.discreteLog(m, 10).orElseThrow()).toList();
        assertThat(counts).containsExactly(4L, 0L, 7L);
        for (int skip : valid.keySet()) { // any f+1 valid shares give the same plaintexts
            Map<Integer, List<ProvenShare>> others = new TreeMap<>(valid);
            others.remove(skip);
            assertThat(ShareChecks.plaintexts(d.ciphertexts(), elements(others))).isEqualTo(d.plaintexts());
        }
        Map<Integer, List<ProvenShare>> withBad = new TreeMap<>(d.usedShares());
        withBad.remove(withBad.keySet().iterator().next());
        withBad.put(2, d.rejectedShares().get(2));
        assertThat(ShareChecks.plaintexts(d.ciphertexts(), elements(withBad))).isNotEqualTo(d.plaintexts());

        ThresholdLedger restored = ThresholdLedger.restore(h.ledger().snapshot(), h.n, h.f);
        assertThat(restored.decryptionTranscript(operation).orElseThrow()).isEqualTo(d);
        assertThat(h.ledger().decryptionTranscript(operation + 1)).isEmpty();
    }

    @Test
    void aFormatOneLedgerIsStillReadItsSharesWithoutProofs() throws IOException {
        byte[] formatOne;
        try (InputStream in = TranscriptTest.class.getResourceAsStream("ledger-format-1.hex")) {
            formatOne = Hex.parse(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
        }
        assertThat(formatOne[3]).as("a snapshot written before the proofs were kept").isEqualTo((byte) 1);
        ThresholdLedger ledger = ThresholdLedger.restore(formatOne, 4, 1);
        ThresholdLedger.Result result = ledger.result(1).orElseThrow();
        assertThat(result.done()).isTrue();
        assertThat(ElGamal.discreteLog(result.plaintexts().get(0), 100)).contains(9L);
        assertThat(result.faulty()).containsOnlyKeys(2);
        DecryptionTranscript d = ledger.decryptionTranscript(1).orElseThrow();
        assertThat(d.usedShares()).hasSize(2).allSatisfy((r, shares) -> assertThat(shares.get(0).proof()).isNull());
        assertThat(d.rejectedShares()).isEmpty();
        KeyTranscript key = ledger.keyTranscript("k").orElseThrow();
        assertThat(key.problems()).isEmpty();
        int replica = d.usedShares().keySet().iterator().next();
        assertThat(ShareChecks.problem(G, key.verificationKeys().get(replica), d.bases(), d.usedShares().get(replica), 1,
                d.epoch(), replica)).isEqualTo("share 0 carries no proof");
        byte[] formatTwo = ledger.snapshot();
        assertThat(formatTwo[3]).isEqualTo((byte) 2);
        assertThat(ThresholdLedger.restore(formatTwo, 4, 1).snapshot()).isEqualTo(formatTwo);
        assertThat(BigInteger.valueOf(formatOne.length)).isLessThan(BigInteger.valueOf(formatTwo.length));
    }
}
