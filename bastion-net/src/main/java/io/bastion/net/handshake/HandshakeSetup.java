package io.bastion.net.handshake;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.crypto.Signer;
import io.bastion.core.util.Check;
import io.bastion.net.TransportCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;

/**
 * What every handshake of one replica needs: the cluster (peer keys), this replica's id and
 * signer, a verifier, a source of nonces, the timeout, and where to count failures. Immutable;
 * thread-safe as long as the signer and verifier are (their contracts say so).
 */
public record HandshakeSetup(ClusterConfig config, int selfId, Signer signer, SignatureVerifier verifier,
                             SecureRandom random, long timeoutMillis, TransportCounters counters) {
    private static final Logger LOG = LoggerFactory.getLogger(HandshakeSetup.class);

    public HandshakeSetup {
        Check.argument(selfId >= 0 && selfId < config.n(), "no replica " + selfId + " in a cluster of " + config.n());
        Check.argument(timeoutMillis > 0, "timeoutMillis must be positive");
    }

    public byte[] newNonce() {
        byte[] nonce = new byte[HandshakeCodec.NONCE_BYTES];
        random.nextBytes(nonce);
        return nonce;
    }

    public byte[] sign(byte[] transcript) {
        return signer.sign(transcript);
    }

    /** Whether {@code signature} over {@code transcript} verifies under replica {@code peerId}'s key. */
    public boolean verify(int peerId, byte[] transcript, byte[] signature) {
        try {
            return verifier.verify(config.replica(peerId).publicKey(), transcript, signature);
        } catch (RuntimeException e) {
            LOG.warn("signature verifier threw on a handshake of replica {}; treating it as invalid", peerId, e);
            return false;
        }
    }
}
