package io.bastion.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.bench.wan.RelayProcess;
import io.bastion.bench.wan.WanLayout;
import io.bastion.bench.wan.WanNetwork;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.server.local.LocalCluster;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The e-voting page across a wide-area network made on this machine: four replicas, each in a
 * network namespace of its own and known only by a name (r0.bastion.test …), a relay that gives
 * every two hosts a 20 ms round trip, and a voter in a fifth namespace whose headless Chromium
 * opens https://r0.bastion.test, enrolls with the demo code and casts an encrypted ballot
 * ({@code bastion-js/e2e/wan-browser.js}): once with every replica up, once more with one replica cut
 * off (its interface down), after which the closed election must show both ballots once the
 * remaining replicas have decrypted the tally. Skipped, with the reason, only where no network can be made
 * (not root, no ip command); where it can, node, Chromium and bastion-js's playwright-core
 * ({@code npm ci}) must be there, or it fails saying which is missing.
 */
class WanBrowserTest {
    static final Duration ROUND_TRIP = Duration.ofMillis(20);
    /** Longest one browser run may take: waiting for the replicas, then a vote (and a tally). */
    static final Duration BROWSER_RUN_MAX = Duration.ofSeconds(180);
    static final int CUT_OFF = 3;

    @TempDir
    Path directory;

    @Test
    void aVoterInAnotherNamespaceVotesOverHttpsByNameAndStillDoesWithAReplicaCutOff() throws Exception {
        String unavailable = WanNetwork.unavailableReason();
        Assumptions.assumeTrue(unavailable == null, () -> "the WAN browser test " + unavailable);
        Path js = Path.of("..", "bastion-js").toAbsolutePath().normalize();
        requireBrowser(js);
        WanLayout layout = WanLayout.ofThisProcess(4);
        try (WanNetwork network = WanNetwork.create(layout, System.out)) {
            ClusterGenerator.Generated generated = ClusterGenerator.generate(directory, 4, 0, 7000, layout::hostName,
                    new SecureRandom());
            try (RelayProcess relay = RelayProcess.start(layout, generated.config(), ROUND_TRIP.dividedBy(2),
                         directory.resolve("relay.log"));
                 LocalCluster cluster = new LocalCluster(generated.config(), generated.clusterFile(), directory,
                         LocalCluster.Launcher.current(Bastion.class.getName(), TestProcesses.REPLICA_JVM)
                                 .withPrefix(id -> WanLayout.inNamespace(layout.replicaNamespace(id))),
                         List.of("--service", "evoting", "--web-root", js.toString()))) {
                cluster.startAll();
                String url = "https://" + layout.hostName(0) + ":" + generated.config().replica(0).webPort() + "/";
                vote(layout, js, cluster, Map.of("url", url, "name", "wan-healthy", "voter", "alice",
                        "option", "Lisbon", "awaitAll", true));
                network.partition(CUT_OFF);
                Map<String, Object> tally = new LinkedHashMap<>();
                tally.put("Lisbon", 1);
                tally.put("Kraków", 0);
                tally.put("Tallinn", 1);
                String cutOff = layout.hostName(CUT_OFF) + ":" + generated.config().replica(CUT_OFF).webPort();
                vote(layout, js, cluster, Map.of("url", url, "name", "wan-r" + CUT_OFF + "-cut-off", "voter", "bob",
                        "option", "Tallinn", "results", tally, "awaitAll", false,
                        "unreachable", List.of(cutOff)));
                assertThat(cluster.exitedOnTheirOwn()).as("replicas that exited").isEmpty();
            }
        }
    }

    /** Runs the browser in the client namespace; fails with its output and the replicas' state unless it passed. */
    private void vote(WanLayout layout, Path js, LocalCluster cluster, Map<String, Object> step) throws Exception {
        Map<String, Object> run = new LinkedHashMap<>(step);
        Map<String, String> hosts = new LinkedHashMap<>();
        for (int id = 0; id < layout.replicas(); id++) {
            hosts.put(layout.hostName(id), layout.relayAddress(id));
        }
        run.put("hosts", hosts);
        run.put("clusterDir", directory.toString());
        run.put("shots", js.resolve("target").resolve("e2e-wan").toString());
        List<String> command = new ArrayList<>(WanLayout.inNamespace(layout.clientNamespace()));
        command.addAll(List.of("node", js.resolve("e2e").resolve("wan-browser.js").toString(),
                new ObjectMapper().writeValueAsString(run)));
        Path output = directory.resolve(run.get("name") + ".log");
        Process browser = new ProcessBuilder(command).directory(js.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        boolean ended = browser.waitFor(BROWSER_RUN_MAX.toSeconds(), TimeUnit.SECONDS);
        if (!ended) {
            browser.destroyForcibly().waitFor();
        }
        if (!ended || browser.exitValue() != 0) {
            StringBuilder replicas = new StringBuilder();
            for (int id = 0; id < layout.replicas(); id++) {
                replicas.append('\n').append(cluster.exitReport(id, 15));
            }
            fail("the browser run " + run.get("name") + (ended ? " failed" : " did not end within "
                    + BROWSER_RUN_MAX.toSeconds() + " s") + ":\n" + Files.readString(output, StandardCharsets.UTF_8)
                    + "\nreplicas:" + replicas);
        }
        System.out.println(Files.readString(output, StandardCharsets.UTF_8));
    }

    /** Where the network can be made, the browser side must be there too: says what is missing. */
    private static void requireBrowser(Path js) throws IOException {
        Path chromium = Path.of(System.getenv().getOrDefault("BASTION_CHROMIUM", "/usr/bin/chromium"));
        List<String> missing = new ArrayList<>();
        if (!onPath("node")) {
            missing.add("node (Node.js 20 or newer) on the PATH");
        }
        if (!Files.isExecutable(chromium)) {
            missing.add("Chromium at " + chromium + " (apt-get install chromium, or set BASTION_CHROMIUM)");
        }
        if (!Files.isDirectory(js.resolve("node_modules").resolve("playwright-core"))) {
            missing.add("playwright-core in " + js.resolve("node_modules") + " (cd bastion-js && npm ci)");
        }
        if (!missing.isEmpty()) {
            fail("the WAN browser test runs as root with ip here, so it must run; it needs " + String.join(", ", missing));
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
