package io.bastion.server.local;

import io.bastion.core.config.ClusterConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Replica processes on this machine, one JVM each, started from the same class path as this one:
 * what {@code bastion demo}, {@code bastion bench} and the process-level tests use. Each replica
 * logs to {@code <dir>/replica-<id>.log}. {@link #close()} kills every process it started (by
 * PID, never by name). Thread-safe.
 */
public final class LocalCluster implements AutoCloseable {
    /**
     * How a replica process is started: the java binary, class path, main class and JVM options,
     * under a command prefix per replica (none by default; e.g. {@code ip netns exec NAME} runs
     * replica i in its own network namespace; the prefix must exec the JVM, so that the process
     * started is the replica's and killing it by PID kills the replica).
     */
    public record Launcher(String javaBinary, String classPath, String mainClass, List<String> jvmOptions,
                           IntFunction<List<String>> prefix) {
        /**
         * Lets code on the class path call restricted methods: the SQLite driver loads its native
         * library with {@code System.load}, which JDK 24 and later otherwise answer with a warning
         * in every replica's log. Accepted by every JDK from 21.
         */
        public static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";

        public Launcher(String javaBinary, String classPath, String mainClass, List<String> jvmOptions) {
            this(javaBinary, classPath, mainClass, jvmOptions, id -> List.of());
        }

        /** The JVM running this code, with its own class path, native access enabled, and {@code jvmOptions}. */
        public static Launcher current(String mainClass, List<String> jvmOptions) {
            String java = ProcessHandle.current().info().command()
                    .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            List<String> options = new ArrayList<>(List.of(ENABLE_NATIVE_ACCESS));
            options.addAll(jvmOptions);
            return new Launcher(java, System.getProperty("java.class.path"), mainClass, List.copyOf(options));
        }

        /** This launcher with replica {@code id}'s command started under {@code prefix.apply(id)}. */
        public Launcher withPrefix(IntFunction<List<String>> prefix) {
            return new Launcher(javaBinary, classPath, mainClass, jvmOptions, prefix);
        }

        /** The whole command of process {@code id}: its prefix, java, JVM options, class path, main class, {@code arguments}. */
        public List<String> command(int id, List<String> arguments) {
            List<String> command = new ArrayList<>(prefix.apply(id));
            command.add(javaBinary);
            command.addAll(jvmOptions);
            command.add("-cp");
            command.add(classPath);
            command.add(mainClass);
            command.addAll(arguments);
            return command;
        }
    }

    private final ClusterConfig config;
    private final Path clusterFile;
    private final Path directory;
    private final Launcher launcher;
    private final java.util.function.IntFunction<List<String>> replicaArguments;
    private final Process[] processes;
    /** Replicas this cluster stopped itself ({@link #kill}, {@link #close}): their exit is no failure. */
    private final boolean[] stoppedHere;

    /**
     * @param replicaArguments extra arguments for every {@code replica} command (e.g. the service)
     */
    public LocalCluster(ClusterConfig config, Path clusterFile, Path directory, Launcher launcher,
                        List<String> replicaArguments) {
        this(config, clusterFile, directory, launcher, id -> replicaArguments);
    }

    /** As above, with arguments that depend on the replica (e.g. its metrics port or trace file). */
    public LocalCluster(ClusterConfig config, Path clusterFile, Path directory, Launcher launcher,
                        java.util.function.IntFunction<List<String>> replicaArguments) {
        this.config = config;
        this.clusterFile = clusterFile;
        this.directory = directory;
        this.launcher = launcher;
        this.replicaArguments = replicaArguments;
        this.processes = new Process[config.n()];
        this.stoppedHere = new boolean[config.n()];
    }

    /** Starts every replica; returns this cluster. */
    public LocalCluster startAll() throws IOException {
        for (int id = 0; id < config.n(); id++) {
            start(id);
        }
        return this;
    }

    /** Starts (or restarts) replica {@code id}; its log is appended to. */
    public synchronized Process start(int id) throws IOException {
        if (processes[id] != null && processes[id].isAlive()) {
            throw new IllegalStateException("replica " + id + " is already running (pid " + processes[id].pid() + ")");
        }
        List<String> arguments = new ArrayList<>(List.of("replica", "--config", clusterFile.toString(),
                "--id", Integer.toString(id), "--key", clusterFile.resolveSibling("replica-" + id + ".key").toString(),
                "--data", directory.resolve("data-" + id).toString()));
        arguments.addAll(replicaArguments.apply(id));
        List<String> command = launcher.command(id, arguments);
        Files.createDirectories(directory);
        Path log = logOf(id);
        processes[id] = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        stoppedHere[id] = false;
        return processes[id];
    }

