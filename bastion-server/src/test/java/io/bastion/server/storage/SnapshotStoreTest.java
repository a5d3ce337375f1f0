package io.bastion.server.storage;

import io.bastion.server.storage.SnapshotStore.Snapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Writing, reading, retaining and falling back past damaged snapshots. */
class SnapshotStoreTest {
    @TempDir
    Path directory;

    private static byte[] state(long seq, int bytes) {
        byte[] state = new byte[bytes];
        new Random(seq).nextBytes(state);
        return state;
    }

    private SnapshotStore storeWith(long... sequences) {
        SnapshotStore store = SnapshotStore.open(directory, SyncMode.FSYNC);
        for (long seq : sequences) {
            store.write(seq, state(seq, 1000 + (int) seq));
        }
        return store;
    }

    @Test
    void writtenSnapshotsReadBackAfterReopen() {
        storeWith(128, 256);
        SnapshotStore store = SnapshotStore.open(directory, SyncMode.FSYNC);
        assertThat(store.sequences()).containsExactly(128L, 256L);
        assertThat(store.latest()).get().satisfies(s -> {
            assertThat(s.seq()).isEqualTo(256);
            assertThat(s.state()).isEqualTo(state(256, 1256));
        });
        assertThat(store.read(128)).get().extracting(Snapshot::state).isEqualTo(state(128, 1128));
        assertThat(store.read(200)).isEmpty();
    }

    @Test
    void anEmptyStoreHasNoSnapshot() {
        SnapshotStore store = SnapshotStore.open(directory.resolve("new/snapshots"), SyncMode.FSYNC);
        assertThat(store.latest()).isEmpty();
        assertThat(store.sequences()).isEmpty();
    }

    @Test
    void emptyAndMultiMegabyteStatesRoundTrip() {
        SnapshotStore store = SnapshotStore.open(directory, SyncMode.NONE);
        byte[] large = state(7, 3 * FileIo.CHUNK_BYTES + 17);
        store.write(0, new byte[0]);
        store.write(7, large);
        assertThat(store.read(0)).get().extracting(Snapshot::state).isEqualTo(new byte[0]);
        assertThat(store.read(7)).get().extracting(Snapshot::state).isEqualTo(large);
    }

    @Test
    void writingTheSameSequenceNumberAgainReplacesTheSnapshot() {
        SnapshotStore store = storeWith(64);
        store.write(64, "again".getBytes(StandardCharsets.UTF_8));
        assertThat(store.read(64)).get().extracting(Snapshot::state).isEqualTo("again".getBytes(StandardCharsets.UTF_8));
        assertThat(store.sequences()).containsExactly(64L);
    }

    @Test
    void retainFromDeletesOlderSnapshotsButAlwaysKeepsTheNewest() {
        SnapshotStore store = storeWith(10, 20, 30);
        store.retainFrom(20);
        assertThat(store.sequences()).containsExactly(20L, 30L);
        store.retainFrom(1_000);
        assertThat(store.sequences()).containsExactly(30L);
        assertThat(store.read(20)).isEmpty();
        assertThat(store.latest()).get().extracting(Snapshot::seq).isEqualTo(30L);
    }

    @Test
    void aTemporaryFileLeftByACrashIsIgnoredAndDeletedOnOpen() throws IOException {
        SnapshotStore store = storeWith(10);
        Path leftover = directory.resolve(store.file(20).getFileName() + ".tmp");
        Files.write(leftover, new byte[] {'B', 'S', 'N'});
        assertThat(store.latest()).get().extracting(Snapshot::seq).isEqualTo(10L);
        assertThat(store.sequences()).containsExactly(10L);
        SnapshotStore.open(directory, SyncMode.FSYNC);
        assertThat(leftover).doesNotExist();
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToThePreviousAndFailsWhenReadExplicitly() throws IOException {
        SnapshotStore store = storeWith(10, 20);
        Path newest = store.file(20);
        LogFiles.flip(newest, SnapshotStore.HEADER_BYTES + 500);
        assertThat(store.latest()).get().extracting(Snapshot::seq).isEqualTo(10L);
        assertThatThrownBy(() -> store.read(20))
                .isInstanceOfSatisfying(CorruptStorageException.class, e -> {
                    assertThat(e.file()).isEqualTo(newest);
                    assertThat(e.offset()).isEqualTo(SnapshotStore.DIGEST_OFFSET);
                })
                .hasMessageContaining(newest.toString())
                .hasMessageContaining("SHA-256");
    }

    @Test
    void everyKindOfHeaderDamageIsReported() throws IOException {
        SnapshotStore store = storeWith(10, 20);
        Path newest = store.file(20);
        byte[] intact = Files.readAllBytes(newest);
        int[] offsets = {0, SnapshotStore.SEQ_OFFSET + 7, SnapshotStore.LENGTH_OFFSET + 7, SnapshotStore.DIGEST_OFFSET};
        for (int offset : offsets) {
            Files.write(newest, intact);
            LogFiles.flip(newest, offset);
            assertThatThrownBy(() -> store.read(20)).as("byte %d", offset).isInstanceOf(CorruptStorageException.class);
            assertThat(store.latest()).as("byte %d", offset).get().extracting(Snapshot::seq).isEqualTo(10L);
        }
        LogFiles.truncate(newest, SnapshotStore.HEADER_BYTES - 1);
        assertThatThrownBy(() -> store.read(20)).isInstanceOf(CorruptStorageException.class).hasMessageContaining("header");
        LogFiles.truncate(store.file(10), SnapshotStore.HEADER_BYTES + 3);
        assertThat(store.latest()).isEmpty();
    }

    @Test
    void negativeSequenceNumbersAreRefused() {
        SnapshotStore store = storeWith();
        assertThatThrownBy(() -> store.write(-1, new byte[1])).isInstanceOf(IllegalArgumentException.class);
    }
}
