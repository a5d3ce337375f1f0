package io.bastion.core.auth;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.SessionKey;
import io.bastion.core.message.Vouch;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.NewView;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.ViewChange;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.core.quorum.Quorums;

/**
 * Decides whether a message really comes from who it claims: which key must have signed which
 * message type, and which unsigned types are vouched for by the connection they arrived on.
 * This is the only place that knows it. Runs at the edge (in parallel, on verifier threads in a
 * replica process; inline in the simulator), so the core only ever sees authentic messages.
 * A signature that verified is remembered ({@link VerifiedSignatures}): the same bytes arriving
 * again (a request relayed or fetched from a peer, a PREPARE inside a VIEW-CHANGE) are not
 * verified again. Thread-safe if its verifier and client keys are.
 */
public final class MessageAuthenticator {
    /** The outcome of a check. */
    public enum Verdict {
        AUTHENTIC,
        /** A request from a client id nobody knows: dropped before any signature check. */
        UNKNOWN_CLIENT,
        BAD_SIGNATURE,
        /** A replica id out of range, or an unsigned message whose claimed sender is not the peer. */
        WRONG_SENDER,
        /** A message type that may not arrive this way (e.g. a reply sent to a replica). */
        UNEXPECTED,
        /** A Join whose operation is not a well-formed Join. */
        MALFORMED,
        /** MAC client mode: this replica's tag of the request is not the tag of its content. */
        BAD_TAG,
        /** MAC client mode: this replica holds no session key for the client. */
        NO_SESSION_KEY
    }

    /** Sender id for a message from a client connection. */
    public static final int FROM_CLIENT = -1;

    private final PublicKeyRef[] replicaKeys;
    private final Quorums quorums;
    private final ClientKeys clientKeys;
    private final SignatureVerifier verifier;
    /** MAC client mode: the replica whose tag this authenticator checks (-1: none), and its keys. */
    private final int selfId;
    private final SessionKeys sessionKeys;
    private final VerifiedSignatures verified;

    /**
     * An authenticator of signed messages only, with a verified-signature table of its own: every
     * MAC-mode request is {@link Verdict#NO_SESSION_KEY}.
     */
    public MessageAuthenticator(ClusterConfig config, ClientKeys clientKeys, SignatureVerifier verifier) {
        this(config, clientKeys, verifier, -1, SessionKeys.NONE);
    }

    /**
     * An authenticator at replica {@code selfId} that also checks requests in MAC client mode: the
     * tag for {@code selfId} under the key {@code sessionKeys} holds for the client. It has a
     * verified-signature table of its own.
     */
    public MessageAuthenticator(ClusterConfig config, ClientKeys clientKeys, SignatureVerifier verifier, int selfId,
                                SessionKeys sessionKeys) {
        this(config, clientKeys, verifier, selfId, sessionKeys, new VerifiedSignatures(VerifiedSignatures.ENTRIES_DEFAULT));
    }

    /**
     * @param verified signatures already verified; authenticators of one replica (for clients'
     *                 messages and for peers') share one, so that a request verified as it came
     *                 from its client is not verified again when a peer relays it. Only
     *                 signatures go in it: a MAC-mode request's tag is checked every time.
     */
    public MessageAuthenticator(ClusterConfig config, ClientKeys clientKeys, SignatureVerifier verifier, int selfId,
                                SessionKeys sessionKeys, VerifiedSignatures verified) {
        this.replicaKeys = config.replicas().stream().map(r -> r.publicKey()).toArray(PublicKeyRef[]::new);
        this.quorums = config.quorums();
        this.clientKeys = clientKeys;
        this.verifier = verifier;
        this.selfId = selfId;
        this.sessionKeys = sessionKeys;
        this.verified = verified;
    }

