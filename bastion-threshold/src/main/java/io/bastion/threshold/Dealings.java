package io.bastion.threshold;

import io.bastion.threshold.KeyRecord.Dealt;
import io.bastion.threshold.KeyRecord.Kind;
import io.bastion.threshold.ThresholdOp.Complaint;
import io.bastion.threshold.ThresholdOp.Deal;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Making, checking and opening dealings: one dealer's Feldman sharing of a secret (fresh, for a new
 * key; its own share, for a reshare) with a {@link ShareBox} per recipient. Checks are the
 * deterministic ones every replica runs at execution; only the recipient can open its own box,
 * unless a proven complaint reveals the box's key to everyone.
 */
public final class Dealings {
    private Dealings() {}

    /** What the ledger may say about a complaint. */
    enum Opened { UNPROVEN, GOOD_SHARE, BAD_SHARE }

    /** The context that binds a box to its key, epoch, dealer and recipient. */
    static byte[] boxContext(String name, Suite suite, int epoch, int dealer, int recipient) {
        return new Wire.Writer().string("box").string(name).u8(suite.ordinal()).i32(epoch).i32(dealer).i32(recipient)
                .toBytes();
    }

    /** The context of a dealer's proof of knowledge of its constant term. */
    static byte[] dealContext(String name, Suite suite, int epoch, int dealer) {
        return new Wire.Writer().string("deal").string(name).u8(suite.ordinal()).i32(epoch).i32(dealer).toBytes();
    }

    /**
     * A dealing of {@code secret} by {@code dealer} to the {@code recipients}' encryption keys
     * (replica id → key), for a cluster of {@code n} with threshold {@code t}.
     */
    public static Deal deal(String name, Suite suite, int epoch, int dealer, BigInteger secret, boolean proveSecret,
                            Map<Integer, Element> recipients, int n, int t, SecureRandom random) {
        return deal(name, suite, epoch, dealer, secret, proveSecret, recipients, n, t, random, -1);
    }

    /** As {@link #deal}, but replica {@code corrupted} gets a wrong share (a faulty dealer, for tests and the simulator). */
    static Deal deal(String name, Suite suite, int epoch, int dealer, BigInteger secret, boolean proveSecret,
                     Map<Integer, Element> recipients, int n, int t, SecureRandom random, int corrupted) {
        Group g = suite.group();
        Polynomial poly = Polynomial.random(g, secret, t, random);
        Group boxes = ShareBox.GROUP;
        BigInteger r = boxes.randomScalar(random);
        Element ephemeral = boxes.base(r);
        List<byte[]> sealed = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            Element pk = recipients.get(j);
            if (pk == null) {
                sealed.add(new byte[0]);
                continue;
            }
            BigInteger share = poly.evaluate(BigInteger.valueOf(j + 1L));
            if (j == corrupted) {
                share = share.add(BigInteger.ONE);
            }
            sealed.add(ShareBox.seal(pk.multiply(r), ephemeral, boxContext(name, suite, epoch, dealer, j),
                    g.encodeScalar(share)));
        }
        SchnorrProof proof = proveSecret ? SchnorrProof.prove(g, poly.constant(), dealContext(name, suite, epoch, dealer), random)
                : null;
        return new Deal(name, suite, epoch, poly.commitments(), ephemeral, sealed, proof);
    }

    /** Why a dealing is unacceptable for {@code key}'s current epoch, or {@code null} if it is well formed. */
    static String problem(Deal d, KeyRecord key, int dealer, int n, int t) {
        if (d.commitments().size() != t) {
            return t + " commitments needed, " + d.commitments().size() + " given";
        }
        if (d.boxes().size() != n) {
            return n + " boxes needed, " + d.boxes().size() + " given";
        }
        for (int j = 0; j < n; j++) {
            if (d.boxes().get(j).length == 0 == key.recipients.containsKey(j)) {
                return "box for replica " + j + (key.recipients.containsKey(j) ? " missing" : " not expected");
            }
        }
        if (d.ephemeral().isIdentity()) {
            return "ephemeral key is the identity";
        }
        Element constant = d.commitments().get(0);
        if (key.kind == Kind.KEYGEN) {
            if (!key.recipients.containsKey(dealer)) {
                return "replica " + dealer + " was not enrolled when the round started";
            }
            if (constant.isIdentity()) {
                return "constant term is zero";
            }
            if (d.proof() == null || !d.proof().verifies(constant, dealContext(d.name(), d.suite(), d.epoch(), dealer))) {
                return "proof of knowledge of the constant term does not verify";
            }
        } else if (!constant.equals(key.verificationKeys.get(dealer))) {
            return "constant term is not replica " + dealer + "'s verification key";
        }
        return null;
    }

    /** Opens the box of {@code complainer} in {@code dealt} with the complaint's proven shared point. */
    static Opened open(KeyRecord key, Dealt dealt, int complainer, Complaint c) {
        Element pk = key.recipients.get(complainer);
        Deal d = dealt.deal();
        byte[] context = boxContext(key.name, key.suite, key.epoch, dealt.dealer(), complainer);
        if (pk == null || !c.proof().verifies(ShareBox.GROUP.generator(), d.ephemeral(), pk, c.sharedPoint(), context)) {
            return Opened.UNPROVEN;
        }
        BigInteger share = openShare(key.suite, d, dealt.dealer(), complainer, c.sharedPoint(), key.epoch);
        return share != null ? Opened.GOOD_SHARE : Opened.BAD_SHARE;
    }

    /**
     * The share in {@code recipient}'s box of a dealing, opened with the shared point, if it opens
     * and matches the dealer's commitments; else {@code null}.
     */
    public static BigInteger openShare(Suite suite, Deal d, int dealer, int recipient, Element sharedPoint, int epoch) {
        byte[] context = boxContext(d.name(), suite, epoch, dealer, recipient);
        byte[] plain = ShareBox.open(sharedPoint, d.ephemeral(), context, d.boxes().get(recipient));
        if (plain == null) {
            return null;
        }
        BigInteger share;
        try {
            share = suite.group().decodeScalar(plain);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Element expected = Polynomial.evaluateInExponent(d.commitments(), BigInteger.valueOf(recipient + 1L));
        return suite.group().base(share).equals(expected) ? share : null;
    }
}
