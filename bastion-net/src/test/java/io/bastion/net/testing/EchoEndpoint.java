package io.bastion.net.testing;

import io.bastion.core.message.Request;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.ClientEndpoint;
import io.netty.channel.EventLoopGroup;

import java.net.InetSocketAddress;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A client endpoint that behaves like a replica runtime in miniature: every request binds its
 * client id to the connection it came on and is answered with a reply from {@code replicaId}
 * carrying the request number.
 */
public final class EchoEndpoint implements AutoCloseable {
    private final int replicaId;
    private final ClientEndpoint endpoint;
    private final BlockingQueue<Request> requests = new LinkedBlockingQueue<>();

    public EchoEndpoint(int replicaId, int port, NetSettings settings, EventLoopGroup group) {
        this(replicaId, port, settings, io.bastion.net.tls.ChannelSecurity.PLAINTEXT, group);
    }

    public EchoEndpoint(int replicaId, int port, NetSettings settings, io.bastion.net.tls.ChannelSecurity security,
                        EventLoopGroup group) {
        this.replicaId = replicaId;
        this.endpoint = new ClientEndpoint(new InetSocketAddress(TestCluster.HOST, port), settings, security, group,
                io.bastion.net.endpoint.ClientLimits.DEFAULTS, this::onMessage).start();
    }

    private void onMessage(ClientConnection connection, io.bastion.core.message.Envelope<?> message) {
        if (message.message() instanceof Request request) {
            requests.add(request);
            endpoint.bind(request.clientId(), request.requestNumber(), connection);
            endpoint.sendToClient(request.clientId(),
                    Messages.reply(replicaId, request.clientId(), request.requestNumber(), new byte[] {7}));
        }
    }

    public ClientEndpoint endpoint() {
        return endpoint;
    }

    public BlockingQueue<Request> requests() {
        return requests;
    }

    @Override
    public void close() {
        endpoint.close();
    }
}
