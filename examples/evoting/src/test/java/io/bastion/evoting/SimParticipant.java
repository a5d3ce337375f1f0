package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.client.ClientCore;
import io.bastion.core.client.Outcome;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.session.JoinRequest;
import io.bastion.core.session.JoinResult;
import io.bastion.sim.ClientLink;
import io.bastion.sim.ClientProgram;
import io.bastion.sim.JoinChallenges;
import io.bastion.sim.SimulatedKeys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * One participant of a simulated election — a voter's device, the admin's, or an attacker's — run
 * by the simulator as a {@link ClientProgram}: it works through a script of steps, one at a time,
 * through the production {@link ClientCore} (f+1 matching signed replies, retransmission). A step
 * is a Join under a new session key (Hello to every replica, the 2f+1 challenges that check out,
 * the Join with the step's credentials), an ordered request of the session, a request sent past the
 * client core (a replay, an oversized request), or a wait for another participant.
 *
 * <p>A step's predicate says whether its answer completes it; if not, the step is tried again
 * {@link #RETRY_MILLIS} later (a new request: polling for a key or a tally), at most
 * {@link #ATTEMPTS_MAX} times, after which the participant gives up and the run fails, naming the
 * step and the last answer. Deterministic: session keys and nonces follow from the seed.
 */
final class SimParticipant implements ClientProgram {
    /** Pause before a step whose answer did not complete it is tried again. */
    static final long RETRY_MILLIS = 200;
    /** Tries of one step before giving up: 100 s of virtual time at {@link #RETRY_MILLIS}. */
    static final int ATTEMPTS_MAX = 500;
    /** A Hello whose challenges did not all come back is sent again after this long. */
    static final long HELLO_AGAIN_MILLIS = 1_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A decided answer: the reply's status and bytes, and their JSON when they are JSON. */
    record Answer(Reply.Status status, byte[] result, JsonNode json) {
        String text() {
            return new String(result, StandardCharsets.UTF_8);
        }

        /** The service's refusal, or {@code null} if the answer is not one. */
        String error() {
            return json != null && json.path("error").isTextual() ? json.get("error").textValue() : null;
        }

        boolean ok() {
            return status == Reply.Status.OK && json != null && !json.has("error");
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /** What a participant does next. */
    sealed interface Step permits Call, Join, Send, Await, Note {
        String what();
    }

    /**
     * An ordered request of the session; {@code operation} gives its JSON, or {@code null} when it
     * cannot be made yet (asked again next tick).
     */
    record Call(String what, Supplier<String> operation, Predicate<Answer> done) implements Step {}

    /** A Join under a new session key; {@code credentials} are made for that key's raw bytes. */
    record Join(String what, Function<byte[], byte[]> credentials, Predicate<Answer> done) implements Step {}

    /** A request sent past the client core to every replica, once. */
    record Send(String what, Function<SimParticipant, Envelope<Request>> request) implements Step {}

    /** Waits, without a time limit of its own, until {@code condition} holds. */
    record Await(String what, BooleanSupplier condition) implements Step {}

    /** Tells the other participants something ({@code action} sets what they wait for). */
    record Note(String what, Runnable action) implements Step {}

    private final String name;
    private final long firstKeyId;
    private final SplittableRandom random;
    private final Deque<Step> script = new ArrayDeque<>();
    private ClientLink link;
    private int keysUsed;
    private int attempts;
    private long nextStepAtMillis;
    private Answer lastAnswer;

    /** The session, once a Join succeeded; its key; the last request it started. */
    private ClientCore session;
    private long sessionKeyId;
    private Envelope<Request> previous;
    /** Replies to the session's earlier requests (a replay's answers among them). */
    private final List<Reply> lateReplies = new ArrayList<>();

    /** The Join under way: its key, credentials, Hello, challenges and, once enough came back, its core. */
    private long joinKeyId;
    private byte[] joinCredentials;
    private long helloAtMillis;
    private JoinChallenges challenges;
    private ClientCore joining;

    /** {@code firstKeyId}: this participant's session keys are numbered from here (distinct from every other principal's). */
    SimParticipant(String name, long firstKeyId, long seed) {
        this.name = name;
        this.firstKeyId = firstKeyId;
        this.random = new SplittableRandom(seed * 1_000_003 + firstKeyId);
    }

    SimParticipant then(Step step) {
        script.add(step);
        return this;
    }

    String name() {
        return name;
    }

    /** The last request the session started. */
    Envelope<Request> previous() {
        return previous;
    }

    /** Replies that came for the session's earlier requests. */
    List<Reply> lateReplies() {
        return List.copyOf(lateReplies);
    }

    /** A new request of the session for {@code operation}, left unanswered: its number is never used again. */
    Envelope<Request> abandoned(byte[] operation) {
        Envelope<Request> request = session.start(operation, link.nowMillis());
        session.abandon();
        return request;
    }

    /** The session's client id and key id (to sign reads with), or null before the first Join. */
    long[] sessionIds() {
        return session == null ? null : new long[] {session.clientId(), sessionKeyId};
    }

    @Override
    public void start(ClientLink link) {
        this.link = link;
        nextStepAtMillis = link.nowMillis();
    }

    @Override
    public boolean finished() {
        return script.isEmpty() && !busy();
    }

    private boolean busy() {
        return challenges != null || session != null && session.busy();
    }

    @Override
    public String describe() {
        return name + (script.isEmpty() ? " done" : " at '" + script.peek().what() + "' (attempt " + attempts
                + (challenges != null ? ", joining" : "") + ", last answer " + lastAnswer + ")");
    }

    @Override
    public void tick() {
        long now = link.nowMillis();
        retransmit(now);
        if (busy() || script.isEmpty() || now < nextStepAtMillis) {
            return;
        }
        switch (script.peek()) {
            case Await await -> {
                if (await.condition().getAsBoolean()) {
                    next(now);
                }
            }
            case Note note -> {
                note.action().run();
                next(now);
            }
            case Send send -> {
                link.broadcast(send.request().apply(this));
                next(now);
            }
            case Call call -> {
                String operation = call.operation().get();
                if (operation != null) {
                    attempt(call);
                    previous = session.start(operation.getBytes(StandardCharsets.UTF_8), now);
                    link.broadcast(previous);
                }
            }
            case Join join -> {
                attempt(join);
                joinKeyId = firstKeyId + keysUsed++;
                joinCredentials = join.credentials().apply(key(joinKeyId).raw());
                hello(now);
            }
        }
    }

    private void attempt(Step step) {
        if (++attempts > ATTEMPTS_MAX) {
            throw new IllegalStateException(name + " gave up on '" + step.what() + "' after " + ATTEMPTS_MAX
                    + " attempts; last answer: " + lastAnswer);
        }
    }

    private void next(long now) {
        script.poll();
        attempts = 0;
        nextStepAtMillis = now + random.nextLong(0, 20);
    }

    private void retransmit(long now) {
        if (joining != null) {
            Envelope<Request> again = joining.onTick(now);
            if (again != null) {
                link.broadcast(again);
            }
        } else if (challenges != null && now - helloAtMillis > HELLO_AGAIN_MILLIS) {
            hello(now); // challenges lost or a replica lying: ask again
        }
        if (session != null) {
            Envelope<Request> again = session.onTick(now);
            if (again != null) {
                link.broadcast(again);
            }
        }
    }

    private static PublicKeyRef key(long keyId) {
        return SimulatedKeys.publicKey(keyId);
    }

    private void hello(long now) {
        byte[] nonce = new byte[16];
        random.nextBytes(nonce);
        challenges = new JoinChallenges(link.config(), key(joinKeyId), nonce);
        helloAtMillis = now;
        JoinChallenges asked = challenges;
        link.hello(Envelope.unsigned(new Hello(key(joinKeyId), nonce, joinCredentials)), c -> onChallenge(asked, c));
    }

    private void onChallenge(JoinChallenges asked, Envelope<Challenge> challenge) {
        if (asked != challenges || joining != null || !challenges.add(challenge)) {
            return;
        }
        joining = core(JoinRequest.provisionalClientId(key(joinKeyId)), joinKeyId);
        link.route(joining.clientId());
        link.broadcast(joining.start(challenges.join(joinCredentials), Request.Kind.JOIN, link.nowMillis()));
    }

    private ClientCore core(long clientId, long keyId) {
        return new ClientCore(clientId, link.config().quorums(), SimulatedKeys.signer(keyId),
                new ReplyAuthenticator(link.config(), SimulatedKeys.VERIFIER), 1, 150, 2_000);
    }

    @Override
    public void onReply(Reply reply) {
        if (joining != null && reply.clientId() == joining.clientId()) {
            Outcome outcome = joining.onReply(reply);
            if (outcome != null) {
                joined(decided(outcome));
            }
        } else if (session != null && reply.clientId() == session.clientId()) {
            if (!session.busy() || reply.requestNumber() != session.current().message().requestNumber()) {
                lateReplies.add(reply);
                return;
            }
            Outcome outcome = session.onReply(reply);
            if (outcome != null) {
                answered(decided(outcome));
            }
        }
    }

    private Answer decided(Outcome outcome) {
        if (outcome instanceof Outcome.Conflict conflict) {
            throw new IllegalStateException(name + " saw conflicting replies " + conflict.groups());
        }
        Outcome.Done done = (Outcome.Done) outcome;
        JsonNode json;
        try {
            json = done.status() == Reply.Status.OK && done.result().length > 0 ? JSON.readTree(done.result()) : null;
        } catch (IOException notJson) {
            json = null; // a Join's result, or Bastion's "error: …"
        }
        lastAnswer = new Answer(done.status(), done.result(), json);
        return lastAnswer;
    }

    private void joined(Answer answer) {
        long now = link.nowMillis();
        joining = null;
        challenges = null;
        if (answer.status() == Reply.Status.OK) {
            try {
                JoinResult result = Codec.decodeJoinResult(answer.result());
                session = core(result.clientId(), joinKeyId);
                sessionKeyId = joinKeyId;
                link.route(result.clientId());
            } catch (CodecException e) {
                throw new IllegalStateException(name + " accepted a malformed Join result", e);
            }
        }
        Join join = (Join) script.peek();
        finishOrRetry(join.done().test(answer), now);
    }

    private void answered(Answer answer) {
        Call call = (Call) script.peek();
        finishOrRetry(call.done().test(answer), link.nowMillis());
    }

    private void finishOrRetry(boolean done, long now) {
        if (done) {
            next(now);
        } else {
            nextStepAtMillis = now + RETRY_MILLIS;
        }
    }
}
