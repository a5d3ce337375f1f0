package io.bastion.net.endpoint;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.assertj.core.api.Assertions.assertThat;

class AddressBucketsTest {
    private static final long START = 7_000_000_000L;

    @Test
    void addressTableStaysWithinItsBoundAndForgetsTheLeastRecentlySeen() throws Exception {
        AddressBuckets table = new AddressBuckets(20, 2, 4);
        for (int i = 1; i <= 10; i++) {
            assertThat(table.tryTake(InetAddress.getByName("10.0.0." + i), START)).isTrue();
            assertThat(table.size()).isLessThanOrEqualTo(4);
        }
        assertThat(table.size()).isEqualTo(4);
        assertThat(table.evicted()).isEqualTo(6);
        InetAddress recent = InetAddress.getByName("10.0.0.10");
        assertThat(table.tryTake(recent, START)).as("its second token").isTrue();
        assertThat(table.tryTake(recent, START)).as("its bucket held 2").isFalse();
        InetAddress forgotten = InetAddress.getByName("10.0.0.1");
        assertThat(table.tryTake(forgotten, START)).as("a forgotten address starts afresh").isTrue();
        assertThat(table.size()).isEqualTo(4);
    }

    @Test
    void addressesShareNothing() throws Exception {
        AddressBuckets table = new AddressBuckets(1, 1, 16);
        InetAddress a = InetAddress.getByName("192.0.2.1");
        InetAddress b = InetAddress.getByName("192.0.2.2");
        assertThat(table.tryTake(a, START)).isTrue();
        assertThat(table.tryTake(a, START)).isFalse();
        assertThat(table.tryTake(b, START)).isTrue();
    }
}
