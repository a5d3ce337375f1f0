package io.bastion.threshold;

/**
 * A service that uses the cluster's threshold cryptography. {@code bastion replica --sql-service
 * CLASS} runs an {@code SqlService} that implements this inside a {@link ThresholdSqlService}
 * (clients may not order threshold operations themselves: {@link ThresholdAccess#SERVICE_ONLY}),
 * hands it the {@link Threshold} before the first request, and runs the replica's agent.
 */
public interface UsesThreshold {
    /** Called once, before the service executes anything. */
    void useThreshold(Threshold threshold);
}
