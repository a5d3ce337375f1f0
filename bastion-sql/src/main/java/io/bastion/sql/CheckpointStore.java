package io.bastion.sql;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.util.Check;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The page digests of a replica's database file and the checkpoints it keeps for state transfer,
 * at a cost per checkpoint proportional to the pages that changed, not to the database's size.
 *
 * <p>The database runs in WAL mode and its write-ahead log is folded into the file only by
 * {@link #fold}, so between folds the file does not change and the log says which pages will. A
 * fold reads the page numbers in the log's frame headers ({@link WalPages}); saves, for the newest
 * kept checkpoint, the pages the fold is about to overwrite ({@link CheckpointPages}); lets SQLite
 * fold; then hashes only the changed pages into the {@link PageTree}. Right after the fold of a
 * checkpoint the file is that checkpoint's image, and its root is the checkpoint digest.
 *
 * <p>A kept checkpoint's page i is the one its pages file saved, else the next newer checkpoint's
 * page i, and so on down to the database file. The invariant that makes this right, at every moment
 * on disk: each kept checkpoint's file holds every page in which it differs from the next newer
 * state (the next kept checkpoint, or the database file for the newest). A fold saves the pages
 * (synced, renamed into place) before SQLite touches the file, so a crash at any point leaves the
 * invariant true; the newest file grows when the database is folded between checkpoints (at close).
 * Dropping the oldest checkpoint deletes its file and nothing else.
 *
 * <p>At start the file is hashed once, and every kept checkpoint's root is recomputed from it
 * through the chain; a checkpoint that does not match (its files were lost or tampered with) is
 * dropped with all older ones. Full copies of some checkpoints for backups ({@code checkpoint-<seq>.db})
 * are written in the background ({@link CheckpointExports}).
 *
 * <p>Used by the replica's executor thread; the export thread reads pages under the same lock.
 */
final class CheckpointStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);

    /** Checkpoints kept for peers that fetch state. */
    static final int CHECKPOINTS_KEPT = 3;

    /** SQLite's side of a fold: folds the write-ahead log into the file and sets its header. */
    interface Fold {
        void run() throws java.sql.SQLException;
    }

    private final Path directory;
    private final Path databaseFile;
    private final int pageBytes;
    private final boolean durable;
    private final ReentrantLock lock = new ReentrantLock();
    /** The tree of the database file as it is on disk (the log not folded in). */
    private final PageTree tree = new PageTree();
    private final TreeMap<Long, CheckpointPages> kept = new TreeMap<>();
    private final CheckpointExports exports;
    private FileChannel database;

    private CheckpointStore(Path directory, Path databaseFile, int pageBytes, boolean durable, int checkpointInterval) {
        this.directory = directory;
        this.databaseFile = databaseFile;
        this.pageBytes = pageBytes;
        this.durable = durable;
        this.exports = new CheckpointExports(directory, checkpointInterval, pageBytes, durable, lock, this::readPages,
                this::pageCountOf);
    }

    /**
     * Opens the store of {@code databaseFile} (open in SQLite already): hashes the file, reads the
     * kept checkpoints and checks each against it.
     */
    static CheckpointStore open(Path directory, Path databaseFile, int pageBytes, boolean durable,
                                int checkpointInterval) {
        CheckpointStore store = new CheckpointStore(directory, databaseFile, pageBytes, durable, checkpointInterval);
        try {
            store.database = FileChannel.open(databaseFile, StandardOpenOption.READ);
            store.hashFile();
            store.loadKept();
            store.exports.removeUnfinished();
            if (!store.kept.isEmpty()) {
                CheckpointPages newest = store.kept.lastEntry().getValue();
                store.lock.lock();
                try {
                    store.exports.offer(newest.seq(), newest.pageCount());
                } finally {
                    store.lock.unlock();
                }
            }
            return store;
        } catch (IOException e) {
            store.close();
            throw new UncheckedIOException("cannot open the checkpoints in " + directory, e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private void hashFile() throws IOException {
        long size = database.size();
        Check.that(size % pageBytes == 0, "%s is not a whole number of %d-byte pages", databaseFile, pageBytes);
        int pages = Math.toIntExact(size / pageBytes);
        tree.resize(pages);
        for (int i = 0; i < pages; i++) {
            tree.set(i, MerkleTree.leafHash(readPage(i)));
        }
    }

    private void loadKept() throws IOException {
        try (var files = Files.list(directory)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(CheckpointPages.PREFIX) && name.endsWith(CheckpointPages.SUFFIX + ".tmp")) {
                    Files.delete(file); // a crash while it was written; the old one, if any, is in place
                } else if (CheckpointPages.seqOf(name) >= 0) {
                    try {
                        CheckpointPages pages = CheckpointPages.read(file, pageBytes);
                        Check.that(pages.seq() == CheckpointPages.seqOf(name), "%s holds checkpoint %d", file, pages.seq());
                        kept.put(pages.seq(), pages);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("dropping {}: {}", file, e.toString());
                        Files.delete(file);
                    }
                }
            }
        }
        List<Digest> leaves = new ArrayList<>(tree.leafView());
        for (Long seq : new ArrayList<>(kept.descendingKeySet())) {
            CheckpointPages pages = kept.get(seq);
            pages.applyTo(leaves);
            Digest root = leaves.isEmpty() ? PageTree.EMPTY_ROOT : MerkleTree.of(leaves).root();
            if (!root.equals(pages.root())) {
                LOG.warn("checkpoint {} does not match the database file through the newer ones: dropping it and the {} "
                        + "older ones", seq, kept.headMap(seq).size());
                for (CheckpointPages older : new ArrayList<>(kept.headMap(seq, true).values())) {
                    kept.remove(older.seq());
                    older.delete();
                }
                break;
            }
        }
    }

    // ------------------------------------------------------------------ folds

    /**
     * Folds the write-ahead log into the database file ({@code fold}) after saving what the newest
     * kept checkpoint needs, and hashes the pages that changed. With {@code checkpointSeq} at least 0,
     * the folded file is that checkpoint: it is kept, the oldest beyond {@link #CHECKPOINTS_KEPT} is
     * dropped, and its digest returned; with -1 (before closing, say) only the fold is done.
     *
     * @param pagesAfter the database's page count as SQLite sees it now (log included)
     */
    Digest fold(long checkpointSeq, int pagesAfter, Fold fold) {
        lock.lock();
        try {
            BitSet changed = WalPages.read(SqlDatabase.writeAheadLog(databaseFile), pageBytes);
            changed.set(0); // the header's change counter is set at every fold
            if (!kept.isEmpty()) {
                save(kept.lastEntry().getValue(), changed, pagesAfter);
            }
            try {
                fold.run();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("cannot fold the write-ahead log into " + databaseFile + ": " + e, e);
            }
            int before = tree.size();
            long size = database.size();
            Check.that(size == (long) pagesAfter * pageBytes, "after the fold %s has %d bytes, not %d pages",
                    databaseFile, size, pagesAfter);
            tree.resize(pagesAfter);
            changed.set(Math.min(before, pagesAfter), pagesAfter);
            for (int i = changed.nextSetBit(0); i >= 0 && i < pagesAfter; i = changed.nextSetBit(i + 1)) {
                tree.set(i, MerkleTree.leafHash(readPage(i)));
            }
            Digest root = tree.root();
            if (checkpointSeq >= 0) {
                keep(checkpointSeq, pagesAfter, root);
            }
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fold the checkpoint pages of " + databaseFile, e);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds to {@code newest}'s file the pages of the checkpoint that the fold may overwrite or cut
     * off and that it does not hold yet: they are, until the fold, the file's pages.
     */
    private void save(CheckpointPages newest, BitSet changed, int pagesAfter) throws IOException {
        TreeMap<Integer, CheckpointPages.Saved> added = new TreeMap<>();
        BitSet needed = (BitSet) changed.clone();
        needed.set(Math.min(pagesAfter, newest.pageCount()), newest.pageCount());
        for (int i = needed.nextSetBit(0); i >= 0 && i < newest.pageCount(); i = needed.nextSetBit(i + 1)) {
            if (!newest.saved(i)) {
                Check.that(i < tree.size(), "page %d of checkpoint %d is neither saved nor in the file", i, newest.seq());
                byte[] page = readPage(i);
                Digest leaf = MerkleTree.leafHash(page);
                Check.that(leaf.equals(tree.leaf(i)), "page %d of %s changed outside a fold", i, databaseFile);
                added.put(i, new CheckpointPages.Saved(leaf, page));
            }
        }
        if (!added.isEmpty()) {
            kept.put(newest.seq(), CheckpointPages.write(directory, newest.seq(), newest.pageCount(), newest.root(),
                    pageBytes, newest, added, durable));
        }
    }

    private void keep(long seq, int pageCount, Digest root) throws IOException {
        CheckpointPages previous = kept.get(seq);
        Check.that(previous == null || (previous.root().equals(root) && previous.savedCount() == 0),
                "checkpoint %d kept twice with different states", seq);
        if (previous == null) {
            kept.put(seq, CheckpointPages.write(directory, seq, pageCount, root, pageBytes, null, new TreeMap<>(),
                    durable));
        }
        while (kept.size() > CHECKPOINTS_KEPT && exports.mayDrop(kept.firstKey())) {
            kept.pollFirstEntry().getValue().delete(); // chains run toward newer states: nothing else needs it
        }
        exports.offer(seq, pageCount);
    }

    // ------------------------------------------------------------------ reading

    /** The digest of kept checkpoint {@code seq}, or {@code null}. */
    Digest root(long seq) {
        lock.lock();
        try {
            CheckpointPages pages = kept.get(seq);
            return pages == null ? null : pages.root();
        } finally {
            lock.unlock();
        }
    }

    /** The page count of kept checkpoint {@code seq}, or -1. */
    int pageCountOf(long seq) {
        lock.lock();
        try {
            CheckpointPages pages = kept.get(seq);
            return pages == null ? -1 : pages.pageCount();
        } finally {
            lock.unlock();
        }
    }

    /** The leaves of kept checkpoint {@code seq} (its manifest), or {@code null}. */
    List<Digest> leaves(long seq) {
        lock.lock();
        try {
            if (!kept.containsKey(seq)) {
                return null;
            }
            List<Digest> leaves = new ArrayList<>(tree.leafView());
            for (CheckpointPages pages : kept.tailMap(seq, true).descendingMap().values()) {
                pages.applyTo(leaves);
            }
            return leaves;
        } finally {
            lock.unlock();
        }
    }

    /** Page {@code index} of kept checkpoint {@code seq}, as it was at that seq. */
    byte[] page(long seq, int index) {
        lock.lock();
        try {
            CheckpointPages pages = kept.get(seq);
            Check.argument(pages != null && index >= 0 && index < pages.pageCount(), "no page " + index + " of " + seq);
            for (CheckpointPages newer : kept.tailMap(seq, true).values()) {
                byte[] page = newer.page(index);
                if (page != null) {
                    return page;
                }
            }
            return readPage(index);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read page " + index + " of checkpoint " + seq, e);
        } finally {
            lock.unlock();
        }
    }

    /** Pages [from, from + count) of kept checkpoint {@code seq}, or {@code null} if it is gone. */
    private ByteBuffer readPages(long seq, int from, int count) {
        lock.lock();
        try {
            if (!kept.containsKey(seq)) {
                return null;
            }
            ByteBuffer pages = ByteBuffer.allocate(count * pageBytes);
            for (int i = from; i < from + count; i++) {
                pages.put(page(seq, i));
            }
            return pages.flip();
        } finally {
            lock.unlock();
        }
    }

    /** Where each page digest of the database file first occurs: the pages this replica holds. */
    Map<Digest, Integer> localPages() {
        lock.lock();
        try {
            Map<Digest, Integer> index = new HashMap<>();
            for (int i = 0; i < tree.size(); i++) {
                index.putIfAbsent(tree.leaf(i), i);
            }
            return index;
        } finally {
            lock.unlock();
        }
    }

    /** Page {@code index} of the database file as it is on disk. */
    byte[] readPage(int index) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(pageBytes);
        CheckpointPages.readFully(database, page, (long) index * pageBytes, databaseFile);
        return page.array();
    }

    // ------------------------------------------------------------------ state transfer

    /** What replaces the database file during {@link #install}: SQLite is closed and opened around it. */
    interface Replacement {
        void closeDatabase();

        void openDatabase();
    }

    /**
     * Replaces the database file by checkpoint {@code seq}, whose pages have the digests {@code leaves}:
     * {@code fetched} ones, the rest found by digest in the current file; each is checked against its
     * leaf. The new file is written beside the old one, synced and renamed over it, so a crash leaves
     * one or the other. The kept checkpoints are dropped first (their chains end in the old file);
     * the installed one is kept.
     */
    void install(long seq, List<Digest> leaves, Map<Integer, byte[]> fetched, Replacement replacement) {
        lock.lock();
        try {
            exports.cancel();
            Path temporary = databaseFile.resolveSibling(databaseFile.getFileName() + ".install");
            Map<Digest, Integer> local = localPages();
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                for (int i = 0; i < leaves.size(); i++) {
                    byte[] page = fetched.get(i);
                    if (page == null) {
                        Integer at = local.get(leaves.get(i));
                        Check.that(at != null, "page %d of checkpoint %d neither fetched nor local", i, seq);
                        page = readPage(at);
                    }
                    Check.that(PageImage.matches(page, leaves.get(i)), "page %d does not match its leaf", i);
                    ByteBuffer buffer = ByteBuffer.wrap(page);
                    while (buffer.hasRemaining()) {
                        out.write(buffer);
                    }
                }
                out.force(true);
            }
            for (CheckpointPages pages : kept.values()) {
                pages.delete();
            }
            kept.clear();
            SqlDatabase.forceDirectory(directory);
            replacement.closeDatabase();
            database.close(); // after SQLite: closing a descriptor of the file drops the process's locks on it
            Files.deleteIfExists(SqlDatabase.writeAheadLog(databaseFile)); // folded by the close; never apply it to the new file
            Files.move(temporary, databaseFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            SqlDatabase.forceDirectory(directory);
            database = FileChannel.open(databaseFile, StandardOpenOption.READ);
            tree.resize(0);
            tree.resize(leaves.size());
            for (int i = 0; i < leaves.size(); i++) {
                tree.set(i, leaves.get(i));
            }
            replacement.openDatabase();
            Check.that(database.size() == (long) leaves.size() * pageBytes && (leaves.isEmpty()
                    || MerkleTree.leafHash(readPage(0)).equals(tree.leaf(0))), "SQLite changed %s as it opened", databaseFile);
            keep(seq, leaves.size(), tree.root());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install checkpoint " + seq, e);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until no export is running or waiting (for tests and tools). */
    void awaitExports() throws InterruptedException {
        exports.awaitIdle();
    }

    @Override
    public void close() {
        exports.close();
        lock.lock();
        try {
            for (CheckpointPages pages : kept.values()) {
                pages.close();
            }
            if (database != null) {
                database.close();
            }
        } catch (IOException e) {
            LOG.warn("closing {}: {}", databaseFile, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
