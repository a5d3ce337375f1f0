package io.bastion.server.observe;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.replica.ReplicaStats;
import io.bastion.core.service.KeyValueService;
import io.bastion.crypto.KeyFiles;
import io.bastion.net.NetSettings;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.testing.Ports;
import io.bastion.net.web.WebError;
import io.bastion.net.web.WebSocketProbe;
import io.bastion.server.ReplicaNode;
import io.bastion.server.ReplicaTls;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A replica node's metrics port as its runtime wires it: one replica of a four-replica cluster
 * (its web port and metrics port need none of the others), both ports in plaintext. A web client
 * sends it messages it must refuse; the scrape counts them by reason, next to every standard metric.
 */
class ReplicaNodeMetricsTest {
    @TempDir
    Path directory;

    @Test
    void aScrapeHasEveryStandardMetricAndCountsTheWebMessagesRefused() throws Exception {
        ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, 4, 0, Ports.base(12),
                new SecureRandom());
        ClusterConfig config = generated.config();
        int metricsPort = Ports.free();
        ReplicaNode.Options options = new ReplicaNode.Options(null, NetSettings.DEFAULTS,
                ReplicaRuntime.Settings.defaults(), ReplicaStorage.none(), null, metricsPort)
                .withTls(ReplicaTls.keygenFiles(directory, 0)
                        .withPlaintext(EnumSet.of(ReplicaTls.Port.WEB, ReplicaTls.Port.METRICS)));
        try (ReplicaNode node = ReplicaNode.start(config, 0, KeyFiles.readPrivateKey(generated.replicaKeyFiles().get(0)),
                new KeyValueService(), options);
             HttpClient http = HttpClient.newBuilder().connectTimeout(WebSocketProbe.BOUND).build();
             WebSocketProbe socket = WebSocketProbe.open(http, URI.create("ws://" + config.replica(0).host() + ":"
                     + config.replica(0).webPort() + "/ws"))) {
            assertThat(node.metricsPort()).isEqualTo(metricsPort);
            socket.send("not json");
            socket.next("error");
            socket.send("{\"type\":\"bogus\"}");
            socket.next("error");
            socket.send("also not json");
            socket.next("error");

            var families = ExpositionParser.parse(scrape(http, config.replica(0).host(), metricsPort));
            assertThat(families.keySet()).containsAll(StandardMetricsTest.standardNames());
            Map<String, Double> refused = new HashMap<>();
            for (ExpositionParser.Sample s : families.get(StandardMetrics.WEB_REJECTED_MESSAGES).samples()) {
                refused.put(s.labels().get(StandardMetrics.REASON), s.value());
            }
            assertThat(refused).hasSize(WebError.values().length)
                    .containsEntry(WebError.NOT_JSON.name().toLowerCase(Locale.ROOT), 2.0)
                    .containsEntry("unknown_type", 1.0).containsEntry("binary_message", 0.0);
            assertThat(families.get(StandardMetrics.WEB_ERROR_ANSWERS_DROPPED).samples().get(0).value()).isZero();
            assertThat(families.get(StandardMetrics.CORE_EVENTS).samples()).as("every core counter, zeros included")
                    .extracting(sample -> sample.labels().get(StandardMetrics.EVENT))
                    .containsExactlyInAnyOrderElementsOf(Arrays.stream(ReplicaStats.Counter.values())
                            .map(counter -> counter.name().toLowerCase(Locale.ROOT)).toList());
        }
    }

    private static String scrape(HttpClient http, String host, int port) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port
                + MetricsServer.PATH)).timeout(WebSocketProbe.BOUND).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
