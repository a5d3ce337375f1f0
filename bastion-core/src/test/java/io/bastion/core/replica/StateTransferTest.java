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
import io.bastion.core.replica.StateTransfer.Phase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

import static io.bastion.core.replica.SignedMessages.checkpoints;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fetching the state of checkpoint 8 as replica 3 of four. The state has six chunks; the proof's
 * signers (replicas 0, 1, 2 unless a test says otherwise) are the peers asked, in turn. At most
 * two chunks are asked at a time; a peer is silent after two status intervals (2 x 100 ms).
 */
class StateTransferTest {
    private static final int SELF = 3;
    private static final long SEQ = 8;
    private static final int CHUNK_BYTES = 1024;
    private static final int FETCH_MAX = 2;
    private static final long STATUS_MILLIS = 100;
    private static final long START = 10_000;

    private static final ProtocolSettings SETTINGS = settings();

    private static ProtocolSettings settings() {
        return ProtocolSettings.builder()
                .statusIntervalMillis(STATUS_MILLIS).stateChunkBytes(CHUNK_BYTES).stateFetchChunksMax(FETCH_MAX).build();
    }

    /** A state as its chunks, with the manifest (leaves) and digest (root) that go with them. */
    private record State(List<byte[]> chunks) {
        static State of(int count) {
            List<byte[]> chunks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                chunks.add(("chunk " + i).getBytes(StandardCharsets.UTF_8));
            }
            return new State(chunks);
        }

        List<Digest> leaves() {
            return chunks.stream().map(MerkleTree::leafHash).toList();
        }

        Digest root() {
            return MerkleTree.of(leaves()).root();
        }

        StateManifest manifest(int from) {
            return new StateManifest(from, SEQ, leaves());
        }

