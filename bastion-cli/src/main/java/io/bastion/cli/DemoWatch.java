package io.bastion.cli;

import io.bastion.core.quorum.Quorums;
import io.bastion.server.local.LocalCluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Watches the demo's replica processes and tells the user what their exits and restarts mean for
 * the cluster: with at most f down, voting carries on; with more, ordering (so voting, signing in
 * and every write) has stopped, because it needs a certificate quorum (2f+1) of replicas, and the
 * user is told which to restart. Lines typed on standard input restart replicas:
 * {@code restart} (every stopped one) or {@code restart ID}, unless reading it would stop the demo
 * ({@link #standardInputReadable}). The messages are pure functions
 * ({@link #afterExit}, {@link #afterRestart}); {@link #run} is the loop.
 */
final class DemoWatch {
    /** How often the processes are looked at. */
    static final long POLL_MILLIS = 500;

    private final LocalCluster cluster;
    private final Quorums quorums;
    private final PrintStream out;
    private volatile boolean typing;

    DemoWatch(LocalCluster cluster, Quorums quorums, PrintStream out) {
        this.cluster = cluster;
        this.quorums = quorums;
        this.out = out;
    }

    /** How to start stopped replicas again when standard input cannot be read (the demo runs in the background). */
    static final String RESTART_BY_RERUNNING = "stop the demo (Ctrl-C, or kill its pid) and run it again: it reuses"
            + " the replicas' data";

    /**
     * What to say when replica {@code id} has exited with {@code exitCode}, leaving {@code down}
     * stopped; {@code typing}: whether "restart" typed here is read.
     */
    static String afterExit(Quorums quorums, int id, int exitCode, List<Integer> down, boolean typing) {
        int n = quorums.n();
        int running = n - down.size();
        int needed = quorums.certificate();
        String exited = "replica " + id + " exited (code " + exitCode + "). ";
        if (running >= needed) {
            int spare = running - needed;
            return exited + running + " of " + n + " replicas run and ordering needs " + needed + " (2f+1, f = "
                    + quorums.f() + "), so voting carries on" + (spare == 0 ? ", with no spare: one more failure stops it"
                    : "") + ". " + (typing ? "Type \"restart " + id + "\" and Enter to start it again."
                    : "To start it again, " + RESTART_BY_RERUNNING + ".");
        }
        return exited + "VOTING HAS STOPPED: only " + running + " of " + n + " replicas run, and ordering a request"
                + " (a vote, a sign-in) needs " + needed + " of them (2f+1, f = " + quorums.f() + "), so no request"
                + " can be ordered. Nothing is lost: requests wait. Restart " + (needed - running) + " of replicas "
                + down + ": " + (typing ? "type \"restart\" (all of them) or \"restart " + down.get(0) + "\" and Enter."
                : RESTART_BY_RERUNNING + ".");
    }

    /** What to say when replica {@code id} runs again, with {@code down} still stopped. */
    static String afterRestart(Quorums quorums, int id, long pid, List<Integer> down) {
        int n = quorums.n();
        int running = n - down.size();
        int needed = quorums.certificate();
        String back = "replica " + id + " runs again (pid " + pid + "); it recovers from its data directory and catches up"
                + " (with the directory gone, it fetches the state and a new threshold share from its peers). ";
        if (running >= needed) {
            return back + running + " of " + n + " replicas run: voting goes on (ordering needs " + needed + ").";
        }
        return back + "Still only " + running + " of " + n + " run; voting resumes once " + (needed - running)
                + " more of replicas " + down + " are back.";
    }

    /**
     * Reports exits and restarts until interrupted; reads restart commands from {@code in} (on its
     * own thread) when {@code typing}.
     */
    void run(InputStream in, boolean typing) throws InterruptedException {
        this.typing = typing;
        Thread commands = typing
                ? Thread.ofPlatform().daemon().name("bastion-demo-commands").start(() -> readCommands(in)) : null;
        try {
            boolean[] alive = new boolean[quorums.n()];
            for (int id = 0; id < alive.length; id++) {
                alive[id] = cluster.isAlive(id);
            }
            while (true) {
                List<Integer> exitedOnTheirOwn = cluster.exitedOnTheirOwn();
                for (int id = 0; id < alive.length; id++) {
                    boolean now = cluster.isAlive(id);
                    if (!now && !exitedOnTheirOwn.contains(id)) {
                        continue; // stopped by the demo itself: it is shutting down
                    }
                    if (now != alive[id]) {
                        alive[id] = now;
                        out.println(now ? afterRestart(quorums, id, cluster.process(id).pid(), down(alive))
                                : afterExit(quorums, id, cluster.process(id).exitValue(), down(alive), typing));
                    }
                }
                Thread.sleep(POLL_MILLIS);
            }
        } finally {
            if (commands != null) {
                commands.interrupt();
            }
        }
    }

    /**
     * Whether reading standard input is safe: a pipe or a file always is; a terminal only when
     * this process is in its foreground process group, since a background job that reads its
     * terminal is stopped (SIGTTIN), the whole demo with it. Linux's /proc says; elsewhere, only
     * when there is a console.
     */
    static boolean standardInputReadable() {
        try {
            String input = Files.readSymbolicLink(Path.of("/proc/self/fd/0")).toString();
            if (!input.startsWith("/dev/pts/") && !input.startsWith("/dev/tty")) {
                return !input.equals("/dev/null");
            }
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // after "pid (name) ": state ppid pgrp session tty_nr tpgid ...
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return fields[2].equals(fields[5]);
        } catch (IOException | RuntimeException notLinux) {
            return System.console() != null;
        }
    }

    private static List<Integer> down(boolean[] alive) {
        List<Integer> down = new ArrayList<>();
        for (int id = 0; id < alive.length; id++) {
            if (!alive[id]) {
                down.add(id);
            }
        }
        return down;
    }

    private void readCommands(InputStream in) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                command(line.strip());
            }
        } catch (IOException e) {
            // standard input closed: no more commands
        }
    }

    private void command(String line) {
        if (line.isEmpty()) {
            return;
        }
        String[] words = line.split("\\s+");
        if (!words[0].equals("restart") || words.length > 2) {
            out.println("commands: \"restart\" starts every stopped replica, \"restart ID\" one; Ctrl-C stops the demo");
            return;
        }
        List<Integer> which = new ArrayList<>();
        if (words.length == 1) {
            for (int id = 0; id < quorums.n(); id++) {
                if (!cluster.isAlive(id)) {
                    which.add(id);
                }
            }
            if (which.isEmpty()) {
                out.println("every replica is running");
            }
        } else {
            try {
                which.add(Integer.parseInt(words[1]));
            } catch (NumberFormatException e) {
                out.println("restart ID: ID is a replica id, 0.." + (quorums.n() - 1));
                return;
            }
        }
        for (int id : which) {
            restart(id);
        }
    }

    private void restart(int id) {
        if (id < 0 || id >= quorums.n()) {
            out.println("no replica " + id + ": the ids are 0.." + (quorums.n() - 1));
        } else if (cluster.isAlive(id)) {
            out.println("replica " + id + " is running (pid " + cluster.process(id).pid() + ")");
        } else {
            try {
                out.println("starting replica " + id + " (log " + cluster.logOf(id) + ") ...");
                cluster.start(id);
            } catch (IOException | IllegalStateException e) {
                out.println("cannot start replica " + id + ": " + e.getMessage());
            }
        }
    }
}
