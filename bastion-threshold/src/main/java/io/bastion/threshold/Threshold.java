package io.bastion.threshold;

import io.bastion.core.service.ServiceContext;
import io.bastion.threshold.ThresholdLedger.Caller;
import io.bastion.threshold.ThresholdLedger.KeyInfo;
import io.bastion.threshold.ThresholdLedger.Outcome;
import io.bastion.threshold.ThresholdLedger.Result;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a service may ask of the cluster's threshold cryptography, while it executes a request:
 * a new key, a decryption, a coin or a signature. Each request is answered later, when f+1
 * replicas' proven shares were ordered; {@link #result} tells. Deterministic like everything a
 * service calls: the same at every correct replica. Not thread-safe (the executor's).
 */
public final class Threshold {
    private final Supplier<ThresholdLedger> ledger;
    private final Consumer<ThresholdLedger> changed;

    Threshold(Supplier<ThresholdLedger> ledger, Consumer<ThresholdLedger> changed) {
        this.ledger = ledger;
        this.changed = changed;
    }

    /**
     * Thrown when the ledger refuses a request (no such key, too many pending, …); the message says
     * why. A service may let it roll the request back, or catch it and carry on: the ledger is then
     * kept as the refusal left it (rounds past their time restarted), the same at every replica.
     */
    public static final class RefusedException extends IllegalStateException {
        RefusedException(String reason) {
            super(reason);
        }
    }

    /** Starts generating key {@code name} (nothing if it exists in that suite). */
    public void requestKey(String name, Suite suite, ServiceContext context) {
        run(new ThresholdOp.KeyGen(name, suite), context);
    }

    /** Starts a reshare of key {@code name}: new shares for every replica, the same public key. */
    public void requestReshare(String name, ServiceContext context) {
        run(new ThresholdOp.Reshare(name), context);
    }

    public Optional<KeyInfo> key(String name) {
        return ledger.get().key(name);
    }

    /** The operation id of a decryption of {@code ciphertexts} by key {@code name} (P-256). */
    public long requestDecryption(String name, List<ElGamal.Ciphertext> ciphertexts, ServiceContext context) {
        return run(new ThresholdOp.Decrypt(name, ciphertexts), context).operation();
    }

    /**
     * The operation id of a coin: 32 bytes nobody knows until f+1 replicas release their shares
     * and nobody can bias. Commit to what it will decide before asking (commit, then reveal).
     */
    public long requestCoin(String name, byte[] input, ServiceContext context) {
        return run(new ThresholdOp.Coin(name, input), context).operation();
    }

    /** The operation id of a FROST signature on {@code message} by key {@code name}. */
    public long requestSignature(String name, byte[] message, ServiceContext context) {
        return run(new ThresholdOp.Sign(name, message), context).operation();
    }

    public Optional<Result> result(long operation) {
        return ledger.get().result(operation);
    }

    /** The public transcript of key {@code name}'s completed epoch, for an offline check ({@link KeyTranscript}). */
    public Optional<KeyTranscript> keyTranscript(String name) {
        return ledger.get().keyTranscript(name);
    }

    /** Every proven share of decryption {@code operation}, and its plaintexts once done ({@link DecryptionTranscript}). */
    public Optional<DecryptionTranscript> decryptionTranscript(long operation) {
        return ledger.get().decryptionTranscript(operation);
    }

    private Outcome run(ThresholdOp op, ServiceContext context) {
        ThresholdLedger l = ledger.get();
        Outcome outcome = l.execute(op, Caller.SERVICE, context.timeMillis());
        // kept even when refused: executing restarts rounds past their time, and a service that
        // catches the refusal and carries on must leave the ledger it goes on with in the state
        changed.accept(l);
        if (!outcome.accepted()) {
            throw new RefusedException(outcome.text());
        }
        return outcome;
    }
}