    /** Kills replica {@code id} at once, like a power cut (SIGKILL), and waits until it is gone. */
    public synchronized void kill(int id) throws InterruptedException {
        Process p = processes[id];
        if (p != null) {
            stoppedHere[id] = true;
            p.destroyForcibly();
            p.waitFor();
        }
    }

    public synchronized Process process(int id) {
        return processes[id];
    }

    public synchronized boolean isAlive(int id) {
        return processes[id] != null && processes[id].isAlive();
    }

    /**
     * Replicas that were started and have exited on their own (crashed, ran out of memory, were
     * killed from outside), not by {@link #kill} or {@link #close}, in id order.
     */
    public synchronized List<Integer> exitedOnTheirOwn() {
        List<Integer> exited = new ArrayList<>();
        for (int id = 0; id < processes.length; id++) {
            if (exitedOnItsOwn(id)) {
                exited.add(id);
            }
        }
        return exited;
    }

    private synchronized boolean exitedOnItsOwn(int id) {
        return processes[id] != null && !processes[id].isAlive() && !stoppedHere[id];
    }

    /** How replica {@code id} ended: its exit code and the last {@code lines} lines of its log. */
    public synchronized String exitReport(int id, int lines) {
        Process p = processes[id];
        Path log = logOf(id);
        String how = p == null ? "was never started" : p.isAlive() ? "is running (pid " + p.pid() + ")"
                : "exited with code " + p.exitValue();
        return "replica " + id + " " + how + "; the end of " + log + ":\n" + tail(log, lines);
    }

    /** The file replica {@code id} logs to. */
    public Path logOf(int id) {
        return directory.resolve("replica-" + id + ".log");
    }

    /**
     * Waits until every running replica accepts connections on its client port and, if it has one,
     * its web port (a replica opens that last, so a page address printed after this works). A
     * replica that was started and has exited on its own, even before this looked, is an
     * {@link IOException} with its exit code and the end of its log; one never started or stopped
     * by {@link #kill} is left out.
     */
    public void awaitReady(Duration bound) throws IOException, InterruptedException {
        awaitReady(bound, id -> config.replica(id).host());
    }

    /**
     * As {@link #awaitReady(Duration)}, connecting to replica i at {@code probeHost.apply(i)}
     * instead of its host in the cluster file (e.g. its own address when the name leads through a
     * relay, which accepts before the replica listens).
     */
    public void awaitReady(Duration bound, IntFunction<String> probeHost) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        for (int id = 0; id < config.n(); id++) {
            if (exitedOnItsOwn(id)) { // before it was probed: e.g. a JVM option it refused
                throw new IOException(exitReport(id, 20));
            }
            if (isAlive(id)) {
                String host = probeHost.apply(id);
                awaitPort(id, host, config.replica(id).clientPort(), deadline);
                if (config.replica(id).webPort() != 0) {
                    awaitPort(id, host, config.replica(id).webPort(), deadline);
                }
            }
        }
    }

    private void awaitPort(int id, String host, int port, long deadlineNanos) throws IOException, InterruptedException {
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), 200);
                return;
            } catch (IOException notYet) {
                if (!isAlive(id)) {
                    throw new IOException(exitReport(id, 20));
                }
                if (System.nanoTime() > deadlineNanos) {
                    throw new IOException("replica " + id + " does not listen on " + host + ":"
                            + port + "; see " + logOf(id));
                }
                Thread.sleep(50);
            }
        }
    }

    /** The last {@code lines} lines of {@code file}, or why they cannot be read. */
    static String tail(Path file, int lines) {
        try {
            List<String> all = Files.readAllLines(file);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(cannot read it: " + e.getMessage() + ")";
        }
    }

    public ClusterConfig config() {
        return config;
    }

    public Path directory() {
        return directory;
    }

    /**
     * Stops every process this cluster started: SIGTERM first (replicas shut down cleanly and
     * profilers write their recordings), SIGKILL for any still running after five seconds.
     */
    @Override
    public synchronized void close() {
        java.util.Arrays.fill(stoppedHere, true);
        for (Process p : processes) {
            if (p != null) {
                p.destroy();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        for (Process p : processes) {
            if (p == null) {
                continue;
            }
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    p.destroyForcibly();
                    p.waitFor();
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
