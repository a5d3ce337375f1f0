package io.bastion.core.service;

/**
 * An application replicated by Bastion, kept in memory. Every correct replica calls
 * {@link #execute} with the same operations in the same order and the same contexts, so the
 * implementation must be deterministic: no clocks, no unseeded randomness, no iteration over
 * unordered hash maps into replies, no I/O whose result can differ between replicas.
 *
 * <p>Calls come from one thread at a time (the replica's executor). Replicated SQL state uses
 * {@code SqlService} instead.
 */
public interface Service {
    /** Executes an ordered operation and returns the reply bytes. Throwing is a service bug. */
    byte[] execute(byte[] operation, ServiceContext context);

    /** Answers a read-only operation without changing state. */
    default byte[] query(byte[] operation, ServiceContext context) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " has no read-only operations");
    }

    /**
     * Decides whether a joining client's credentials are good and whose they are; called while
     * the Join executes, after Bastion checked its challenges. The default refuses every dynamic
     * client: a service opts in. Must not change the state.
     */
    default Authorization authorize(byte[] credentials, io.bastion.core.crypto.PublicKeyRef key, ServiceContext context) {
        return Authorization.refuse(getClass().getSimpleName() + " accepts no dynamic clients");
    }

    /**
     * The session {@code clientId} ended (it left, its identity joined again, or it was evicted):
     * drop whatever state the service keeps for it. Called while executing, deterministically.
     */
    default void sessionEnded(long clientId, String identity, ServiceContext context) {}

    /** The whole state as bytes; equal states must give equal bytes. */
    byte[] snapshot();

    /** Replaces the state by one produced by {@link #snapshot()}. */
    void restore(byte[] snapshot);
}
