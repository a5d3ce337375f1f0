package io.bastion.sim;

import io.bastion.core.auth.SessionKeys;
import io.bastion.core.client.RequestSealer;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * MAC client mode in the simulator: the session keys clients set up with replicas, modelled as
 * numbered key generations. A replica holds, per client, the generation it was last given, and
 * loses them all when it crashes (its connections go); a client uses, per replica, the generation
 * it last gave it. A tag is SHA-256 over the generation, the pair and the request's encoding, cut
 * to 16 bytes: a stand-in for HMAC, as {@link SimulatedKeys} stands in for signatures. Not
 * thread-safe (the simulator is single-threaded).
 */
final class SimulatedMacs {
    /** Sendings of a request with tags before an honest client signs it ({@code ClientOptions.MAC_SENDS_DEFAULT}). */
    static final int MAC_SENDS = 3;

    private final int n;
    /** Per replica: client id → the key generation it holds. */
    private final Map<Long, Long>[] held;
    /** Per client: the key generation it uses with each replica (0: none). */
    private final Map<Long, long[]> used = new HashMap<>();
    private long generations;

    @SuppressWarnings("unchecked")
    SimulatedMacs(int n) {
        this.n = n;
        this.held = new Map[n];
        for (int i = 0; i < n; i++) {
            held[i] = new HashMap<>();
        }
    }

    /** {@code clientId} set up a new key with {@code replica} (a connection opened). */
    void establish(long clientId, int replica) {
        long generation = ++generations;
        held[replica].put(clientId, generation);
        used.computeIfAbsent(clientId, c -> new long[n])[replica] = generation;
    }

    /** {@code replica} crashed: its connections, and the keys they carried, are gone. */
    void forget(int replica) {
        held[replica].clear();
    }

    /** The keys replica {@code replica} checks its own tags with. */
    SessionKeys keysOf(int replica) {
        return (clientId, encoding, authenticator, offset) -> {
            Long generation = held[replica].get(clientId);
            if (generation == null) {
                return SessionKeys.TagCheck.NO_KEY;
            }
            byte[] expected = tag(clientId, replica, generation, encoding);
            byte[] tag = Arrays.copyOfRange(authenticator, offset, offset + Authenticators.TAG_BYTES);
            return MessageDigest.isEqual(expected, tag) ? SessionKeys.TagCheck.VALID : SessionKeys.TagCheck.BAD_TAG;
        };
    }

    /** The authenticator {@code clientId} puts on a request's encoding; {@code spoiled} replicas' tags are wrong. */
    byte[] authenticator(long clientId, byte[] encoding, int spoiledMask) {
        long[] generations = used.getOrDefault(clientId, new long[n]);
        byte[] out = new byte[n * Authenticators.TAG_BYTES];
        for (int r = 0; r < n; r++) {
            if (generations[r] != 0) {
                System.arraycopy(tag(clientId, r, generations[r], encoding), 0, out, Authenticators.tagOffset(r),
                        Authenticators.TAG_BYTES);
            }
            if ((spoiledMask & (1 << r)) != 0) {
                out[Authenticators.tagOffset(r)] ^= 0x5a;
            }
        }
        return out;
    }

    /** An honest MAC-mode client's sealer: tags for the first {@link #MAC_SENDS} sendings, then its signature. */
    RequestSealer sealer(long clientId, long keyId) {
        RequestSealer signing = RequestSealer.signing(SimulatedKeys.signer(keyId));
        return (request, send, previous) -> send > MAC_SENDS || request.kind() == Request.Kind.JOIN
                ? signing.seal(request, send, previous)
                : Envelope.authenticate(request, encoding -> authenticator(clientId, encoding, 0));
    }

    private static byte[] tag(long clientId, int replica, long generation, byte[] encoding) {
        MessageDigest md = Digest.newSha256();
        md.update(ByteBuffer.allocate(8 + 8 + 4 + 8).put((byte) 0x4d).putLong(clientId).putInt(replica)
                .putLong(generation).array(), 0, 21);
        md.update(encoding);
        return Arrays.copyOf(md.digest(), Authenticators.TAG_BYTES);
    }
}
