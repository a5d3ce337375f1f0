package io.bastion.cli;

import io.bastion.server.local.LocalCluster;
import io.bastion.net.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class CommandLineTest {
    @TempDir
    Path directory;

    @Test
    void thresholdFlagsRefuseWhatTheyDoNotKnowWithAReason() {
        Run sim = run("sim", "--seeds", "1", "--threshold", "--threshold-fault", "sabotage");
        assertThat(sim.code()).isNotZero();
        assertThat(sim.err()).contains("--threshold-fault sabotage: choose withhold, bad_dealing, false_complaint or bad_shares");
        Run without = run("sim", "--seeds", "1", "--threshold-fault", "withhold");
        assertThat(without.err()).contains("--threshold-fault needs --threshold");
        Run missing = run("threshold", "--config", "/nonexistent/cluster.toml", "--id", "1", "key", "k");
        assertThat(missing.code()).isNotZero();
        assertThat(missing.err()).contains("cluster.toml");
    }

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setOut(new PrintWriter(out));
        line.setErr(new PrintWriter(err));
        int code = line.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : List.of("demo", "keygen", "replica", "client", "status", "bench", "sim", "enrollment-key",
                "evoting")) {
            Run help = run(command, "--help");
            assertThat(help.code()).as(command).isZero();
            assertThat(help.out()).as(command).contains("Usage: bastion " + command);
        }
    }

    @Test
    void evotingExportAndVerifySayWhatTheyDoAndVerifyNamesAMissingFile() {
        Run evoting = run("evoting");
        assertThat(evoting.out()).contains("export", "verify");
        Run export = run("evoting", "export", "--help");
        assertThat(export.code()).isZero();
        assertThat(export.out()).contains("Usage: bastion evoting export", "--election", "--voter", "--credential");
        Run verify = run("evoting", "verify", "--help");
        assertThat(verify.out()).contains("Usage: bastion evoting verify", "RECORD",
                "Exit status: 0 the record verifies, 1 a check failed, 2 the file cannot be read");
        Run missing = run("evoting", "verify", "/nonexistent/election-1.json");
        assertThat(missing.code()).isEqualTo(EvotingCommand.Verify.UNREADABLE);
        assertThat(missing.err()).isEqualTo("bastion evoting verify: /nonexistent/election-1.json: no such file"
                + System.lineSeparator());
    }

    @Test
    void clientHelpShowsWhatTheDemoServicesAcceptAndWhatJoinWants() {
        Run help = run("client", "--help");
        assertThat(help.out()).contains("e-voting (bastion demo)").contains("{\"op\":\"listElections\"}")
                .contains("--voter alice --credential alice.key --enroll ALIC-DEMO-DEMO-DEMO-DEMO")
                .contains("\"choices\":[\"Lisbon\"]")
                .contains("key-value (bastion demo --service kv").contains("put <key> <value>")
                .doesNotContain("for the demo services, any name").doesNotContain("secret");
    }

    @Test
    void enrollmentKeyPrintsACodeAndTheKeyOnlyItDerives() throws Exception {
        Path out = directory.resolve("admin.enrollment-key");
        Run made = run("enrollment-key", "--voter", "admin", "--code", "admn demo demo demo demo", "--out", out.toString());
        assertThat(made.code()).as(made.err()).isZero();
        String key = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                io.bastion.evoting.DemoData.ADMIN.enrollmentKey().bytes());
        assertThat(made.out()).contains("enrollment code ADMN-DEMO-DEMO-DEMO-DEMO").contains("enrollment key  " + key)
                .contains("\"enrollmentKey\":\"" + key + "\"");
        assertThat(Files.readString(out)).isEqualTo(key + "\n");
        Run fresh = run("enrollment-key", "--voter", "erin");
        assertThat(fresh.out()).containsPattern("enrollment code [A-Z2-7]{4}(-[A-Z2-7]{4}){4} ");
        Run bad = run("enrollment-key", "--voter", "erin", "--code", "0000");
        assertThat(bad.code()).isNotZero();
        assertThat(bad.err()).contains("20 characters A-Z and 2-7");
    }

    @Test
    void aVoterNeedsACredentialFileAndEnrollsToMakeOne() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        String file = directory.resolve("cluster.toml").toString();
        Run without = run("client", "--config", file, "--voter", "alice", "{}");
        assertThat(without.code()).isEqualTo(1);
        assertThat(without.err()).contains("--voter ID goes with --credential FILE");
        Run missing = run("client", "--config", file, "--voter", "alice", "--credential",
                directory.resolve("alice.key").toString(), "{}");
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("does not exist: enroll first with --enroll CODE");
        Run both = run("client", "--config", file, "--voter", "alice", "--id", "1", "{}");
        assertThat(both.err()).contains("give one of --id");
    }

    @Test
    void theDemoRefusesOptionsItCannotApplyToAnEarlierCluster() throws Exception {
        Path demo = directory.resolve("demo");
        assertThat(run("keygen", "--dir", demo.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Run more = run("demo", "--dir", demo.toString(), "--replicas", "7");
        assertThat(more.code()).isEqualTo(1);
        assertThat(more.err()).contains("holds a demo cluster of 4 replicas").contains("add --fresh")
                .doesNotContain("at io.bastion");
        Files.writeString(demo.resolve(DemoDirectory.SERVICE_FILE_NAME), "evoting\n");
        Run kv = run("demo", "--dir", demo.toString(), "--service", "kv");
        assertThat(kv.code()).isEqualTo(1);
        assertThat(kv.err()).contains("holds the data of the evoting service").contains("--dir demo-kv");
        assertThat(demo.resolve("cluster.toml")).as("nothing was removed").exists();
    }

    @Test
    void statusWithoutAUsableClusterFileSaysWhyAndExitsWith2() throws Exception {
        Run missing = run("status", "--config", directory.resolve("absent.toml").toString());
        assertThat(missing.code()).isEqualTo(StatusCommand.CANNOT_CHECK);
        assertThat(missing.err()).contains("absent.toml: no such file").doesNotContain("at io.bastion");

        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        Run noPorts = run("status", "--config", file.toString());
        assertThat(noPorts.code()).isEqualTo(StatusCommand.CANNOT_CHECK);
        assertThat(noPorts.err()).contains("gives no metricsPort for replicas [0, 1, 2, 3]").contains("--metrics-port");
        Run wrongCount = run("status", "--config", file.toString(), "--metrics-port", "9400,9401");
        assertThat(wrongCount.code()).isEqualTo(StatusCommand.CANNOT_CHECK);
        assertThat(wrongCount.err()).contains("one port for every replica, or 4");

        Files.writeString(file, Files.readString(file).replaceFirst("clientPort = \\d+", "clientPort = 70000"));
        Run invalid = run("status", "--config", file.toString(), "--metrics-port", "9400");
        assertThat(invalid.code()).isEqualTo(StatusCommand.CANNOT_CHECK);
        assertThat(invalid.err()).contains("replica[0].clientPort").contains("70000");

        Run badOption = run("status", "--config", file.toString(), "--timeout", "soon");
        assertThat(badOption.code()).isEqualTo(2);
    }

    @Test
    void anInvalidClusterFileIsReportedByFieldWithoutAStackTrace() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        Files.writeString(file, Files.readString(file).replaceFirst("clientPort = \\d+", "clientPort = 70000"));
        Run replica = run("replica", "--config", file.toString(), "--id", "0");
        assertThat(replica.code()).isEqualTo(1);
        assertThat(replica.err()).contains("replica[0].clientPort").contains("70000").doesNotContain("at io.bastion");
    }

    @Test
    void aWrongReplicaKeyOrIdIsRefusedClearly() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        Run wrongKey = run("replica", "--config", file.toString(), "--id", "1",
                "--key", directory.resolve("replica-0.key").toString());
        assertThat(wrongKey.code()).isEqualTo(1);
        assertThat(wrongKey.err()).contains("is not the key of replica 1");
        Run wrongId = run("replica", "--config", file.toString(), "--id", "9");
        assertThat(wrongId.err()).contains("--id 9");
        Run missingKey = run("client", "--config", file.toString(), "--id", "1",
                "--key", directory.resolve("nope.key").toString(), "get", "x");
        assertThat(missingKey.code()).isEqualTo(1);
        assertThat(missingKey.err()).contains("nope.key");
        Run both = run("client", "--config", file.toString(), "--id", "1", "--join", "alice", "get", "x");
        assertThat(both.code()).isEqualTo(1);
        assertThat(both.err()).contains("give one of --id").contains("--join").contains("--voter");
        Run neither = run("client", "--config", file.toString(), "get", "x");
        assertThat(neither.err()).contains("give one of --id");
    }

    @Test
    void keygenListsWhatItWroteIncludingTheCaAndTheWebCertificates() {
        Run keygen = run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1");
        assertThat(keygen.code()).isZero();
        assertThat(keygen.out()).contains("cluster.toml").contains("replica-<i>.key").contains("ca.crt, ca.key")
                .contains("replica-<i>-web.crt");
        assertThat(directory.resolve("ca.crt")).exists();
        assertThat(directory.resolve("replica-3-web.key")).exists();
        Run renew = run("keygen", "--dir", directory.toString(), "--renew-web-certificates");
        assertThat(renew.code()).isZero();
        assertThat(renew.out()).contains("renewed").contains("replica-3-web.crt");
    }

    @Test
    void aReplicaWithoutItsWebCertificateOrWithABadPlaintextListIsRefusedClearly() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        Files.delete(directory.resolve("replica-0-web.crt"));
        Run noCertificate = run("replica", "--config", file.toString(), "--id", "0", "--data",
                directory.resolve("data").toString());
        assertThat(noCertificate.code()).isEqualTo(1);
        assertThat(noCertificate.err()).contains("replica-0-web.crt").contains("--insecure-plaintext web")
                .doesNotContain("at io.bastion");
        Run badList = run("replica", "--config", file.toString(), "--id", "0", "--insecure-plaintext", "replica,webs");
        assertThat(badList.code()).isEqualTo(1);
        assertThat(badList.err()).contains("'webs' is no port");
        Run halfPair = run("replica", "--config", file.toString(), "--id", "1", "--web-cert",
                directory.resolve("replica-1-web.crt").toString());
        assertThat(halfPair.err()).contains("--web-cert and --web-key together");
        Run badEngine = run("client", "--config", file.toString(), "--id", "1", "--tls-engine", "gnutls", "get", "x");
        assertThat(badEngine.code()).isEqualTo(1);
        assertThat(badEngine.err()).contains("unknown TLS engine 'gnutls': choose auto, jdk or openssl");
        Run badReplicaEngine = run("replica", "--config", file.toString(), "--id", "0", "--tls-engine", "tls13");
        assertThat(badReplicaEngine.code()).isEqualTo(1);
        assertThat(badReplicaEngine.err()).contains("unknown TLS engine 'tls13': choose auto, jdk or openssl")
                .doesNotContain("at io.bastion");
    }

    @Test
    void anSqlServiceWithStateChunksSmallerThanAPageIsRefusedClearly() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        String config = Files.readString(file);
        String small = config.replaceFirst("(?m)^stateChunkBytes = \\d+", "stateChunkBytes = 1024");
        assertThat(small).isNotEqualTo(config);
        Files.writeString(file, small);
        for (String service : List.of("sql-insert", "evoting")) {
            Run refused = run("replica", "--config", file.toString(), "--id", "0", "--service", service,
                    "--data", directory.resolve("data-" + service).toString());
            assertThat(refused.code()).as(service).isEqualTo(1);
            assertThat(refused.err()).as(service).contains("stateChunkBytes must be at least 4096")
                    .contains("sets 1024").doesNotContain("at io.bastion");
        }
    }

    @Test
    void unknownServicesWorkloadsAndSqlModesAreRefusedWithTheChoices() throws Exception {
        assertThat(run("keygen", "--dir", directory.toString(), "--replicas", "4", "--clients", "1").code()).isZero();
        Path file = directory.resolve("cluster.toml");
        Run service = run("replica", "--config", file.toString(), "--id", "0", "--service", "sql");
        assertThat(service.code()).isEqualTo(1);
        assertThat(service.err()).contains("--service sql").contains("sql-insert").contains("evoting");
        Run mode = run("replica", "--config", file.toString(), "--id", "0", "--service", "sql-insert",
                "--sql-mode", "fast", "--data", directory.resolve("data").toString());
        assertThat(mode.code()).isEqualTo(1);
        assertThat(mode.err()).contains("--sql-mode fast").contains("acid or no-acid");
        Run workload = run("bench", "--workload", "null,sql-update", "--dir", directory.toString());
        assertThat(workload.code()).isEqualTo(1);
        assertThat(workload.err()).contains("--workload sql-update");
        Run kind = run("bench", "--clients-kind", "static,anonymous", "--dir", directory.toString());
        assertThat(kind.code()).isEqualTo(1);
        assertThat(kind.err()).contains("--clients-kind anonymous").contains("static or dynamic");
        Run fault = run("replica", "--config", file.toString(), "--id", "0", "--service", "evoting",
                "--test-fault", "crash", "--data", directory.resolve("data-fault").toString());
        assertThat(fault.code()).isEqualTo(1);
        assertThat(fault.err()).contains("--test-fault crash").contains("wrong-reads");
        Run faultKv = run("replica", "--config", file.toString(), "--id", "0", "--service", "kv",
                "--test-fault", "wrong-reads", "--data", directory.resolve("data-kv").toString());
        assertThat(faultKv.code()).isEqualTo(1);
        assertThat(faultKv.err()).contains("needs an SQL service");
        Run webRoot = run("replica", "--config", file.toString(), "--id", "0", "--web-root",
                directory.resolve("no-such-dir").toString(), "--data", directory.resolve("data-web").toString());
        assertThat(webRoot.code()).isEqualTo(1);
        assertThat(webRoot.err()).contains("--web-root").contains("not a directory");
        Run liar = run("demo", "--dir", directory.resolve("demo-liar").toString(), "--lying-replica", "9",
                "--base-port", Integer.toString(Ports.base(16)));
        assertThat(liar.code()).isEqualTo(1);
        assertThat(liar.err()).contains("--lying-replica must be 0..3");
        Run faulty = run("demo", "--dir", directory.resolve("demo-faulty").toString(), "--faulty-replica",
                "4:threshold-bad-shares", "--base-port", Integer.toString(Ports.base(16)));
        assertThat(faulty.code()).isEqualTo(1);
        assertThat(faulty.err()).contains("--faulty-replica must be ID:FAULT with ID 0..3");
    }

    @Test
    void benchRunsNullAndEachSqlModeAsSeparateWorkloads() {
        assertThat(BenchCommand.workloads(List.of("null", "sql-insert"), List.of("acid", "no-acid")))
                .extracting(w -> w.label() + " " + w.arguments())
                .containsExactly("null []", "sql-insert acid [--sql-mode=acid]", "sql-insert no-acid [--sql-mode=no-acid]");
    }

    @Test
    void benchRunsEachWorkloadOverEachTransportAndRefusesAnUnknownOne() {
        assertThat(BenchCommand.overTransports(BenchCommand.workloads(List.of("null"), List.of("acid")),
                List.of("plaintext", "tls", "tls-jdk", "tls-openssl")))
                .extracting(w -> w.label() + " " + w.transport())
                .containsExactly("null plaintext PLAINTEXT", "null TLS", "null tls-jdk TLS_JDK", "null tls-openssl TLS_OPENSSL");
        Run unknown = run("bench", "--transport", "quic", "--seconds", "1");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("--transport quic: choose tls, tls-jdk, tls-openssl or plaintext");
    }

    @Test
    void benchRefusesAPipelineMinimumThatIsNotAPositiveNumberBeforeStartingAnything() {
        Run zero = run("bench", "--pipeline-min", "0", "--seconds", "1");
        assertThat(zero.code()).isNotZero();
        assertThat(zero.err()).contains("pipelineBatchMin must be positive, got 0");
        Run text = run("bench", "--pipeline-min", "many", "--seconds", "1");
        assertThat(text.code()).isNotZero();
        assertThat(text.err()).contains("Invalid value for option '--pipeline-min': 'many' is not an int");
    }

    @Test
    void benchRunsEachWorkloadWithEachClientAuthenticationAndRefusesAnUnknownOne() {
        assertThat(BenchCommand.authenticatedBy(BenchCommand.workloads(List.of("null"), List.of("acid")),
                List.of("signed", "mac")))
                .extracting(w -> w.label() + " " + w.clientAuth())
                .containsExactly("null SIGNED", "null mac MAC");
        Run unknown = run("bench", "--client-auth", "password", "--seconds", "1");
        assertThat(unknown.code()).isNotZero();
        assertThat(unknown.err()).contains("--client-auth password: choose signed or mac").doesNotContain("at io.bastion");
        Run withMatrix = run("bench", "--matrix", "seed", "--client-auth", "mac", "--out",
                directory.resolve("m.json").toString());
        assertThat(withMatrix.code()).isEqualTo(1);
        assertThat(withMatrix.err()).contains("leave out --client-auth");
    }

    @Test
    void benchMatrixRefusesWhatItCannotRunBeforeStartingAnything() {
        Path out = directory.resolve("matrix.json");
        Run nonsense = run("bench", "--matrix", "nonsense", "--out", out.toString());
        assertThat(nonsense.code()).isEqualTo(1);
        assertThat(nonsense.err()).contains("bastion bench: --matrix nonsense: choose seed");
        Run chosen = run("bench", "--matrix", "seed", "--clients", "5", "--sizes", "0/0", "--out", out.toString());
        assertThat(chosen.code()).isEqualTo(1);
        assertThat(chosen.err()).contains("--matrix seed chooses the configurations itself; leave out --clients, --sizes");
        Run batchMax = run("bench", "--matrix", "seed", "--batch-max", "8", "--out", out.toString());
        assertThat(batchMax.err()).contains("leave out --batch-max");
        Run none = run("bench", "--matrix", "seed", "--matrix-filter", "clients=13", "--out", out.toString());
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err()).contains("--matrix-filter clients=13 keeps none of the")
                .contains("(clients is one of 1, 12, 50)");
        Run unknownKey = run("bench", "--matrix", "seed", "--matrix-filter", "size=256", "--out", out.toString());
        assertThat(unknownKey.err()).contains("no parameter size").contains("request-bytes");
        Run orphan = run("bench", "--matrix-filter", "clients=1", "--out", out.toString());
        assertThat(orphan.code()).isEqualTo(1);
        assertThat(orphan.err()).contains("--matrix-filter needs --matrix");
        Run transports = run("bench", "--matrix", "seed", "--transport", "tls,plaintext", "--out", out.toString());
        assertThat(transports.err()).contains("--matrix runs over one --transport, got tls,plaintext");
        Run noWindow = run("bench", "--matrix", "seed", "--seconds", "0", "--out", out.toString());
        assertThat(noWindow.err()).contains("--matrix needs a measured window");
        Run charts = run("bench", "--charts-from", directory.resolve("none.json").toString());
        assertThat(charts.code()).isEqualTo(1);
        assertThat(charts.err()).contains("--charts-from " + directory.resolve("none.json") + ": no such file");
        assertThat(out).as("nothing ran").doesNotExist();
    }

    @Test
    void benchChartsFromAFileWithoutMatrixResultsSaysSo() throws Exception {
        Path plain = directory.resolve("bench-results.json");
        Files.writeString(plain, "{\"results\": [{\"workload\": \"null\", \"requestsPerSecond\": 100}]}");
        Run charts = run("bench", "--charts-from", plain.toString());
        assertThat(charts.code()).isEqualTo(1);
        assertThat(charts.err()).contains("no measured configuration to draw");
    }

    @Test
    void benchHelpDescribesTheMatrixItsFilterAndTheCharts() {
        Run help = run("bench", "--help");
        assertThat(help.code()).isZero();
        String text = help.out().replaceAll("\\s+", " "); // as wrapped for the terminal
        assertThat(text).contains("--matrix=NAME", "2011 study", "--matrix-filter=TERMS", "--charts-from=JSON",
                "configuration i of n", "Table 1", "Figure 5", "batching");
    }

    @Test
    void keygenRefusesToOverwriteKeys() {
        assertThat(run("keygen", "--dir", directory.toString(), "--clients", "1").code()).isZero();
        Run again = run("keygen", "--dir", directory.toString(), "--clients", "1");
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("refusing to overwrite");
    }

    @Test
    void simReplaysASeedAndReportsSuccess() {
        Run sim = run("sim", "--seed", "5", "--requests", "5");
        assertThat(sim.code()).isZero();
    }

    /** A replica JVM that refuses its options dies at once; the demo says so instead of printing a page to open. */
    @Test
    void demoWhoseReplicasCannotStartSaysWhyAndExits() throws Exception {
        List<String> command = List.of(ProcessHandle.current().info().command().orElseThrow(),
                LocalCluster.Launcher.ENABLE_NATIVE_ACCESS, "-cp", System.getProperty("java.class.path"),
                Bastion.class.getName(), "demo", "--dir", directory.resolve("bad-jvm").toString(), "--service", "kv",
                "--base-port", Integer.toString(Ports.base(16)), "--replica-jvm=-XX:+NoSuchBastionOption");
        Path output = directory.resolve("bad-jvm-demo.out");
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            assertThat(demo.waitFor(60, TimeUnit.SECONDS)).as("the demo exits").isTrue();
            String printed = Files.readString(output);
            assertThat(demo.exitValue()).as(printed).isNotZero();
            assertThat(printed).contains("exited with code").contains("NoSuchBastionOption").doesNotContain("Open ");
        } finally {
            demo.destroyForcibly();
            TestProcesses.killUnder(directory);
        }
    }

    @Test
    void clientCountsAServicesRefusalAsAFailure() {
        for (String refused : List.of("{\"error\":\"the election is closed\"}", " {\"error\": null}\n",
                "error: usage: get <key>")) {
            assertThat(ClientCommand.refusal(refused.getBytes(StandardCharsets.UTF_8))).as(refused).isTrue();
        }
        for (String answered : List.of("{\"elections\":[]}", "[{\"error\":1}]", "{\"result\":{\"error\":1}}",
                "{not json", "hello", "(nil)", "")) {
            assertThat(ClientCommand.refusal(answered.getBytes(StandardCharsets.UTF_8))).as(answered).isFalse();
        }
    }

    /** The README's first command, as a user runs it: a demo process, a client, then Ctrl-C. */
    @Test
    void demoStartsAClusterTheClientCanUseAndStopsItOnTermination() throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(), LocalCluster.Launcher.ENABLE_NATIVE_ACCESS,
                "-cp", System.getProperty("java.class.path"),
                Bastion.class.getName(), "demo", "--dir", directory.resolve("demo").toString(), "--service", "kv",
                "--base-port", Integer.toString(Ports.base(16)))); // 12 cluster ports + 4 metrics ports
        Process demo = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<Long> replicaPids = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
            Pattern pid = Pattern.compile("replica \\d+\\s+pid (\\d+)");
            String clientCommand = null;
            StringBuilder printed = new StringBuilder();
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                printed.append(line).append('\n');
                Matcher m = pid.matcher(line);
                if (m.find()) {
                    replicaPids.add(Long.parseLong(m.group(1)));
                }
                if (line.contains("./bastion client") && line.contains("put greeting hello")) {
                    clientCommand = line.strip();
                }
                if (line.contains("Ctrl-C stops every replica")) {
                    break;
                }
            }
            assertThat(replicaPids).as("the demo printed:%n%s", printed).hasSize(4);
            assertThat(clientCommand).isNotNull();
            String[] words = clientCommand.substring("./bastion ".length()).split(" ");
            Run client = runCapturingStdout(words);
            assertThat(client.code()).isZero();
            assertThat(client.out()).contains("signed by replicas");
            // the service refuses an operation: the answer is printed, and the exit status says so
            int put = List.of(words).indexOf("put");
            String[] getWithoutKey = java.util.Arrays.copyOf(words, put + 1);
            getWithoutKey[put] = "get";
            Run refusedRun = runCapturingStdout(getWithoutKey);
            assertThat(refusedRun.out()).contains("error: usage: get <key>").contains("signed by replicas");
            assertThat(refusedRun.code()).isEqualTo(1);
        } finally {
            demo.destroy(); // SIGTERM, as Ctrl-C
            assertThat(demo.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        for (long pid : replicaPids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("replica pid %d", pid).isFalse();
        }
    }

    private static Run runCapturingStdout(String... args) {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        try {
            System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
            Run r = run(args);
            return new Run(r.code(), captured.toString(StandardCharsets.UTF_8), r.err());
        } finally {
            System.setOut(original);
        }
    }
}
