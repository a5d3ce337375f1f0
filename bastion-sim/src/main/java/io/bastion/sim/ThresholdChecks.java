package io.bastion.sim;

import io.bastion.core.util.Hex;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.Group;
import io.bastion.threshold.Polynomial;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdLedger.KeyInfo;
import io.bastion.threshold.ThresholdLedger.Result;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What must hold of the threshold cryptography once a simulated run is over, after every live
 * correct replica executed the requests that made both keys (in the same epoch, no reshare under
 * way) and all three results. "Correct"
 * means neither Byzantine nor wiped (a wiped replica lost its secrets and may still be getting
 * new ones):
 * <ul>
 *   <li>every live correct replica has both keys with the public key the {@link ThresholdClient}
 *       was told, and the three results it was told; those that executed as far as the most
 *       advanced one have the very same ledger (one that lags may stay a batch behind in a quiet
 *       cluster, e.g. when a Byzantine peer lies to it about the last batch);</li>
 *   <li>every correct replica holding a share of a key's current epoch has {@code g^share} equal
 *       to its verification key, and at least f+1 do;</li>
 *   <li>the shares of any f replicas, interpolated as if they were enough, do not give the secret
 *       ({@code g^guess != public key}), while those of any f+1 correct replicas do;</li>
 *   <li>the decryption is {@link ThresholdClient#PLAINTEXT}; the Ed25519 signature verifies with
 *       the JDK's own Ed25519 (and not on another message); the coin is 32 bytes;</li>
 *   <li>no operation names a correct replica faulty.</li>
 * </ul>
 */
public final class ThresholdChecks {
    /** How long the correct replicas get, after the run, to execute what made the keys and the results. */
    static final long CATCH_UP_MILLIS = 30_000;
    /** The largest plaintext the decryption's discrete logarithm is searched up to. */
    private static final long PLAINTEXT_SEARCH_MAX = 1_000;
    /** The DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 key bytes follow. */
    private static final String ED25519_SPKI_PREFIX = "302a300506032b6570032100";

    /**
     * What the checks found, for tests to look into.
     *
     * @param epochs      each key's completed epoch (above 0 after a reshare)
     * @param holders     each key's replicas holding a share of that epoch
     * @param namedFaulty replicas some operation named faulty, with why
     */
    public record Report(Map<String, Integer> epochs, Map<String, List<Integer>> holders,
                         Map<Integer, String> namedFaulty) {}

    private ThresholdChecks() {}

    static Report check(Simulation sim) {
        List<SimReplica> correct = new ArrayList<>();
        for (int i = 0; i < sim.replicaCount(); i++) {
            SimReplica r = sim.replica(i);
            if (!r.byzantine() && !r.threshold().wiped()) {
                correct.add(r);
            }
        }
        ThresholdClient client = sim.thresholdClient();
        if (!client.finished()) {
            throw new IllegalStateException("the threshold client did not finish: " + client.describe());
        }
        if (!sim.runUntil(() -> caughtUp(correct, client), CATCH_UP_MILLIS)) {
            throw new IllegalStateException("correct replicas did not catch up within " + CATCH_UP_MILLIS + " ms: "
                    + describe(correct, client));
        }
        List<SimReplica> live = correct.stream().filter(r -> !r.crashed()).toList();
        SimReplica ahead = live.stream().max(Comparator.comparingLong(r -> r.core().lastDelivered())).orElseThrow();
        ThresholdLedger reference = ahead.threshold().ledger();
        byte[] referenceBytes = reference.snapshot();
        for (SimReplica r : live) {
            if (r.core().lastDelivered() == ahead.core().lastDelivered()
                    && !Arrays.equals(referenceBytes, r.threshold().ledger().snapshot())) {
                throw new IllegalStateException("replicas " + ahead.id() + " and " + r.id() + " executed up to "
                        + r.core().lastDelivered() + " and their ledgers differ");
            }
            for (String name : List.of(ThresholdClient.ELECTION_KEY, ThresholdClient.SIGNING_KEY)) {
                Element publicKey = r.threshold().ledger().key(name).orElseThrow().publicKey();
                if (!publicKey.equals(client.publicKey(name))) {
                    throw new IllegalStateException("key " + name + " is " + publicKey + " at replica " + r.id()
                            + ", the client was told " + client.publicKey(name));
                }
            }
        }
        Map<String, Integer> epochs = new TreeMap<>();
        Map<String, List<Integer>> holders = new TreeMap<>();
        for (String name : List.of(ThresholdClient.ELECTION_KEY, ThresholdClient.SIGNING_KEY)) {
            KeyInfo key = reference.key(name).orElseThrow();
            epochs.put(name, key.epoch());
            holders.put(name, checkShares(sim, key));
        }
        checkResults(live, client);
        Map<Integer, String> named = new TreeMap<>();
        for (ThresholdClient.Operation operation : ThresholdClient.Operation.values()) {
            named.putAll(reference.result(client.operationId(operation)).orElseThrow().faulty());
        }
        for (SimReplica r : correct) {
            if (named.containsKey(r.id())) {
                throw new IllegalStateException("correct replica " + r.id() + " was named faulty: " + named.get(r.id()));
            }
        }
        return new Report(epochs, holders, named);
    }

    /**
     * Every live correct replica has both keys, in the same epoch and not being reshared (shares
     * are compared within one epoch), and all three results; and at least one is live.
     */
    private static boolean caughtUp(List<SimReplica> correct, ThresholdClient client) {
        Map<String, Integer> epochs = new TreeMap<>();
        for (SimReplica r : correct) {
            if (r.crashed()) {
                continue;
            }
            ThresholdLedger ledger = r.threshold().ledger();
            for (String name : List.of(ThresholdClient.ELECTION_KEY, ThresholdClient.SIGNING_KEY)) {
                KeyInfo key = ledger.key(name).orElse(null);
                if (key == null || key.resharing() || epochs.getOrDefault(name, key.epoch()) != key.epoch()) {
                    return false;
                }
                epochs.put(name, key.epoch());
            }
            for (ThresholdClient.Operation operation : ThresholdClient.Operation.values()) {
                if (!ledger.result(client.operationId(operation)).map(Result::done).orElse(false)) {
                    return false;
                }
            }
        }
        return !epochs.isEmpty();
    }

    private static String describe(List<SimReplica> correct, ThresholdClient client) {
        StringBuilder s = new StringBuilder();
        for (SimReplica r : correct) {
            s.append("replica ").append(r.id());
            if (r.crashed()) {
                s.append(" crashed; ");
                continue;
            }
            ThresholdLedger ledger = r.threshold().ledger();
            s.append(" executed ").append(r.core().lastDelivered())
                    .append(", keys ").append(ledger.key(ThresholdClient.ELECTION_KEY).isPresent())
                    .append('/').append(ledger.key(ThresholdClient.SIGNING_KEY).isPresent());
            for (ThresholdClient.Operation operation : ThresholdClient.Operation.values()) {
                s.append(", ").append(operation).append(' ')
                        .append(ledger.result(client.operationId(operation)).map(Result::done).orElse(false));
            }
            s.append("; ");
        }
        return s.toString();
    }

    /**
     * The shares of {@code key}'s epoch against its verification keys, and the threshold: f shares
     * must not give the secret, f+1 correct ones must. Returns the replicas holding a share.
     */
    private static List<Integer> checkShares(Simulation sim, KeyInfo key) {
        Group group = key.publicKey().group();
        int f = sim.config().f();
        Map<Integer, BigInteger> shares = new TreeMap<>();
        List<Integer> correctHolders = new ArrayList<>();
        for (int i = 0; i < sim.replicaCount(); i++) {
            SimReplica r = sim.replica(i);
            BigInteger share = r.threshold().shares().share(key.name(), key.epoch()).orElse(null);
            if (share == null || r.threshold().wiped()) {
                continue;
            }
            boolean correct = !r.byzantine();
            if (correct && !group.base(share).equals(key.verificationKeys().get(i))) {
                throw new IllegalStateException("replica " + i + "'s share of " + key.name() + " in epoch " + key.epoch()
                        + " does not match its verification key");
            }
            shares.put(i, share);
            if (correct) {
                correctHolders.add(i);
            }
        }
        if (correctHolders.size() < f + 1) {
            throw new IllegalStateException("only replicas " + correctHolders + " of the correct ones hold a share of "
                    + key.name() + " in epoch " + key.epoch() + "; f+1 = " + (f + 1) + " must");
        }
        for (List<Integer> few : subsets(new ArrayList<>(shares.keySet()), f)) {
            if (group.base(interpolate(group, shares, few)).equals(key.publicKey())) {
                throw new IllegalStateException("the shares of f = " + f + " replicas " + few + " give the secret of "
                        + key.name());
            }
        }
        for (List<Integer> enough : subsets(correctHolders, f + 1)) {
            if (!group.base(interpolate(group, shares, enough)).equals(key.publicKey())) {
                throw new IllegalStateException("the shares of correct replicas " + enough + " do not give the secret of "
                        + key.name());
            }
        }
        return List.copyOf(shares.keySet());
    }

    /** The value at 0 of the polynomial through the shares of {@code replicas} (replica i holds f(i+1)). */
    private static BigInteger interpolate(Group group, Map<Integer, BigInteger> shares, List<Integer> replicas) {
        List<BigInteger> xs = replicas.stream().map(r -> BigInteger.valueOf(r + 1L)).toList();
        BigInteger secret = BigInteger.ZERO;
        for (int r : replicas) {
            secret = secret.add(shares.get(r).multiply(Polynomial.lagrangeAtZero(group, xs, BigInteger.valueOf(r + 1L))));
        }
        return group.reduce(secret);
    }

    /** Every subset of {@code items} with {@code size} elements, in order. */
    private static List<List<Integer>> subsets(List<Integer> items, int size) {
        List<List<Integer>> out = new ArrayList<>();
        collect(items, size, 0, new ArrayList<>(), out);
        return out;
    }

    private static void collect(List<Integer> items, int size, int from, List<Integer> chosen, List<List<Integer>> out) {
        if (chosen.size() == size) {
            out.add(List.copyOf(chosen));
            return;
        }
        for (int i = from; i < items.size(); i++) {
            chosen.add(items.get(i));
            collect(items, size, i + 1, chosen, out);
            chosen.remove(chosen.size() - 1);
        }
    }

    /** The decryption, the coin and the signature: the same everywhere, what the client was told, and right. */
    private static void checkResults(List<SimReplica> live, ThresholdClient client) {
        for (ThresholdClient.Operation operation : ThresholdClient.Operation.values()) {
            for (SimReplica r : live) {
                byte[] value = r.threshold().ledger().result(client.operationId(operation)).orElseThrow().value();
                if (!Arrays.equals(value, client.result(operation))) {
                    throw new IllegalStateException(operation + " is " + Hex.of(value) + " at replica " + r.id()
                            + ", the client was told " + Hex.of(client.result(operation)));
                }
            }
        }
        List<Element> plaintexts = Result.decodePlaintexts(client.result(ThresholdClient.Operation.DECRYPTION));
        long decrypted = ElGamal.discreteLog(plaintexts.get(0), PLAINTEXT_SEARCH_MAX).orElse(-1L);
        if (plaintexts.size() != 1 || decrypted != ThresholdClient.PLAINTEXT) {
            throw new IllegalStateException("the decryption gives " + plaintexts + " (" + decrypted + "), not "
                    + ThresholdClient.PLAINTEXT);
        }
        if (client.result(ThresholdClient.Operation.COIN).length != 32) {
            throw new IllegalStateException("the coin has " + client.result(ThresholdClient.Operation.COIN).length
                    + " bytes, not 32");
        }
        byte[] signature = client.result(ThresholdClient.Operation.SIGNATURE);
        Element signingKey = client.publicKey(ThresholdClient.SIGNING_KEY);
        if (!jdkEd25519Verifies(signingKey, ThresholdClient.MESSAGE, signature)) {
            throw new IllegalStateException("the JDK's Ed25519 rejects the cluster's signature " + Hex.of(signature));
        }
        if (jdkEd25519Verifies(signingKey, ThresholdClient.COIN_INPUT, signature)) {
            throw new IllegalStateException("the cluster's signature verifies on another message too");
        }
    }

    /** Whether the JDK's own Ed25519 (no Bastion code) accepts {@code signature} on {@code message}. */
    static boolean jdkEd25519Verifies(Element publicKey, byte[] message, byte[] signature) {
        try {
            byte[] spki = Hex.parse(ED25519_SPKI_PREFIX + Hex.of(publicKey.encode()));
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // not even shaped like a signature
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot verify Ed25519", e);
        }
    }
}
