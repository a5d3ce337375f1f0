package io.bastion.core.execution;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.session.Session;
import io.bastion.core.session.SessionRequests;
import io.bastion.core.session.Sessions;
import io.bastion.core.util.Check;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * How every {@link StateMachine} answers clients, whatever holds its state. One home for these
 * rules, because replicas must agree on every reply whichever state machine they run:
 * <ul>
 *   <li>A batch's requests run in order, each with the batch's agreed time and a seed of its own
 *       (numbered among the requests that run).</li>
 *   <li>A session's request runs once ({@link SessionRequests#keptBySession}): ordered again, the
 *       last one gets its cached reply again and an older one nothing. Registered clients are kept
 *       exactly-once by the replica, before ordering.</li>
 *   <li>Joins, Leaves and requests of sessions that are not live are answered by
 *       {@link SessionRequests}; an ordered read by the service's read-only function, at its place
 *       in the batch; anything else by the service.</li>
 *   <li>Every client's last reply is cached, and signed again for a retransmission; the entries of
 *       ended sessions and answered Joins go, which keeps the cache as small as the session table.</li>
 *   <li>An unordered read runs on the current state with the last agreed time, for a session only
 *       while it is live. A Join already answered gets its answer again without being ordered.</li>
 * </ul>
 *
 * <p>The state machine supplies what it does its own way, as {@link Steps}: where the reply cache
 * and the session table are kept, how the service runs, and when the batch is durable.
 * Deterministic; owned by the executing thread.
 */
public final class ExecutionRules {
    /**
     * What a state machine does its own way while a batch runs. For each request that runs, in
     * this order: {@link #begin}; {@link #sessionsChanged}; {@link #execute} or {@link #orderedRead},
     * or {@link #fit} when Bastion answered it itself; {@link #cache}. After the last request:
     * {@link #forget}, then {@link #sessionsChanged} once more.
     *
     * @param <E> the checked exception the state's storage throws ({@link RuntimeException} if none)
     */
    public interface Steps<E extends Exception> {
        /** The client's cached reply as the batch in progress sees it, or {@code null}. */
        CachedReply lastReply(long clientId) throws E;

        /** The request at {@code position} in the batch's list is about to run, with {@code context}. */
        default void begin(int position, ServiceContext context) throws E {}

        /** What the request, or the end of the batch, changed in the session table. */
        default void sessionsChanged(Sessions.Changes changes) throws E {}

        /** The service's answer to an ordered operation (an error it raised is an answer too). */
        byte[] execute(Request r, ServiceContext context) throws E;

        /** The service's read-only answer to a read that was ordered: it sees the writes ordered before it. */
        byte[] orderedRead(Request r, ServiceContext context) throws E;

        /** Bastion's own answer (to a Join, a Leave, a session that is not live) as it is cached and sent. */
        default byte[] fit(byte[] answer) {
            return answer;
        }

        /** Keeps {@code reply} as the client's last. */
        void cache(long clientId, CachedReply reply) throws E;

        /** Drops the cached replies of these clients. */
        void forget(List<Long> clientIds) throws E;
    }

    /** A batch applied; its replies are signed ({@link #result}) once the state machine made it durable. */
    public record Applied(Execute batch, List<ReplySigner.Unsigned> replies, SessionRequests.Effects effects) {}

    private final ReplySigner replySigner;
    private final SessionRequests sessions;
    private final SessionRequests.Hooks hooks;

    /** {@code hooks} is what the service contributes to sessions, as the state machine runs it. */
    public ExecutionRules(ReplySigner replySigner, SessionRequests sessions, SessionRequests.Hooks hooks) {
        this.replySigner = replySigner;
        this.sessions = sessions;
        this.hooks = hooks;
    }

