package io.bastion.net.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free loopback ports for configs that must name their ports before anything listens. They are
 * taken below the kernel's ephemeral range: a port from that range (what binding port 0 gives)
 * can be handed out again as the source port of some outgoing connection before the test binds it.
 * No port is handed out twice in one JVM, so the ports of one cluster (and of different tests)
 * never collide even though none is held between the check and the bind. Thread-safe.
 */
public final class Ports {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 1_000;
    private static final int LINUX_EPHEMERAL_LOW = 32_768;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private Ports() {}

    public static int free() {
        int ephemeralLow = ephemeralLow();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralLow);
            if (isFree(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = anyEphemeral();
            if (HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port found");
    }

    /**
     * The first of {@code count} consecutive ports that were all free a moment ago (for a test
     * cluster whose file numbers its ports from a base), none of them handed out before.
     */
    public static synchronized int base(int count) {
        int ephemeralLow = ephemeralLow();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralLow - count);
            boolean all = true;
            for (int p = base; p < base + count && all; p++) {
                all = !HANDED_OUT.contains(p) && isFree(p);
            }
            if (all) {
                for (int p = base; p < base + count; p++) {
                    HANDED_OUT.add(p);
                }
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }

    /** The lowest ephemeral port; Linux's default when the range cannot be read or looks wrong. */
    private static int ephemeralLow() {
        try {
            // readAllLines, not readString: some kernels report a wrong size for /proc files
            int low = Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
            return low > LOWEST ? low : LINUX_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return LINUX_EPHEMERAL_LOW;
        }
    }

    private static int anyEphemeral() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Whether a listener could bind {@code port} on loopback right now (with address reuse, as
     * Bastion's listeners do, so connections lingering in TIME_WAIT do not count).
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return socket.isBound();
        } catch (IOException e) {
            return false;
        }
    }
}
