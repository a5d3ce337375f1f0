package io.bastion.cli;

import com.sun.net.httpserver.HttpServer;
import io.bastion.core.crypto.Digest;
import io.bastion.net.config.ClusterGenerator;
import io.bastion.net.tls.CertificateFiles;
import io.bastion.net.tls.KeyMaterial;
import io.bastion.server.storage.SnapshotStore;
import io.bastion.server.storage.SyncMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code deploy/backup.sh} and {@code deploy/restore.sh} on data directories laid out as a replica
 * lays them out (its checkpoint database copies, its snapshot files, its log's lock), without
 * running replicas: which checkpoint is taken, what is checked, what is refused and why.
 * {@link BackupRestoreProcessTest} runs them against real replicas.
 */
class DeployScriptsTest {
    @TempDir
    Path directory;

    private Path data() {
        return directory.resolve("data-0");
    }

    private Path backups() {
        return directory.resolve("backups");
    }

    /** A replica's data directory: its log directory, and checkpoint copies of an SQL state at {@code seqs}. */
    private void sqlReplica(long... seqs) throws Exception {
        Files.createDirectories(data().resolve("log"));
        for (long seq : seqs) {
            database(data().resolve("sql").resolve("checkpoint-" + seq + ".db"), seq, "rows of " + seq);
        }
    }

    /** A database as the SQL state machine keeps it: Bastion's position table and some rows. */
    private static void database(Path file, long seq, String content) throws Exception {
        Files.createDirectories(file.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE bastion_position (id INTEGER PRIMARY KEY, last_seq INTEGER NOT NULL,"
                    + " last_time INTEGER NOT NULL, next_client_id INTEGER NOT NULL)");
            s.execute("INSERT INTO bastion_position VALUES (0, " + seq + ", 0, 0)");
            s.execute("CREATE TABLE bench (v TEXT)");
            s.execute("INSERT INTO bench VALUES ('" + content + "')");
        }
    }

    private DeployScripts.Result backup(String... more) throws Exception {
        String[] arguments = Stream.concat(Stream.of("--data", data().toString(), "--out", backups().toString()),
                Stream.of(more)).toArray(String[]::new);
        return DeployScripts.run(directory, "backup.sh", arguments);
    }

    private DeployScripts.Result restore(String... arguments) throws Exception {
        return DeployScripts.run(directory, "restore.sh", arguments);
    }

    @Test
    void aBackupIsTheNewestCheckpointWithItsDigestAndTakingItAgainChangesNothing() throws Exception {
        sqlReplica(32, 48);
        DeployScripts.Result first = backup();
        assertThat(first.exit()).as(first.output()).isZero();
        Path backup = backups().resolve("state-48.db");
        assertThat(first.lastLine()).isEqualTo(backup.toString());
        assertThat(backup).hasSameBinaryContentAs(data().resolve("sql").resolve("checkpoint-48.db"));
        assertThat(Files.readString(backups().resolve("state-48.db.sha256")))
                .isEqualTo(Digest.sha256(Files.readAllBytes(backup)).hex() + "  state-48.db\n");
        assertThat(Files.readString(backups().resolve("state-48.db.info"))).contains("seq=48", "kind=SQL database");

        DeployScripts.Result again = backup();
        assertThat(again.exit()).as(again.output()).isZero();
        assertThat(again.output()).contains("already backed up");
    }

    @Test
    void anotherStateAtTheSameSeqIsRefusedAndKeepDropsOlderBackups() throws Exception {
        sqlReplica(32);
        assertThat(backup().exit()).isZero();
        Files.delete(data().resolve("sql").resolve("checkpoint-32.db"));
        database(data().resolve("sql").resolve("checkpoint-32.db"), 32, "a diverged state");
        DeployScripts.Result diverged = backup();
        assertThat(diverged.exit()).isEqualTo(1);
        assertThat(diverged.output()).contains("holds another state at seq 32");

        database(data().resolve("sql").resolve("checkpoint-64.db"), 64, "rows of 64");
        DeployScripts.Result kept = backup("--keep", "1");
        assertThat(kept.exit()).as(kept.output()).isZero();
        try (Stream<Path> files = Files.list(backups())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("state-64.db", "state-64.db.sha256", "state-64.db.info");
        }
    }

    @Test
    void withTheMetricsEndpointTheNewestStableCheckpointIsTaken() throws Exception {
        assumeThat(Path.of("/usr/bin/curl")).as("curl, which --metrics-url needs").exists();
        sqlReplica(32, 48, 64);
        HttpServer metrics = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metrics.createContext("/metrics", exchange -> {
            byte[] body = "# TYPE bastion_last_stable_seq gauge\nbastion_last_stable_seq 48\n".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        metrics.start();
        try {
            DeployScripts.Result result = backup("--metrics-url",
                    "http://127.0.0.1:" + metrics.getAddress().getPort() + "/metrics");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(result.lastLine()).endsWith("state-48.db");
            assertThat(Files.readString(backups().resolve("state-48.db.info"))).contains("stable_seq=48");
        } finally {
            metrics.stop(0);
        }
    }

    @Test
    void aRestoreWaitsForTheReplicaToStopThenLeavesNoLogAndTheBackupsState() throws Exception {
        sqlReplica(32);
        Files.writeString(data().resolve("log").resolve("segment-0.log"), "what the replica said");
        Path backup = Path.of(backup().lastLine());

        try (FileChannel lock = FileChannel.open(data().resolve("log").resolve("lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = lock.tryLock()) {
            assertThat(held).as("the lock a running replica holds").isNotNull();
            DeployScripts.Result refused = restore("--data", data().toString(), "--backup", backup.toString());
            assertThat(refused.exit()).isEqualTo(1);
            assertThat(refused.output()).contains("stop the replica first");
            assertThat(data().resolve("log").resolve("segment-0.log")).exists();
        }

        DeployScripts.Result restored = restore("--data", data().toString(), "--backup", backup.toString());
        assertThat(restored.exit()).as(restored.output()).isZero();
        assertThat(restored.output()).contains("state after seq 32", "count this replica as one of the f faulty");
        try (Stream<Path> files = Files.list(data())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("sql");
        }
        assertThat(data().resolve("sql").resolve("state.db")).hasSameBinaryContentAs(backup);
        try (Stream<Path> siblings = Files.list(directory)) {
            Path aside = siblings.filter(p -> p.getFileName().toString().startsWith("data-0.replaced-")).findFirst()
                    .orElseThrow();
            assertThat(aside.resolve("log").resolve("segment-0.log")).as("the old directory, kept aside").exists();
        }

        DeployScripts.Result empty = restore("--data", data().toString(), "--empty", "--discard-old");
        assertThat(empty.exit()).as(empty.output()).isZero();
        try (Stream<Path> files = Files.list(data())) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void anInMemoryServicesSnapshotIsBackedUpAndRestoredWhereTheReplicaReadsIt() throws Exception {
        Files.createDirectories(data().resolve("log"));
        byte[] state = "the counter's state".getBytes(StandardCharsets.UTF_8);
        SnapshotStore.open(data().resolve("snapshots"), SyncMode.NONE).write(128, state);
        DeployScripts.Result backedUp = backup();
        assertThat(backedUp.exit()).as(backedUp.output()).isZero();
        assertThat(backedUp.lastLine()).endsWith("state-128.snap");

        Path restoredData = directory.resolve("data-1");
        DeployScripts.Result restored = restore("--data", restoredData.toString(), "--backup", backedUp.lastLine());
        assertThat(restored.exit()).as(restored.output()).isZero();
        SnapshotStore.Snapshot snapshot = SnapshotStore.open(restoredData.resolve("snapshots"), SyncMode.NONE).latest()
                .orElseThrow();
        assertThat(snapshot.seq()).isEqualTo(128);
        assertThat(snapshot.state()).isEqualTo(state);
    }

    @Test
    void badBackupsAndBadUseAreRefusedWithTheReasonAndChangeNothing() throws Exception {
        sqlReplica(32);
        Path backup = Path.of(backup().lastLine());
        DeployScripts.Result noArguments = DeployScripts.run(directory, "backup.sh");
        assertThat(noArguments.exit()).isEqualTo(2);
        assertThat(noArguments.output()).contains("--data");
        DeployScripts.Result notAReplica = DeployScripts.run(directory, "backup.sh", "--data", directory.toString(),
                "--out", backups().toString());
        assertThat(notAReplica.exit()).isEqualTo(1);
        assertThat(notAReplica.output()).contains("not a replica's data directory");
        assertThat(restore("--data", data().toString(), "--empty", "--backup", backup.toString()).exit()).isEqualTo(2);

        Path zeros = directory.resolve("state-16.db");
        Files.write(zeros, new byte[4096]);
        DeployScripts.Result notSqlite = restore("--data", data().toString(), "--backup", zeros.toString());
        assertThat(notSqlite.exit()).isEqualTo(1);
        assertThat(notSqlite.output()).contains("is not an SQLite database");

        Files.writeString(Path.of(backup + ".sha256"), "0".repeat(64) + "  state-32.db\n");
        DeployScripts.Result tampered = restore("--data", data().toString(), "--backup", backup.toString());
        assertThat(tampered.exit()).isEqualTo(1);
        assertThat(tampered.output()).contains("does not match");
        assertThat(data().resolve("log")).as("a refused restore changes nothing").isDirectory();
    }

    /**
     * A renewed web certificate from {@code bastion keygen --renew-web-certificates}, installed
     * where the replica reads it; a key that does not belong to the chain is refused and the
     * installed pair stays.
     */
    @Test
    void aRenewedWebCertificateIsInstalledAndAMismatchedKeyRefused() throws Exception {
        Path cluster = directory.resolve("cluster");
        ClusterGenerator.generate(cluster, 4, 0, 7000, new SecureRandom());
        Path etc = Files.createDirectories(directory.resolve("etc"));
        Files.copy(cluster.resolve("replica-0-web.crt"), etc.resolve("replica-0-web.crt"));
        Files.copy(cluster.resolve("replica-0-web.key"), etc.resolve("replica-0-web.key"));
        Path oldKey = Files.copy(cluster.resolve("replica-0-web.key"), directory.resolve("old-web.key"));
        ClusterGenerator.renewWebCertificates(cluster, new SecureRandom());
        String group = Files.getAttribute(etc, "posix:group").toString();

        DeployScripts.Result mismatched = DeployScripts.run(directory, "install-web-certificate.sh", "--id", "0",
                "--chain", cluster.resolve("replica-0-web.crt").toString(), "--key", oldKey.toString(),
                "--dir", etc.toString(), "--group", group);
        assertThat(mismatched.exit()).isEqualTo(1);
        assertThat(mismatched.output()).contains("does not belong to the first certificate");
        assertThat(etc.resolve("replica-0-web.key")).hasSameBinaryContentAs(oldKey);

        DeployScripts.Result installed = DeployScripts.run(directory, "install-web-certificate.sh", "--id", "0",
                "--chain", cluster.resolve("replica-0-web.crt").toString(),
                "--key", cluster.resolve("replica-0-web.key").toString(),
                "--dir", etc.toString(), "--group", group, "--host", "127.0.0.1");
        assertThat(installed.exit()).as(installed.output()).isZero();
        assertThat(etc.resolve("replica-0-web.crt")).hasSameBinaryContentAs(cluster.resolve("replica-0-web.crt"));
        assertThat(etc.resolve("replica-0-web.key")).hasSameBinaryContentAs(cluster.resolve("replica-0-web.key"));
        KeyMaterial served = CertificateFiles.read(etc.resolve("replica-0-web.crt"), etc.resolve("replica-0-web.key"), "new");
        assertThat(served.leaf()).isEqualTo(CertificateFiles.readChain(cluster.resolve("replica-0-web.crt")).get(0));
        try (Stream<Path> files = Files.list(etc)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("replica-0-web.crt", "replica-0-web.key");
        }

        DeployScripts.Result wrongHost = DeployScripts.run(directory, "install-web-certificate.sh", "--id", "0",
                "--chain", cluster.resolve("replica-0-web.crt").toString(),
                "--key", cluster.resolve("replica-0-web.key").toString(),
                "--dir", etc.toString(), "--group", group, "--host", "r0.vote.example");
        assertThat(wrongHost.exit()).isEqualTo(1);
        assertThat(wrongHost.output()).contains("does not name r0.vote.example");
    }
}
