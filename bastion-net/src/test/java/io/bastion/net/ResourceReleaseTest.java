package io.bastion.net;

import io.bastion.net.tls.ClientSecurity;
import io.bastion.net.connector.ClusterConnector;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.replica.ReplicaNetwork;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.HmacVerifier;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Components that own their event loops give back every thread and port when closed. */
class ResourceReleaseTest {
    private static List<String> bastionThreads() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith(EventLoops.THREAD_NAME_PREFIX)
                    && !thread.getName().startsWith(EventLoops.THREAD_NAME_PREFIX + "test")) {
                names.add(thread.getName());
            }
        }
        return names;
    }

    @Test
    void ownedEventLoopsEndAndPortsAreFreeAfterClose() throws Exception {
        TestCluster cluster = TestCluster.of(4);
        NetSettings settings = NetSettings.DEFAULTS;
        List<AutoCloseable> components = new ArrayList<>();
        try {
            for (int id = 0; id < 4; id++) {
                components.add(new ReplicaNetwork(cluster.config(), id, cluster.signer(id), HmacVerifier.INSTANCE,
                        settings, new Inbox()).start());
                InetSocketAddress clientAddress = new InetSocketAddress(TestCluster.HOST, cluster.clientPort(id));
                components.add(new ClientEndpoint(clientAddress, settings, (connection, message) -> { }).start());
            }
            ClusterConnector clients = new ClusterConnector(cluster.config(), settings, ClientSecurity.PLAINTEXT, new Inbox()).start();
            components.add(clients);
            ReplicaNetwork first = (ReplicaNetwork) components.get(0);
            Await.until("the mesh and the clients are connected",
                    () -> first.isConnected(3) && clients.connectedCount() == 4);
            assertThat(bastionThreads()).isNotEmpty();
        } finally {
            for (AutoCloseable component : components) {
                component.close();
            }
        }
        Await.until("every owned event-loop thread has ended", () -> bastionThreads().isEmpty());
        for (int id = 0; id < 4; id++) {
            assertThat(Ports.isFree(cluster.replicaPort(id))).as("replica port of %d", id).isTrue();
            assertThat(Ports.isFree(cluster.clientPort(id))).as("client port of %d", id).isTrue();
        }
    }

    /**
     * The JDK frees a listening socket registered with a selector only when that selector next
     * runs, after Netty reports the close; close() must still return with the port free.
     */
    @Test
    void onASharedGroupThePortIsFreeAsSoonAsCloseReturns() {
        TestCluster cluster = TestCluster.of(1);
        EventLoopGroup group = EventLoops.newGroup(1, "test-release");
        try {
            for (int round = 0; round < 30; round++) {
                InetSocketAddress address = new InetSocketAddress(TestCluster.HOST, cluster.clientPort(0));
                ClientEndpoint endpoint = new ClientEndpoint(address, NetSettings.DEFAULTS, group, (c, m) -> { }).start();
                try (RawConnection client = RawConnection.open(cluster.clientPort(0))) {
                    Await.until("the client is accepted", () -> endpoint.connectionCount() == 1);
                    endpoint.close();
                    assertThat(Ports.isFree(cluster.clientPort(0))).as("client port after close, round %d", round).isTrue();
                }
                ReplicaNetwork network = new ReplicaNetwork(cluster.config(), 0, cluster.signer(0),
                        HmacVerifier.INSTANCE, NetSettings.DEFAULTS, group, new Inbox()).start();
                network.close();
                assertThat(Ports.isFree(cluster.replicaPort(0))).as("replica port after close, round %d", round).isTrue();
            }
        } finally {
            EventLoops.shutdown(group);
        }
    }

    @Test
    void aPortInUseFailsStartAndReleasesTheOwnedThreads() throws Exception {
        int port = Ports.free();
        InetSocketAddress address = new InetSocketAddress(TestCluster.HOST, port);
        try (ClientEndpoint holder = new ClientEndpoint(address, NetSettings.DEFAULTS, (c, m) -> { }).start()) {
            ClientEndpoint second = new ClientEndpoint(address, NetSettings.DEFAULTS, (c, m) -> { });
            assertThatThrownBy(second::start).hasMessageContaining("cannot listen");
            assertThat(holder.localAddress().getPort()).isEqualTo(port);
        }
        Await.until("every owned event-loop thread has ended", () -> bastionThreads().isEmpty());
    }
}
