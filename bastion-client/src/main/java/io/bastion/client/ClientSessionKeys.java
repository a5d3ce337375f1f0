package io.bastion.client;

import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.Request;
import io.bastion.core.message.SessionKey;
import io.bastion.crypto.HmacSha256;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * A client's side of MAC client mode: per replica, the nonce of its current connection (from that
 * replica's KEY-NONCE) and the HMAC key this client set up on it. A new nonce means a new
 * connection (the old one, and the replica's copy of the key, are gone), so a fresh key is made and
 * sent at once. Requests get an authenticator with a tag for every replica holding a key, zeros
 * for the others. Thread-safe: nonces arrive on I/O threads, requests are tagged on the client's.
 */
final class ClientSessionKeys {
    private final int n;
    private final SecureRandom random;
    private final byte[][] nonces;
    private final HmacSha256[] keys;
    /** The client id the keys belong to (0: none yet; a dynamic client's changes with each session). */
    private long clientId;

    ClientSessionKeys(int n, SecureRandom random) {
        this.n = n;
        this.random = random;
        this.nonces = new byte[n][];
        this.keys = new HmacSha256[n];
    }

    /**
     * Replica {@code replicaId}'s connection was (re)opened with {@code nonce}: returns the signed
     * SESSION-KEY to send it for the current client id, or {@code null} while there is none.
     */
    synchronized Envelope<SessionKey> onKeyNonce(int replicaId, byte[] nonce, Signer signer) {
        if (replicaId < 0 || replicaId >= n || nonce.length != KeyNonce.NONCE_BYTES
                || Arrays.equals(nonces[replicaId], nonce)) {
            return null; // malformed, or the same connection's nonce again (a shared transport replays it)
        }
        nonces[replicaId] = nonce.clone();
        keys[replicaId] = null;
        return clientId == 0 ? null : establish(replicaId, signer);
    }

    /**
     * The client now answers to {@code id} (it joined, or is registered): keys are per client id,
     * so every connection whose nonce is known gets a new one. Returns the SESSION-KEY per replica
     * ({@code null} where there is no nonce yet).
     */
    synchronized Envelope<SessionKey>[] useClientId(long id, Signer signer) {
        clientId = id;
        @SuppressWarnings("unchecked")
        Envelope<SessionKey>[] out = new Envelope[n];
        for (int r = 0; r < n; r++) {
            keys[r] = null;
            out[r] = nonces[r] == null ? null : establish(r, signer);
        }
        return out;
    }

    private Envelope<SessionKey> establish(int replicaId, Signer signer) {
        byte[] key = HmacSha256.generateKey(random);
        Envelope<SessionKey> message = Envelope.sign(new SessionKey(clientId, replicaId, nonces[replicaId], key), signer);
        keys[replicaId] = new HmacSha256(key);
        Arrays.fill(key, (byte) 0);
        return message;
    }

    /** Replicas this client holds a key with. */
    synchronized int held() {
        int held = 0;
        for (HmacSha256 key : keys) {
            held += key == null ? 0 : 1;
        }
        return held;
    }

    /** The authenticator of a request's canonical encoding: a 16-byte tag per replica, zeros without a key. */
    synchronized byte[] authenticator(byte[] encoding) {
        byte[] out = new byte[n * Authenticators.TAG_BYTES];
        for (int r = 0; r < n; r++) {
            if (keys[r] != null) {
                System.arraycopy(keys[r].mac(encoding), 0, out, Authenticators.tagOffset(r), Authenticators.TAG_BYTES);
            }
        }
        return out;
    }

    /**
     * The sealer of MAC client mode: tags while f+1 or more replicas hold keys (fewer could never
     * order it without signatures) and for the first {@code macSendsMax} sendings, then the signature.
     */
    io.bastion.core.client.RequestSealer sealer(Signer signer, int replicasNeeded, int macSendsMax) {
        io.bastion.core.client.RequestSealer signing = io.bastion.core.client.RequestSealer.signing(signer);
        return (request, send, previous) -> {
            if (send > macSendsMax || request.kind() == Request.Kind.JOIN || held() < replicasNeeded) {
                return signing.seal(request, send, previous);
            }
            return Envelope.authenticate(request, this::authenticator);
        };
    }
}
