package io.bastion.bench;

import io.bastion.core.util.Check;

import java.util.List;

/**
 * One measured configuration: closed-loop clients sending null operations of a request size that
 * ask for a reply size.
 */
public record BenchConfig(int clients, int requestBytes, int replyBytes) {
    public BenchConfig {
        Check.argument(clients > 0, "clients must be positive");
        Check.argument(requestBytes >= 0 && replyBytes >= 0, "sizes must be >= 0");
    }

    /** Every combination, clients varying fastest. */
    public static List<BenchConfig> matrix(List<Integer> clients, List<int[]> sizes) {
        return sizes.stream().flatMap(size -> clients.stream().map(c -> new BenchConfig(c, size[0], size[1])))
                .toList();
    }

    public String label() {
        return clients + " clients, " + requestBytes + "/" + replyBytes + " B";
    }
}
