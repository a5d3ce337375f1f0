package io.bastion.client;

import java.util.Set;

/**
 * A completed request: the result f+1 replicas signed, who agreed, who signed something else
 * (a faulty replica, worth an operator's attention), the view the replies came from, and how long
 * it took.
 */
public record Result(long requestNumber, byte[] value, Set<Integer> agreeing, Set<Integer> dissenting,
                     int view, long latencyNanos) {}
