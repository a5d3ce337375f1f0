package io.bastion.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.bench.Attack;
import io.bastion.net.testing.Ports;
import io.bastion.sim.ClientBehaviour;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bastion bench --faulty-clients}: a functional test, not a measurement. A local cluster of
 * four replica JVMs, two honest clients and one attacker of each kind for about two seconds each:
 * the bench completes, reports every attack, and the attackers really reached the replicas. The
 * attackers are capped ({@code --attack-rate}) so that replicas on a busy test machine stay able
 * to serve the baseline windows; what each attack sends, and the pacing at full speed, are tested
 * against fake replicas in {@code FaultyClientTest}.
 */
class FaultyClientsBenchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    private record Run(int code, String err) {}

    @AfterEach
    void killWhatTheBenchLeft() {
        // a bench that failed the test may still run: its replica JVMs go, by PID
        ProcessHandle.current().descendants().filter(this::ofThisTest).forEach(ProcessHandle::destroyForcibly);
    }

    private boolean ofThisTest(ProcessHandle process) {
        return TestProcesses.startedUnder(process, directory);
    }

    private Run bench(String... options) {
        StringWriter err = new StringWriter();
        CommandLine line = Bastion.commandLine();
        line.setErr(new PrintWriter(err));
        List<String> args = new ArrayList<>(List.of("bench", "--clients", "2", "--sizes", "64/64",
                "--first-warmup", "1", "--warmup", "1", "--seconds", "1",
                "--base-port", Integer.toString(Ports.base(16)), "--dir", directory.resolve("run").toString(),
                "--out", directory.resolve("out.json").toString(), TestProcesses.REPLICA_JVM_OPTION));
        args.addAll(List.of(options));
        int code = line.execute(args.toArray(String[]::new));
        return new Run(code, err.toString());
    }

    @Test
    void everyAttackRunsBesideTheHonestClientsAndReachesTheReplicas() throws Exception {
        Run run = bench("--faulty-clients", "1", "--attack", String.join(",", Attack.flags()), "--attack-rate", "200");

        assertThat(run.code()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(directory.resolve("out.json").toFile());
        assertThat(report.get("failed").asBoolean()).isFalse();
        JsonNode faulty = report.get("faultyClients");
        assertThat(faulty).hasSize(Attack.values().length);
        assertThat(report.get("results")).as("a baseline and an attack window per attack")
                .hasSize(2 * Attack.values().length);
        for (int i = 0; i < Attack.values().length; i++) {
            Attack attack = Attack.values()[i];
            JsonNode result = faulty.get(i);
            String name = attack.flag();
            assertThat(result.get("attack").asText()).isEqualTo(name);
            assertThat(result.get("faultyClients").asInt()).isEqualTo(1);
            assertThat(result.get("baselineRequestsPerSecond").asDouble()).as(name).isPositive();
            assertThat(result.get("throughputRatio").isNumber()).as(name).isTrue();
            assertThat(result.get("flags").isArray()).as(name).isTrue();
            JsonNode round = result.get("rounds").get(0);
            assertThat(round.get("underAttack").get("workload").asText()).isEqualTo("null + 1x " + name);
            assertThat(round.get("attackEvents").get("metricsRead").asInt()).as(name + ": metrics of every replica")
                    .isEqualTo(4);
            assertThat(result.get("attackRequestsPerSecondMax").asLong()).isEqualTo(200);
            JsonNode attacker = result.get("attacker");
            assertThat(attacker.get("framesOffered").asLong()).as(name + ": frames sent").isPositive();
            assertThat(attacker.get("framesPerSecond").asDouble()).as(name).isPositive();
            assertThat(attacker.get("requestsMade").asLong()).as(name + ": requests signed").isPositive();
        }
        JsonNode badSignatures = faulty.get(Attack.BAD_SIGNATURES.ordinal());
        assertThat(badSignatures.get("attacker").get("framesBadSignature").asLong()).isPositive();
        assertThat(badSignatures.get("rejectedMessages").get("bad_signature").asLong())
                .as("the replicas saw the corrupted copies and refused them").isPositive();
        JsonNode replay = faulty.get(Attack.REPLAY.ordinal());
        assertThat(replay.get("attacker").get("framesReplayed").asLong()).isPositive();
        JsonNode flood = faulty.get(Attack.FLOOD.ordinal());
        assertThat(flood.get("attacker").get("requestsMade").asLong()).as("many requests, not one at a time")
                .isGreaterThan(flood.get("rounds").get(0).get("underAttack").get("requests").asLong());
    }

    @Test
    void attacksAreSpelledAsInTheSimulator() {
        assertThat(Attack.flags()).isEqualTo(ClientBehaviour.FAULTY.stream().map(ClientBehaviour::flag).toList());
        for (ClientBehaviour behaviour : ClientBehaviour.FAULTY) {
            assertThat(Attack.parse(behaviour.flag()).flag()).isEqualTo(behaviour.flag());
        }
    }

    @Test
    void attackOptionsAreCheckedBeforeAnyReplicaStarts() {
        Run unknown = bench("--faulty-clients", "1", "--attack", "flood,teleport");
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("teleport").contains("skip-primary");
        Run withoutClients = bench("--attack", "flood");
        assertThat(withoutClients.code()).isEqualTo(1);
        assertThat(withoutClients.err()).contains("--attack needs --faulty-clients");
        Run noRound = bench("--faulty-clients", "1", "--rounds", "0");
        assertThat(noRound.code()).isEqualTo(1);
        assertThat(noRound.err()).contains("--rounds must be at least 1");
        assertThat(ProcessHandle.current().descendants().noneMatch(this::ofThisTest)).isTrue();
    }
}
