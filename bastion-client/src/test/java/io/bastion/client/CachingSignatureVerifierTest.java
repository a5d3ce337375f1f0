package io.bastion.client;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class CachingSignatureVerifierTest {
    private final AtomicInteger calls = new AtomicInteger();
    private final SignatureVerifier counting = (key, message, signature) -> {
        calls.incrementAndGet();
        return TestKeys.VERIFIER.verify(key, message, signature);
    };
    private final CachingSignatureVerifier cache = new CachingSignatureVerifier(counting, 2);
    private final PublicKeyRef key = TestKeys.key(1);

    @Test
    void aVerifiedSignatureIsCheckedOnce() {
        byte[] message = "root".getBytes();
        byte[] signature = TestKeys.signer(1).sign(message);
        assertThat(cache.verify(key, message, signature)).isTrue();
        assertThat(cache.verify(key, message, signature)).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void theSameSignatureWithAnotherMessageOrKeyIsVerifiedAfresh() {
        byte[] message = "root".getBytes();
        byte[] signature = TestKeys.signer(1).sign(message);
        assertThat(cache.verify(key, message, signature)).isTrue();
        assertThat(cache.verify(key, "other".getBytes(), signature)).isFalse();
        assertThat(cache.verify(TestKeys.key(2), message, signature)).isFalse();
        assertThat(calls).hasValue(3);
    }

    @Test
    void failuresAreNotCachedAndTheCacheIsBounded() {
        byte[] bad = new byte[32];
        assertThat(cache.verify(key, "m".getBytes(), bad)).isFalse();
        assertThat(cache.verify(key, "m".getBytes(), bad)).isFalse();
        assertThat(calls).hasValue(2);
        for (int i = 0; i < 3; i++) {
            byte[] m = ("m" + i).getBytes();
            cache.verify(key, m, TestKeys.signer(1).sign(m));
        }
        byte[] first = "m0".getBytes();
        int before = calls.get();
        cache.verify(key, first, TestKeys.signer(1).sign(first)); // evicted: entries max is 2
        assertThat(calls.get()).isEqualTo(before + 1);
    }
}
