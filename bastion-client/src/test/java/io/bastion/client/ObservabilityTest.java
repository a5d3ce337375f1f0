package io.bastion.client;

import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.tls.TlsContexts;
import io.bastion.server.ReplicaTls;
import io.bastion.core.service.CounterService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.ReplicaNode;
import io.bastion.server.observe.TraceEvent;
import io.bastion.server.observe.TraceFilter;
import io.bastion.server.observe.TraceMerge;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A real cluster with traces and metrics on: what an operator reads matches what happened. */
class ObservabilityTest {
    @TempDir
    Path directory;

    @Test
    void tracesLineUpAcrossReplicasAndMetricsCountWhatWasExecuted() throws Exception {
        var generated = ClusterGenerator.generate(directory, 4, 1, Ports.base(12), new SecureRandom());
        int metricsBase = Ports.base(4);
        List<ReplicaNode> nodes = new ArrayList<>();
        try {
            for (int id = 0; id < 4; id++) {
                var options = ReplicaNode.Options.defaults(ReplicaStorage.none());
                options = new ReplicaNode.Options(null, options.net(), options.runtime(), options.storage(),
                        directory.resolve("trace-" + id + ".jsonl"), metricsBase + id)
                        .withTls(ReplicaTls.keygenFiles(directory, id));
                nodes.add(ReplicaNode.start(generated.config(), id,
                        KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(id)), new CounterService(), options));
            }
            try (ClientGroup group = new ClientGroup(generated.config());
                 BastionClient client = group.connect(1, KeyFiles.readPrivateKey(generated.clientKeyFiles().get(1L)))) {
                for (int i = 0; i < 20; i++) {
                    client.invoke(CounterService.add(1));
                }
            }
            // the metrics port speaks HTTPS with the web certificate from the cluster CA
            HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.trusting(List.of(CertificateFiles.readChain(
                    directory.resolve(ClusterGenerator.CA_CERTIFICATE_FILE_NAME)).get(0)))).build();
            Await.until("replica 2 reports 20 executed requests and its 3 peers", Duration.ofSeconds(10), () -> {
                String text = scrape(http, metricsBase + 2);
                return text.contains("bastion_requests_executed_total 20.0\n") && text.contains("bastion_peers_connected 3.0\n");
            });
            String text = scrape(http, metricsBase + 2);
            assertThat(text).contains("# TYPE bastion_request_latency_seconds histogram")
                    .contains("bastion_request_latency_seconds_count").contains("bastion_view 0").contains("bastion_peers_connected 3.0\n")
                    .contains("bastion_inbound_bytes{source=\"r0\"}").contains("bastion_inbound_bytes{source=\"clients\"}")
                    .contains("bastion_executor_unordered_depth 0").contains("bastion_verifications_saved_total")
                    .contains("bastion_dropped_messages_total{reason=\"executor_backlog\"} 0")
                    .contains("bastion_dropped_messages_total{reason=\"inbound_bytes\"} 0")
                    .contains("bastion_rejected_messages_total{reason=\"join_too_few_challenges\"} 0")
                    .contains("bastion_rejected_frames_total{reason=\"idle_timeout\"}");
        } finally {
            nodes.forEach(ReplicaNode::close); // flushes the traces
        }
        List<Path> traces = new ArrayList<>();
        for (int id = 0; id < 4; id++) {
            traces.add(directory.resolve("trace-" + id + ".jsonl"));
            assertThat(Files.size(traces.get(id))).isPositive();
        }
        var timeline = TraceMerge.merge(traces, TraceFilter.ALL.withTypes(List.of("PRE_PREPARE")), problems -> { });
        List<TraceEvent> prePrepares = timeline.events();
        // the primary broadcasts each pre-prepare once, and the three backups receive it
        long sent = prePrepares.stream().filter(e -> e.direction().equals(TraceEvent.OUT)
                && e.peer().equals(TraceEvent.ALL) && e.replica() == 0).count();
        long received = prePrepares.stream().filter(e -> e.direction().equals(TraceEvent.IN)).count();
        assertThat(sent).isBetween(1L, 20L);
        assertThat(received).isGreaterThanOrEqualTo(3 * sent);
        for (int i = 1; i < prePrepares.size(); i++) {
            assertThat(prePrepares.get(i).timeMicros()).isGreaterThanOrEqualTo(prePrepares.get(i - 1).timeMicros());
        }
    }

    private static String scrape(HttpClient http, int port) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }
}
