package io.bastion.threshold;

import io.bastion.threshold.ThresholdOp.Deal;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One threshold key in the replicated ledger: its current sharing round (an epoch) and, once a
 * round completed, the public key and every replica's public verification key {@code g^{x_i}}.
 * Mutated only by {@link ThresholdLedger}, on the executor thread, deterministically.
 */
final class KeyRecord {
    enum Phase { DEALING, VERDICTS, COMPLETE }

    enum Kind { KEYGEN, RESHARE }

    final String name;
    final Suite suite;
    /** Epoch of the round under way (or of the completed one, when {@link #phase} is COMPLETE). */
    int epoch;
    Kind kind;
    Phase phase;
    /** Encryption keys of this epoch's recipients, by replica; fixed when the epoch starts. */
    final TreeMap<Integer, Element> recipients = new TreeMap<>();
    /** The first f+1 well-formed dealings of this epoch, in the agreed order. */
    final List<Dealt> candidates = new ArrayList<>();
    final TreeSet<Integer> dealers = new TreeSet<>();
    final TreeSet<Integer> verdicts = new TreeSet<>();
    final TreeSet<Integer> disqualified = new TreeSet<>();
    /** Dealers proven faulty for this key in any epoch: they deal no more for it. */
    final TreeSet<Integer> excluded = new TreeSet<>();
    long epochStartMillis;

    // the last completed epoch: what operations use
    int completeEpoch = -1;
    Element publicKey;
    List<Element> verificationKeys = List.of();
    /** The dealings the completed epoch's shares are made of, and their recipients. */
    List<Dealt> qualified = List.of();
    TreeMap<Integer, Element> qualifiedRecipients = new TreeMap<>();
    Kind qualifiedKind = Kind.KEYGEN;

    record Dealt(int dealer, Deal deal) {}

    KeyRecord(String name, Suite suite) {
        this.name = name;
        this.suite = suite;
    }

    Group group() {
        return suite.group();
    }

    boolean usable() {
        return completeEpoch >= 0;
    }

    /** Starts epoch {@code next} of {@code kind}, with the recipients enrolled now. */
    void startEpoch(int next, Kind kind, TreeMap<Integer, Element> enrolled, long nowMillis) {
        this.epoch = next;
        this.kind = kind;
        this.phase = Phase.DEALING;
        recipients.clear();
        recipients.putAll(enrolled);
        candidates.clear();
        dealers.clear();
        verdicts.clear();
        disqualified.clear();
        epochStartMillis = nowMillis;
    }

    /** Finishes the epoch with the candidates nobody proved bad; returns them. */
    List<Dealt> qualify() {
        return candidates.stream().filter(d -> !disqualified.contains(d.dealer())).toList();
    }

    /**
     * Completes the epoch with {@code qual}: a new key's public key is the sum of the dealers'
     * constant terms; a reshared key keeps its public key and gets new verification keys
     * ({@link KeyTranscript} holds the derivation, which anyone can repeat from a transcript).
     */
    void complete(List<Dealt> qual, int n) {
        Group g = group();
        boolean reshare = kind == Kind.RESHARE;
        List<Integer> dealers = qual.stream().map(Dealt::dealer).toList();
        List<List<Element>> commitments = qual.stream().map(d -> d.deal().commitments()).toList();
        Element constant = KeyTranscript.constant(g, reshare, dealers, commitments);
        if (!reshare) {
            publicKey = constant;
        } else if (!constant.equals(publicKey)) {
            throw new IllegalStateException("a reshare of " + name + " changed its public key");
        }
        verificationKeys = List.copyOf(KeyTranscript.verificationKeys(g, reshare, dealers, commitments, n));
        qualified = List.copyOf(qual);
        qualifiedRecipients = new TreeMap<>(recipients);
        qualifiedKind = kind;
        completeEpoch = epoch;
        phase = Phase.COMPLETE;
    }

    /**
     * How much each qualified dealing counts in a share: 1 for a new key (shares add up), the
     * Lagrange coefficient of the dealer for a reshare (dealings of old shares interpolate).
     */
    static List<BigInteger> weights(Kind kind, List<Dealt> qual, Group g) {
        return KeyTranscript.weights(g, kind == Kind.RESHARE, qual.stream().map(Dealt::dealer).toList());
    }

    /** The public transcript of the completed epoch, or null before one completed. */
    KeyTranscript transcript(int n, int threshold) {
        if (!usable()) {
            return null;
        }
        List<KeyTranscript.Dealing> dealings = qualified.stream().map(d -> new KeyTranscript.Dealing(d.dealer(),
                d.deal().commitments(), d.deal().proof())).toList();
        return new KeyTranscript(name, suite, n, threshold, completeEpoch, qualifiedKind == Kind.RESHARE, publicKey,
                dealings, verificationKeys);
    }
}
