package io.bastion.core.replica;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.MerkleTree;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.replica.ReplicaStats.Counter;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Fetching the replicated state at a stable checkpoint from peers, for a replica that fell too
 * far behind (or whose state diverged). The target digest comes from 2f+1 matching signed
 * CHECKPOINTs, so no single peer is trusted: the manifest (chunk digests) must hash to that
 * digest as a Merkle root, and every chunk must hash to its leaf. A peer that serves anything
 * else, or nothing for a while, is dropped for the next one. Only chunks the local state lacks
 * are fetched. Not thread-safe; owned by the {@link Replica}.
 */
final class StateTransfer {
    /** Where a transfer stands. */
    enum Phase { IDLE, MANIFEST, COMPARING, CHUNKS, INSTALLING }

    private final int self;
    private final ProtocolSettings settings;
    private final ReplicaStats stats;

    private Phase phase = Phase.IDLE;
    private long seq;
    private Digest root;
    private List<Envelope<Checkpoint>> proof = List.of();
    private List<Integer> peers = List.of();
    private int peerIndex;
    private List<Digest> leaves = List.of();
    private final TreeSet<Integer> missing = new TreeSet<>();
    private final TreeSet<Integer> requested = new TreeSet<>();
    private final Map<Integer, byte[]> fetched = new HashMap<>();
    private long lastActivityMillis;

    StateTransfer(int self, ProtocolSettings settings, ReplicaStats stats) {
        this.self = self;
        this.settings = settings;
        this.stats = stats;
    }

    Phase phase() {
        return phase;
    }

    boolean active() {
        return phase != Phase.IDLE;
    }

    /** Whether a transfer to a later checkpoint may replace this one (not while installing). */
    boolean mayRetarget(long newTarget) {
        return phase == Phase.IDLE || (phase != Phase.INSTALLING && newTarget > seq);
    }

    long target() {
        return seq;
    }

    Digest root() {
        return root;
    }

    List<Envelope<Checkpoint>> proof() {
        return proof;
    }

    /** Starts fetching checkpoint {@code target}; the proof's signers are the peers asked, in turn. */
    void start(long target, Digest digest, List<Envelope<Checkpoint>> stableProof, long nowMillis, Output out) {
        Check.that(!stableProof.isEmpty(), "state transfer to %d without a proof", target);
        phase = Phase.MANIFEST;
        seq = target;
        root = digest;
        proof = List.copyOf(stableProof);
        List<Integer> candidates = new ArrayList<>();
        for (Envelope<Checkpoint> c : stableProof) {
            if (c.message().replicaId() != self) {
                candidates.add(c.message().replicaId());
            }
        }
        peers = candidates;
        peerIndex = 0;
        leaves = List.of();
        missing.clear();
        requested.clear();
        fetched.clear();
        stats.increment(Counter.STATE_TRANSFERS_STARTED);
        askManifest(nowMillis, out);
    }

    private int peer() {
        return peers.get(peerIndex % peers.size());
    }

    private void askManifest(long nowMillis, Output out) {
        lastActivityMillis = nowMillis;
        out.send(peer(), Envelope.unsigned(new FetchState(self, seq, List.of())));
    }

    /** The current peer failed us (bad data or silence): ask the next one for what is missing. */
    private void nextPeer(long nowMillis, Output out) {
        peerIndex++;
        requested.clear();
        if (phase == Phase.MANIFEST) {
            askManifest(nowMillis, out);
        } else if (phase == Phase.CHUNKS) {
            askChunks(nowMillis, out);
        }
    }

    void onManifest(int from, StateManifest manifest, long nowMillis, Output out) {
        if (phase != Phase.MANIFEST || manifest.seq() != seq || from != peer()) {
            return;
        }
        if (manifest.leaves().isEmpty() || !MerkleTree.of(manifest.leaves()).root().equals(root)) {
            stats.increment(Counter.STATE_BAD_DATA);
            nextPeer(nowMillis, out);
            return;
        }
        leaves = manifest.leaves();
        phase = Phase.COMPARING;
        out.compareState.add(new Output.CompareState(seq, leaves));
    }

    void onCompared(long comparedSeq, List<Integer> missingChunks, long nowMillis, Output out) {
        if (phase != Phase.COMPARING || comparedSeq != seq) {
            return;
        }
        for (int index : missingChunks) {
            Check.that(index >= 0 && index < leaves.size(), "executor reported chunk %d of %d", index, leaves.size());
            missing.add(index);
        }
        phase = Phase.CHUNKS;
        if (missing.isEmpty()) {
            install(out);
        } else {
            askChunks(nowMillis, out);
        }
    }

    private void askChunks(long nowMillis, Output out) {
        lastActivityMillis = nowMillis;
        List<Integer> ask = new ArrayList<>();
        for (int index : missing) {
            if (ask.size() >= settings.stateFetchChunksMax()) {
                break;
            }
            if (requested.add(index)) {
                ask.add(index);
            }
        }
        if (!ask.isEmpty()) {
            out.send(peer(), Envelope.unsigned(new FetchState(self, seq, ask)));
        }
    }

    void onChunk(int from, StateChunk chunk, long nowMillis, Output out) {
        if (phase != Phase.CHUNKS || chunk.seq() != seq || from != peer() || !missing.contains(chunk.index())) {
            return;
        }
        byte[] data = chunk.dataUnsafe();
        if (data.length > settings.stateChunkBytes() || !MerkleTree.leafHash(data).equals(leaves.get(chunk.index()))) {
            stats.increment(Counter.STATE_BAD_DATA);
            nextPeer(nowMillis, out);
            return;
        }
        lastActivityMillis = nowMillis;
        fetched.put(chunk.index(), data);
        missing.remove(chunk.index());
        requested.remove(chunk.index());
        if (missing.isEmpty()) {
            install(out);
        } else if (requested.isEmpty()) {
            askChunks(nowMillis, out);
        }
    }

    private void install(Output out) {
        phase = Phase.INSTALLING;
        out.installState.add(new Output.InstallState(seq, root, leaves, Map.copyOf(fetched)));
        fetched.clear();
    }

    /** A peer that stays silent for a status interval is replaced by the next. */
    void onTick(long nowMillis, Output out) {
        if ((phase == Phase.MANIFEST || phase == Phase.CHUNKS)
                && nowMillis - lastActivityMillis >= 2 * settings.statusIntervalMillis()) {
            stats.increment(Counter.STATE_PEER_SILENT);
            nextPeer(nowMillis, out);
        }
    }

    /** The executor installed the state: the transfer is over. */
    void finished() {
        phase = Phase.IDLE;
        leaves = List.of();
        missing.clear();
        requested.clear();
    }
}
