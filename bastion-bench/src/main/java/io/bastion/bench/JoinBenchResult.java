package io.bastion.bench;

/**
 * What a Join measurement found: {@code joins} dynamic clients joined at once (Hello to every
 * replica, 2f+1 challenges, an ordered Join), how many completed per second from the start until
 * the last one finished, and the latency of each from its Hello to its session.
 *
 * @param helloRate the replicas' Hello and Join limit per client connection during the measurement
 */
public record JoinBenchResult(String workload, int joins, int failures, double seconds, double joinsPerSecond,
                              double p50Millis, double p99Millis, double maxMillis, long helloRate) {}
