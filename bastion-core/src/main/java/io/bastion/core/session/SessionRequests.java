package io.bastion.core.session;

import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How an engine executes what concerns sessions, the same for every state machine: Joins and
 * Leaves are answered here, and a request of a dynamic client runs the service only while its
 * session is live. Deterministic in the request, the context and the session table.
 *
 * <p>The engine calls {@link #execute} for every request of a batch; {@code null} means "run the
 * service with {@link Effects#context}". Afterwards {@link Effects} lists the sessions opened and the
 * client ids whose exactly-once entries must go (ended sessions and provisional Join ids), which
 * keeps every table bounded. Owned by the executing thread.
 */
public final class SessionRequests {
    /**
     * What the service contributes to sessions: authorization, recording what an accepted Join
     * brought, and forgetting an ended session's state.
     */
    public interface Hooks {
        Authorization authorize(JoinRequest join, ServiceContext context) throws Exception;

        /**
         * Session {@code session} was just opened by {@code join}, which {@link #authorize} accepted:
         * the service may write what the Join brought (authorize only reads). Runs after the hooks of
         * the sessions it ended. If it throws, the session stays open all the same, at every replica
         * alike. Nothing by default.
         */
        default void sessionStarted(Session session, JoinRequest join, ServiceContext context) throws Exception {}

        void sessionEnded(Session session, Sessions.EndReason reason, ServiceContext context) throws Exception;
    }

    /** A request answered by Bastion itself. */
    public record Answer(Reply.Status status, byte[] result) {
        static Answer refused(String reason) {
            return new Answer(Reply.Status.REFUSED, reason.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** What a batch did to sessions, for the engine's tables and the replica's edge. */
    public static final class Effects {
        private final List<Session> opened = new ArrayList<>();
        private final List<Long> forgotten = new ArrayList<>();
        private ServiceContext context;

        public List<Session> opened() {
            return opened;
        }

        /** Client ids whose exactly-once entries and pending requests can go. */
        public List<Long> forgotten() {
            return forgotten;
        }

        /** The context the service runs with (its identity filled in) when {@link #execute} returned null. */
        public ServiceContext context() {
            return context;
        }
    }

    /** Reply text of a request whose session is not live. */
    public static final String SESSION_ENDED = "session ended: join again";

    private final Sessions sessions;
    private final JoinCheck check;

    public SessionRequests(Sessions sessions, JoinCheck check) {
        this.sessions = sessions;
        this.check = check;
    }

    /** An empty session table with the cluster's limits, checking Joins against its replicas' keys. */
    public static SessionRequests of(ClusterConfig config, SignatureVerifier verifier) {
        SessionSettings settings = config.settings().sessions();
        List<PublicKeyRef> keys = config.replicas().stream().map(ReplicaInfo::publicKey).toList();
        return new SessionRequests(new Sessions(settings),
                new JoinCheck(config.quorums(), keys, verifier, settings.challengeLifetimeMaxMillis()));
    }

    public Sessions sessions() {
        return sessions;
    }

    /** Answers {@code r} if it is Bastion's to answer, else returns {@code null} and sets {@link Effects#context}. */
    public Answer execute(Request r, ServiceContext context, Hooks hooks, Effects effects) {
        effects.context = null;
        if (r.kind() == Request.Kind.JOIN) {
            effects.forgotten.add(r.clientId());
            return join(r, context, hooks, effects);
        }
        if (SessionSettings.isStatic(r.clientId())) {
            if (r.kind() == Request.Kind.LEAVE) {
                return Answer.refused("a client registered in the cluster file has no session to leave");
            }
            effects.context = context;
            return null;
        }
        Session session = sessions.live(r.clientId());
        if (session == null) {
            effects.forgotten.add(r.clientId());
            return ended();
        }
        ServiceContext own = context.withIdentity(session.identity());
        if (r.kind() == Request.Kind.LEAVE) {
            sessions.end(session.clientId());
            ended(session, Sessions.EndReason.LEFT, own, hooks, effects);
            return new Answer(Reply.Status.OK, "left".getBytes(StandardCharsets.UTF_8));
        }
        sessions.touch(session.clientId(), context.timeMillis());
        effects.context = own;
        return null;
    }

    private Answer join(Request r, ServiceContext context, Hooks hooks, Effects effects) {
        JoinRequest join;
        try {
            join = Codec.decodeJoin(r.operationUnsafe());
        } catch (CodecException e) {
            return Answer.refused("malformed join: " + e.getMessage());
        }
        if (r.clientId() != JoinRequest.provisionalClientId(join.key())) {
            return Answer.refused("a join must carry the provisional client id of its key");
        }
        Digest joinKey = Sessions.joinKey(join.key(), join.nonceUnsafe());
        Sessions.UsedJoin used = sessions.usedJoin(joinKey);
        if (used != null) {
            Session live = sessions.live(used.clientId());
            return live != null && live.key().equals(join.key())
                    ? accepted(live) // the same Join again (its reply was lost): the same answer
                    : Answer.refused("this join was already used; send a new Hello");
        }
        String refusal = check.refusal(join, context.timeMillis());
        if (refusal != null) {
            return Answer.refused(refusal);
        }
        Authorization authorization;
        try {
            authorization = hooks.authorize(join, context);
        } catch (Exception e) {
            return Answer.refused("authorization failed: " + e.getMessage());
        }
        if (authorization instanceof Authorization.Refused refused) {
            return Answer.refused(refused.reason());
        }
        String identity = ((Authorization.Accepted) authorization).identity();
        long expires = join.challenges().stream().mapToLong(c -> c.message().expiresMillis()).max().orElseThrow();
        Sessions.Opened opened = sessions.open(identity, join.key(), joinKey, expires, context.timeMillis());
        if (opened.refusal() != null) {
            return Answer.refused(opened.refusal());
        }
        for (int i = 0; i < opened.ended().size(); i++) {
            Session gone = opened.ended().get(i);
            ended(gone, opened.reasons().get(i), context.withIdentity(gone.identity()), hooks, effects);
        }
        try {
            hooks.sessionStarted(opened.session(), join, context.withIdentity(identity));
        } catch (Exception e) {
            // the service's bookkeeping failed; the session is open regardless, at every replica alike
        }
        effects.opened.add(opened.session());
        return accepted(opened.session());
    }

    private static Answer accepted(Session session) {
        return new Answer(Reply.Status.OK, Codec.encodeJoinResult(new JoinResult(session.clientId(), session.identity())));
    }

    private static void ended(Session session, Sessions.EndReason reason, ServiceContext context, Hooks hooks,
                              Effects effects) {
        effects.forgotten.add(session.clientId());
        try {
            hooks.sessionEnded(session, reason, context);
        } catch (Exception e) {
            // the service's bookkeeping failed; the session is over regardless, at every replica alike
        }
    }

    /**
     * The context an unordered read of {@code r} runs with: {@code context} for a registered
     * client, with the session's identity for a live session, or {@code null} when its session is
     * not live (the read is then answered {@link #ended()}).
     */
    public ServiceContext readContext(Request r, ServiceContext context) {
        if (SessionSettings.isStatic(r.clientId())) {
            return context;
        }
        Session session = sessions.live(r.clientId());
        return session == null ? null : context.withIdentity(session.identity());
    }

    /**
     * The answer a Join already got, if it is still what executing it again would give: its live
     * session's id and identity. {@code null} otherwise (not a well-formed Join, never executed here,
     * or its session is over), and the Join must be ordered. Changes nothing.
     */
    public Answer repeatJoin(Request r) {
        if (r.kind() != Request.Kind.JOIN) {
            return null;
        }
        try {
            JoinRequest join = Codec.decodeJoin(r.operationUnsafe());
            Sessions.UsedJoin used = sessions.usedJoin(Sessions.joinKey(join.key(), join.nonceUnsafe()));
            Session live = used == null ? null : sessions.live(used.clientId());
            return live != null && live.key().equals(join.key()) ? accepted(live) : null;
        } catch (CodecException e) {
            return null;
        }
    }

    /** The answer to a request whose session is not live. */
    public static Answer ended() {
        return Answer.refused(SESSION_ENDED);
    }

    /**
     * Whether the state machine keeps {@code r} exactly-once itself (a session's request, not a
     * Join): it runs only if its number is above the session's last, and a retransmission of the
     * last one gets the same reply again. Registered clients are kept exactly-once by the replica.
     */
    public static boolean keptBySession(Request r) {
        return r.kind() != Request.Kind.JOIN && !SessionSettings.isStatic(r.clientId());
    }
}
