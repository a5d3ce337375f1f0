package io.bastion.threshold;

import io.bastion.core.util.Hex;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.WNafUtil;
import org.junit.jupiter.api.Test;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The building blocks: RFC 9380 hashing to P-256, proofs, share boxes, ElGamal, Shamir. */
class PrimitivesTest {
    private static final P256Group G = P256Group.INSTANCE;
    private static final SecureRandom RANDOM = LedgerHarness.seeded(1);

    /** RFC 9380 Appendix J.1.1, suite P256_XMD:SHA-256_SSWU_RO_. */
    @Test
    void hashToCurveMatchesRfc9380Vectors() {
        String dst = "QUUX-V01-CS02-with-P256_XMD:SHA-256_SSWU_RO_";
        String[][] vectors = {
                {"", "2c15230b26dbc6fc9a37051158c95b79656e17a1a920b11394ca91c44247d3e4",
                        "8a7a74985cc5c776cdfe4b1f19884970453912e9d31528c060be9ab5c43e8415"},
                {"abc", "0bb8b87485551aa43ed54f009230450b492fead5f1cc91658775dac4a3388a0f",
                        "5c41b3d0731a27a7b14bc0bf0ccded2d8751f83493404c84a88e71ffd424212e"},
        };
        for (String[] v : vectors) {
            Element p = G.hashToCurve(v[0].getBytes(StandardCharsets.US_ASCII), dst);
            byte[] uncompressed = p.point().getEncoded(false);
            assertThat(Hex.of(uncompressed)).isEqualTo("04" + v[1] + v[2]);
        }
    }

    @Test
    void aDleqProofHoldsOnlyForItsElementsAndContext() {
        BigInteger x = G.randomScalar(RANDOM);
        Element h = G.hashToCurve("h".getBytes(), "TEST");
        byte[] context = "ctx".getBytes();
        DleqProof proof = DleqProof.prove(G.generator(), h, x, context, RANDOM);
        assertThat(proof.verifies(G.generator(), h, G.base(x), h.multiply(x), context)).isTrue();
        assertThat(proof.verifies(G.generator(), h, G.base(x), h.multiply(x.add(BigInteger.ONE)), context)).isFalse();
        assertThat(proof.verifies(G.generator(), h, G.base(x), h.multiply(x), "other".getBytes())).isFalse();
        DleqProof outOfRange = new DleqProof(G.order(), proof.response());
        assertThat(outOfRange.verifies(G.generator(), h, G.base(x), h.multiply(x), context)).isFalse();
    }

    @Test
    void aSchnorrProofShowsKnowledgeOnlyForItsKeyAndContext() {
        BigInteger x = G.randomScalar(RANDOM);
        SchnorrProof proof = SchnorrProof.prove(G, x, "deal".getBytes(), RANDOM);
        assertThat(proof.verifies(G.base(x), "deal".getBytes())).isTrue();
        assertThat(proof.verifies(G.base(x), "enroll".getBytes())).isFalse();
        assertThat(proof.verifies(G.base(x.add(BigInteger.ONE)), "deal".getBytes())).isFalse();
    }

    @Test
    void aShareBoxOpensOnlyWithItsKeyContextAndUntouchedBytes() {
        BigInteger sk = G.randomScalar(RANDOM);
        BigInteger r = G.randomScalar(RANDOM);
        Element ephemeral = G.base(r);
        Element shared = G.base(sk).multiply(r);
        byte[] context = Dealings.boxContext("k", Suite.P256, 0, 1, 2);
        byte[] box = ShareBox.seal(shared, ephemeral, context, G.encodeScalar(BigInteger.TEN));
        assertThat(ShareBox.open(ephemeral.multiply(sk), ephemeral, context, box)).isEqualTo(G.encodeScalar(BigInteger.TEN));
        assertThat(ShareBox.open(shared, ephemeral, Dealings.boxContext("k", Suite.P256, 0, 1, 3), box)).isNull();
        assertThat(ShareBox.open(shared.add(G.generator()), ephemeral, context, box)).isNull();
        box[3] ^= 1;
        assertThat(ShareBox.open(shared, ephemeral, context, box)).isNull();
    }

    @Test
    void elGamalCiphertextsAddUpAndSubtract() {
        BigInteger s = G.randomScalar(RANDOM);
        Element pk = G.base(s);
        ElGamal.Ciphertext sum = ElGamal.encryptExponent(pk, 3, RANDOM).add(ElGamal.encryptExponent(pk, 4, RANDOM));
        assertThat(ElGamal.discreteLog(ElGamal.decrypt(s, sum), 100)).contains(7L);
        assertThat(ElGamal.discreteLog(G.base(BigInteger.valueOf(101)), 100)).isEmpty();
        ElGamal.Ciphertext three = ElGamal.encryptExponent(pk, 3, RANDOM);
        assertThat(ElGamal.discreteLog(ElGamal.decrypt(s, sum.subtract(three)), 100)).as("7 - 3").contains(4L);
        assertThat(sum.subtract(three).add(three)).isEqualTo(sum);
        assertThat(three.subtract(three)).as("both halves the identity")
                .isEqualTo(new ElGamal.Ciphertext(G.identity(), G.identity()));
    }

