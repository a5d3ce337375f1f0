package io.bastion.server.runtime;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.session.JoinCheck;
import io.bastion.core.session.JoinRequest;

import java.util.List;

/**
 * What a replica checks of a Join that a client sent it, before the Join is ordered: an ordering
 * costs every replica work, and a Join whose challenges cannot pass at execution ({@link JoinCheck},
 * against the batch's agreed time) is not worth it; the rules are JoinCheck's. The Join's own
 * signature is checked before (by the authenticator); Joins relayed by peers are not screened (they
 * may be ordered already).
 *
 * <ul>
 *   <li>A challenge naming this replica must verify under this replica's key, be bound to the
 *       Join's key and nonce, and not have expired by this replica's clock. One signature check,
 *       against a challenge this replica issued itself.</li>
 *   <li>In any case the Join must carry challenges from 2f+1 distinct replicas that are bound to
 *       its key and nonce, have not expired and do not claim to stay valid implausibly long. When
 *       none of them is this replica's, their signatures are checked too (until 2f+1 verify).</li>
 * </ul>
 *
 * Times allow the cluster's clock skew ({@code clockSkewMaxMillis}) in the Join's favour: the
 * agreed time the Join executes at may be that far from this replica's clock, so no Join that
 * could pass if it were ordered now is refused. Thread-safe if the verifier is.
 */
final class JoinScreen {
    private final int self;
    private final JoinCheck check;

    JoinScreen(int self, ClusterConfig config, SignatureVerifier verifier) {
        this.self = self;
        List<PublicKeyRef> replicaKeys = config.replicas().stream().map(r -> r.publicKey()).toList();
        this.check = new JoinCheck(config.quorums(), replicaKeys, verifier,
                config.settings().sessions().challengeLifetimeMaxMillis())
                .withSlack(config.settings().clockSkewMaxMillis());
    }

    /** Why {@code join} (from a client, its signature checked) must not be ordered, or {@code null}. */
    JoinRefusal refusal(Request join, long nowMillis) {
        JoinRequest request;
        try {
            request = Codec.decodeJoin(join.operationUnsafe());
        } catch (CodecException e) {
            return JoinRefusal.MALFORMED;
        }
        Digest keyDigest = Challenge.keyDigest(request.key());
        boolean ownSeen = false;
        for (Envelope<Challenge> signed : request.challenges()) {
            if (signed.message().replicaId() == self) {
                JoinRefusal own = ownProblem(signed, keyDigest, request.nonceUnsafe(), nowMillis);
                if (own != null) {
                    return own;
                }
                ownSeen = true;
            }
        }
        // With this replica's own challenge good, the others' signatures are left to execution.
        return check.enoughChallenges(request, nowMillis, !ownSeen) ? null : JoinRefusal.TOO_FEW_CHALLENGES;
    }

    private JoinRefusal ownProblem(Envelope<Challenge> signed, Digest keyDigest, byte[] nonce, long nowMillis) {
        if (!check.signatureValid(signed)) {
            return JoinRefusal.OWN_CHALLENGE_FORGED;
        }
        JoinCheck.Problem problem = check.problem(signed, keyDigest, nonce, nowMillis, false);
        if (problem == JoinCheck.Problem.MISBOUND) {
            return JoinRefusal.OWN_CHALLENGE_MISBOUND;
        }
        if (problem == JoinCheck.Problem.EXPIRED) {
            return JoinRefusal.OWN_CHALLENGE_EXPIRED;
        }
        return null;
    }
}
