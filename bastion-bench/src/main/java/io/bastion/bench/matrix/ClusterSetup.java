package io.bastion.bench.matrix;

import io.bastion.bench.LoadBenchmark;
import io.bastion.core.config.ProtocolSettings;

/**
 * What a cluster is started with: entries of a matrix that share it run on one cluster, one after
 * the other; any difference here needs a fresh cluster.
 */
public record ClusterSetup(ClientAuthentication authentication, Batching batching, MatrixService service) {
    /** E.g. {@code null signed batching-on}: the label of its results and the name of its run directory. */
    public String label() {
        return service.label() + " " + authentication.flag() + " batching-" + batching.flag();
    }

    /** The protocol settings of this cluster, from the run's. */
    public ProtocolSettings settings(ProtocolSettings base) {
        return batching.apply(base);
    }

    /** What its replicas run, over {@code transport}. */
    public LoadBenchmark.Workload workload(LoadBenchmark.Transport transport) {
        LoadBenchmark.Workload workload = service.workload(label(), authentication.replicaArguments(), transport);
        return new LoadBenchmark.Workload(workload.label(), workload.service(), workload.arguments(), workload.transport(),
                authentication.clientAuth()); // the label names the mode already
    }

    /** The run's options (port, warm-ups, JVMs, …) for this cluster, started at {@code basePort}. */
    public LoadBenchmark.Options options(LoadBenchmark.Options run, int basePort) {
        return new LoadBenchmark.Options(workload(run.workload().transport()), run.replicas(), run.firstWarmup(),
                run.warmup(), run.measure(), run.replicaJvmOptions(), run.replicaArguments(), run.mainClass(), basePort,
                settings(run.settings()), run.placement());
    }

    /** The name of its run directory. */
    public String directoryName() {
        return label().replace(' ', '-');
    }
}
