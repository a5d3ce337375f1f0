package io.bastion.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The processes a test started under its own directory, found by PID and killed after it. */
final class TestProcesses {
    private TestProcesses() {}

    /**
     * JVM options of the replicas the tests start. C1 only: a test's replica lives for seconds,
     * in which C2 compiling costs more CPU than its faster code saves; on two cores that made the
     * process tests about a third slower.
     */
    static final List<String> REPLICA_JVM = List.of("-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");

    /** {@link #REPLICA_JVM} as the {@code --replica-jvm} option of {@code bastion bench}. */
    static final String REPLICA_JVM_OPTION = "--replica-jvm=" + String.join(" ", REPLICA_JVM);

    /** Kills, by PID, every descendant of this JVM with an argument under {@code directory}. */
    static void killUnder(Path directory) {
        ProcessHandle.current().descendants().filter(p -> startedUnder(p, directory))
                .forEach(ProcessHandle::destroyForcibly);
    }

    static boolean startedUnder(ProcessHandle process, Path directory) {
        return arguments(process).map(args -> Arrays.stream(args)
                .anyMatch(a -> a.startsWith(directory.toString()))).orElse(false);
    }

    /**
     * A process's arguments. The JDK reports none for a command line longer than a page (4 KiB on
     * Linux), which a replica JVM started with the test class path has; /proc has them all.
     */
    static Optional<String[]> arguments(ProcessHandle process) {
        Optional<String[]> reported = process.info().arguments();
        if (reported.isPresent()) {
            return reported;
        }
        try {
            String[] all = Files.readString(Path.of("/proc", Long.toString(process.pid()), "cmdline"),
                    StandardCharsets.UTF_8).split("\0");
            return all.length < 2 ? Optional.empty() : Optional.of(Arrays.copyOfRange(all, 1, all.length));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
