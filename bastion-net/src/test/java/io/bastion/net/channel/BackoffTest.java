package io.bastion.net.channel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void delaysDoubleUpToTheCapWithJitterInTheUpperHalfOfEachStep() {
        Backoff backoff = new Backoff(20, 2_000, new SplittableRandom(42));
        long step = 20;
        for (int attempt = 0; attempt < 12; attempt++) {
            assertThat(backoff.nextDelayMillis()).isBetween(step - step / 2, step);
            step = Math.min(2_000, step * 2);
        }
        assertThat(step).isEqualTo(2_000);
    }

    @Test
    void resetStartsOverFromTheMinimum() {
        Backoff backoff = new Backoff(20, 2_000, new SplittableRandom(7));
        for (int attempt = 0; attempt < 10; attempt++) {
            backoff.nextDelayMillis();
        }
        backoff.reset();
        assertThat(backoff.nextDelayMillis()).isBetween(10L, 20L);
    }
}
