package io.bastion.bench.wan;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * A {@link WanLayout} made real with iproute2: the namespaces, a veth pair from each replica and
 * client namespace to the bridge in the wan namespace, the addresses, and each namespace's
 * {@code /etc/netns/<namespace>/hosts} (which {@code ip netns exec} shows its programs as
 * {@code /etc/hosts}). Nothing is added to the machine's own network namespace: its interfaces,
 * routes and {@code /etc/hosts} stay as they were. {@link #close()} stops every process still
 * running in the namespaces (by PID), deletes the namespaces (their interfaces and bridge go with
 * them) and the hosts files; a JVM shutdown hook does the same on Ctrl-C, and {@link #create}
 * first removes what a run that was killed outright left behind. Needs root. Thread-safe.
 */
public final class WanNetwork implements AutoCloseable {
    /** Where {@code ip netns exec} looks for a namespace's own configuration files. */
    static final Path NETNS_ETC = Path.of("/etc/netns");
    /** Longest wait for the processes in a namespace to end after SIGTERM before they are killed. */
    static final long STOP_TIMEOUT_MILLIS = 5_000;
    /** The nftables table holding the loss rules (in the wan namespace only). */
    static final String LOSS_TABLE = "bastion_wan_loss";
    /** Loss is drawn per packet from this many equally likely values. */
    static final int LOSS_RESOLUTION = 1_000_000;

    private final WanLayout layout;
    private final boolean owner;
    private final PrintStream log;
    private Thread shutdownHook;
    /** Whether {@link #NETNS_ETC} was made for this network (then it goes when empty). */
    private boolean madeNetnsEtc;
    private boolean closed;

    private WanNetwork(WanLayout layout, boolean owner, PrintStream log) {
        this.layout = layout;
        this.owner = owner;
        this.log = log;
    }

    /** Why this process cannot make a WAN network ({@code null}: it can). */
    public static String unavailableReason() {
        long uid;
        try {
            uid = ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
        } catch (IOException | UnsupportedOperationException e) {
            return "needs Linux (network namespaces); cannot tell this process's user: " + e.getMessage();
        }
        return unavailableReason(uid, SystemCommand.onPath("ip"));
    }

    static String unavailableReason(long uid, boolean ipOnPath) {
        if (uid != 0) {
            return "needs root: it creates network namespaces, veth pairs and a bridge (this process runs as uid "
                    + uid + ")";
        }
        if (!ipOnPath) {
            return "needs the ip command (iproute2) on the PATH";
        }
        return null;
    }

    /** Creates the namespaces, links, addresses and hosts files of {@code layout}; this process owns them. */
    public static WanNetwork create(WanLayout layout, PrintStream log) throws IOException, InterruptedException {
        String unavailable = unavailableReason();
        if (unavailable != null) {
            throw new IllegalStateException("a WAN network " + unavailable);
        }
        removeLeftovers(log);
        WanNetwork network = new WanNetwork(layout, true, log);
        network.madeNetnsEtc = !Files.exists(NETNS_ETC);
        network.shutdownHook = new Thread(network::close, "bastion-wan-teardown");
        Runtime.getRuntime().addShutdownHook(network.shutdownHook);
        try {
            network.build();
        } catch (IOException | InterruptedException | RuntimeException e) {
            network.close();
            throw e;
        }
        log.printf("network namespaces %s-{r0..r%d,client,wan}: replicas at %s.., the relay standing for them at %s..,"
                + " the client at %s%n", layout.name(), layout.replicas() - 1, layout.replicaAddress(0),
                layout.relayAddress(0), layout.clientAddress());
        return network;
    }

    /** The network of {@code layout} that another process created and will remove: {@link #close()} leaves it. */
    public static WanNetwork existing(WanLayout layout, PrintStream log) {
        return new WanNetwork(layout, false, log);
    }

    public WanLayout layout() {
        return layout;
    }

    private void build() throws IOException, InterruptedException {
        String wan = layout.wanNamespace();
        writeHosts(wan, "127.0.0.1 localhost\n");
        ip("netns", "add", wan);
        ip("-n", wan, "link", "set", "lo", "up");
        ip("-n", wan, "link", "add", WanLayout.BRIDGE, "type", "bridge");
        ip("-n", wan, "link", "set", WanLayout.BRIDGE, "up");
        for (int id = 0; id < layout.replicas(); id++) {
            ip("-n", wan, "addr", "add", layout.relayAddress(id) + "/" + WanLayout.PREFIX_LENGTH, "dev", WanLayout.BRIDGE);
        }
        for (int id = 0; id < layout.replicas(); id++) {
            addLeaf(layout.replicaNamespace(id), layout.replicaAddress(id), layout.hostsOfReplica(id));
        }
        addLeaf(layout.clientNamespace(), layout.clientAddress(), layout.hostsOfClients());
    }

    /** A namespace with one veth pair to the bridge; its hosts file exists before anything runs in it. */
    private void addLeaf(String namespace, String address, String hosts) throws IOException, InterruptedException {
        String wan = layout.wanNamespace();
        String port = layout.bridgePort(namespace);
        writeHosts(namespace, hosts);
        ip("netns", "add", namespace);
        ip("-n", namespace, "link", "set", "lo", "up");
        ip("-n", wan, "link", "add", port, "type", "veth", "peer", "name", WanLayout.LEAF_INTERFACE, "netns", namespace);
        ip("-n", wan, "link", "set", port, "master", WanLayout.BRIDGE);
        ip("-n", wan, "link", "set", port, "up");
        ip("-n", namespace, "addr", "add", address + "/" + WanLayout.PREFIX_LENGTH, "dev", WanLayout.LEAF_INTERFACE);
        ip("-n", namespace, "link", "set", WanLayout.LEAF_INTERFACE, "up");
    }

    /**
     * Drops packets at random where they enter or leave the wan namespace (the relay's side of
     * every connection), each with probability q = 1 - sqrt(1 - p), so that bytes going from one
     * host to another (two crossings: into the relay, out of it) meet a loss of {@code percent}
     * p. Needs the nft command (nftables); replaces an earlier setting.
     */
    public void setLoss(double percent) throws IOException, InterruptedException {
        if (percent < 0 || percent >= 100) {
            throw new IllegalArgumentException("loss must be in [0, 100) %, got " + percent);
        }
        if (!SystemCommand.onPath("nft")) {
            throw new IllegalStateException("packet loss needs the nft command (nftables, e.g. apt-get install"
                    + " nftables); this kernel's netfilter applies it");
        }
        long threshold = Math.round((1 - Math.sqrt(1 - percent / 100)) * LOSS_RESOLUTION);
        String rule = "numgen random mod " + LOSS_RESOLUTION + " < " + threshold + " drop";
        String rules = "table inet " + LOSS_TABLE + "\n"
                + "delete table inet " + LOSS_TABLE + "\n"
                + "table inet " + LOSS_TABLE + " {\n"
                + "  chain input { type filter hook input priority 0; policy accept; " + rule + "; }\n"
                + "  chain output { type filter hook output priority 0; policy accept; " + rule + "; }\n"
                + "}\n";
        List<String> command = new ArrayList<>(WanLayout.inNamespace(layout.wanNamespace()));
        command.addAll(List.of("nft", "-f", "-"));
        SystemCommand.run(command, rules);
        log.printf(Locale.ROOT, "loss %.2f %% between hosts: each packet into or out of the relay dropped with"
                + " probability %.4f %%%n", percent, 100.0 * threshold / LOSS_RESOLUTION);
    }

    /** Cuts replica {@code id} off: its interface goes down, so nothing reaches it or leaves it. */
    public void partition(int id) throws IOException, InterruptedException {
        ip("-n", layout.replicaNamespace(id), "link", "set", WanLayout.LEAF_INTERFACE, "down");
    }

    /** Undoes {@link #partition}. */
    public void heal(int id) throws IOException, InterruptedException {
        ip("-n", layout.replicaNamespace(id), "link", "set", WanLayout.LEAF_INTERFACE, "up");
    }

    /**
     * If this process created the network: stops what still runs in it, deletes its namespaces
     * and hosts files. Says on the log what it could not remove, and never throws.
     */
    @Override
    public synchronized void close() {
        if (!owner || closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // running in the hook itself
        }
        for (String problem : remove(layout.namespaces())) {
            log.println("bastion wan: could not remove " + problem);
        }
        if (madeNetnsEtc) {
            try (var left = Files.list(NETNS_ETC)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(NETNS_ETC);
                }
            } catch (IOException e) {
                log.println("bastion wan: could not remove " + NETNS_ETC + ": " + e);
            }
        }
    }

    /** Stops the processes in {@code namespaces} and deletes them and their hosts files; what failed. */
    private static List<String> remove(List<String> namespaces) {
        List<String> problems = new ArrayList<>();
        List<ProcessHandle> running = new ArrayList<>();
        List<String> existing = existingNamespaces(problems);
        for (String namespace : namespaces) {
            if (existing.contains(namespace)) {
                running.addAll(processesIn(namespace, problems));
            }
        }
        stop(running);
        for (String namespace : namespaces) {
            if (existing.contains(namespace)) {
                try {
                    ip("netns", "del", namespace);
                } catch (IOException | InterruptedException e) {
                    problems.add(namespace + ": " + e.getMessage());
                }
            }
            Path etc = NETNS_ETC.resolve(namespace);
            try {
                Files.deleteIfExists(etc.resolve("hosts"));
                Files.deleteIfExists(etc);
            } catch (IOException e) {
                problems.add(etc + ": " + e);
            }
        }
        return problems;
    }

    /**
     * Removes the namespaces and hosts files of runs that ended without removing them (killed
     * outright): those named for a process that no longer runs, or for this one (a PID reused).
     */
    static void removeLeftovers(PrintStream log) throws IOException, InterruptedException {
        List<String> candidates = new ArrayList<>(existingNamespaces(new ArrayList<>()));
        if (Files.isDirectory(NETNS_ETC)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(NETNS_ETC)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!candidates.contains(name)) {
                        candidates.add(name);
                    }
                }
            }
        }
        List<String> leftovers = new ArrayList<>();
        for (String namespace : candidates) {
            OptionalLong owner = WanLayout.ownerOf(namespace);
            if (owner.isPresent() && (owner.getAsLong() == ProcessHandle.current().pid()
                    || !ProcessHandle.of(owner.getAsLong()).map(ProcessHandle::isAlive).orElse(false))) {
                leftovers.add(namespace);
            }
        }
        if (!leftovers.isEmpty()) {
            log.println("removing what an earlier run left behind: " + leftovers);
            for (String problem : remove(leftovers)) {
                log.println("bastion wan: could not remove " + problem);
            }
        }
    }

    private static List<String> existingNamespaces(List<String> problems) {
        List<String> names = new ArrayList<>();
        try {
            for (String line : ip("netns", "list").split("\n")) {
                if (!line.isBlank()) {
                    names.add(line.strip().split("\\s+")[0]); // "name (id: 3)"
                }
            }
        } catch (IOException | InterruptedException e) {
            problems.add("the list of namespaces: " + e.getMessage());
        }
        return names;
    }

    private static List<ProcessHandle> processesIn(String namespace, List<String> problems) {
        List<ProcessHandle> processes = new ArrayList<>();
        try {
            for (String pid : ip("netns", "pids", namespace).split("\\s+")) {
                if (!pid.isBlank() && Long.parseLong(pid) != ProcessHandle.current().pid()) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(processes::add);
                }
            }
        } catch (IOException | InterruptedException | NumberFormatException e) {
            problems.add("the processes in " + namespace + ": " + e.getMessage());
        }
        return processes;
    }

    /** SIGTERM to each, then SIGKILL to those still running after {@link #STOP_TIMEOUT_MILLIS}. */
    private static void stop(List<ProcessHandle> processes) {
        processes.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(STOP_TIMEOUT_MILLIS);
        for (ProcessHandle process : processes) {
            try {
                process.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                process.destroyForcibly();
            }
        }
    }

    private static void writeHosts(String namespace, String hosts) throws IOException {
        Path directory = Files.createDirectories(NETNS_ETC.resolve(namespace));
        Files.writeString(directory.resolve("hosts"), hosts);
    }

    private static String ip(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(arguments));
        return SystemCommand.run(command);
    }
}
