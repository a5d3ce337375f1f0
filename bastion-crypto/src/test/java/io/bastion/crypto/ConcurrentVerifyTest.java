package io.bastion.crypto;

import io.bastion.core.crypto.SignatureVerifier;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One verifier shared by several threads, with a cache small enough to be emptied all the time. */
class ConcurrentVerifyTest {
    private static final int THREADS = 4;
    private static final int KEYS = 9;
    private static final int CHECKS_PER_THREAD = 300;

    @Test
    void sharedVerifierAnswersCorrectlyFromManyThreadsWhileItsCacheChurns() throws Exception {
        Random random = new Random(5);
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < KEYS; i++) {
            keys.add(i % 3 == 2 ? EcdsaP256SigningKey.generate(TestKeys.secureRandom(i)) : TestKeys.ed25519(random));
        }
        byte[] message = "shared".getBytes();
        List<byte[]> signatures = keys.stream().map(k -> k.sign(message)).toList();
        SignatureVerifier verifier = new StandardSignatureVerifier(2);

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int threadSeed = t;
                wrong.add(pool.submit(() -> countWrongAnswers(verifier, keys, signatures, message, new Random(threadSeed))));
            }
            for (Future<Integer> w : wrong) {
                assertThat(w.get(60, TimeUnit.SECONDS)).isZero();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int countWrongAnswers(SignatureVerifier verifier, List<SigningKey> keys, List<byte[]> signatures,
                                         byte[] message, Random random) {
        int wrong = 0;
        for (int i = 0; i < CHECKS_PER_THREAD; i++) {
            int k = random.nextInt(KEYS);
            int s = random.nextInt(KEYS);
            boolean expected = k == s;
            if (verifier.verify(keys.get(k).publicKey(), message, signatures.get(s)) != expected) {
                wrong++;
            }
        }
        return wrong;
    }

    @Test
    void keyCacheNeverGrowsPastItsBound() {
        ParsedKeyCache<Object> cache = new ParsedKeyCache<>(3, key -> new Object());
        Random random = new Random(9);
        for (int i = 0; i < 50; i++) {
            assertThat(cache.get(TestKeys.ed25519(random).publicKey())).isNotNull();
            assertThat(cache.size()).isLessThanOrEqualTo(3);
        }
    }

    @Test
    void keysThatFailToParseAreNotCached() {
        ParsedKeyCache<Object> cache = new ParsedKeyCache<>(3, key -> {
            throw new java.security.InvalidKeyException("never valid");
        });
        assertThat(cache.get(TestKeys.ed25519(new Random(1)).publicKey())).isNull();
        assertThat(cache.size()).isZero();
    }
}
