package io.bastion.net.connector;

import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.EchoEndpoint;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.Inbox.Received;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ClientConnectorTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS;
    private static final HmacSigner CLIENT_SIGNER = new HmacSigner(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-connector");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final TestCluster cluster = TestCluster.of(4);

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        EventLoops.shutdown(group);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private EchoEndpoint echo(int replica) {
        return track(new EchoEndpoint(replica, cluster.clientPort(replica), SETTINGS, group));
    }

    private ClientConnector connector(int replica, Inbox inbox) {
        InetSocketAddress address = new InetSocketAddress(TestCluster.HOST, cluster.clientPort(replica));
        return track(new ClientConnector(replica, address, SETTINGS, group, inbox).start());
    }

    private static Request nextRequest(EchoEndpoint endpoint) throws InterruptedException {
        Request request = endpoint.requests().poll(10, TimeUnit.SECONDS);
        assertThat(request).as("a request arrived").isNotNull();
        return request;
    }

    @Test
    void framesSentBeforeTheReplicaListensAreDeliveredInOrderOnceItDoes() throws InterruptedException {
        Inbox inbox = new Inbox();
        ClientConnector client = connector(0, inbox);
        for (int number = 1; number <= 3; number++) {
            client.send(Messages.request(7, number, CLIENT_SIGNER));
        }
        EchoEndpoint endpoint = echo(0);
        for (int number = 1; number <= 3; number++) {
            assertThat(nextRequest(endpoint).requestNumber()).isEqualTo(number);
        }
        assertThat(inbox.take(3)).allMatch(r -> r.from() == 0);
    }

    @Test
    void connectorReconnectsAfterTheReplicaRestarts() throws InterruptedException {
        EchoEndpoint endpoint = echo(0);
        Inbox inbox = new Inbox();
        ClientConnector client = connector(0, inbox);
        client.send(Messages.request(7, 1, CLIENT_SIGNER));
        assertThat(inbox.take().message().as(Reply.class).message().requestNumber()).isEqualTo(1);

        endpoint.close();
        Await.until("the connector noticed", () -> !client.isConnected());
        EchoEndpoint restarted = echo(0);
        Await.until("the connector is back", client::isConnected);
        client.send(Messages.request(7, 2, CLIENT_SIGNER));
        assertThat(nextRequest(restarted).requestNumber()).isEqualTo(2);
        assertThat(inbox.take().message().as(Reply.class).message().requestNumber()).isEqualTo(2);
    }

    @Test
    void clusterConnectorBroadcastsToEveryReplicaAndTagsRepliesWithTheReplica() throws InterruptedException {
        List<EchoEndpoint> endpoints = new ArrayList<>();
        for (int replica = 0; replica < 4; replica++) {
            endpoints.add(echo(replica));
        }
        Inbox inbox = new Inbox();
        ClusterConnector clients = track(new ClusterConnector(cluster.config(), SETTINGS, ClientSecurity.PLAINTEXT, group, inbox).start());
        clients.broadcast(Messages.request(7, 1, CLIENT_SIGNER));

        for (EchoEndpoint endpoint : endpoints) {
            assertThat(nextRequest(endpoint).clientId()).isEqualTo(7);
        }
        Set<Integer> repliedBy = new HashSet<>();
        for (Received r : inbox.take(4)) {
            assertThat(r.message().as(Reply.class).message().replicaId()).isEqualTo(r.from());
            repliedBy.add(r.from());
        }
        assertThat(repliedBy).containsExactlyInAnyOrder(0, 1, 2, 3);
        Await.until("every replica is connected", () -> clients.connectedCount() == 4);

        clients.send(2, Messages.request(7, 2, CLIENT_SIGNER));
        assertThat(nextRequest(endpoints.get(2)).requestNumber()).isEqualTo(2);
        assertThat(inbox.take().from()).isEqualTo(2);
    }
}
