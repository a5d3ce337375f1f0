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
    void aServiceReadsKeysWhileAnsweringReadsAndARefusalItCatchesLeavesTheLedgerAsItWent(@TempDir Path dir)
            throws Exception {
        // "ask NAME SUITE" asks for a key and answers the refusal instead of failing; a read answers the key's state
        ThresholdSqlService service = new ThresholdSqlService(4, 1, ThresholdAccess.SERVICE_ONLY, t -> new SqlService() {
            @Override
            public void migrate(Connection connection) {}

            @Override
            public byte[] execute(byte[] request, Connection connection, ServiceContext context) {
                String[] words = text(request).split(" ");
                try {
                    t.requestKey(words[1], Suite.valueOf(words[2]), context);
                    return "asked".getBytes();
                } catch (Threshold.RefusedException e) {
                    return ("refused: " + e.getMessage()).getBytes();
                }
            }

            @Override
            public byte[] query(byte[] request, Connection connection, ServiceContext context) {
                return (t.key(text(request)).isPresent() ? "usable" : "not usable").getBytes();
            }
        });
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("db"))) {
            c.setAutoCommit(false);
            service.migrate(c);
            enrollAll((op, ctx) -> unchecked(() -> service.execute(op, c, ctx)));
            assertThat(text(service.execute("ask k P256".getBytes(), c, from(1)))).isEqualTo("asked");
            c.commit();
            assertThat(text(service.query("k".getBytes(), c, from(1)))).isEqualTo("not usable");
            int epoch = service.ledger().keyRecord("k").epoch;
            // past the round's time, a refused request restarts the round: the database must keep that
            ServiceContext late = new ServiceContext(1, 2, 2, 0, NOW + ThresholdLedger.KEY_ROUND_MILLIS + 1, 0);
            assertThat(text(service.execute("ask k ED25519".getBytes(), c, late)))
                    .isEqualTo("refused: key k exists in suite P256");
            c.commit();
            assertThat(service.ledger().keyRecord("k").epoch).isEqualTo(epoch + 1);
            byte[] stored;
            try (var st = c.createStatement(); var rs = st.executeQuery("SELECT state FROM bastion_threshold_ledger")) {
                rs.next();
                stored = rs.getBytes(1);
            }
            c.rollback();
            assertThat(stored).as("the database holds the ledger the service went on with")
                    .isEqualTo(service.ledger().snapshot());
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
        assertThatThrownBy(() -> new FileShareStore(store).encryptionSecret()).hasMessageContaining("unreadable");
    }

    @Test
    void aReplicaKeepsOneContributionRequestOutstandingAndPacksWhatIsDue() {
        ThresholdService service = new ThresholdService(4, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new KeyValueService());
        io.bastion.crypto.SigningKey key = io.bastion.crypto.Ed25519SigningKey.generate(LedgerHarness.seeded(3));
        ThresholdHost host = new ThresholdHost(new ThresholdAgent(2, ShareStore.inMemory(), LedgerHarness.seeded(2)),
                service::ledger, key);
        var first = host.afterBatch(NOW);
        assertThat(first).hasSize(1);
        var request = first.get(0).message();
        assertThat(request.clientId()).isEqualTo(ClusterConfig.replicaClientId(2));
        assertThat(ThresholdOp.decode(request.operation())).isInstanceOf(ThresholdOp.Contributions.class);
        assertThat(host.afterBatch(NOW + 100)).as("one request outstanding").isEmpty();
        ServiceContext ordered = new ServiceContext(request.clientId(), request.requestNumber(), 1, 0, NOW, 0);
        assertThat(text(service.execute(request.operation(), ordered))).isEqualTo("ok enrolled replica 2");
        assertThat(service.ledger().lastContribution(2)).isEqualTo(request.requestNumber());
        assertThat(host.afterBatch(NOW + 200)).as("nothing more is due").isEmpty();
        // a lost request goes again after the resubmission delay
        ThresholdHost other = new ThresholdHost(new ThresholdAgent(3, ShareStore.inMemory(), LedgerHarness.seeded(4)),
                service::ledger, key);
        long number = other.afterBatch(NOW).get(0).message().requestNumber();
        assertThat(other.afterBatch(NOW + ThresholdAgent.RESUBMIT_MILLIS - 1)).isEmpty();
        var again = other.afterBatch(NOW + ThresholdAgent.RESUBMIT_MILLIS);
        assertThat(again).hasSize(1);
        assertThat(again.get(0).message().requestNumber()).isGreaterThan(number);
    }

    @Test
    void hostsCarryKeyGenerationAndManyConcurrentDecryptionsThroughOneRequestEach() {
        int n = 4;
        List<ThresholdService> services = new java.util.ArrayList<>();
        List<ThresholdHost> hosts = new java.util.ArrayList<>();
        for (int r = 0; r < n; r++) {
            ThresholdService service = new ThresholdService(n, 1, ThresholdAccess.REGISTERED_CLIENTS, t -> new KeyValueService());
            services.add(service);
            hosts.add(new ThresholdHost(new ThresholdAgent(r, ShareStore.inMemory(), LedgerHarness.seeded(r)),
                    service::ledger, io.bastion.crypto.Ed25519SigningKey.generate(LedgerHarness.seeded(100 + r))));
        }
        long[] now = {NOW};
        long[] seq = {1};
        java.util.function.Consumer<byte[]> client = op -> {
            for (ThresholdService s : services) {
                s.execute(op, new ServiceContext(1, seq[0], seq[0], 0, now[0], 0));
            }
            seq[0]++;
        };
        java.util.function.BooleanSupplier round = () -> {
            List<io.bastion.core.message.Envelope<io.bastion.core.message.Request>> requests = new java.util.ArrayList<>();
            for (ThresholdHost h : hosts) {
                requests.addAll(h.afterBatch(now[0]));
            }
            for (var signed : requests) {
                var q = signed.message();
                for (ThresholdService s : services) {
                    s.execute(q.operation(), new ServiceContext(q.clientId(), q.requestNumber(), seq[0], 0, now[0], 0));
                }
                seq[0]++;
            }
            now[0] += 50;
            return !requests.isEmpty();
        };
        for (int i = 0; i < 20; i++) {
            round.getAsBoolean();
        }
        client.accept(new ThresholdOp.KeyGen("k", Suite.P256).encode());
        for (int i = 0; i < 100 && services.get(0).ledger().key("k").isEmpty(); i++) {
            round.getAsBoolean();
        }
        Element pk = services.get(0).ledger().key("k").orElseThrow().publicKey();
        long first = services.get(0).ledger().operationRecords().size() + 1L;
        for (int i = 0; i < 40; i++) {
            client.accept(new ThresholdOp.Decrypt("k", List.of(ElGamal.encryptExponent(pk, i, LedgerHarness.seeded(i)))).encode());
        }
        int rounds = 0;
        while (rounds < 200 && java.util.stream.LongStream.range(first, first + 40)
                .anyMatch(op -> !services.get(0).ledger().result(op).orElseThrow().done())) {
            round.getAsBoolean();
            rounds++;
        }
        for (int i = 0; i < 40; i++) {
            var result = services.get(0).ledger().result(first + i).orElseThrow();
            assertThat(result.done()).as("decryption %d after %d rounds", i, rounds).isTrue();
            assertThat(ElGamal.discreteLog(result.plaintexts().get(0), 100)).contains((long) i);
        }
        assertThat(rounds).as("rounds of one request per replica").isLessThan(10);
    }

    private static <T> T unchecked(java.util.concurrent.Callable<T> c) {
        try {
            return c.call();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