    @Test
    void anyThresholdOfSharesInterpolatesTheSecretAndFewerDoNot() {
        BigInteger secret = G.randomScalar(RANDOM);
        Polynomial p = Polynomial.random(G, secret, 3, RANDOM);
        List<BigInteger> xs = List.of(BigInteger.ONE, BigInteger.valueOf(4), BigInteger.valueOf(7));
        BigInteger sum = BigInteger.ZERO;
        for (BigInteger x : xs) {
            sum = sum.add(p.evaluate(x).multiply(Polynomial.lagrangeAtZero(G, xs, x)));
        }
        assertThat(G.reduce(sum)).isEqualTo(secret);
        List<BigInteger> two = xs.subList(0, 2);
        BigInteger partial = BigInteger.ZERO;
        for (BigInteger x : two) {
            partial = partial.add(p.evaluate(x).multiply(Polynomial.lagrangeAtZero(G, two, x)));
        }
        assertThat(G.reduce(partial)).isNotEqualTo(secret);
        assertThat(Polynomial.evaluateInExponent(p.commitments(), BigInteger.valueOf(4))).isEqualTo(G.base(p.evaluate(BigInteger.valueOf(4))));
        assertThatThrownBy(() -> Polynomial.lagrangeAtZero(G, xs, BigInteger.TWO)).hasMessageContaining("not among");
    }

    @Test
    void malformedElementsAndScalarsAreRefusedWithAReason() {
        assertThatThrownBy(() -> G.decode(new byte[32])).hasMessageContaining("33 bytes");
        byte[] beyondField = new byte[33];
        java.util.Arrays.fill(beyondField, (byte) 0xff);
        beyondField[0] = 2; // x above the field prime
        assertThatThrownBy(() -> G.decode(beyondField)).isInstanceOf(IllegalArgumentException.class);
        int offCurveFound = 0;
        for (int x = 1; x < 40; x++) { // about half of all x have no point; each must be refused, not mangled
            byte[] candidate = new byte[33];
            candidate[0] = 2;
            candidate[32] = (byte) x;
            BigInteger rhs = BigInteger.valueOf(x).pow(3).subtract(BigInteger.valueOf(3L * x))
                    .add(G.curve().getB().toBigInteger()).mod(G.curve().getField().getCharacteristic());
            boolean onCurve = rhs.modPow(G.curve().getField().getCharacteristic().subtract(BigInteger.ONE)
                    .shiftRight(1), G.curve().getField().getCharacteristic()).compareTo(BigInteger.ONE) <= 0;
            if (!onCurve) {
                offCurveFound++;
                assertThatThrownBy(() -> G.decode(candidate)).as("x = %d", x).isInstanceOf(IllegalArgumentException.class);
            }
        }
        assertThat(offCurveFound).isPositive();
        assertThat(G.decodeScalar(G.encodeScalar(G.order().subtract(BigInteger.ONE))))
                .isEqualTo(G.order().subtract(BigInteger.ONE));
        byte[] tooBig = Bytes.fixedBigEndian(G.order(), 32);
        assertThatThrownBy(() -> G.decodeScalar(tooBig)).hasMessageContaining("below the group order");
    }

