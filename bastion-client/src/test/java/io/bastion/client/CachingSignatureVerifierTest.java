package io.bastion.client;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.net.testing.Await;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
    /** A cache whose checks wait for {@code release}; {@code entered} counts the checks begun. */
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger entered = new AtomicInteger();
    /** Set to make the gated checks throw once released, as a broken verifier might. */
    private volatile boolean throwing;
    private final CachingSignatureVerifier gated = new CachingSignatureVerifier((k, m, s) -> {
        entered.incrementAndGet();
        try {
            if (!release.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("never released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (throwing) {
            throw new IllegalStateException("verifier broke");
        }
        return counting.verify(k, m, s);
    }, 16);

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

    @Test
    void callersThatAskWhileASignatureIsBeingCheckedWaitForThatCheck() throws Exception {
        byte[] message = "root".getBytes();
        byte[] signature = TestKeys.signer(1).sign(message);
        List<Boolean> answers = checkedTogether(6, message, signature);
        assertThat(answers).hasSize(6).containsOnly(true);
        assertThat(calls).hasValue(1);
        assertThat(gated.verify(key, message, signature)).isTrue();
        assertThat(calls).hasValue(1);
    }

    @Test
    void aFailureIsAnsweredToThoseWaitingAndThenForgotten() throws Exception {
        byte[] message = "root".getBytes();
        byte[] forged = TestKeys.signer(2).sign(message); // not key 1's
        List<Boolean> answers = checkedTogether(6, message, forged);
        assertThat(answers).hasSize(6).containsOnly(false);
        assertThat(calls).hasValue(1);
        assertThat(gated.verify(key, message, forged)).isFalse();
        assertThat(calls).hasValue(2);
    }

    /**
     * A faulty replica puts another replica's genuine root signature on its own reply: its check is
     * in flight when the genuine reply comes, and the genuine one is checked on its own at once,
     * not made to wait for (or share) the faulty one's answer.
     */
    @Test
    void anotherReplicasSignatureCopiedByAFaultyOneMakesNobodyWait() throws Exception {
        byte[] message = "root".getBytes();
        byte[] genuine = TestKeys.signer(1).sign(message);
        List<Boolean> faulty = Collections.synchronizedList(new ArrayList<>());
        Thread first = Thread.ofPlatform().start(() -> faulty.add(gated.verify(TestKeys.key(2), message, genuine)));
        Await.until("the faulty reply's check under way", () -> entered.get() == 1);
        List<Boolean> honest = Collections.synchronizedList(new ArrayList<>());
        Thread second = Thread.ofPlatform().start(() -> honest.add(gated.verify(key, message, genuine)));
        Await.until("the genuine reply checked on its own, while the faulty one's check still runs",
                () -> entered.get() == 2);
        release.countDown();
        first.join(10_000);
        second.join(10_000);
        assertThat(faulty).containsExactly(false);
        assertThat(honest).containsExactly(true);
    }

    @Test
    void aVerifierThatThrowsLeavesNoCallerWaitingAndAnswersThemFalse() throws Exception {
        throwing = true;
        byte[] message = "root".getBytes();
        List<Boolean> answers = checkedTogether(4, message, TestKeys.signer(1).sign(message));
        assertThat(answers).as("the three that waited; the one that checked saw the exception").hasSize(3)
                .containsOnly(false);
        throwing = false;
        assertThat(gated.verify(key, message, TestKeys.signer(1).sign(message))).as("nothing cached").isTrue();
    }

    /**
     * {@code callers} threads check the same triple at once: the delegate holds the first until
     * every other caller waits too, so a cache that let them verify on their own would be seen.
     */
    private List<Boolean> checkedTogether(int callers, byte[] message, byte[] signature) throws Exception {
        List<Boolean> answers = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    answers.add(gated.verify(key, message, signature));
                } catch (IllegalStateException broke) {
                    // the verifier broke in this caller's own check: no answer (the others still get one)
                }
            }));
        }
        Await.until("every caller waiting, one of them inside the check",
                () -> entered.get() >= 1 && threads.stream().allMatch(t -> t.getState() == Thread.State.WAITING
                        || t.getState() == Thread.State.TIMED_WAITING));
        assertThat(entered).as("callers that verified on their own").hasValue(1);
        release.countDown();
        for (Thread t : threads) {
            t.join(10_000);
        }
        return answers;
    }
}
