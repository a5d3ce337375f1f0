package io.bastion.net.testing;

import io.bastion.core.crypto.Signer;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.replica.ReplicaNetwork;
import io.netty.channel.EventLoopGroup;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Replica networks of one test cluster on one shared event-loop group, each with an {@link Inbox};
 * {@link #close} stops every node that is still running and then the group.
 */
public final class Mesh implements AutoCloseable {
    private final TestCluster cluster;
    private final NetSettings settings;
    private final EventLoopGroup group = EventLoops.newGroup(2, "test-mesh");
    private final ReplicaNetwork[] nodes;
    private final Inbox[] inboxes;
    private final List<AutoCloseable> extras = new ArrayList<>();

    public Mesh(TestCluster cluster, NetSettings settings) {
        this.cluster = cluster;
        this.settings = settings;
        this.nodes = new ReplicaNetwork[cluster.config().n()];
        this.inboxes = new Inbox[cluster.config().n()];
    }

    public ReplicaNetwork start(int id) {
        return start(id, cluster.signer(id));
    }

    /** Starts replica {@code id} signing with {@code signer} (an impostor's, if it is not the id's key). */
    public ReplicaNetwork start(int id, Signer signer) {
        inboxes[id] = new Inbox();
        nodes[id] = new ReplicaNetwork(cluster.config(), id, signer, HmacVerifier.INSTANCE, settings, group, inboxes[id])
                .start();
        return nodes[id];
    }

    public void startAll() {
        for (int id = 0; id < nodes.length; id++) {
            start(id);
        }
    }

    public void stop(int id) {
        nodes[id].close();
        nodes[id] = null;
    }

    public ReplicaNetwork node(int id) {
        return nodes[id];
    }

    public Inbox inbox(int id) {
        return inboxes[id];
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Closed along with the mesh (before the group shuts down). */
    public <T extends AutoCloseable> T track(T closeable) {
        extras.add(closeable);
        return closeable;
    }

    public void awaitConnected(int a, int b) {
        Await.until("replicas " + a + " and " + b + " are connected",
                () -> nodes[a].isConnected(b) && nodes[b].isConnected(a));
    }

    public void awaitFullyConnected() {
        for (int a = 0; a < nodes.length; a++) {
            for (int b = a + 1; b < nodes.length; b++) {
                awaitConnected(a, b);
            }
        }
    }

    @Override
    public void close() {
        List<AutoCloseable> reversed = new ArrayList<>(extras);
        Collections.reverse(reversed);
        for (AutoCloseable closeable : reversed) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + closeable + " failed", e);
            }
        }
        for (ReplicaNetwork node : nodes) {
            if (node != null) {
                node.close();
            }
        }
        EventLoops.shutdown(group);
    }
}