    /**
     * @param from the authenticated replica the message arrived from, or {@link #FROM_CLIENT}
     */
    public Verdict check(int from, Envelope<?> signed) {
        boolean fromReplica = from >= 0 && from < replicaKeys.length;
        return switch (signed.message()) {
            case Request r -> request(signed, r);
            case PrePrepare p -> fromReplica ? replica(quorums.primary(p.view()), signed) : Verdict.UNEXPECTED;
            case Prepare p -> fromReplica ? replica(p.replicaId(), signed) : Verdict.UNEXPECTED;
            // COMMIT and DECIDED are never relayed: only their author sends them, over its connection
            case Commit c -> connection(from, fromReplica, c.replicaId());
            case Decided d -> connection(from, fromReplica, d.replicaId());
            case Checkpoint c -> fromReplica ? replica(c.replicaId(), signed) : Verdict.UNEXPECTED;
            case Status s -> connection(from, fromReplica, s.replicaId());
            case FetchRequests f -> connection(from, fromReplica, f.replicaId());
            case RequestBodies b -> bodies(from, fromReplica, b);
            case ViewChange v -> fromReplica ? viewChange(signed, v) : Verdict.UNEXPECTED;
            case NewView v -> fromReplica ? newView(signed, v) : Verdict.UNEXPECTED;
            case FetchState f -> connection(from, fromReplica, f.replicaId());
            case StateManifest m -> connection(from, fromReplica, m.replicaId());
            case StateChunk c -> connection(from, fromReplica, c.replicaId());
            case Reply r -> Verdict.UNEXPECTED;
            // the client endpoint answers Hellos itself; challenges only travel inside Joins
            case Hello h -> Verdict.UNEXPECTED;
            case Challenge c -> Verdict.UNEXPECTED;
            // a key nonce goes from replica to client; a session key is checked with its connection's nonce
            case KeyNonce k -> Verdict.UNEXPECTED;
            case SessionKey k -> from == FROM_CLIENT ? sessionKey(signed, k) : Verdict.UNEXPECTED;
            case Vouch v -> connection(from, fromReplica, v.replicaId());
        };
    }

    /**
     * A SESSION-KEY's signature, by the client it names, and that it names this replica. That it
     * carries its connection's nonce, and is the first for its client there, the caller checks.
     * Verified every time, not remembered in {@link VerifiedSignatures}: each carries its
     * connection's fresh nonce, so the same bytes never come twice from a correct client.
     */
    private Verdict sessionKey(Envelope<?> signed, SessionKey k) {
        if (k.replicaId() != selfId) {
            return Verdict.WRONG_SENDER;
        }
        PublicKeyRef key = clientKeys.keyOf(k.clientId());
        if (key == null) {
            return Verdict.UNKNOWN_CLIENT;
        }
        return verifier.verify(key, signed.encodedUnsafe(), signed.signatureUnsafe())
                ? Verdict.AUTHENTIC : Verdict.BAD_SIGNATURE;
    }

    /**
     * A request in MAC client mode: this replica's own tag under the session key it holds for the
     * client. Joins are never MAC-authenticated (they carry the key that signs them).
     */
    private Verdict macRequest(Envelope<?> authenticated, Request r) {
        if (r.kind() == Request.Kind.JOIN || !Authenticators.fits(authenticated.authenticatorUnsafe(), replicaKeys.length)) {
            return Verdict.MALFORMED;
        }
        if (clientKeys.keyOf(r.clientId()) == null) {
            return Verdict.UNKNOWN_CLIENT;
        }
        if (selfId < 0) {
            return Verdict.NO_SESSION_KEY;
        }
        return switch (sessionKeys.check(r.clientId(), authenticated.encodedUnsafe(),
                authenticated.authenticatorUnsafe(), Authenticators.tagOffset(selfId))) {
            case VALID -> Verdict.AUTHENTIC;
            case BAD_TAG -> Verdict.BAD_TAG;
            case NO_KEY -> Verdict.NO_SESSION_KEY;
        };
    }

    /**
     * REQUEST-BODIES from a peer, split for MAC client mode: the bodies authentic here, and those
     * whose own tag this replica cannot check (bad, or no key), which the peer vouches for but which
     * are not authentic here ({@code Event.UnverifiedBodies}). Any other failure refuses the whole
     * message, as {@link #check} does.
     */
    public record SplitBodies(Verdict verdict, java.util.List<Envelope<Request>> authentic,
                              java.util.List<Envelope<Request>> unverified) {}

    /** {@link #check} of a REQUEST-BODIES, keeping the MAC bodies this replica cannot authenticate apart. */
    public SplitBodies checkBodies(int from, RequestBodies bodies) {
        boolean fromReplica = from >= 0 && from < replicaKeys.length;
        Verdict sender = connection(from, fromReplica, bodies.replicaId());
        if (sender != Verdict.AUTHENTIC) {
            return new SplitBodies(sender, java.util.List.of(), java.util.List.of());
        }
        java.util.List<Envelope<Request>> authentic = new java.util.ArrayList<>(bodies.requests().size());
        java.util.List<Envelope<Request>> unverified = new java.util.ArrayList<>(0);
        for (Envelope<Request> r : bodies.requests()) {
            Verdict v = request(r, r.message());
            if (v == Verdict.AUTHENTIC) {
                authentic.add(r);
            } else if (r.hasAuthenticator() && (v == Verdict.BAD_TAG || v == Verdict.NO_SESSION_KEY)) {
                unverified.add(r);
            } else {
                return new SplitBodies(v, java.util.List.of(), java.util.List.of());
            }
        }
        return new SplitBodies(Verdict.AUTHENTIC, authentic, unverified);
    }

