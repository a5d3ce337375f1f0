package io.bastion.bench.wan;

import io.bastion.core.util.Check;
import io.bastion.net.EventLoops;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay that puts a wide-area delay between hosts on one machine (this kernel has no netem):
 * each {@link Route} accepts connections on an address standing for a host and connects each one
 * on to the host's real address; every chunk of bytes read from either side is written to the
 * other {@code oneWayDelay} later ({@link DelayedPipe}). The delay is the same for every chunk, so
 * order is kept; a connection's round trip through the relay takes twice the one-way delay. Each
 * direction of a connection holds at most {@code heldBytesMax} bytes: beyond that (or while the
 * other side does not take what was written) the relay stops reading from the sender, whose TCP
 * window then closes, as on a long path. Both sides of a relayed connection share one event-loop
 * thread, so a connection's state needs no lock. Thread-safe.
 *
 * <p>What differs from a real path: the relay ends TCP, so the sender's kernel sees a short round
 * trip (its ACKs come from the relay at once) and loss on one side is recovered on that side; a
 * connection is accepted before the host behind it answers (and closed when it does not).
 */
public final class DelayRelay implements AutoCloseable {
    /** Bytes a connection holds per direction by default: a full window at 100 MB/s over 40 ms. */
    public static final int HELD_BYTES_MAX = 4 << 20;
    /** The line the relay process prints once every route listens. */
    public static final String READY = "relay ready";
    /** How long a connection to the host behind a route may take before the relayed one is closed. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    /** Connections accepted on {@code listen} are relayed to {@code target}. */
    public record Route(InetSocketAddress listen, InetSocketAddress target) {
        /** Parses {@code LISTEN_HOST:PORT=TARGET_HOST:PORT}. */
        public static Route parse(String text) {
            String[] sides = text.split("=");
            Check.argument(sides.length == 2, "a route is LISTEN_HOST:PORT=TARGET_HOST:PORT, got " + text);
            return new Route(address(sides[0]), address(sides[1]));
        }

        public String format() {
            return listen.getHostString() + ":" + listen.getPort() + "=" + target.getHostString() + ":" + target.getPort();
        }

        private static InetSocketAddress address(String text) {
            int colon = text.lastIndexOf(':');
            Check.argument(colon > 0, "an address is HOST:PORT, got " + text);
            return new InetSocketAddress(text.substring(0, colon), Integer.parseInt(text.substring(colon + 1)));
        }
    }

    private final EventLoopGroup group;
    private final List<Channel> listeners = new ArrayList<>();
    private final long delayNanos;
    private final int heldBytesMax;
    /** The most bytes any one direction of any connection held at once. */
    private final AtomicLong heldBytesPeak = new AtomicLong();

    private DelayRelay(Duration oneWayDelay, int heldBytesMax, int threads) {
        Check.argument(!oneWayDelay.isNegative(), "the delay must be >= 0, got " + oneWayDelay);
        Check.argument(heldBytesMax > 0, "heldBytesMax must be > 0");
        this.delayNanos = oneWayDelay.toNanos();
        this.heldBytesMax = heldBytesMax;
        this.group = EventLoops.newGroup(threads, "relay");
    }

    /** Listens on every route's address; fails (having closed what it opened) if one cannot be bound. */
    public static DelayRelay start(List<Route> routes, Duration oneWayDelay) throws IOException {
        return start(routes, oneWayDelay, HELD_BYTES_MAX);
    }

    public static DelayRelay start(List<Route> routes, Duration oneWayDelay, int heldBytesMax) throws IOException {
        DelayRelay relay = new DelayRelay(oneWayDelay, heldBytesMax, Math.max(2, Runtime.getRuntime().availableProcessors()));
        try {
            for (Route route : routes) {
                relay.listen(route);
            }
        } catch (IOException | RuntimeException e) {
            relay.close();
            throw e;
        }
        return relay;
    }

    private void listen(Route route) throws IOException {
        ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false) // until the host behind it answered
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel accepted) {
                        connect(accepted, route.target());
                    }
                })
                .bind(route.listen()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            throw new IOException("cannot listen on " + route.listen() + ": " + bound.cause(), bound.cause());
        }
        listeners.add(bound.channel());
    }

    /** Connects {@code accepted} on to {@code target} on its own event loop; closes it if that fails. */
    private void connect(SocketChannel accepted, InetSocketAddress target) {
        DelayedPipe toTarget = new DelayedPipe(delayNanos, heldBytesMax, heldBytesPeak);
        DelayedPipe fromTarget = new DelayedPipe(delayNanos, heldBytesMax, heldBytesPeak);
        new Bootstrap().group(accepted.eventLoop()).channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(fromTarget)
                .connect(target).addListener((ChannelFuture connected) -> {
                    if (!connected.isSuccess()) {
                        accepted.close();
                        return;
                    }
                    Channel outbound = connected.channel();
                    if (!accepted.isActive()) { // the client gave up meanwhile
                        outbound.close();
                        return;
                    }
                    accepted.pipeline().addLast(toTarget);
                    toTarget.join(accepted, outbound, fromTarget);
                    fromTarget.join(outbound, accepted, toTarget);
                });
    }

    /** Where each route listens, in the order given (the port chosen when a route asked for 0). */
    public List<InetSocketAddress> localAddresses() {
        return listeners.stream().map(listener -> (InetSocketAddress) listener.localAddress()).toList();
    }

    /** The most bytes one direction of one connection has held at once, since the start. */
    public long heldBytesPeak() {
        return heldBytesPeak.get();
    }

    /** Stops listening, closes every relayed connection and ends the relay's threads. */
    @Override
    public void close() {
        listeners.forEach(Channel::close);
        EventLoops.shutdown(group);
    }

    /**
     * Runs a relay until the process is stopped: {@code --delay-micros N ROUTE...}, each route
     * {@code LISTEN_HOST:PORT=TARGET_HOST:PORT}. Prints {@value #READY} once every route listens.
     */
    public static void main(String[] args) throws Exception {
        if (args.length < 3 || !args[0].equals("--delay-micros")) {
            System.err.println("usage: DelayRelay --delay-micros N LISTEN_HOST:PORT=TARGET_HOST:PORT...");
            System.exit(2);
        }
        Duration delay = Duration.ofNanos(Long.parseLong(args[1]) * 1_000);
        List<Route> routes = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            routes.add(Route.parse(args[i]));
        }
        DelayRelay relay = start(routes, delay);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            relay.close();
            stopped.countDown();
        }, "relay-stop"));
        System.out.printf("%s: %d routes, %d µs each way%n", READY, routes.size(), delay.toNanos() / 1_000);
        System.out.flush();
        stopped.await();
    }
}
