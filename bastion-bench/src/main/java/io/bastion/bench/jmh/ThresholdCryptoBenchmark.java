package io.bastion.bench.jmh;

import io.bastion.threshold.DleqProof;
import io.bastion.threshold.Dealings;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.Frost;
import io.bastion.threshold.FrostCommitment;
import io.bastion.threshold.FrostNonces;
import io.bastion.threshold.FrostSuite;
import io.bastion.threshold.Group;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.Polynomial;
import io.bastion.threshold.ShareBox;
import io.bastion.threshold.ShareChecks;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdOp.Deal;
import io.bastion.threshold.ThresholdOp.ProvenShare;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * What one step of the cluster's threshold cryptography ({@code bastion-threshold}) costs one
 * core, beside the yardstick of one plain Ed25519 signature and verification through the JDK
 * ({@code Signature.getInstance("Ed25519")}), 64-byte message:
 * <ul>
 *   <li>threshold ElGamal on P-256 (t = 2 of n = 4): a replica's decryption share of one
 *       ciphertext with its DLEQ proof ({@link ShareChecks#make}), checking one share's proof
 *       ({@link DleqProof#verifies}, what every replica does for every share ordered), combining
 *       f+1 shares into the plaintext ({@link ShareChecks#interpolate}, for f+1 = 2 and 3);</li>
 *   <li>the coin: hashing its input to P-256 (RFC 9380) and a replica's proven coin share;</li>
 *   <li>FROST(Ed25519, SHA-512), t = 2 of n = 4: round one ({@link Frost#commit}), a signature
 *       share ({@link Frost#sign}), checking one ({@link Frost#verifyShare}), aggregating
 *       ({@link Frost#aggregate}) and verifying the result ({@link Frost#verify});</li>
 *   <li>key generation: one dealer's dealing ({@link Dealings#deal}: Feldman commitments, a share
 *       box per replica, the proof of its constant term) for n = 4, t = 2 and n = 7, t = 3, and a
 *       recipient opening its own box ({@link Dealings#openShare} after the ECDH).</li>
 * </ul>
 * Only the public API of {@code bastion-threshold} is used. The share proof's context and the
 * coin's hashed message are package-private there ({@code ShareChecks.shareContext},
 * {@code ThresholdLedger.coinPoint}); their bytes are rebuilt here in the ledger's format, and the
 * set-up checks that a share made by {@code ShareChecks.make} verifies with them, so a change of
 * format fails the set-up instead of timing a failing check. Every set-up checks its results
 * (plaintext recovered, coin combined, the FROST signature accepted by the JDK's Ed25519).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ThresholdCryptoBenchmark {
    private static final P256Group P256 = P256Group.INSTANCE;
    private static final FrostSuite FROST = FrostSuite.ED25519_SHA512;
    /** RFC 9380 domain separation tag of the ledger's coin (ThresholdLedger.coinPoint). */
    private static final String COIN_DST = "BASTION-COIN-V1-P256_XMD:SHA-256_SSWU_RO_";
    /** The DER prefix of an X.509 Ed25519 public key (RFC 8410): the raw 32 bytes follow. */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");
    private static final long OPERATION = 17;
    private static final int EPOCH = 0;
    private static final long PLAINTEXT = 42;

    private final SecureRandom random = new SecureRandom();
    private final byte[] message = new byte[64];

    private Signature jdkSigner;
    private Signature jdkVerifier;
    private byte[] jdkSignature;

    // threshold ElGamal and the coin: replica 0's share x0 of a P-256 key, t = 2 of n = 4
    private BigInteger shareOfReplica0;
    private Element verificationKeyOfReplica0;
    private ElGamal.Ciphertext ciphertext;
    private ProvenShare decryptionShare;
    private byte[] shareContext;
    private byte[] coinMessage;
    private Element coinPoint;

    // FROST: participants 1 and 2 (replicas 0 and 1) of t = 2, n = 4
    private BigInteger frostShare1;
    private Element frostPublicShare1;
    private Element frostGroupKey;
    private FrostNonces fixedNonces2;
    private List<FrostCommitment> commitments;
    private BigInteger signatureShare1;
    private Map<BigInteger, BigInteger> signatureShares;
    private byte[] frostSignature;

    @Setup
    public void setUp() throws GeneralSecurityException {
        random.nextBytes(message);
        setUpJdkEd25519();
        setUpDecryptionAndCoin();
        setUpFrost();
    }

    private void setUpJdkEd25519() throws GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        jdkSigner = Signature.getInstance("Ed25519");
        jdkSigner.initSign(pair.getPrivate());
        jdkVerifier = Signature.getInstance("Ed25519");
        jdkVerifier.initVerify(pair.getPublic());
        jdkSignature = ed25519SignJdk();
        require(ed25519VerifyJdk(), "the JDK's Ed25519 signature must verify");
    }

    private void setUpDecryptionAndCoin() {
        BigInteger secret = P256.randomScalar(random);
        Polynomial polynomial = Polynomial.random(P256, secret, 2, random);
        shareOfReplica0 = polynomial.evaluate(BigInteger.ONE);
        BigInteger shareOfReplica1 = polynomial.evaluate(BigInteger.TWO);
        verificationKeyOfReplica0 = P256.base(shareOfReplica0);
        ciphertext = ElGamal.encryptExponent(P256.base(secret), PLAINTEXT, random);
        decryptionShare = decryptionShare().get(0);
        shareContext = shareContext(OPERATION, EPOCH, 0, 0);
        require(decryptionShareVerify(), "a share made by ShareChecks.make must verify under the rebuilt context");
        coinMessage = coinMessage("bench-key", OPERATION, "round 1".getBytes(StandardCharsets.UTF_8));
        coinPoint = coinPoint();
        TreeMap<Integer, List<Element>> coinShares = new TreeMap<>(Map.of(
                0, List.of(coinPoint.multiply(shareOfReplica0)), 1, List.of(coinPoint.multiply(shareOfReplica1))));
        require(ShareChecks.interpolate(P256, coinShares, 1).get(0).equals(coinPoint.multiply(secret)),
                "two coin shares must combine into the coin point to the key's secret");
    }

    private void setUpFrost() throws GeneralSecurityException {
        Group group = FROST.group();
        BigInteger signingKey = group.randomScalar(random);
        Polynomial polynomial = Polynomial.random(group, signingKey, 2, random);
        frostShare1 = polynomial.evaluate(BigInteger.ONE);
        BigInteger frostShare2 = polynomial.evaluate(BigInteger.TWO);
        frostPublicShare1 = group.base(frostShare1);
        frostGroupKey = group.base(signingKey);
        FrostNonces nonces1 = Frost.commit(FROST, BigInteger.ONE, frostShare1, random);
        fixedNonces2 = Frost.commit(FROST, BigInteger.TWO, frostShare2, random);
        commitments = List.of(nonces1.commitment(), fixedNonces2.commitment());
        signatureShare1 = Frost.sign(FROST, BigInteger.ONE, frostShare1, nonces1, message, commitments, frostGroupKey);
        BigInteger signatureShare2 = Frost.sign(FROST, BigInteger.TWO, frostShare2, fixedNonces2, message, commitments,
                frostGroupKey);
        signatureShares = Map.of(BigInteger.ONE, signatureShare1, BigInteger.TWO, signatureShare2);
        require(frostVerifyShare(), "participant 1's signature share must verify");
        frostSignature = frostAggregate();
        require(frostVerifySignature(), "the aggregated FROST signature must verify");
        Signature plain = Signature.getInstance("Ed25519");
        plain.initVerify(jdkEd25519PublicKey(frostGroupKey.encode()));
        plain.update(message);
        require(plain.verify(frostSignature), "the JDK's Ed25519 must accept the FROST signature");
    }

    // ------------------------------------------------------------------ the yardstick

    @Benchmark
    public byte[] ed25519SignJdk() throws GeneralSecurityException {
        jdkSigner.update(message);
        return jdkSigner.sign();
    }

    @Benchmark
    public boolean ed25519VerifyJdk() throws GeneralSecurityException {
        jdkVerifier.update(message);
        return jdkVerifier.verify(jdkSignature);
    }

    // ------------------------------------------------------------------ decryption and the coin

    /** A replica's share of one ciphertext, {@code c1^x0} with its DLEQ proof. */
    @Benchmark
    public List<ProvenShare> decryptionShare() {
        return ShareChecks.make(P256, List.of(ciphertext.c1()), shareOfReplica0, OPERATION, EPOCH, 0, random);
    }

    /** What every replica checks for each share ordered: the proof against the sender's verification key. */
    @Benchmark
    public boolean decryptionShareVerify() {
        return decryptionShare.proof().verifies(P256.generator(), ciphertext.c1(), verificationKeyOfReplica0,
                decryptionShare.share(), shareContext);
    }

    /** The coin's base: the ledger's RFC 9380 hash of key name, operation and input to P-256. */
    @Benchmark
    public Element coinPoint() {
        return P256.hashToCurve(coinMessage, COIN_DST);
    }

    /** A replica's proven coin share for a coin point already hashed. */
    @Benchmark
    public List<ProvenShare> coinShare() {
        return ShareChecks.make(P256, List.of(coinPoint), shareOfReplica0, OPERATION, EPOCH, 0, random);
    }

    /** f+1 decryption shares of one ciphertext combined, and the plaintext element recovered from it. */
    @State(Scope.Benchmark)
    public static class Combining {
        /** f+1: 2 for four replicas, 3 for seven. */
        @Param({"2", "3"})
        public int shares;

        private final TreeMap<Integer, List<Element>> byReplica = new TreeMap<>();
        private ElGamal.Ciphertext ciphertext;

        @Setup
        public void setUp() {
            SecureRandom random = new SecureRandom();
            BigInteger secret = P256.randomScalar(random);
            Polynomial polynomial = Polynomial.random(P256, secret, shares, random);
            ciphertext = ElGamal.encryptExponent(P256.base(secret), PLAINTEXT, random);
            for (int replica = 0; replica < shares; replica++) {
                BigInteger share = polynomial.evaluate(BigInteger.valueOf(replica + 1L));
                byReplica.put(replica, List.of(ciphertext.c1().multiply(share)));
            }
            require(combine().equals(P256.base(BigInteger.valueOf(PLAINTEXT))), "the shares must decrypt the ciphertext");
        }

        Element combine() {
            return ciphertext.c2().subtract(ShareChecks.interpolate(P256, byReplica, 1).get(0));
        }
    }

    @Benchmark
    public Element decryptionCombine(Combining combining) {
        return combining.combine();
    }

    // ------------------------------------------------------------------ FROST(Ed25519, SHA-512)

    @Benchmark
    public FrostNonces frostCommit() {
        return Frost.commit(FROST, BigInteger.ONE, frostShare1, random);
    }

    /**
     * Fresh round-one nonces for participant 1 before every call of {@link #frostSign} (nonces sign
     * once), with the commitment list they belong to; made outside the timed call.
     */
    @State(Scope.Thread)
    public static class FreshNonces {
        FrostNonces nonces;
        List<FrostCommitment> commitments;

        @Setup(Level.Invocation)
        public void commit(ThresholdCryptoBenchmark b) {
            nonces = Frost.commit(FROST, BigInteger.ONE, b.frostShare1, b.random);
            commitments = List.of(nonces.commitment(), b.fixedNonces2.commitment());
        }
    }

    @Benchmark
    public BigInteger frostSign(FreshNonces fresh) {
        return Frost.sign(FROST, BigInteger.ONE, frostShare1, fresh.nonces, message, fresh.commitments, frostGroupKey);
    }

    /** What every replica checks for each signature share ordered. */
    @Benchmark
    public boolean frostVerifyShare() {
        return Frost.verifyShare(FROST, BigInteger.ONE, frostPublicShare1, signatureShare1, commitments, message,
                frostGroupKey);
    }

    @Benchmark
    public byte[] frostAggregate() {
        return Frost.aggregate(FROST, commitments, message, frostGroupKey, signatureShares);
    }

    /** The aggregate checked with bastion-threshold's own verification (a client's check). */
    @Benchmark
    public boolean frostVerifySignature() {
        return Frost.verify(FROST, frostGroupKey, message, frostSignature);
    }

    // ------------------------------------------------------------------ key generation

    /** One dealer's dealing for n replicas with threshold t = f+1, and recipient 1's box key. */
    @State(Scope.Benchmark)
    public static class Dealing {
        @Param({"4", "7"})
        public int n;

        @Param({"P256", "ED25519"})
        public Suite suite;

        int threshold;
        Map<Integer, Element> recipients;
        BigInteger secret;
        BigInteger encryptionSecretOfReplica1;
        Deal deal;

        @Setup
        public void setUp() {
            SecureRandom random = new SecureRandom();
            threshold = (n - 1) / 3 + 1;
            TreeMap<Integer, Element> keys = new TreeMap<>();
            for (int replica = 0; replica < n; replica++) {
                BigInteger encryptionSecret = ShareBox.GROUP.randomScalar(random);
                keys.put(replica, ShareBox.GROUP.base(encryptionSecret));
                if (replica == 1) {
                    encryptionSecretOfReplica1 = encryptionSecret;
                }
            }
            recipients = keys;
            secret = suite.group().randomScalar(random);
            deal = deal(random);
            require(openOwnBox() != null, "recipient 1 must open its box to a share matching the commitments");
        }

        Deal deal(SecureRandom random) {
            return Dealings.deal("bench-key", suite, EPOCH, 0, secret, true, recipients, n, threshold, random);
        }

        /** What a recipient's agent does with a dealing: the ECDH with its box key, then opening and checking. */
        BigInteger openOwnBox() {
            Element sharedPoint = deal.ephemeral().multiply(encryptionSecretOfReplica1);
            return Dealings.openShare(suite, deal, 0, 1, sharedPoint, EPOCH);
        }
    }

    @Benchmark
    public Deal deal(Dealing dealing) {
        return dealing.deal(random);
    }

    @Benchmark
    public BigInteger openOwnBox(Dealing dealing) {
        return dealing.openOwnBox();
    }

    // ------------------------------------------------------------------ inputs in the ledger's formats

    /** ShareChecks.shareContext: string "share", i64 operation, i32 epoch, i32 replica, i32 index. */
    private static byte[] shareContext(long operation, int epoch, int replica, int index) {
        byte[] label = "share".getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + label.length + 8 + 4 + 4 + 4).putInt(label.length).put(label)
                .putLong(operation).putInt(epoch).putInt(replica).putInt(index).array();
    }

    /** ThresholdLedger.coinPoint's message: string key name, i64 operation, length-prefixed input. */
    private static byte[] coinMessage(String key, long operation, byte[] input) {
        byte[] name = key.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(4 + name.length + 8 + 4 + input.length).putInt(name.length).put(name)
                .putLong(operation).putInt(input.length).put(input).array();
    }

    private static PublicKey jdkEd25519PublicKey(byte[] raw) throws GeneralSecurityException {
        byte[] encoded = new byte[ED25519_X509_PREFIX.length + raw.length];
        System.arraycopy(ED25519_X509_PREFIX, 0, encoded, 0, ED25519_X509_PREFIX.length);
        System.arraycopy(raw, 0, encoded, ED25519_X509_PREFIX.length, raw.length);
        return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(encoded));
    }

    private static void require(boolean condition, String what) {
        if (!condition) {
            throw new IllegalStateException(what);
        }
    }
}