        StateChunk chunk(int from, int index) {
            return new StateChunk(from, SEQ, index, chunks.get(index));
        }
    }

    private static final State STATE = State.of(6);

    /** What the transfer asked: a peer, and the chunks (empty: the manifest). */
    private record Ask(int peer, List<Integer> chunks) {}

    private final ReplicaStats stats = new ReplicaStats();
    private final StateTransfer transfer = new StateTransfer(SELF, SETTINGS, stats);

    private static List<Ask> asks(Output out) {
        List<Ask> asks = new ArrayList<>();
        for (Output.Send send : out.sends) {
            FetchState fetch = send.message().as(FetchState.class).message();
            assertThat(fetch.replicaId()).isEqualTo(SELF);
            assertThat(fetch.seq()).isEqualTo(SEQ);
            asks.add(new Ask(send.to(), fetch.chunks()));
        }
        return asks;
    }

    private static List<Envelope<Checkpoint>> proofBy(Integer... replicas) {
        return checkpoints(SEQ, STATE.root(), List.of(replicas));
    }

    private Output start(State state, List<Envelope<Checkpoint>> proof) {
        Output out = new Output();
        transfer.start(SEQ, state.root(), proof, START, out);
        return out;
    }

    /** Starts, takes the manifest from peer 0 and learns that {@code missing} chunks are missing. */
    private Output inChunks(State state, List<Integer> missing) {
        start(state, checkpoints(SEQ, state.root(), List.of(0, 1, 2)));
        transfer.onManifest(0, state.manifest(0), START, new Output());
        Output out = new Output();
        transfer.onCompared(SEQ, missing, START, out);
        return out;
    }

    @Test
    void aTransferGoesFromIdleThroughManifestComparingAndChunksToInstallingAndBackToIdle() {
        assertThat(transfer.phase()).isEqualTo(Phase.IDLE);
        assertThat(transfer.active()).isFalse();

        Output started = start(STATE, proofBy(0, 1, 2));
        assertThat(transfer.phase()).isEqualTo(Phase.MANIFEST);
        assertThat(transfer.active()).isTrue();
        assertThat(asks(started)).containsExactly(new Ask(0, List.of()));
        assertThat(stats.get(Counter.STATE_TRANSFERS_STARTED)).isEqualTo(1);

        Output manifest = new Output();
        transfer.onManifest(0, STATE.manifest(0), START + 1, manifest);
        assertThat(transfer.phase()).isEqualTo(Phase.COMPARING);
        assertThat(manifest.compareState).containsExactly(new Output.CompareState(SEQ, STATE.leaves()));
        assertThat(manifest.sends).isEmpty();

        Output compared = new Output();
        transfer.onCompared(SEQ, List.of(1, 4), START + 2, compared);
        assertThat(transfer.phase()).isEqualTo(Phase.CHUNKS);
        assertThat(asks(compared)).containsExactly(new Ask(0, List.of(1, 4)));

        Output first = new Output();
        transfer.onChunk(0, STATE.chunk(0, 4), START + 3, first);
        assertThat(transfer.phase()).isEqualTo(Phase.CHUNKS);
        assertThat(first.isEmpty()).isTrue();

        Output last = new Output();
        transfer.onChunk(0, STATE.chunk(0, 1), START + 4, last);
        assertThat(transfer.phase()).isEqualTo(Phase.INSTALLING);
        assertThat(last.installState).hasSize(1);
        Output.InstallState install = last.installState.get(0);
        assertThat(install.seq()).isEqualTo(SEQ);
        assertThat(install.root()).isEqualTo(STATE.root());
        assertThat(install.leaves()).isEqualTo(STATE.leaves());
        assertThat(install.fetched()).containsOnlyKeys(1, 4);
        assertThat(install.fetched().get(1)).isEqualTo(STATE.chunks().get(1));
        assertThat(install.fetched().get(4)).isEqualTo(STATE.chunks().get(4));

        transfer.finished();
        assertThat(transfer.phase()).isEqualTo(Phase.IDLE);
        assertThat(stats.get(Counter.STATE_BAD_DATA)).isZero();
        assertThat(stats.get(Counter.STATE_PEER_SILENT)).isZero();
    }

    @Test
    void aStateWithNoChunkMissingIsInstalledAtOnceFromLocalChunks() {
        start(STATE, proofBy(0, 1, 2));
        transfer.onManifest(0, STATE.manifest(0), START, new Output());

        Output out = new Output();
        transfer.onCompared(SEQ, List.of(), START, out);

        assertThat(transfer.phase()).isEqualTo(Phase.INSTALLING);
        assertThat(out.sends).isEmpty();
        assertThat(out.installState).singleElement().satisfies(i -> assertThat(i.fetched()).isEmpty());
    }

    @Test
    void onlyMissingChunksAreAskedAtMostStateFetchChunksMaxAtATimeAndTheNextOnesWhenAllAskedArrived() {
        Output compared = inChunks(STATE, List.of(0, 2, 3, 5));
        assertThat(asks(compared)).containsExactly(new Ask(0, List.of(0, 2)));

        Output afterFirst = new Output();
        transfer.onChunk(0, STATE.chunk(0, 0), START, afterFirst);
        assertThat(afterFirst.sends).as("one of the two asked is still on its way").isEmpty();

        Output afterSecond = new Output();
        transfer.onChunk(0, STATE.chunk(0, 2), START, afterSecond);
        assertThat(asks(afterSecond)).containsExactly(new Ask(0, List.of(3, 5)));

        transfer.onChunk(0, STATE.chunk(0, 3), START, new Output());
        Output done = new Output();
        transfer.onChunk(0, STATE.chunk(0, 5), START, done);
        assertThat(transfer.phase()).isEqualTo(Phase.INSTALLING);
        assertThat(done.installState.get(0).fetched()).containsOnlyKeys(0, 2, 3, 5);
    }

    @Test
    void aMissingChunkThatArrivesBeforeItWasAskedForIsKeptAndNotAskedAgain() {
        inChunks(STATE, List.of(0, 2, 3));

        transfer.onChunk(0, STATE.chunk(0, 3), START, new Output());
        transfer.onChunk(0, STATE.chunk(0, 0), START, new Output());
        Output out = new Output();
        transfer.onChunk(0, STATE.chunk(0, 2), START, out);

        assertThat(transfer.phase()).isEqualTo(Phase.INSTALLING);
        assertThat(out.sends).isEmpty();
        assertThat(out.installState.get(0).fetched()).containsOnlyKeys(0, 2, 3);
    }

    @ParameterizedTest(name = "a manifest {0} is refused and peer 1 asked")
    @CsvSource({"whose root is not the agreed digest", "without leaves"})
    void aBadManifestIsCountedAndTheNextPeerOfTheProofIsAsked(String kind) {
        start(STATE, proofBy(0, 1, 2));
        List<Digest> leaves = new ArrayList<>(STATE.leaves());
        if (kind.startsWith("whose")) {
            leaves.set(2, MerkleTree.leafHash(new byte[] {9}));
        } else {
            leaves.clear();
        }

        Output out = new Output();
        transfer.onManifest(0, new StateManifest(0, SEQ, leaves), START + 5, out);

        assertThat(transfer.phase()).isEqualTo(Phase.MANIFEST);
        assertThat(stats.get(Counter.STATE_BAD_DATA)).isEqualTo(1);
        assertThat(out.compareState).isEmpty();
        assertThat(asks(out)).containsExactly(new Ask(1, List.of()));

        transfer.onManifest(1, STATE.manifest(1), START + 6, new Output());
        assertThat(transfer.phase()).isEqualTo(Phase.COMPARING);
    }

    @ParameterizedTest(name = "a chunk {0} is refused and peer 1 asked for what is missing")
    @CsvSource({"whose hash is another leaf", "larger than a chunk may be, though its hash is its leaf"})
    void aBadChunkIsCountedAndTheNextPeerIsAskedForTheMissingChunks(String kind) {
        boolean oversized = kind.startsWith("larger");
        State state = STATE;
        if (oversized) {
            List<byte[]> chunks = new ArrayList<>(STATE.chunks());
            chunks.set(1, new byte[CHUNK_BYTES + 1]);
            state = new State(chunks);
        }
        inChunks(state, List.of(1, 4));
        transfer.onChunk(0, state.chunk(0, 4), START + 1, new Output());

        Output out = new Output();
        StateChunk bad = oversized ? state.chunk(0, 1) : new StateChunk(0, SEQ, 1, state.chunks().get(2));
        transfer.onChunk(0, bad, START + 2, out);

        assertThat(stats.get(Counter.STATE_BAD_DATA)).isEqualTo(1);
        assertThat(transfer.phase()).isEqualTo(Phase.CHUNKS);
        assertThat(asks(out)).containsExactly(new Ask(1, List.of(1)));
        assertThat(out.installState).isEmpty();
    }

    @ParameterizedTest(name = "in {0}: quiet until {1} ms -> asks peer {2} for {3}")
    @CsvSource(delimiter = ';', value = {
        // phase the transfer is in ; tick at START + ; peer asked (-1: nobody) ; chunks asked
        "MANIFEST  ; 199   ; -1 ; ",
        "MANIFEST  ; 200   ;  1 ; ",
        "CHUNKS    ; 199   ; -1 ; ",
        "CHUNKS    ; 200   ;  1 ; 1 4",
        "COMPARING ; 60000 ; -1 ; ",
        "INSTALLING; 60000 ; -1 ; ",
    })
    void aPeerSilentForTwoStatusIntervalsIsReplacedByTheNext(Phase phase, long after, int peer, String chunks) {
        switch (phase) {
            case MANIFEST -> start(STATE, proofBy(0, 1, 2));
            case CHUNKS -> inChunks(STATE, List.of(1, 4));
            case COMPARING -> {
                start(STATE, proofBy(0, 1, 2));
                transfer.onManifest(0, STATE.manifest(0), START, new Output());
            }
            case INSTALLING -> inChunks(STATE, List.of());
            case IDLE -> throw new IllegalArgumentException();
        }
        assertThat(transfer.phase()).isEqualTo(phase);

        Output out = new Output();
        transfer.onTick(START + after, out);

        if (peer < 0) {
            assertThat(out.sends).isEmpty();
            assertThat(stats.get(Counter.STATE_PEER_SILENT)).isZero();
        } else {
            List<Integer> expected = chunks == null ? List.of()
                    : Arrays.stream(chunks.trim().split(" ")).map(Integer::valueOf).toList();
            assertThat(asks(out)).containsExactly(new Ask(peer, expected));
            assertThat(stats.get(Counter.STATE_PEER_SILENT)).isEqualTo(1);
        }
        assertThat(transfer.phase()).isEqualTo(phase);
    }

    @Test
    void aChunkThatArrivesRestartsTheSilenceTimer() {
        inChunks(STATE, List.of(1, 4));
        transfer.onChunk(0, STATE.chunk(0, 1), START + 150, new Output());

        Output quiet = new Output();
        transfer.onTick(START + 349, quiet);
        Output silent = new Output();
        transfer.onTick(START + 350, silent);

        assertThat(quiet.sends).isEmpty();
        assertThat(asks(silent)).containsExactly(new Ask(1, List.of(4)));
    }

    /** One message the transfer must ignore, sent in the phase where it would otherwise count. */
    private record Ignored(String description, BiConsumer<StateTransfer, Output> deliver) {
        @Override
        public String toString() {
            return description;
        }
    }

    static List<Ignored> ignoredInManifest() {
        return List.of(
                new Ignored("a manifest from a peer not asked", (t, out) -> t.onManifest(1, STATE.manifest(1), START, out)),
                new Ignored("a bad manifest from a peer not asked", (t, out) ->
                        t.onManifest(2, new StateManifest(2, SEQ, List.of(Digest.ZERO)), START, out)),
                new Ignored("a manifest for another seq", (t, out) ->
                        t.onManifest(0, new StateManifest(0, SEQ + 4, STATE.leaves()), START, out)),
                new Ignored("a chunk before the manifest", (t, out) -> t.onChunk(0, STATE.chunk(0, 1), START, out)),
                new Ignored("a comparison before the manifest", (t, out) -> t.onCompared(SEQ, List.of(1), START, out)));
    }

    static List<Ignored> ignoredInChunks() {
        return List.of(
                new Ignored("a chunk from a peer not asked", (t, out) -> t.onChunk(1, STATE.chunk(1, 1), START, out)),
                new Ignored("a bad chunk from a peer not asked", (t, out) ->
                        t.onChunk(2, new StateChunk(2, SEQ, 1, new byte[] {7}), START, out)),
                new Ignored("a chunk for another seq", (t, out) ->
                        t.onChunk(0, new StateChunk(0, SEQ + 4, 1, STATE.chunks().get(1)), START, out)),
                new Ignored("a chunk that is not missing", (t, out) -> t.onChunk(0, STATE.chunk(0, 0), START, out)),
                new Ignored("a bad chunk that is not missing", (t, out) ->
                        t.onChunk(0, new StateChunk(0, SEQ, 0, new byte[] {7}), START, out)),
                new Ignored("a chunk index beyond the manifest", (t, out) ->
                        t.onChunk(0, new StateChunk(0, SEQ, 99, new byte[] {7}), START, out)),
                new Ignored("a chunk that already arrived", (t, out) -> t.onChunk(0, STATE.chunk(0, 4), START, out)),
                new Ignored("a manifest after the manifest", (t, out) -> t.onManifest(0, STATE.manifest(0), START, out)),
                new Ignored("a second comparison", (t, out) -> t.onCompared(SEQ, List.of(0), START, out)));
    }

    @ParameterizedTest(name = "while waiting for the manifest: {0}")
    @MethodSource("ignoredInManifest")
    void messagesThatDoNotAnswerTheManifestRequestAreIgnored(Ignored message) {
        start(STATE, proofBy(0, 1, 2));

        Output out = new Output();
        message.deliver().accept(transfer, out);

        assertThat(out.isEmpty()).isTrue();
        assertThat(transfer.phase()).isEqualTo(Phase.MANIFEST);
        assertThat(stats.get(Counter.STATE_BAD_DATA)).isZero();
        transfer.onManifest(0, STATE.manifest(0), START, new Output());
        assertThat(transfer.phase()).isEqualTo(Phase.COMPARING);
    }

    @ParameterizedTest(name = "while waiting for chunks 1 and 4 (4 arrived): {0}")
    @MethodSource("ignoredInChunks")
    void messagesThatDoNotAnswerTheChunkRequestAreIgnored(Ignored message) {
        inChunks(STATE, List.of(1, 4));
        transfer.onChunk(0, STATE.chunk(0, 4), START, new Output());

        Output out = new Output();
        message.deliver().accept(transfer, out);

        assertThat(out.isEmpty()).isTrue();
        assertThat(transfer.phase()).isEqualTo(Phase.CHUNKS);
        assertThat(stats.get(Counter.STATE_BAD_DATA)).isZero();
        Output done = new Output();
        transfer.onChunk(0, STATE.chunk(0, 1), START, done);
        assertThat(done.installState).singleElement().satisfies(i -> assertThat(i.fetched()).containsOnlyKeys(1, 4));
    }

    @ParameterizedTest(name = "proof signed by {0}: asks {1}")
    @CsvSource(delimiter = ';', value = {
        // signers of the proof, in order ; peers asked, first and after each of four failures
        "0 1 2   ; 0 1 2 0 1",
        "3 0 1   ; 0 1 0 1 0",
        "1 3 0   ; 1 0 1 0 1",
        "2 1 0 3 ; 2 1 0 2 1",
    })
    void peersAreAskedInProofOrderRoundRobinAndNeverThisReplicaItself(String signers, String expected) {
        Integer[] replicas = Arrays.stream(signers.trim().split(" ")).map(Integer::valueOf).toArray(Integer[]::new);
        List<Integer> asked = new ArrayList<>();
        Output out = start(STATE, proofBy(replicas));
        asked.add(asks(out).get(0).peer());
        long now = START;
        for (int failure = 0; failure < 4; failure++) {
            now += 2 * STATUS_MILLIS;
            out = new Output();
            if (failure % 2 == 0) {
                transfer.onTick(now, out);
            } else {
                transfer.onManifest(asked.get(asked.size() - 1),
                        new StateManifest(0, SEQ, List.of(Digest.ZERO)), now, out);
            }
            asked.add(asks(out).get(0).peer());
        }

        assertThat(asked).containsExactlyElementsOf(
                Arrays.stream(expected.trim().split(" ")).map(Integer::valueOf).toList());
        assertThat(asked).doesNotContain(SELF);
    }

    @ParameterizedTest(name = "in {0} toward 8: retarget to {1} -> {2}")
    @CsvSource({
        "IDLE,       4,  true",
        "IDLE,       8,  true",
        "IDLE,       12, true",
        "MANIFEST,   4,  false",
        "MANIFEST,   8,  false",
        "MANIFEST,   12, true",
        "COMPARING,  8,  false",
        "COMPARING,  12, true",
        "CHUNKS,     8,  false",
        "CHUNKS,     12, true",
        "INSTALLING, 12, false",
        "INSTALLING, 1000, false",
    })
    void aTransferMayBeRetargetedToALaterCheckpointExceptWhileInstalling(Phase phase, long target, boolean may) {
        switch (phase) {
            case IDLE -> {
                inChunks(STATE, List.of());
                transfer.finished();
            }
            case MANIFEST -> start(STATE, proofBy(0, 1, 2));
            case COMPARING -> {
                start(STATE, proofBy(0, 1, 2));
                transfer.onManifest(0, STATE.manifest(0), START, new Output());
            }
            case CHUNKS -> inChunks(STATE, List.of(1));
            case INSTALLING -> inChunks(STATE, List.of());
        }
        assertThat(transfer.phase()).isEqualTo(phase);

        assertThat(transfer.mayRetarget(target)).isEqualTo(may);
    }

    @Test
    void startingAgainTowardALaterCheckpointForgetsTheEarlierTransfer() {
        inChunks(STATE, List.of(1, 4));
        transfer.onChunk(0, STATE.chunk(0, 4), START, new Output());
        State later = State.of(3);

        Output out = new Output();
        transfer.start(SEQ + 4, later.root(), checkpoints(SEQ + 4, later.root(), List.of(2, 1, 0)), START, out);

        assertThat(transfer.phase()).isEqualTo(Phase.MANIFEST);
        assertThat(transfer.target()).isEqualTo(SEQ + 4);
        assertThat(transfer.root()).isEqualTo(later.root());
        assertThat(transfer.proof()).hasSize(3);
        assertThat(out.sends).singleElement().satisfies(s -> {
            assertThat(s.to()).isEqualTo(2);
            assertThat(s.message().as(FetchState.class).message()).isEqualTo(new FetchState(SELF, SEQ + 4, List.of()));
        });
        Output stale = new Output();
        transfer.onChunk(0, STATE.chunk(0, 1), START, stale);
        assertThat(stale.isEmpty()).isTrue();
        assertThat(stats.get(Counter.STATE_TRANSFERS_STARTED)).isEqualTo(2);
    }
}
