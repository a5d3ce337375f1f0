package io.bastion.net.endpoint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;
    private static final long START = 7 * SECOND; // any monotonic reading; nothing assumes zero

    /** How many of {@code attempts} takes at {@code nowNanos} succeed. */
    private static int take(TokenBucket bucket, int attempts, long nowNanos) {
        int taken = 0;
        for (int i = 0; i < attempts; i++) {
            taken += bucket.tryTake(nowNanos) ? 1 : 0;
        }
        return taken;
    }

    @Test
    void aFullBucketAdmitsItsBurstThenRefuses() {
        TokenBucket bucket = new TokenBucket(20, 40, START);
        assertThat(take(bucket, 100, START)).isEqualTo(40);
        assertThat(bucket.tryTake(START)).isFalse();
        assertThat(bucket.available(START)).isZero();
    }

    @Test
    void tokensFlowBackAtTheRate() {
        TokenBucket bucket = new TokenBucket(20, 40, START);
        take(bucket, 40, START);
        assertThat(bucket.tryTake(START + SECOND / 20 - 1)).as("just before one token's worth").isFalse();
        assertThat(bucket.tryTake(START + SECOND / 20)).as("one token after 50 ms").isTrue();
        assertThat(take(bucket, 100, START + SECOND / 20 + SECOND)).as("a second later: 20 more").isEqualTo(20);
    }

    @Test
    void creditNeverExceedsTheBurstHoweverLongTheBucketIdles() {
        TokenBucket bucket = new TokenBucket(20, 40, START);
        take(bucket, 40, START);
        assertThat(bucket.available(START + 3_600 * SECOND)).isEqualTo(40);
        assertThat(bucket.available(Long.MAX_VALUE)).as("no overflow at the far end of the clock").isEqualTo(40);
    }

    @Test
    void aClockThatGoesBackwardsAddsNothing() {
        TokenBucket bucket = new TokenBucket(10, 1, START);
        assertThat(bucket.tryTake(START)).isTrue();
        assertThat(bucket.tryTake(START - 10 * SECOND)).isFalse();
        assertThat(bucket.tryTake(START + SECOND / 10)).as("refills from the latest reading").isTrue();
    }

    @Test
    void sustainedLoadIsHeldToTheRate() {
        TokenBucket bucket = new TokenBucket(200, 400, START);
        int admitted = 0;
        for (long t = 0; t < 10 * SECOND; t += SECOND / 1_000) { // 10,000 attempts over 10 s
            admitted += bucket.tryTake(START + t) ? 1 : 0;
        }
        assertThat(admitted).isBetween(400 + 200 * 10 - 1, 400 + 200 * 10 + 1);
    }

    @Test
    void refusesNonsenseLimits() {
        assertThatThrownBy(() -> new TokenBucket(0, 1, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0, START)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(TokenBucket.RATE_PER_SECOND_MAX + 1, 1, START))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scaledLimitsKeepTheirProportions() {
        assertThat(ClientLimits.perConnection(ClientLimits.DEFAULT_HELLOS_PER_CONNECTION_PER_SECOND))
                .isEqualTo(ClientLimits.DEFAULTS);
        ClientLimits limits = ClientLimits.perConnection(1_000);
        assertThat(limits.helloBurstPerConnection()).isEqualTo(2_000);
        assertThat(limits.hellosPerAddressPerSecond()).isEqualTo(10_000);
        assertThat(limits.hellosPerAddressPerSecond()).isGreaterThanOrEqualTo(limits.hellosPerConnectionPerSecond());
        assertThatThrownBy(() -> ClientLimits.DEFAULTS.withAddressesMax(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