    /** The view change's own signature and every signature it carries as evidence. */
    private Verdict viewChange(Envelope<?> signed, ViewChange v) {
        Verdict own = replica(v.replicaId(), signed);
        if (own != Verdict.AUTHENTIC) {
            return own;
        }
        for (Envelope<Checkpoint> c : v.checkpointProof()) {
            Verdict nested = replica(c.message().replicaId(), c);
            if (nested != Verdict.AUTHENTIC) {
                return nested;
            }
        }
        for (PreparedProof proof : v.prepared()) {
            Verdict nested = replica(quorums.primary(proof.view()), proof.prePrepare());
            for (int i = 0; nested == Verdict.AUTHENTIC && i < proof.prepares().size(); i++) {
                Envelope<Prepare> p = proof.prepares().get(i);
                nested = replica(p.message().replicaId(), p);
            }
            if (nested != Verdict.AUTHENTIC) {
                return nested;
            }
        }
        return Verdict.AUTHENTIC;
    }

    private Verdict newView(Envelope<?> signed, NewView v) {
        Verdict own = replica(quorums.primary(v.view()), signed);
        for (int i = 0; own == Verdict.AUTHENTIC && i < v.viewChanges().size(); i++) {
            own = viewChange(v.viewChanges().get(i), v.viewChanges().get(i).message());
        }
        for (int i = 0; own == Verdict.AUTHENTIC && i < v.prePrepares().size(); i++) {
            own = replica(quorums.primary(v.prePrepares().get(i).message().view()), v.prePrepares().get(i));
        }
        return own;
    }

    private Verdict request(Envelope<?> signed, Request r) {
        if (signed.hasAuthenticator()) {
            return macRequest(signed, r);
        }
        if (r.kind() == Request.Kind.JOIN) {
            return join(signed, r);
        }
        PublicKeyRef key = clientKeys.keyOf(r.clientId());
        if (key == null) {
            return Verdict.UNKNOWN_CLIENT;
        }
        return verify(key, signed);
    }

    /**
     * A Join is signed with the key it carries; its id must be that key's provisional id. Its
     * challenges are checked when it executes, against the batch's agreed time.
     */
    private Verdict join(Envelope<?> signed, Request r) {
        JoinRequest join;
        try {
            join = Codec.decodeJoin(r.operationUnsafe());
        } catch (CodecException e) {
            return Verdict.MALFORMED;
        }
        if (r.clientId() != JoinRequest.provisionalClientId(join.key())) {
            return Verdict.WRONG_SENDER;
        }
        return verify(join.key(), signed);
    }

    private Verdict replica(int signerId, Envelope<?> signed) {
        if (signerId < 0 || signerId >= replicaKeys.length) {
            return Verdict.WRONG_SENDER;
        }
        return verify(replicaKeys[signerId], signed);
    }

    /** The signature check itself, once per exact key, encoding and signature. */
    private Verdict verify(PublicKeyRef key, Envelope<?> signed) {
        if (verified.contains(key, signed)) {
            return Verdict.AUTHENTIC;
        }
        if (!verifier.verify(key, signed.encodedUnsafe(), signed.signatureUnsafe())) {
            return Verdict.BAD_SIGNATURE;
        }
        verified.add(key, signed);
        return Verdict.AUTHENTIC;
    }

    private static Verdict connection(int from, boolean fromReplica, int claimed) {
        return fromReplica && claimed == from ? Verdict.AUTHENTIC : Verdict.WRONG_SENDER;
    }

    private Verdict bodies(int from, boolean fromReplica, RequestBodies bodies) {
        Verdict sender = connection(from, fromReplica, bodies.replicaId());
        if (sender != Verdict.AUTHENTIC) {
            return sender;
        }
        for (Envelope<Request> r : bodies.requests()) {
            Verdict v = request(r, r.message());
            if (v != Verdict.AUTHENTIC) {
                return v;
            }
        }
        return Verdict.AUTHENTIC;
    }
}
