package io.bastion.net.endpoint;

import io.bastion.core.auth.SessionKeys;
import io.bastion.core.message.Authenticators;
import io.bastion.crypto.HmacSha256;

import java.security.MessageDigest;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A replica's HMAC session keys for clients in MAC client mode: one key per client id, the one
 * its newest connection established, dropped when that connection closes
 * ({@link #dropAll}). Nothing is durable: a restarted replica holds no keys, and its clients,
 * reconnecting, establish new ones. Bounded by the connections (at most
 * {@link #KEYS_PER_CONNECTION_MAX} keys each, and the endpoint bounds connections). Thread-safe.
 */
public final class SessionKeyTable implements SessionKeys {
    /** Keys one connection may establish (clients multiplexed on one connection each have one). */
    public static final int KEYS_PER_CONNECTION_MAX = 1_024;

    private record Held(ClientConnection connection, HmacSha256 mac) {}

    private final ConcurrentHashMap<Long, Held> byClient = new ConcurrentHashMap<>();

    /** Why a key was not installed. */
    public enum Refusal {
        /** This client id established a key on this connection already. */
        REPEATED,
        /** The connection holds {@link #KEYS_PER_CONNECTION_MAX} keys. */
        CONNECTION_FULL,
        /** The connection closed meanwhile. */
        CLOSED
    }

    /**
     * Why {@link #install} would refuse a key of {@code clientId} on {@code connection}, or
     * {@code null}: checked before the key message's signature, so that repeats cost nothing.
     */
    public Refusal refusal(long clientId, ClientConnection connection) {
        if (!connection.isOpen()) {
            return Refusal.CLOSED;
        }
        if (connection.keyedClientIds().contains(clientId)) {
            return Refusal.REPEATED;
        }
        return connection.keyedClientIds().size() >= KEYS_PER_CONNECTION_MAX ? Refusal.CONNECTION_FULL : null;
    }

    /**
     * Holds {@code key} for {@code clientId}, tied to {@code connection} (replacing a key of another
     * connection). Returns {@code null}, or why it was refused.
     */
    public Refusal install(long clientId, ClientConnection connection, byte[] key) {
        if (!connection.isOpen()) {
            return Refusal.CLOSED;
        }
        switch (connection.keyed(clientId, KEYS_PER_CONNECTION_MAX)) {
            case REPEATED -> {
                return Refusal.REPEATED;
            }
            case FULL -> {
                return Refusal.CONNECTION_FULL;
            }
            case ADDED -> { }
        }
        Held held = new Held(connection, new HmacSha256(key));
        byClient.put(clientId, held);
        if (!connection.isOpen()) { // closed while installing: its dropAll may have run before the put
            byClient.remove(clientId, held);
            return Refusal.CLOSED;
        }
        return null;
    }

    /** Forgets the keys {@code connection} established (it closed). */
    public void dropAll(ClientConnection connection) {
        for (long clientId : connection.keyedClientIds()) {
            byClient.computeIfPresent(clientId, (id, held) -> held.connection() == connection ? null : held);
        }
    }

    /** Whether a key is held for {@code clientId}. */
    public boolean holds(long clientId) {
        return byClient.containsKey(clientId);
    }

    /** Client ids with a key right now. */
    public int size() {
        return byClient.size();
    }

    @Override
    public TagCheck check(long clientId, byte[] encoding, byte[] authenticator, int offset) {
        Held held = byClient.get(clientId);
        if (held == null) {
            return TagCheck.NO_KEY;
        }
        if (offset < 0 || offset + Authenticators.TAG_BYTES > authenticator.length) {
            return TagCheck.BAD_TAG;
        }
        byte[] expected = held.mac().mac(encoding);
        byte[] expectedTag = java.util.Arrays.copyOf(expected, Authenticators.TAG_BYTES);
        byte[] tag = java.util.Arrays.copyOfRange(authenticator, offset, offset + Authenticators.TAG_BYTES);
        return MessageDigest.isEqual(expectedTag, tag) ? TagCheck.VALID : TagCheck.BAD_TAG;
    }
}
