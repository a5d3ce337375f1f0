package io.bastion.core.auth;

import io.bastion.core.client.ReplyVerifier;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Reply;
import io.bastion.core.message.ReplyProof;

/**
 * Checks a reply the way a client must: its Merkle proof leads to a root, and the replica it
 * claims to come from signed that root. Thread-safe if the verifier is.
 */
public final class ReplyAuthenticator implements ReplyVerifier {
    private final PublicKeyRef[] replicaKeys;
    private final SignatureVerifier verifier;

    public ReplyAuthenticator(ClusterConfig config, SignatureVerifier verifier) {
        this.replicaKeys = config.replicas().stream().map(r -> r.publicKey()).toArray(PublicKeyRef[]::new);
        this.verifier = verifier;
    }

    @Override
    public boolean verify(Reply reply) {
        if (reply.replicaId() < 0 || reply.replicaId() >= replicaKeys.length) {
            return false;
        }
        byte[] signed = ReplyProof.claimedRootBytes(reply);
        return signed != null && verifier.verify(replicaKeys[reply.replicaId()], signed, reply.batchSignature());
    }
}
