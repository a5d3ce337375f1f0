package io.bastion.bench.wan;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.server.local.LocalCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The {@link DelayRelay} of a WAN network, in a JVM of its own inside the wan namespace: for each
 * replica and each of its ports it listens at the relay address standing for the replica and
 * relays to the replica's own address. Started by this process and stopped by PID. Its output goes
 * to a log file.
 */
public final class RelayProcess implements AutoCloseable {
    /** Longest wait for the relay's JVM to start and listen. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** Longest wait for the relay to end after SIGTERM before it is killed. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    static final List<String> JVM_OPTIONS = List.of("-Xms64m", "-Xmx256m", "-XX:+UseSerialGC");

    private final Process process;
    private final Path log;

    private RelayProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts the relay for {@code config}'s replicas with {@code oneWayDelay} each way (half the
     * round-trip time between two hosts) and returns once it listens.
     */
    public static RelayProcess start(WanLayout layout, ClusterConfig config, Duration oneWayDelay, Path log)
            throws IOException, InterruptedException {
        List<String> arguments = new ArrayList<>(List.of("--delay-micros", Long.toString(oneWayDelay.toNanos() / 1_000)));
        for (DelayRelay.Route route : routes(layout, config)) {
            arguments.add(route.format());
        }
        List<String> command = LocalCluster.Launcher.current(DelayRelay.class.getName(), JVM_OPTIONS)
                .withPrefix(id -> WanLayout.inNamespace(layout.wanNamespace())).command(0, arguments);
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        RelayProcess relay = new RelayProcess(process, log);
        CountDownLatch ready = new CountDownLatch(1);
        Thread.ofVirtual().name("relay-log").start(() -> copyOutput(process, log, ready));
        boolean listening = ready.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) && process.isAlive();
        if (!listening) {
            relay.close();
            throw new IOException("the relay did not start within " + START_TIMEOUT.toSeconds() + " s; its log "
                    + log + ":\n" + (Files.exists(log) ? Files.readString(log) : "(none)"));
        }
        return relay;
    }

    /** Every port of every replica, from the relay address standing for it to its own address. */
    static List<DelayRelay.Route> routes(WanLayout layout, ClusterConfig config) {
        List<DelayRelay.Route> routes = new ArrayList<>();
        for (ReplicaInfo replica : config.replicas()) {
            for (int port : new int[] {replica.replicaPort(), replica.clientPort(), replica.webPort()}) {
                if (port != 0) {
                    routes.add(new DelayRelay.Route(
                            new InetSocketAddress(layout.relayAddress(replica.id()), port),
                            new InetSocketAddress(layout.replicaAddress(replica.id()), port)));
                }
            }
        }
        return routes;
    }

    private static void copyOutput(Process process, Path log, CountDownLatch ready) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter file = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.println(line);
                if (line.startsWith(DelayRelay.READY)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the relay ended; its exit shows in isAlive
        } finally {
            ready.countDown();
        }
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    /** Stops the relay (SIGTERM, then SIGKILL after five seconds) and waits until it is gone. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
