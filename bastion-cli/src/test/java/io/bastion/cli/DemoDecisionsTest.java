package io.bastion.cli;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.quorum.Quorums;
import io.bastion.net.config.ClusterGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** bastion demo's decisions: what to do with its directory, and what replica exits mean for voting. */
class DemoDecisionsTest {
    private static final Path DIR = Path.of("demo-cluster");

    @TempDir
    Path temp;

    private ClusterConfig fourReplicasFrom7000() throws Exception {
        return ClusterGenerator.generate(temp.resolve("c"), 4, 1, 7000, new SecureRandom()).config();
    }

    @Test
    void aNewDirectoryIsCreatedAndAnExistingOneReusedSayingHowToStartAfresh() throws Exception {
        assertThat(DemoDirectory.plan(DIR, null, null, null, null, "evoting", false).action())
                .isEqualTo(DemoDirectory.Action.CREATE);
        assertThat(DemoDirectory.plan(DIR, null, 7, 9000, null, "kv", true).action())
                .isEqualTo(DemoDirectory.Action.CREATE);
        ClusterConfig existing = fourReplicasFrom7000();
        DemoDirectory.Plan reuse = DemoDirectory.plan(DIR, existing, null, null, "evoting", "evoting", false);
        assertThat(reuse.action()).isEqualTo(DemoDirectory.Action.REUSE);
        assertThat(reuse.message()).startsWith("reusing demo-cluster from an earlier run: 4 replicas on ports from 7000")
                .contains("./bastion demo --fresh");
        assertThat(DemoDirectory.plan(DIR, existing, 4, 7000, "evoting", "evoting", false).action())
                .as("options that match the existing cluster").isEqualTo(DemoDirectory.Action.REUSE);
        assertThat(DemoDirectory.plan(DIR, existing, null, null, null, "kv", false).action())
                .as("a directory from before the service was recorded").isEqualTo(DemoDirectory.Action.REUSE);
    }

    @Test
    void optionsThatContradictTheExistingClusterAreRefusedNotIgnored() throws Exception {
        ClusterConfig existing = fourReplicasFrom7000();
        assertThatThrownBy(() -> DemoDirectory.plan(DIR, existing, 7, null, "evoting", "evoting", false))
                .isInstanceOf(DemoDirectory.Refused.class)
                .hasMessage("demo-cluster holds a demo cluster of 4 replicas from an earlier run; --replicas 7 needs a"
                        + " new one: add --fresh (removes demo-cluster and its data) or give another --dir");
        assertThatThrownBy(() -> DemoDirectory.plan(DIR, existing, null, 7100, "evoting", "evoting", false))
                .hasMessageContaining("--base-port 7100 needs a new one: add --fresh");
        assertThatThrownBy(() -> DemoDirectory.plan(DIR, existing, null, null, "evoting", "kv", false))
                .hasMessageContaining("holds the data of the evoting service")
                .hasMessageContaining("--service kv needs a new cluster: give another --dir (e.g. --dir demo-kv)");
        DemoDirectory.Plan fresh = DemoDirectory.plan(DIR, existing, 7, 7100, "evoting", "kv", true);
        assertThat(fresh.action()).isEqualTo(DemoDirectory.Action.WIPE_AND_CREATE);
        assertThat(fresh.message()).startsWith("--fresh: removing demo-cluster");
    }

    @Test
    void wipeRemovesADemoDirectoryButNothingThatDoesNotLookLikeOne() throws Exception {
        Path demo = temp.resolve("demo");
        ClusterGenerator.generate(demo, 4, 1, 7000, new SecureRandom());
        Files.createDirectories(demo.resolve("data-0/sql"));
        Files.writeString(demo.resolve("data-0/sql/state.db"), "x");
        DemoDirectory.wipe(demo);
        assertThat(demo).doesNotExist();

        Path other = temp.resolve("home");
        Files.createDirectories(other);
        Files.writeString(other.resolve("thesis.tex"), "precious");
        assertThatThrownBy(() -> DemoDirectory.wipe(other)).isInstanceOf(DemoDirectory.Refused.class)
                .hasMessageContaining("does not look like a demo directory");
        assertThat(other.resolve("thesis.tex")).exists();
        DemoDirectory.wipe(temp.resolve("absent")); // nothing to do
    }

    @Test
    void exitsWithinFKeepVotingGoingAndMoreStopIt() {
        Quorums four = Quorums.forFaults(1);
        assertThat(DemoWatch.afterExit(four, 3, 137, List.of(3), true)).isEqualTo("replica 3 exited (code 137). 3 of 4"
                + " replicas run and ordering needs 3 (2f+1, f = 1), so voting carries on, with no spare: one more"
                + " failure stops it. Type \"restart 3\" and Enter to start it again.");
        String stopped = DemoWatch.afterExit(four, 2, 137, List.of(2, 3), true);
        assertThat(stopped).startsWith("replica 2 exited (code 137). VOTING HAS STOPPED: only 2 of 4 replicas run,"
                + " and ordering a request (a vote, a sign-in) needs 3 of them (2f+1, f = 1)")
                .contains("Restart 1 of replicas [2, 3]: type \"restart\"").doesNotContain("carries on");
        assertThat(DemoWatch.afterRestart(four, 2, 4242, List.of(3))).contains("replica 2 runs again (pid 4242)")
                .contains("3 of 4 replicas run: voting goes on");
        assertThat(DemoWatch.afterRestart(four, 2, 4242, List.of(1, 3))).contains("Still only 2 of 4 run; voting"
                + " resumes once 1 more of replicas [1, 3] are back");
        assertThat(DemoWatch.afterExit(four, 2, 137, List.of(2, 3), false))
                .as("a demo in the background cannot read \"restart\"").doesNotContain("type \"restart")
                .endsWith("Restart 1 of replicas [2, 3]: " + DemoWatch.RESTART_BY_RERUNNING + ".");
        Quorums seven = Quorums.forFaults(2);
        assertThat(DemoWatch.afterExit(seven, 6, 1, List.of(6), true)).contains("6 of 7 replicas run")
                .doesNotContain("no spare");
    }
}
