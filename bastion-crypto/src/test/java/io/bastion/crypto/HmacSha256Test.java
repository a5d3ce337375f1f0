package io.bastion.crypto;

import io.bastion.core.util.Hex;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;
import org.junit.jupiter.api.Test;

import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HMAC-SHA256 against BouncyCastle's independent implementation, tampering, and sharing between threads. */
class HmacSha256Test {
    @Test
    void tagsMatchAnIndependentImplementation() {
        Random random = new Random(3);
        for (int round = 0; round < 50; round++) {
            byte[] key = TestKeys.bytes(random, HmacSha256.KEY_BYTES);
            byte[] data = TestKeys.bytes(random, random.nextInt(3000));
            assertThat(new HmacSha256(key).mac(data)).as("round %d", round).isEqualTo(reference(key, data));
        }
    }

    @Test
    void knownAnswer() {
        // Key 00 01 .. 1f, data "Hi There"; the tag was computed with Python's hmac module (OpenSSL).
        byte[] key = new byte[32];
        for (int i = 0; i < key.length; i++) {
            key[i] = (byte) i;
        }
        assertThat(Hex.of(new HmacSha256(key).mac("Hi There".getBytes())))
                .isEqualTo("278639ec02309d3afded1b273f1349ba63b9089c12476d716bee3ecc94673e9e");
    }

    @Test
    void verifyAcceptsTheTagAndRejectsTamperingAndGarbage() {
        HmacSha256 mac = new HmacSha256(HmacSha256.generateKey(TestKeys.secureRandom(1)));
        byte[] data = "authenticated".getBytes();
        byte[] tag = mac.mac(data);
        assertThat(mac.verify(data, tag)).isTrue();
        byte[] tamperedTag = tag.clone();
        tamperedTag[31] ^= 1;
        assertThat(mac.verify(data, tamperedTag)).isFalse();
        assertThat(mac.verify("authenticatee".getBytes(), tag)).isFalse();
        assertThat(mac.verify(data, new byte[0])).isFalse();
        assertThat(mac.verify(data, null)).isFalse();
        assertThat(mac.verify(data, java.util.Arrays.copyOf(tag, 31))).isFalse();
    }

    @Test
    void offsetVariantMacsTheSlice() {
        HmacSha256 mac = new HmacSha256(new byte[32]);
        byte[] frame = "xxpayloadyy".getBytes();
        assertThat(mac.mac(frame, 2, 7)).isEqualTo(mac.mac("payload".getBytes()));
    }

    @Test
    void keysOfTheWrongLengthAreRefused() {
        assertThatThrownBy(() -> new HmacSha256(new byte[16])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes, got 16");
    }

    @Test
    void oneInstanceGivesCorrectTagsFromManyThreads() throws Exception {
        byte[] key = TestKeys.bytes(new Random(4), 32);
        HmacSha256 mac = new HmacSha256(key);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                results.add(pool.submit(() -> {
                    Random random = new Random(seed);
                    for (int i = 0; i < 500; i++) {
                        byte[] data = TestKeys.bytes(random, random.nextInt(200));
                        if (!java.util.Arrays.equals(mac.mac(data), reference(key, data))) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> r : results) {
                assertThat(r.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static byte[] reference(byte[] key, byte[] data) {
        HMac hmac = new HMac(new SHA256Digest());
        hmac.init(new KeyParameter(key));
        hmac.update(data, 0, data.length);
        byte[] out = new byte[hmac.getMacSize()];
        hmac.doFinal(out, 0);
        return out;
    }
}
