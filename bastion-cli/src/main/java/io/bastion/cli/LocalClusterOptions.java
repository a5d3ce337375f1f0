package io.bastion.cli;

import io.bastion.core.config.ProtocolSettings;
import picocli.CommandLine.Option;

import java.util.List;

/** The options of the commands that start a local cluster to measure it ({@code bench}, {@code wan}). */
final class LocalClusterOptions {
    @Option(names = "--replicas", defaultValue = "4", description = "Replicas (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--base-port", defaultValue = "7600", description = "First port of the cluster (default: ${DEFAULT-VALUE}).")
    int basePort;

    @Option(names = "--replica-jvm", split = " ", defaultValue = "-Xms512m -Xmx512m -XX:+UseSerialGC",
            description = "JVM options of each replica (default: ${DEFAULT-VALUE}).")
    List<String> replicaJvm;

    @Option(names = "--batch-max", description = "Protocol batchRequestsMax (default: the cluster file default).")
    Integer batchMax;

    @Option(names = "--in-flight", description = "Protocol inFlightBatchesMax: batches agreed on at once"
            + " (default: the cluster file default).")
    Integer inFlight;

    @Option(names = "--pipeline-min", description = "Protocol pipelineBatchMin: requests a batch needs to be"
            + " proposed while another is in flight or two await execution (default: the cluster file default).")
    Integer pipelineMin;

    /** {@code base} with the batching these options ask for. */
    ProtocolSettings batching(ProtocolSettings base) {
        ProtocolSettings.Builder settings = base.toBuilder();
        if (batchMax != null) {
            settings.batchRequestsMax(batchMax);
        }
        if (inFlight != null) {
            settings.inFlightBatchesMax(inFlight);
        }
        if (pipelineMin != null) {
            settings.pipelineBatchMin(pipelineMin);
        }
        return settings.build();
    }
}
