package io.bastion.core.service;

/**
 * An application replicated by Bastion, kept in memory. Every correct replica calls
 * {@link #execute} with the same operations in the same order and the same contexts, so the
 * implementation must be deterministic: no clocks, no unseeded randomness, no iteration over
 * unordered hash maps into replies, no I/O whose result can differ between replicas.
 *
 * <p>It must also be bounded: each call must finish after work bounded by its operation and the
 * state, for example by refusing operations above a size and keeping every loop proportional to
 * what the operation asks for. Bastion cannot stop Java code at the same point at every replica — a
 * time limit would stop a call at one replica and let it finish at another — so a call that does
 * not end holds every correct replica's executor, and again when a restarted replica replays it.
 * ({@code SqlService} gets a deterministic budget for the SQL it runs; its Java code is bound by the
 * same rule.)
 *
 * <p>Calls come from one thread at a time (the replica's executor). Replicated SQL state uses
 * {@code SqlService} instead.
 */
public interface Service {
    /**
     * Executes an ordered operation and returns the reply bytes; deterministic and bounded (see
     * above). A runtime exception is answered {@code error: <exception class>: <message>} and the
     * batch goes on; what the call changed before it threw stays changed (the in-memory state has
     * no rollback), the same at every replica since all run the same code. Prefer answering an
     * operation that cannot be carried out with an error of your own, before changing anything.
     * An {@link Error} (e.g. out of memory) is not caught: it stops the replica.
     */
    byte[] execute(byte[] operation, ServiceContext context);

    /**
     * Answers a read-only operation without changing state; bounded like {@link #execute}. A
     * runtime exception is answered {@code error: <its message>}.
     */
    default byte[] query(byte[] operation, ServiceContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no read-only operations");
    }

    /**
     * Decides whether a joining client's credentials are good and whose they are; called while
     * the Join executes, after Bastion checked its challenges. The default refuses every dynamic
     * client: a service opts in. Must not change the state. An exception refuses the Join with
     * {@code authorization failed: <its message>}.
     */
    default Authorization authorize(byte[] credentials, io.bastion.core.crypto.PublicKeyRef key, ServiceContext context) {
        return Authorization.refuse(getClass().getSimpleName() + " accepts no dynamic clients");
    }

    /**
     * The session {@code clientId} ended (it left, its identity joined again, or it was evicted):
     * drop whatever state the service keeps for it. Called while executing, deterministically. An
     * exception is ignored: the session is over regardless.
     */
    default void sessionEnded(long clientId, String identity, ServiceContext context) {}

    /** The whole state as bytes; equal states must give equal bytes. */
    byte[] snapshot();

    /** Replaces the state by one produced by {@link #snapshot()}. */
    void restore(byte[] snapshot);
}
