package io.bastion.client;

import io.bastion.core.message.Challenge;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.util.function.Consumer;

/**
 * How a client reaches the replicas: one connection per replica, kept up with reconnects.
 * Thread-safe; sending never blocks.
 *
 * <p>A client registered in the cluster file uses {@link #start}, {@link #broadcast} and
 * {@link #connectedReplicas} only. A dynamic client also sends Hellos ({@link #broadcastHello})
 * and answers to more than one id over its life (its key's provisional id while it joins, then
 * each session's id): {@link #addRoute} and {@link #removeRoute} say which. A transport that
 * cannot carry Hellos keeps the defaults, and dynamic clients cannot use it.
 */
public interface ClientTransport extends AutoCloseable {
    /** Receives the challenges replicas send in answer to a Hello. Called on I/O threads; must not block. */
    @FunctionalInterface
    interface ChallengeListener {
        /** {@code replicaId} names the connection the challenge came on, not a checked sender. */
        void onChallenge(int replicaId, Envelope<Challenge> challenge);
    }

    /** Receives the KEY-NONCE of each (re)opened connection to a replica (MAC client mode). I/O threads; must not block. */
    @FunctionalInterface
    interface KeyNonceListener {
        void onKeyNonce(int replicaId, byte[] nonce);
    }

    /** Starts connecting; every reply from any replica goes to {@code replies} (on I/O threads). */
    void start(Consumer<Reply> replies);

    /** Sends the request to every replica that is connected now. */
    void broadcast(Envelope<Request> request);

    /** How many replicas are connected at the moment. */
    int connectedReplicas();

    /**
     * Sends {@code hello} to every replica connected now; challenges for the Hello's key go to
     * {@code challenges} from now on (replacing an earlier listener for that key).
     */
    default void broadcastHello(Envelope<Hello> hello, ChallengeListener challenges) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot carry Hellos");
    }

    /**
     * Whether every connection is confidential (TLS): MAC client mode sends its session keys over
     * them, so it needs this.
     */
    default boolean confidential() {
        return false;
    }

    /**
     * MAC client mode: {@code listener} gets the KEY-NONCE of every connection opened from now on
     * (and, on a shared transport, of those already open). Call before {@link #start}.
     */
    default void onKeyNonces(KeyNonceListener listener) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot carry MAC client mode");
    }

    /** Sends {@code message} to replica {@code replicaId} only, if connected (MAC client mode's SESSION-KEY). */
    default void send(int replicaId, Envelope<?> message) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot send to one replica");
    }

    /** Replies addressed to {@code clientId} go to this transport's reply consumer from now on. */
    default void addRoute(long clientId) {}

    /** Replies addressed to {@code clientId} no longer concern this transport. */
    default void removeRoute(long clientId) {}

    @Override
    void close();
}
