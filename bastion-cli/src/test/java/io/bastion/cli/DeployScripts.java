package io.bastion.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the operator's scripts in {@code deploy/} with bash, as an operator would, bounded in time. */
final class DeployScripts {
    private static final Duration BOUND = Duration.ofSeconds(60);

    /** How a script ended: its exit status and what it wrote to stdout and stderr, interleaved. */
    record Result(int exit, String output) {
        /** The last line of the output: where backup.sh says it wrote the backup. */
        String lastLine() {
            String[] lines = output.strip().split("\n");
            return lines[lines.length - 1];
        }
    }

    private DeployScripts() {}

    /** The repository's deploy/ directory (tests run in their module's directory). */
    static Path directory() {
        Path deploy = Path.of("").toAbsolutePath().getParent().resolve("deploy");
        if (!Files.isDirectory(deploy)) {
            throw new IllegalStateException("no deploy/ directory at " + deploy);
        }
        return deploy;
    }

    /** Runs deploy/{@code script} with {@code arguments}; its output goes to a file in {@code scratch}. */
    static Result run(Path scratch, String script, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", directory().resolve(script).toString()));
        command.addAll(Arrays.asList(arguments));
        Path output = Files.createTempFile(scratch, script, ".out");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(BOUND.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError(script + " did not finish within " + BOUND + ": " + Files.readString(output));
            }
        } finally {
            process.destroyForcibly(); // by its handle, that is its PID; nothing once it has exited
        }
        return new Result(process.exitValue(), Files.readString(output));
    }
}
