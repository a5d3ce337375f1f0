package io.bastion.net.endpoint;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Hellos and Joins beyond the endpoint's token buckets never reach the handler, and are counted. */
class ClientEndpointThrottleTest {
    private static final HmacSigner SIGNER = new HmacSigner(new byte[] {3, 1, 4, 1, 5, 9, 2, 6});
    private static final int SENT = 100;

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-throttle");
    private final AtomicInteger hellos = new AtomicInteger();
    private final AtomicInteger joins = new AtomicInteger();
    private final AtomicInteger writes = new AtomicInteger();
    private final List<AutoCloseable> open = new ArrayList<>();
    private final int port = Ports.free();
    private final SplittableRandom random = new SplittableRandom(17);

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
        EventLoops.shutdown(group);
    }

    private ClientEndpoint endpoint(ClientLimits limits) {
        ClientEndpoint endpoint = new ClientEndpoint(new InetSocketAddress(TestCluster.HOST, port), NetSettings.DEFAULTS,
                group, limits, (connection, message) -> {
                    switch (message.message()) {
                        case Hello h -> hellos.incrementAndGet();
                        case Request r when r.kind() == Request.Kind.JOIN -> joins.incrementAndGet();
                        case Request r -> writes.incrementAndGet();
                        default -> { }
                    }
                });
        open.add(endpoint);
        return endpoint.start();
    }

    private RawConnection connect() {
        RawConnection c = RawConnection.open(port);
        open.add(c);
        return c;
    }

    private Envelope<Hello> hello() {
        byte[] key = new byte[32];
        byte[] nonce = new byte[16];
        random.nextBytes(key);
        random.nextBytes(nonce);
        return Envelope.unsigned(new Hello(new PublicKeyRef(PublicKeyRef.Algorithm.ED25519, key), nonce, new byte[0]));
    }

    private long throttled(ClientEndpoint endpoint, Throttled reason) {
        return endpoint.throttled().get(reason);
    }

    @Test
    void aConnectionGetsItsHelloBurstAndNoMore() {
        ClientEndpoint endpoint = endpoint(ClientLimits.DEFAULTS);
        RawConnection c = connect();
        for (int i = 0; i < SENT; i++) {
            assertThat(c.send(hello())).isTrue();
        }
        Await.until("every Hello handed on or throttled",
                () -> hellos.get() + throttled(endpoint, Throttled.HELLO_PER_CONNECTION) == SENT);
        // the burst, plus what trickled in at 20/s while the frames were on their way
        assertThat(hellos.get()).isBetween((int) ClientLimits.DEFAULT_HELLO_BURST_PER_CONNECTION,
                (int) ClientLimits.DEFAULT_HELLO_BURST_PER_CONNECTION + 20);
        assertThat(throttled(endpoint, Throttled.HELLO_PER_ADDRESS)).isZero();
        assertThat(endpoint.helloAddressesTracked()).isEqualTo(1);
    }

    @Test
    void connectionsFromOneAddressShareItsHelloBucket() {
        ClientLimits limits = new ClientLimits(1_000, 1_000, 1, 12, 16, 1_000, 1_000);
        ClientEndpoint endpoint = endpoint(limits);
        for (int connection = 0; connection < 3; connection++) {
            RawConnection c = connect();
            for (int i = 0; i < 10; i++) {
                c.send(hello());
            }
        }
        Await.until("every Hello handed on or throttled",
                () -> hellos.get() + throttled(endpoint, Throttled.HELLO_PER_ADDRESS) == 30);
        assertThat(hellos.get()).isBetween(12, 14);
        assertThat(throttled(endpoint, Throttled.HELLO_PER_CONNECTION)).isZero();
    }

    @Test
    void joinsAreLimitedPerConnectionAndOtherRequestsAreNot() {
        ClientEndpoint endpoint = endpoint(ClientLimits.DEFAULTS);
        RawConnection c = connect();
        for (int i = 1; i <= SENT; i++) {
            c.send(Envelope.sign(new Request(-42, i, Request.Kind.JOIN, new byte[] {1}), SIGNER));
            c.send(Envelope.sign(new Request(7, i, Request.Kind.WRITE, new byte[] {1}), SIGNER));
        }
        Await.until("every request handed on or throttled", () -> writes.get() == SENT
                && joins.get() + throttled(endpoint, Throttled.JOIN_PER_CONNECTION) == SENT);
        assertThat(joins.get()).isBetween((int) ClientLimits.DEFAULT_JOIN_BURST_PER_CONNECTION,
                (int) ClientLimits.DEFAULT_JOIN_BURST_PER_CONNECTION + 20);
        assertThat(endpoint.throttled().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(SENT - joins.get());
    }
}