    /** Applies batch {@code lastSeq + 1} through {@code steps}; the state machine then makes it durable. */
    public <E extends Exception> Applied apply(Execute batch, long lastSeq, Steps<E> steps) throws E {
        Check.that(batch.seq() == lastSeq + 1, "batch %d executed after %d", batch.seq(), lastSeq);
        List<ReplySigner.Unsigned> replies = new ArrayList<>(batch.requests().size());
        SessionRequests.Effects effects = new SessionRequests.Effects();
        int index = 0;
        for (int position = 0; position < batch.requests().size(); position++) {
            Request r = batch.requests().get(position).message();
            if (SessionRequests.keptBySession(r)) {
                CachedReply last = steps.lastReply(r.clientId());
                if (last != null && r.requestNumber() <= last.requestNumber()) {
                    if (r.requestNumber() == last.requestNumber()) { // a retransmission ordered again: the same reply
                        replies.add(new ReplySigner.Unsigned(r.clientId(), r.requestNumber(), last.status(),
                                last.result()));
                    }
                    continue;
                }
            }
            ServiceContext context = new ServiceContext(r.clientId(), r.requestNumber(), batch.seq(), index,
                    batch.timeMillis(), ServiceContext.deriveSeed(batch.seed(), index));
            replies.add(run(r, position, context, batch.seq(), steps, effects));
            index++;
        }
        steps.forget(effects.forgotten());
        sessions.sessions().pruneUsedJoins(batch.timeMillis());
        steps.sessionsChanged(sessions.sessions().drainChanges());
        return new Applied(batch, replies, effects);
    }

    private <E extends Exception> ReplySigner.Unsigned run(Request r, int position, ServiceContext context, long seq,
                                                           Steps<E> steps, SessionRequests.Effects effects) throws E {
        steps.begin(position, context);
        SessionRequests.Answer answer = sessions.execute(r, context, hooks, effects);
        steps.sessionsChanged(sessions.sessions().drainChanges()); // before the service's rows, which may reference them
        Reply.Status status = answer == null ? Reply.Status.OK : answer.status();
        byte[] result = answer != null ? steps.fit(answer.result())
                : r.isRead() ? steps.orderedRead(r, effects.context()) : steps.execute(r, effects.context());
        steps.cache(r.clientId(), new CachedReply(seq, r.requestNumber(), status, result));
        return new ReplySigner.Unsigned(r.clientId(), r.requestNumber(), status, result);
    }

    /** The outcome of an applied batch: its replies signed together, and {@code stateDigest} at a checkpoint. */
    public StateMachine.Result result(Applied applied, Digest stateDigest) {
        Execute batch = applied.batch();
        List<Reply> replies = replySigner.sign(batch.view(), batch.seq(), applied.replies());
        return new StateMachine.Result(batch.seq(), replies, stateDigest, applied.effects().opened(),
                applied.effects().forgotten());
    }

    /**
     * {@code cached}, the client's last reply, signed again in {@code view} if it answers request
     * {@code requestNumber}; else {@code null} (nothing cached, or a later request ran since).
     */
    public Reply cachedReply(long clientId, long requestNumber, CachedReply cached, int view) {
        if (cached == null || cached.requestNumber() != requestNumber) {
            return null;
        }
        return replySigner.signOne(view, cached.seq(), clientId, requestNumber, cached.status(), cached.result());
    }

    /**
     * Answers a read-only request without ordering it, signed in {@code view}: {@code read} runs on
     * the current state with {@code lastAgreedTime}, and a session's identity while it is live; a
     * session that is not live is told so.
     */
    public Reply query(Envelope<Request> request, int view, long lastAgreedTime,
                       BiFunction<Request, ServiceContext, byte[]> read) {
        Request r = request.message();
        ServiceContext context = new ServiceContext(r.clientId(), r.requestNumber(), -1, 0, lastAgreedTime, 0);
        ServiceContext own = sessions.readContext(r, context);
        SessionRequests.Answer answer = own == null ? SessionRequests.ended()
                : new SessionRequests.Answer(Reply.Status.OK, read.apply(r, own));
        return replySigner.signOne(view, -1, r.clientId(), r.requestNumber(), answer.status(), answer.result());
    }

    /** The answer a Join already got, signed again in {@code view}, or {@code null} when it must be ordered. */
    public Reply repeatJoin(Envelope<Request> join, int view) {
        Request r = join.message();
        SessionRequests.Answer answer = sessions.repeatJoin(r);
        return answer == null ? null
                : replySigner.signOne(view, -1, r.clientId(), r.requestNumber(), answer.status(), answer.result());
    }

    /** The live sessions of dynamic clients, for the replica's edge. */
    public List<Session> liveSessions() {
        return sessions.sessions().all();
    }
}
