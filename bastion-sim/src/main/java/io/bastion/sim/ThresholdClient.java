package io.bastion.sim;

import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Hex;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdOp;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * A registered client that plays the operator of the cluster's threshold cryptography, through
 * the production {@link ClientCore} (f+1 matching replies): once enough replicas enrolled it asks
 * for a P-256 key and an Ed25519 key, reads their public keys, asks for a decryption of an ElGamal
 * encryption of {@link #PLAINTEXT}, a coin and a FROST signature of {@link #MESSAGE}, and reads
 * the three results. A step whose answer is a refusal or "pending" is tried again every
 * {@link #RETRY_MILLIS}, at most {@link #ATTEMPTS_MAX} times; then the client gives up, which
 * fails the run.
 *
 * <p>What it accepted ({@link #publicKey}, {@link #result}) is what the end-of-run checks compare
 * every correct replica's ledger with.
 */
public final class ThresholdClient {
    /** The P-256 key: threshold ElGamal decryption and the coin. */
    public static final String ELECTION_KEY = "sim-election-p256";
    /** The edwards25519 key: FROST signatures that plain Ed25519 code verifies. */
    public static final String SIGNING_KEY = "sim-signing-ed25519";
    /** What the decrypted ciphertext holds (in the exponent, so small). */
    public static final long PLAINTEXT = 42;
    public static final byte[] COIN_INPUT = "sim coin round 1".getBytes(StandardCharsets.US_ASCII);
    public static final byte[] MESSAGE = "sim message to sign".getBytes(StandardCharsets.US_ASCII);
    /** Pause before a refused or pending step is tried again. */
    static final long RETRY_MILLIS = 250;
    /** Tries of one step before the client gives up: 400 × 250 ms = 100 s of virtual time. */
    static final int ATTEMPTS_MAX = 400;

    /** The script, in order; reads are ordered reads (f+1 replies), the rest writes. */
    public enum Step {
        GENERATE_ELECTION_KEY(false), GENERATE_SIGNING_KEY(false), READ_ELECTION_KEY(true), READ_SIGNING_KEY(true),
        DECRYPT(false), COIN(false), SIGN(false), READ_DECRYPTION(true), READ_COIN(true), READ_SIGNATURE(true),
        DONE(false);

        private final boolean reads;

        Step(boolean reads) {
            this.reads = reads;
        }
    }

    /** The operations whose results the client reads, in the order it asks for them. */
    public enum Operation { DECRYPTION, COIN, SIGNATURE }

    private final int node;
    private final ClientCore core;
    private final long seed;
    private ElGamal.Ciphertext ciphertext;
    private Step step = Step.GENERATE_ELECTION_KEY;
    private int attempts;
    private long nextAttemptMillis;
    private Element electionKey;
    private Element signingKey;
    private final long[] operationIds = new long[Operation.values().length];
    private final byte[][] results = new byte[Operation.values().length][];

    ThresholdClient(int node, long clientId, ClusterConfig config, long seed) {
        this.node = node;
        this.seed = seed;
        this.core = new ClientCore(clientId, config.quorums(), SimulatedKeys.signer(clientId),
                new ReplyAuthenticator(config, SimulatedKeys.VERIFIER), 1, 150, 2_000);
    }

    public long clientId() {
        return core.clientId();
    }

    int node() {
        return node;
    }

    public Step step() {
        return step;
    }

    public boolean finished() {
        return step == Step.DONE;
    }

    /** The public key of {@code name} as f+1 replicas reported it, or {@code null} before. */
    public Element publicKey(String name) {
        return name.equals(ELECTION_KEY) ? electionKey : name.equals(SIGNING_KEY) ? signingKey : null;
    }

    /** The ledger's id of an operation this client asked for, or 0 before it was ordered. */
    public long operationId(Operation operation) {
        return operationIds[operation.ordinal()];
    }

    /** The result bytes of an operation as f+1 replicas reported them, or {@code null} before. */
    public byte[] result(Operation operation) {
        byte[] value = results[operation.ordinal()];
        return value == null ? null : value.clone();
    }

    /** What the client waits for, for liveness reports. */
    String describe() {
        return "threshold client at " + step + " (attempt " + attempts + ", outstanding " + core.current() + ")";
    }

    void tick(Simulation world) {
        Envelope<Request> again = core.onTick(world.now());
        if (again != null) {
            world.broadcastFromClient(node, again);
        }
        if (step == Step.DONE || core.busy() || world.now() < nextAttemptMillis) {
            return;
        }
        if (++attempts > ATTEMPTS_MAX) {
            throw new IllegalStateException("threshold client gave up on " + step + " after " + ATTEMPTS_MAX
                    + " attempts");
        }
        byte[] operation = operation().encode();
        Envelope<Request> request = step.reads ? core.startOrderedRead(operation, world.now())
                : core.start(operation, world.now());
        world.checker().onSent(request);
        world.broadcastFromClient(node, request);
    }

    private ThresholdOp operation() {
        return switch (step) {
            case GENERATE_ELECTION_KEY -> new ThresholdOp.KeyGen(ELECTION_KEY, Suite.P256);
            case GENERATE_SIGNING_KEY -> new ThresholdOp.KeyGen(SIGNING_KEY, Suite.ED25519);
            case READ_ELECTION_KEY -> new ThresholdOp.KeyQuery(ELECTION_KEY);
            case READ_SIGNING_KEY -> new ThresholdOp.KeyQuery(SIGNING_KEY);
            case DECRYPT -> new ThresholdOp.Decrypt(ELECTION_KEY, List.of(ciphertext()));
            case COIN -> new ThresholdOp.Coin(ELECTION_KEY, COIN_INPUT);
            case SIGN -> new ThresholdOp.Sign(SIGNING_KEY, MESSAGE);
            case READ_DECRYPTION -> new ThresholdOp.ResultQuery(operationId(Operation.DECRYPTION));
            case READ_COIN -> new ThresholdOp.ResultQuery(operationId(Operation.COIN));
            case READ_SIGNATURE -> new ThresholdOp.ResultQuery(operationId(Operation.SIGNATURE));
            case DONE -> throw new IllegalStateException("the threshold client has nothing left to ask");
        };
    }

    /** One encryption of {@link #PLAINTEXT}, sent again unchanged when the Decrypt is retried. */
    private ElGamal.Ciphertext ciphertext() {
        if (ciphertext == null) {
            ciphertext = ElGamal.encryptExponent(electionKey, PLAINTEXT,
                    ReplicaThreshold.seededRandom(seed, ReplicaThreshold.CLIENT, 0));
        }
        return ciphertext;
    }

    void onReply(Reply reply, Simulation world) {
        switch (core.onReply(reply)) {
            case null -> { }
            case Outcome.Done done -> onDone(done, world);
            case Outcome.Conflict conflict -> throw new IllegalStateException(
                    "threshold client saw conflicting replies " + conflict.groups());
        }
    }

    private void onDone(Outcome.Done done, Simulation world) {
        String text = new String(done.result(), StandardCharsets.UTF_8);
        if (done.status() == Reply.Status.OK && accept(text.split(" "))) {
            step = Step.values()[step.ordinal() + 1];
            attempts = 0;
            nextAttemptMillis = world.now();
        } else {
            nextAttemptMillis = world.now() + RETRY_MILLIS;
        }
    }

    /** Takes what an answer says; false if the step must be tried again (refused or pending). */
    private boolean accept(String[] words) {
        if (!words[0].equals("ok")) {
            return false; // e.g. "error: only 2 replicas enrolled, key generation needs 3"
        }
        return switch (step) {
            case GENERATE_ELECTION_KEY, GENERATE_SIGNING_KEY -> true; // "ok key NAME generating" or "… exists"
            case READ_ELECTION_KEY -> {
                electionKey = keyIn(words, Suite.P256);
                yield true;
            }
            case READ_SIGNING_KEY -> {
                signingKey = keyIn(words, Suite.ED25519);
                yield true;
            }
            case DECRYPT -> opened(Operation.DECRYPTION, words);
            case COIN -> opened(Operation.COIN, words);
            case SIGN -> opened(Operation.SIGNATURE, words);
            case READ_DECRYPTION -> done(Operation.DECRYPTION, words);
            case READ_COIN -> done(Operation.COIN, words);
            case READ_SIGNATURE -> done(Operation.SIGNATURE, words);
            case DONE -> throw new IllegalStateException("an answer after the script ended");
        };
    }

    /** The public key in {@code ok key NAME suite SUITE epoch E resharing B public HEX verification …}. */
    private static Element keyIn(String[] words, Suite suite) {
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals("public")) {
                return suite.group().decode(Hex.parse(words[i + 1]));
            }
        }
        throw new IllegalStateException("a key answer without a public key: " + String.join(" ", words));
    }

    /** {@code ok operation ID}: the ledger opened the operation. */
    private boolean opened(Operation operation, String[] words) {
        operationIds[operation.ordinal()] = Long.parseLong(words[2]);
        return true;
    }

    /** {@code ok operation ID KIND done HEX …}, or {@code … pending}. */
    private boolean done(Operation operation, String[] words) {
        if (words.length < 6 || !words[4].equals("done")) {
            return false;
        }
        results[operation.ordinal()] = Hex.parse(words[5]);
        return true;
    }
}
