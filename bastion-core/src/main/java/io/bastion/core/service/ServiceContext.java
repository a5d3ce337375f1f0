package io.bastion.core.service;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import io.bastion.core.crypto.Digest;

/**
 * What a service may know about the request it executes, identical at every correct replica:
 * who sent it, which batch it is in, the batch's agreed time, and a seed for randomness. A
 * service must read time and randomness only from here.
 *
 * @param clientId       the sending client
 * @param requestNumber  the client's request number
 * @param seq            sequence number of the batch (-1 for read-only requests)
 * @param index          position of the request among the executed requests of its batch
 * @param timeMillis     the batch's agreed time, epoch milliseconds
 * @param randomSeed     a pseudo-random value derived from the batch seed and {@code index}
 * @param identity       who the client is: the identity the service's {@code authorize} gave its
 *                       session, or {@code "client-<id>"} for a client registered in the cluster file
 */
public record ServiceContext(long clientId, long requestNumber, long seq, int index, long timeMillis, long randomSeed,
                             String identity) {
    public ServiceContext {
        java.util.Objects.requireNonNull(identity, "identity");
    }

    /** The context of a registered (cluster-file) client's request. */
    public ServiceContext(long clientId, long requestNumber, long seq, int index, long timeMillis, long randomSeed) {
        this(clientId, requestNumber, seq, index, timeMillis, randomSeed, registeredIdentity(clientId));
    }

    /** The identity of a client registered in the cluster file: {@code client-<id>}, or {@code replica-<id>} for a replica's own. */
    public static String registeredIdentity(long clientId) {
        int replica = io.bastion.core.config.ClusterConfig.replicaOfClientId(clientId);
        return replica >= 0 ? "replica-" + replica : "client-" + clientId;
    }

    /** The same context for a request of the session {@code identity}. */
    public ServiceContext withIdentity(String sessionIdentity) {
        return new ServiceContext(clientId, requestNumber, seq, index, timeMillis, randomSeed, sessionIdentity);
    }

    /** The session of the request's client: its id, which per-session state is keyed by, and identity. */
    public SessionInfo session() {
        return new SessionInfo(clientId, identity);
    }

    /** See {@link #session()}. */
    public record SessionInfo(long clientId, String identity) {}

    /** The per-request seed: the first 8 bytes of SHA-256("bastion-seed" || batchSeed || index). */
    public static long deriveSeed(long batchSeed, int index) {
        MessageDigest md = Digest.newSha256();
        md.update("bastion-seed".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        md.update(ByteBuffer.allocate(12).putLong(batchSeed).putInt(index).array());
        return ByteBuffer.wrap(md.digest()).getLong();
    }

    /** A deterministic generator seeded for this request. */
    public RandomGenerator random() {
        return new SplittableRandom(randomSeed);
    }
}
