package io.bastion.bench.wan;

import io.bastion.bench.ReplicaPlacement;
import io.bastion.core.config.ClusterConfig;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A benchmark's replicas in the namespaces of a WAN network: replica i is listed as
 * {@code r<i>.bastion.test}, runs under {@code ip netns exec} in its own namespace, is checked at
 * its own address, and is reached by everyone else through the relay, which {@link #prepare}
 * starts with the cluster's ports and {@link #close} stops.
 */
final class WanPlacement implements ReplicaPlacement, AutoCloseable {
    private final WanLayout layout;
    private final Duration oneWayDelay;
    private final Path relayLog;
    private RelayProcess relay;

    WanPlacement(WanLayout layout, Duration oneWayDelay, Path relayLog) {
        this.layout = layout;
        this.oneWayDelay = oneWayDelay;
        this.relayLog = relayLog;
    }

    @Override
    public String host(int id) {
        return layout.hostName(id);
    }

    @Override
    public List<String> launchPrefix(int id) {
        return WanLayout.inNamespace(layout.replicaNamespace(id));
    }

    @Override
    public String probeHost(int id) {
        return layout.replicaAddress(id); // the relay accepts before the replica listens
    }

    @Override
    public void prepare(ClusterConfig config) throws IOException {
        try {
            relay = RelayProcess.start(layout, config, oneWayDelay, relayLog);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the relay started");
        }
    }

    @Override
    public void close() {
        if (relay != null) {
            relay.close();
        }
    }
}