    /**
     * A multi-scalar multiplication is the plain sum of products, on random inputs of every size from
     * none to 40 terms: scalars of 0, 1, 128 or 256 bits, negative ones and ones beyond the order,
     * repeated elements, the generator and the identity among the elements; and sums that cancel to
     * the identity. It leaves no table of multiples on the elements it was given.
     */
    @Test
    void aLinearCombinationIsTheSumOfItsProducts() {
        for (Group group : List.<Group>of(G, Ed25519Group.INSTANCE)) {
            List<Element> pool = new ArrayList<>(List.of(group.generator(), group.identity()));
            for (int i = 0; i < 8; i++) {
                pool.add(group.base(group.randomScalar(RANDOM)));
            }
            for (int size = 0; size <= 40; size++) {
                for (int trial = 0; trial < (size < 4 ? 6 : 2); trial++) {
                    List<Group.Term> terms = new ArrayList<>();
                    Element expected = group.identity();
                    for (int i = 0; i < size; i++) {
                        Element element = pool.get(RANDOM.nextInt(pool.size()));
                        BigInteger scalar = scalar(group, RANDOM.nextInt(7));
                        terms.add(new Group.Term(scalar, element));
                        expected = expected.add(element.multiply(scalar));
                    }
                    Element actual = group.linearCombination(terms);
                    assertThat(actual).as("%s, %d terms", group.name(), size).isEqualTo(expected);
                    assertThat(actual.encode()).as("%s, %d terms", group.name(), size).isEqualTo(expected.encode());
                    if (size > 0) { // the same terms and their negations cancel
                        List<Group.Term> cancelling = new ArrayList<>(terms);
                        terms.forEach(t -> cancelling.add(RANDOM.nextInt(cancelling.size()),
                                new Group.Term(t.scalar().negate(), t.element())));
                        assertThat(group.linearCombination(cancelling).isIdentity()).as("%s, %d terms", group.name(), size)
                                .isTrue();
                    }
                }
            }
            List<Group.Term> fresh = new ArrayList<>(); // elements no plain multiplication has touched
            for (int i = 0; i < 5; i++) {
                ECPoint point = group.base(group.randomScalar(RANDOM)).point();
                fresh.add(new Group.Term(group.randomScalar(RANDOM), new Element(group, group.curve().createPoint(
                        point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger()))));
            }
            group.linearCombination(fresh);
            for (Group.Term term : fresh) {
                assertThat(group.curve().getPreCompInfo(term.element().point(), WNafUtil.PRECOMP_NAME)).as(group.name()).isNull();
            }
        }
    }

    /** A scalar of one of seven kinds: 0, 1, 128 bits, 256 bits, negative, the order plus a little, q − 1. */
    private static BigInteger scalar(Group group, int kind) {
        return switch (kind) {
            case 0 -> BigInteger.ZERO;
            case 1 -> BigInteger.ONE;
            case 2 -> new BigInteger(128, RANDOM);
            case 3 -> group.randomScalar(RANDOM);
            case 4 -> new BigInteger(128 + RANDOM.nextInt(200), RANDOM).negate();
            case 5 -> group.order().add(new BigInteger(64, RANDOM));
            default -> group.order().subtract(BigInteger.ONE);
        };
    }

    /** The fast paths a verifier and a tally use agree with plain multiplication and addition, in both groups. */
    @Test
    void combinationsAndSumsAgreeWithPlainArithmetic() {
        for (Group group : List.<Group>of(G, Ed25519Group.INSTANCE)) {
            Element p = group.base(group.randomScalar(RANDOM));
            Element q = group.base(group.randomScalar(RANDOM));
            List<Group.Combination> combinations = new ArrayList<>();
            List<Element> expected = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                BigInteger a = i % 5 == 0 ? BigInteger.ZERO : group.randomScalar(RANDOM);
                BigInteger b = i % 7 == 0 ? group.order().negate() : group.randomScalar(RANDOM).negate();
                combinations.add(new Group.Combination(a, i % 2 == 0 ? group.generator() : p, b, q));
                expected.add((i % 2 == 0 ? group.generator() : p).multiply(a).add(q.multiply(b)));
            }
            BigInteger x = group.randomScalar(RANDOM);
            combinations.add(new Group.Combination(x, p, x.negate(), p)); // the identity, on purpose
            expected.add(group.identity());
            List<Element> values = group.combineAll(combinations);
            assertThat(values).as(group.name()).isEqualTo(expected);
            assertThat(values.getLast().isIdentity()).isTrue();
            for (int i = 0; i < values.size(); i++) {
                assertThat(values.get(i).encode()).as("%s #%d", group.name(), i).isEqualTo(expected.get(i).encode());
            }

            List<Element> terms = List.of(p, q, group.generator(), p.negate(), q);
            assertThat(group.sum(terms)).isEqualTo(q.add(q).add(group.generator()));
            assertThat(group.sum(terms).encode()).isEqualTo(q.add(q).add(group.generator()).encode());
            assertThat(group.sum(List.of()).isIdentity()).isTrue();

            List<Element> projective = List.of(p.add(q), q.add(q), group.identity(), p.add(p.negate()), group.generator());
            List<Element> affine = group.normalizeAll(projective);
            assertThat(affine).as("normalizeAll keeps the values, in order").isEqualTo(projective);
            for (int i = 0; i < affine.size(); i++) {
                assertThat(affine.get(i).encode()).as("%s normalized #%d", group.name(), i).isEqualTo(projective.get(i).encode());
            }
            assertThat(group.normalizeAll(List.of())).isEmpty();
        }
        Element foreign = Ed25519Group.INSTANCE.generator();
        assertThatThrownBy(() -> G.linearCombination(List.of(new Group.Term(BigInteger.ONE, foreign))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> G.sum(List.of(G.generator(), foreign))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> G.normalizeAll(List.of(foreign))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> G.combineAll(List.of(new Group.Combination(BigInteger.ONE, foreign, BigInteger.ONE,
                G.generator())))).isInstanceOf(IllegalArgumentException.class);
    }
}
