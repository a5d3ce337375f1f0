package io.bastion.client;

import java.util.Set;

/**
 * A completed request: the result f+1 replicas signed, who agreed, and who signed something else
 * (a faulty replica, worth an operator's attention).
 */
public record Result(long requestNumber, byte[] value, Set<Integer> agreeing, Set<Integer> dissenting,
                     long latencyNanos) {}
