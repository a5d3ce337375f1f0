package io.bastion.server.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Finds a run of consecutive free ports on 127.0.0.1 for a test cluster. */
public final class FreePorts {
    private static final SplittableRandom RANDOM = new SplittableRandom(System.nanoTime());

    private FreePorts() {}

    /** Ports are chosen below this, out of Linux's default ephemeral range (32768–60999): an outgoing connection can take a port there between the probe and the replica's bind. */
    private static final int BELOW = 32_000;

    /** The first of {@code count} consecutive ports that were all free a moment ago. */
    public static synchronized int base(int count) {
        for (int attempt = 0; attempt < 200; attempt++) {
            int base = 10_000 + RANDOM.nextInt(BELOW - 10_000 - count);
            if (allFree(base, count)) {
                return base;
            }
        }
        throw new IllegalStateException("no " + count + " consecutive free ports found");
    }

    private static boolean allFree(int base, int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int p = base; p < base + count; p++) {
                ServerSocket s = new ServerSocket();
                held.add(s);
                s.bind(new InetSocketAddress("127.0.0.1", p));
            }
            return true;
        } catch (IOException busy) {
            return false;
        } finally {
            for (ServerSocket s : held) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }
}
