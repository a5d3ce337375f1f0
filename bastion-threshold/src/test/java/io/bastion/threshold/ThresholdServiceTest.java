package io.bastion.threshold;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.service.KeyValueService;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hosts of the ledger (in memory and in SQLite), who may ask what, and the local share store. */
class ThresholdServiceTest {
    private static final long NOW = 1_700_000_000_000L;

    private static ServiceContext from(long clientId) {
        return new ServiceContext(clientId, 1, 1, 0, NOW, 0);
    }

    private static String text(byte[] reply) {
        return new String(reply, StandardCharsets.UTF_8);
    }

    private static ServiceContext replica(int r) {
        return from(ClusterConfig.replicaClientId(r));
    }

    /** Enrolls every replica of a 4-replica cluster through {@code execute}. */
    private static void enrollAll(java.util.function.BiFunction<byte[], ServiceContext, byte[]> execute) {
        for (int r = 0; r < 4; r++) {
            ThresholdAgent agent = new ThresholdAgent(r, ShareStore.inMemory(), LedgerHarness.seeded(r));
            ThresholdOp enroll = agent.due(new ThresholdLedger(4, 1), NOW).get(0);
            assertThat(text(execute.apply(enroll.encode(), replica(r)))).startsWith("ok enrolled replica " + r);
        }
    }

    @Test
    void theInMemoryHostRoutesThresholdOperationsAndKeepsTheLedgerInItsSnapshot() {
        ThresholdService service = new ThresholdService(4, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new KeyValueService());
        assertThat(text(service.execute("put a 1".getBytes(), from(1)))).isNotEmpty();
        enrollAll(service::execute);
        assertThat(text(service.execute(new ThresholdOp.KeyGen("k", Suite.P256).encode(), from(1)))).isEqualTo("ok key k generating");
        byte[] snapshot = service.snapshot();
        ThresholdService copy = new ThresholdService(4, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new KeyValueService());
        copy.restore(snapshot);
        assertThat(copy.snapshot()).isEqualTo(snapshot);
        assertThat(copy.ledger().keyRecord("k").phase).isEqualTo(KeyRecord.Phase.DEALING);
        assertThat(text(copy.query("get a".getBytes(), from(1)))).isEqualTo(text(service.query("get a".getBytes(), from(1))));
    }

    @Test
    void whoMayAskWhat() {
        ThresholdService closed = new ThresholdService(4, 1, ThresholdAccess.SERVICE_ONLY, t -> new KeyValueService());
        enrollAll(closed::execute);
        byte[] keygen = new ThresholdOp.KeyGen("k", Suite.P256).encode();
        assertThat(text(closed.execute(keygen, from(1)))).isEqualTo("error: clients may not ask for KeyGen here: the service decides");
        ThresholdService open = new ThresholdService(4, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new KeyValueService());
        enrollAll(open::execute);
        long session = io.bastion.core.session.SessionSettings.FIRST_DYNAMIC_CLIENT_ID + 5;
        assertThat(text(open.execute(keygen, from(session)))).startsWith("error: clients may not ask");
        assertThat(text(open.execute(keygen, replica(2)))).isEqualTo("error: replicas do not ask for KeyGen");
        byte[] share = new ThresholdOp.Shares(1, 0, List.of()).encode();
        assertThat(text(open.execute(share, from(1)))).isEqualTo("error: only replicas submit Shares");
        assertThat(text(open.execute("BTH1\u0063".getBytes(StandardCharsets.ISO_8859_1), from(1))))
                .startsWith("error: malformed threshold operation: unknown threshold operation 99");
        assertThat(text(open.execute(java.util.Arrays.copyOf(keygen, keygen.length - 2), from(1))))
                .startsWith("error: malformed threshold operation:");
        assertThat(text(open.query(new ThresholdOp.KeyQuery("k").encode(), from(session)))).isEqualTo("error: no usable key k");
    }

    @Test
    void theSqlHostKeepsTheLedgerInTheDatabaseAndRollsItBackWithItsTransaction(@TempDir Path dir) throws Exception {
        ThresholdSqlService service = new ThresholdSqlService(4, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new SqlService() {
            @Override
            public void migrate(Connection connection) {}

            @Override
            public byte[] execute(byte[] request, Connection connection, ServiceContext context) {
                t.requestKey(new String(request, StandardCharsets.UTF_8), Suite.P256, context);
                return "asked".getBytes();
            }
        });
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("db"))) {
            c.setAutoCommit(false);
            service.migrate(c);
            c.commit();
            enrollAll((op, ctx) -> unchecked(() -> service.execute(op, c, ctx)));
            c.commit();
            assertThat(text(service.execute("by-the-service".getBytes(), c, from(1)))).isEqualTo("asked");
            c.rollback(); // the batch failed: the key request goes with it
            assertThat(text(service.query(new ThresholdOp.KeyQuery("by-the-service").encode(), c, from(1))))
                    .isEqualTo("error: no usable key by-the-service");
            assertThat(service.ledger().keyRecord("by-the-service")).isNull();
            service.execute("by-the-service".getBytes(), c, from(1));
            c.commit();
            assertThat(service.ledger().keyRecord("by-the-service").phase).isEqualTo(KeyRecord.Phase.DEALING);
            assertThatThrownBy(() -> service.execute("x".repeat(100).getBytes(), c, from(1)))
                    .hasMessageContaining("key name");
        }
    }

    @Test
    void theFileStoreKeepsSecretsForTheOwnerOnlyAndAcrossReopening(@TempDir Path dir) throws Exception {
        Path store = dir.resolve("threshold");
        FileShareStore files = new FileShareStore(store);
        files.putEncryptionSecret(BigInteger.valueOf(77));
        files.putShare("election", 0, BigInteger.valueOf(5));
        files.putShare("election", 1, BigInteger.valueOf(6));
        files.forgetBefore("election", 1);
        FileShareStore reopened = new FileShareStore(store);
        assertThat(reopened.encryptionSecret()).contains(BigInteger.valueOf(77));
        assertThat(reopened.share("election", 0)).isEmpty();
        assertThat(reopened.share("election", 1)).contains(BigInteger.valueOf(6));
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rwx------"));
        try (var listing = Files.list(store)) {
            for (Path p : listing.toList()) {
                assertThat(Files.getPosixFilePermissions(p)).as(p.toString()).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            }
        }
        Files.writeString(store.resolve("encryption.key"), "not hex\n");
        assertThatThrownBy(reopened::encryptionSecret).hasMessageContaining("unreadable");
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
