package io.bastion.bench.threshold;

import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.ThresholdLedger;
import io.bastion.threshold.ThresholdOp;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What the benchmark's clients keep a threshold cluster busy with, one operation at a time per
 * client, and how each result is checked: an operation counts only when its result is right. Each
 * threshold operation is one ordered request and the reads that poll for its result.
 */
public enum ThresholdOperation {
    /** An ordered put into the same cluster's key-value service: what ordering alone costs, for comparison. */
    KV_PUT("kv-put") {
        @Override
        void runOnce(ThresholdClient client, Keys keys, String tag, long sequence) throws Exception {
            String reply = client.order(("put " + tag + " " + sequence).getBytes(StandardCharsets.UTF_8));
            if (reply.startsWith("error")) {
                throw new IllegalStateException("put refused: " + reply);
            }
        }
    },
    /** Threshold ElGamal decryption of one P-256 ciphertext; the plaintext must be the one encrypted. */
    DECRYPT("decrypt") {
        @Override
        void runOnce(ThresholdClient client, Keys keys, String tag, long sequence) throws Exception {
            int i = (int) (sequence % keys.ciphertexts().size());
            long operation = client.start(new ThresholdOp.Decrypt(keys.p256(), List.of(keys.ciphertexts().get(i))));
            List<Element> plaintexts = ThresholdLedger.Result.decodePlaintexts(client.awaitDone(operation));
            if (plaintexts.size() != 1 || !plaintexts.get(0).equals(keys.plaintexts().get(i))) {
                throw new IllegalStateException("decryption " + operation + " gave a wrong plaintext");
            }
        }
    },
    /** A threshold coin on a fresh input; its value must be 32 bytes. */
    COIN("coin") {
        @Override
        void runOnce(ThresholdClient client, Keys keys, String tag, long sequence) throws Exception {
            byte[] input = (tag + "-" + sequence).getBytes(StandardCharsets.UTF_8);
            long operation = client.start(new ThresholdOp.Coin(keys.p256(), input));
            byte[] value = client.awaitDone(operation);
            if (value.length != COIN_BYTES) {
                throw new IllegalStateException("coin " + operation + " is " + value.length + " bytes, not " + COIN_BYTES);
            }
        }
    },
    /** A FROST(Ed25519, SHA-512) signature on a fresh message; the JDK's plain Ed25519 must accept it. */
    SIGN("sign") {
        @Override
        void runOnce(ThresholdClient client, Keys keys, String tag, long sequence) throws Exception {
            byte[] message = (tag + "-" + sequence).getBytes(StandardCharsets.UTF_8);
            long operation = client.start(new ThresholdOp.Sign(keys.ed25519(), message));
            byte[] signature = client.awaitDone(operation);
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(keys.ed25519Jdk());
            ed25519.update(message);
            if (!ed25519.verify(signature)) {
                throw new IllegalStateException("signature " + operation + " does not verify as Ed25519");
            }
        }
    };

    static final int COIN_BYTES = 32;
    /** Ciphertexts encrypted once per cluster and decrypted in turn (of the numbers 1..count). */
    static final int CIPHERTEXTS = 64;
    /** The DER prefix of an X.509 Ed25519 public key (RFC 8410): the raw 32 bytes follow. */
    private static final byte[] ED25519_X509_PREFIX = HexFormat.of().parseHex("302a300506032b6570032100");

    private final String label;

    ThresholdOperation(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public static ThresholdOperation parse(String label) {
        for (ThresholdOperation o : values()) {
            if (o.label.equals(label)) {
                return o;
            }
        }
        throw new IllegalArgumentException("operation " + label + ": choose kv-put, decrypt, coin or sign");
    }

    /**
     * Runs one operation to its checked result; {@code tag} names the client, {@code sequence}
     * counts its operations. Throws when the cluster refused it or its result is wrong.
     */
    abstract void runOnce(ThresholdClient client, Keys keys, String tag, long sequence) throws Exception;

    /**
     * The keys the operations use: a P-256 key (decryptions, coins) with ciphertexts under it and
     * the plaintext element each must decrypt to, and an Ed25519 key (signatures) as the JDK reads it.
     */
    record Keys(String p256, List<ElGamal.Ciphertext> ciphertexts, List<Element> plaintexts, String ed25519,
                PublicKey ed25519Jdk) {
        /** From the two keys' {@code ok key …} replies. */
        static Keys of(String p256Name, String p256Reply, String ed25519Name, String ed25519Reply, SecureRandom random)
                throws GeneralSecurityException {
            P256Group g = P256Group.INSTANCE;
            Element publicKey = g.decode(io.bastion.core.util.Hex.parse(ThresholdClient.field(p256Reply, "public")));
            List<ElGamal.Ciphertext> ciphertexts = new ArrayList<>();
            List<Element> plaintexts = new ArrayList<>();
            for (int m = 1; m <= CIPHERTEXTS; m++) {
                ciphertexts.add(ElGamal.encryptExponent(publicKey, m, random));
                plaintexts.add(g.base(BigInteger.valueOf(m)));
            }
            byte[] raw = io.bastion.core.util.Hex.parse(ThresholdClient.field(ed25519Reply, "public"));
            byte[] x509 = new byte[ED25519_X509_PREFIX.length + raw.length];
            System.arraycopy(ED25519_X509_PREFIX, 0, x509, 0, ED25519_X509_PREFIX.length);
            System.arraycopy(raw, 0, x509, ED25519_X509_PREFIX.length, raw.length);
            PublicKey jdk = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(x509));
            return new Keys(p256Name, List.copyOf(ciphertexts), List.copyOf(plaintexts), ed25519Name, jdk);
        }
    }
}
