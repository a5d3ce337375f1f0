package io.bastion.net.channel;

import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.TestCluster;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class RedialerTest {
    private final EventLoopGroup group = EventLoops.newGroup(1, "test-redialer");

    @AfterEach
    void tearDown() {
        EventLoops.shutdown(group);
    }

    /**
     * Dialing a local port nobody listens on can make TCP connect the socket to itself (when the
     * source port happens to equal the destination). Such a connection must not be kept: it
     * would echo our own frames back and hold the port the remote wants to listen on.
     */
    @Test
    void aConnectionToItselfIsClosed() {
        int port = Ports.free();
        InetSocketAddress address = new InetSocketAddress(TestCluster.HOST, port);
        List<Channel> connected = new CopyOnWriteArrayList<>();
        EventLoop loop = group.next();
        Bootstrap bootstrap = Sockets.dialer(loop, NetSettings.DEFAULTS, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                connected.add(ctx.channel());
                ctx.fireChannelActive();
            }
        }).option(ChannelOption.SO_REUSEADDR, true).localAddress(address);
        Redialer redialer = new Redialer(bootstrap, loop, address, new Backoff(1, 5, new SplittableRandom(1)), 5);
        try {
            redialer.start();
            Await.until("the socket connected to itself", () -> !connected.isEmpty());
            Channel self = connected.get(0);
            assertThat(self.localAddress()).isEqualTo(self.remoteAddress());
            Await.until("the self-connection is closed", () -> !self.isOpen());
        } finally {
            redialer.close();
        }
    }
}
