package io.bastion.cli;

import io.bastion.core.config.ClusterConfig;
import io.bastion.net.config.ClusterGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What {@code bastion demo} does with its directory: make a new cluster there, reuse the one an
 * earlier run made (keys, cluster file and replicated data, so elections and votes survive a
 * restart of the demo), or, with {@code --fresh}, remove it first. Options that describe the
 * cluster ({@code --replicas}, {@code --base-port}) apply to a new cluster only: given with a
 * different value for an existing one, the demo refuses and says how to start afresh rather than
 * ignore them; so does another {@code --service}, whose replicas could not read the data there. {@link #plan} decides (pure); {@link #wipe} removes.
 */
final class DemoDirectory {
    /** Ports a keygen cluster gives each replica before the metrics port: replica, client, web. */
    static final int CLUSTER_PORTS_PER_REPLICA = 3;
    /** The file in the directory naming the service whose data the replicas hold. */
    static final String SERVICE_FILE_NAME = "service";

    enum Action { CREATE, REUSE, WIPE_AND_CREATE }

    /** The decision, and what to tell the user (never empty). */
    record Plan(Action action, String message) {}

    /** Thrown when the options contradict the existing cluster; its message says what to do. */
    static final class Refused extends IllegalStateException {
        Refused(String message) {
            super(message);
        }
    }

    private DemoDirectory() {}

    /**
     * @param existing          the cluster already in {@code directory}, or {@code null} when there is none
     * @param requestedReplicas {@code --replicas}, or {@code null} when not given
     * @param requestedBasePort {@code --base-port}, or {@code null} when not given
     * @param existingService   the service whose data the directory holds, or {@code null} when unknown
     */
    static Plan plan(Path directory, ClusterConfig existing, Integer requestedReplicas, Integer requestedBasePort,
                     String existingService, String requestedService, boolean fresh) {
        if (existing == null) {
            return new Plan(Action.CREATE, "creating a new demo cluster in " + directory);
        }
        if (fresh) {
            return new Plan(Action.WIPE_AND_CREATE, "--fresh: removing " + directory + " (the keys, cluster file,"
                    + " replicated data and logs of earlier runs) and creating a new demo cluster there");
        }
        int basePort = existing.replica(0).replicaPort();
        if (requestedReplicas != null && requestedReplicas != existing.n()) {
            throw new Refused(directory + " holds a demo cluster of " + existing.n() + " replicas from an earlier run;"
                    + " --replicas " + requestedReplicas + " needs a new one: add --fresh (removes " + directory
                    + " and its data) or give another --dir");
        }
        if (requestedBasePort != null && requestedBasePort != basePort) {
            throw new Refused(directory + " holds a demo cluster on ports from " + basePort + " from an earlier run;"
                    + " --base-port " + requestedBasePort + " needs a new one: add --fresh (removes " + directory
                    + " and its data) or give another --dir");
        }
        if (existingService != null && !existingService.equals(requestedService)) {
            throw new Refused(directory + " holds the data of the " + existingService + " service from an earlier run;"
                    + " --service " + requestedService + " needs a new cluster: give another --dir (e.g. --dir demo-"
                    + requestedService + "), or add --fresh (removes " + directory + " and its data)");
        }
        return new Plan(Action.REUSE, "reusing " + directory + " from an earlier run: " + existing.n()
                + " replicas on ports from " + basePort + ", with their keys and data (what was written is still"
                + " there). To start afresh: ./bastion demo --fresh");
    }

    /** The service whose data {@code directory} holds, as an earlier demo recorded it, or {@code null}. */
    static String recordedService(Path directory) throws IOException {
        Path file = directory.resolve(SERVICE_FILE_NAME);
        return Files.isRegularFile(file) ? Files.readString(file).strip() : null;
    }

    /** Records that the replicas of {@code directory} hold the data of {@code service}. */
    static void recordService(Path directory, String service) throws IOException {
        Files.writeString(directory.resolve(SERVICE_FILE_NAME), service + "\n");
    }

    /** The first metrics port of a keygen cluster of {@code n} replicas from {@code basePort}: after its other ports. */
    static int metricsBase(int basePort, int n) {
        return basePort + CLUSTER_PORTS_PER_REPLICA * n;
    }

    /**
     * Removes {@code directory} and everything in it, refusing one that does not look like a
     * demo's (it must hold a cluster file, or be empty), so a mistyped {@code --dir} cannot cost
     * anything else.
     */
    static void wipe(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        boolean empty;
        try (Stream<Path> entries = Files.list(directory)) {
            empty = entries.findAny().isEmpty();
        }
        if (!empty && !Files.isRegularFile(directory.resolve(ClusterGenerator.CLUSTER_FILE_NAME))) {
            throw new Refused(directory + " does not look like a demo directory (it has no "
                    + ClusterGenerator.CLUSTER_FILE_NAME + "); --fresh removes only those: remove it yourself, or"
                    + " give another --dir");
        }
        List<Path> all;
        try (Stream<Path> walk = Files.walk(directory)) {
            all = walk.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path path : all) {
            Files.delete(path);
        }
    }
}
