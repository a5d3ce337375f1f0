package io.bastion.net.channel;

import io.bastion.net.NetSettings;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The socket options every Bastion connection uses, in one place: TCP_NODELAY (frames are
 * latency-sensitive and already batched per event-loop turn), keep-alive, the write-buffer water
 * marks, and address reuse on listeners so a restarted replica gets its port back. Stateless.
 */
public final class Sockets {
    /** Pending connections the kernel queues for a listener before it accepts them. */
    public static final int ACCEPT_BACKLOG = 128;
    /** Longest wait in {@link #closeListener} for the listener's port to be free again. */
    public static final long LISTENER_CLOSE_TIMEOUT_MILLIS = 5_000;
    private static final long PORT_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Sockets() {}

    /** A bootstrap for outgoing connections registered on {@code loop}. */
    public static Bootstrap dialer(EventLoop loop, NetSettings settings, ChannelHandler initializer) {
        return new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, settings.connectTimeoutMillis()))
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(settings))
                .handler(initializer);
    }

    /** A bootstrap for a listener whose accepted connections run on {@code group}. */
    public static ServerBootstrap listener(EventLoopGroup group, NetSettings settings, ChannelHandler initializer) {
        return new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark(settings))
                .childHandler(initializer);
    }

    /** Binds {@code listener} to {@code address} and returns the server channel; fails loudly if it cannot. */
    public static Channel bind(ServerBootstrap listener, InetSocketAddress address, String what) {
        ChannelFuture bound = listener.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            IOException io = cause instanceof IOException e ? e : new IOException(cause);
            throw new UncheckedIOException("cannot listen for " + what + " on " + address + ": " + cause, io);
        }
        return bound.channel();
    }

    /**
     * Closes {@code listener} and waits (bounded) until its address can be bound again. Netty
     * reports a listener closed before the JDK has released its socket: a server socket registered
     * with a selector is only released when that selector next runs. Waiting here keeps the
     * promise that a closed component no longer holds its port. Must not run on an event loop.
     */
    public static void closeListener(Channel listener) {
        InetSocketAddress address = (InetSocketAddress) listener.localAddress();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LISTENER_CLOSE_TIMEOUT_MILLIS);
        listener.close().awaitUninterruptibly(LISTENER_CLOSE_TIMEOUT_MILLIS);
        while (address != null && !canBind(address) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(PORT_POLL_NANOS);
        }
    }

    /** Whether a socket can bind {@code address} now (bound, never listening, closed at once). */
    private static boolean canBind(InetSocketAddress address) {
        try (Socket probe = new Socket()) {
            probe.setReuseAddress(true);
            probe.bind(address);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static WriteBufferWaterMark waterMark(NetSettings settings) {
        return new WriteBufferWaterMark(settings.writeBufferHighBytes() / 2, settings.writeBufferHighBytes());
    }
}
