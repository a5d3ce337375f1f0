package io.bastion.core.session;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Join, Leave and session rules every replica applies while executing, with a cluster of
 * four replicas (f = 1, so a Join needs challenges from three).
 */
class SessionRequestsTest {
    private static final long T0 = 1_767_225_600_000L;
    private static final long LIFETIME = 60_000;

    private final ClusterConfig cluster = TestKeys.cluster(1, 0);
    private final List<String> ended = new ArrayList<>();
    private final List<String> started = new ArrayList<>();
    private int nextKey = 50_000;

    /** Accepts credentials "name" as identity "name"; refuses "nobody". */
    private final SessionRequests.Hooks hooks = new SessionRequests.Hooks() {
        @Override
        public Authorization authorize(JoinRequest join, ServiceContext context) {
            String who = new String(join.credentials(), StandardCharsets.UTF_8);
            return who.equals("nobody") ? Authorization.refuse("unknown voter") : Authorization.accept(who);
        }

        @Override
        public void sessionStarted(Session session, JoinRequest join, ServiceContext context) {
            started.add(context.identity() + ":" + session.clientId() + ":"
                    + new String(join.credentials(), StandardCharsets.UTF_8));
            if (session.identity().equals("clumsy")) {
                throw new IllegalStateException("the service's bookkeeping failed");
            }
        }

        @Override
        public void sessionEnded(Session session, Sessions.EndReason reason, ServiceContext context) {
            ended.add(session.identity() + ":" + reason);
        }
    };

    private SessionRequests requests(SessionSettings settings) {
        return new SessionRequests(new Sessions(settings), new JoinCheck(cluster.quorums(),
                cluster.replicas().stream().map(r -> r.publicKey()).toList(), TestKeys.VERIFIER,
                settings.challengeLifetimeMaxMillis()));
    }

    private SessionRequests requests() {
        return requests(SessionSettings.defaults());
    }

    /** A client: a key and the nonce of its Hello. */
    private record Client(long keyId, PublicKeyRef key, byte[] nonce) {}

    private Client client() {
        long id = nextKey++;
        byte[] nonce = new byte[16];
        nonce[0] = (byte) id;
        nonce[1] = (byte) (id >> 8);
        return new Client(id, TestKeys.key(id), nonce);
    }

    private static Envelope<Challenge> challenge(int replica, Client c, long expires) {
        return Envelope.sign(new Challenge(replica, Challenge.keyDigest(c.key()), c.nonce(), expires),
                TestKeys.signer(replica));
    }

    private static List<Envelope<Challenge>> challenges(Client c, long expires, int... replicas) {
        List<Envelope<Challenge>> out = new ArrayList<>();
        for (int r : replicas) {
            out.add(challenge(r, c, expires));
        }
        return out;
    }

    private static Request joinRequest(Client c, String credentials, List<Envelope<Challenge>> challenges) {
        byte[] op = Codec.encodeJoin(new JoinRequest(c.key(), c.nonce(), credentials.getBytes(StandardCharsets.UTF_8),
                challenges));
        return new Request(JoinRequest.provisionalClientId(c.key()), 1, Request.Kind.JOIN, op);
    }

    private static ServiceContext at(Request r, long time) {
        return new ServiceContext(r.clientId(), r.requestNumber(), 1, 0, time, 7);
    }

    private SessionRequests.Answer run(SessionRequests s, Request r, long time, SessionRequests.Effects effects) {
        return s.execute(r, at(r, time), hooks, effects);
    }

    private SessionRequests.Answer run(SessionRequests s, Request r, long time) {
        return run(s, r, time, new SessionRequests.Effects());
    }

    private static String text(SessionRequests.Answer a) {
        return new String(a.result(), StandardCharsets.UTF_8);
    }

    private static JoinResult joined(SessionRequests.Answer a) throws Exception {
        assertThat(a.status()).as(new String(a.result(), StandardCharsets.UTF_8)).isEqualTo(Reply.Status.OK);
        return Codec.decodeJoinResult(a.result());
    }

    private JoinResult join(SessionRequests s, String who, long time) throws Exception {
        Client c = client();
        return joined(run(s, joinRequest(c, who, challenges(c, time + LIFETIME, 0, 1, 2)), time));
    }

    private static Request write(long clientId, long number) {
        return new Request(clientId, number, Request.Kind.WRITE, new byte[] {1});
    }

    @Test
    void aJoinWithThreeGoodChallengesGetsAnIdAboveTheRegisteredOnesAndItsRequestsRunTheService() throws Exception {
        SessionRequests s = requests();
        Client c = client();
        SessionRequests.Effects effects = new SessionRequests.Effects();
        Request join = joinRequest(c, "alice", challenges(c, T0 + LIFETIME, 0, 2, 3));
        JoinResult result = joined(run(s, join, T0, effects));
        assertThat(result.identity()).isEqualTo("alice");
        assertThat(result.clientId()).isEqualTo(SessionSettings.FIRST_DYNAMIC_CLIENT_ID);
        assertThat(effects.opened()).extracting(Session::clientId).containsExactly(result.clientId());
        assertThat(effects.forgotten()).as("the provisional id leaves the exactly-once table")
                .containsExactly(join.clientId());

        SessionRequests.Effects next = new SessionRequests.Effects();
        assertThat(run(s, write(result.clientId(), 1), T0 + 5, next)).as("runs the service").isNull();
        assertThat(next.context().identity()).isEqualTo("alice");
        assertThat(s.sessions().live(result.clientId()).lastActiveMillis()).isEqualTo(T0 + 5);
    }

    @Test
    void joinsWithForgedExpiredTooFewOrMisboundChallengesAreRefused() {
        SessionRequests s = requests();
        Client c = client();
        Client other = client();
        List<Envelope<Challenge>> forged = new ArrayList<>(challenges(c, T0 + LIFETIME, 0, 1));
        forged.add(Envelope.sign(new Challenge(2, Challenge.keyDigest(c.key()), c.nonce(), T0 + LIFETIME),
                TestKeys.signer(3))); // replica 3 signs in replica 2's name
        assertThat(text(run(s, joinRequest(c, "a", forged), T0))).contains("bad signature").contains("has 2");

        Client expired = client();
        assertThat(text(run(s, joinRequest(expired, "a", challenges(expired, T0 - 1, 0, 1, 2)), T0)))
                .contains("expired");

        Client few = client();
        assertThat(text(run(s, joinRequest(few, "a", challenges(few, T0 + LIFETIME, 0, 1)), T0)))
                .contains("3 distinct replicas, has 2");

        Client twice = client();
        assertThat(text(run(s, joinRequest(twice, "a", challenges(twice, T0 + LIFETIME, 0, 1, 1, 1)), T0)))
                .as("the same replica three times counts once").contains("has 2");

        Client thief = client();
        assertThat(text(run(s, joinRequest(thief, "a", challenges(other, T0 + LIFETIME, 0, 1, 2)), T0)))
                .as("challenges issued to another key").contains("another key or nonce");

        Client forever = client();
        assertThat(text(run(s, joinRequest(forever, "a", challenges(forever, T0 + 3_600_000, 0, 1, 2)), T0)))
                .contains("valid too long");

        Client unknown = client();
        assertThat(text(run(s, joinRequest(unknown, "a", challenges(unknown, T0 + LIFETIME, 0, 1, 7)), T0)))
                .contains("unknown replica 7");

        assertThat(s.sessions().size()).as("no refused Join opened a session").isZero();
    }

    @Test
    void aJoinWithOneBadChallengeAmongFourStillSucceeds() throws Exception {
        SessionRequests s = requests();
        Client c = client();
        List<Envelope<Challenge>> mixed = new ArrayList<>(challenges(c, T0 + LIFETIME, 0, 1, 2));
        mixed.add(Envelope.sign(new Challenge(3, Challenge.keyDigest(c.key()), c.nonce(), T0 + LIFETIME),
                TestKeys.signer(0))); // a lying replica's garbage
        assertThat(joined(run(s, joinRequest(c, "bob", mixed), T0)).identity()).isEqualTo("bob");
    }

    @Test
    void theSameJoinAgainGetsTheSameAnswerButItsChallengesCannotOpenASecondSession() throws Exception {
        SessionRequests s = requests();
        Client c = client();
        Request join = joinRequest(c, "carol", challenges(c, T0 + LIFETIME, 0, 1, 2));
        JoinResult first = joined(run(s, join, T0));
        assertThat(joined(run(s, join, T0 + 10))).as("a retransmitted Join").isEqualTo(first);
        assertThat(s.sessions().size()).isEqualTo(1);

        assertThat(run(s, new Request(first.clientId(), 1, Request.Kind.LEAVE, new byte[0]), T0 + 20).status())
                .isEqualTo(Reply.Status.OK);
        SessionRequests.Answer replay = run(s, join, T0 + 30);
        assertThat(replay.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(text(replay)).contains("already used");
        assertThat(s.sessions().size()).isZero();
    }

    @Test
    void aSecondLoginOfAnIdentityEndsTheFirstSessionWhoseRequestsAreThenRefused() throws Exception {
        SessionRequests s = requests();
        JoinResult phone = join(s, "dave", T0);
        SessionRequests.Effects effects = new SessionRequests.Effects();
        Client laptop = client();
        JoinResult second = joined(run(s, joinRequest(laptop, "dave", challenges(laptop, T0 + LIFETIME, 1, 2, 3)),
                T0 + 100, effects));
        assertThat(second.clientId()).isGreaterThan(phone.clientId());
        assertThat(ended).containsExactly("dave:SIGNED_IN_ELSEWHERE");
        assertThat(started).as("after the session it ended").containsExactly("dave:" + phone.clientId() + ":dave",
                "dave:" + second.clientId() + ":dave");
        assertThat(effects.forgotten()).contains(phone.clientId());

        SessionRequests.Answer old = run(s, write(phone.clientId(), 2), T0 + 200);
        assertThat(old.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(text(old)).isEqualTo(SessionRequests.SESSION_ENDED);
        assertThat(run(s, write(second.clientId(), 1), T0 + 200)).isNull();
    }

    @Test
    void aFullTableEvictsOnlyTheLongestIdleStaleSessionAndOtherwiseRefuses() throws Exception {
        SessionSettings small = SessionSettings.defaults().withCapacity(3).withIdleMillisBeforeEviction(10_000);
        SessionRequests s = requests(small);
        JoinResult a = join(s, "a", T0);
        JoinResult b = join(s, "b", T0 + 1_000);
        JoinResult c = join(s, "c", T0 + 2_000);
        run(s, write(a.clientId(), 1), T0 + 3_000); // a was active after b

        Client d = client();
        SessionRequests.Answer full = run(s, joinRequest(d, "d", challenges(d, T0 + 5_000 + LIFETIME, 0, 1, 2)),
                T0 + 5_000);
        assertThat(full.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(text(full)).startsWith("cluster full");
        assertThat(s.sessions().size()).isEqualTo(3);
        assertThat(ended).as("nobody was evicted while all were recently active").isEmpty();

        JoinResult e = join(s, "e", T0 + 12_000); // b idle 11 s > 10 s; a and c are not the oldest-idle
        assertThat(ended).containsExactly("b:EVICTED");
        assertThat(s.sessions().live(b.clientId())).isNull();
        assertThat(s.sessions().live(a.clientId())).isNotNull();
        assertThat(s.sessions().live(c.clientId())).isNotNull();
        assertThat(e.clientId()).as("ids are never reused").isGreaterThan(c.clientId());
    }

    @Test
    void theServiceHearsOfEachSessionItsJoinOpenedAndAFailureThereLeavesTheSessionOpen() throws Exception {
        SessionRequests s = requests();
        Client c = client();
        Request join = joinRequest(c, "clumsy", challenges(c, T0 + LIFETIME, 0, 1, 2));
        JoinResult clumsy = joined(run(s, join, T0));
        assertThat(started).containsExactly("clumsy:" + clumsy.clientId() + ":clumsy");
        assertThat(s.sessions().live(clumsy.clientId())).as("open although the hook threw").isNotNull();
        joined(run(s, join, T0 + 10));
        assertThat(started).as("not again for a retransmitted Join").hasSize(1);
        run(s, joinRequest(client(), "nobody", List.of()), T0);
        Client nobody = client();
        run(s, joinRequest(nobody, "nobody", challenges(nobody, T0 + LIFETIME, 0, 1, 2)), T0);
        assertThat(started).as("nor for refused Joins").hasSize(1);
    }

    @Test
    void authorizationRefusalsReachTheClientAndLeaveNothingBehind() {
        SessionRequests s = requests();
        Client c = client();
        SessionRequests.Answer refused = run(s, joinRequest(c, "nobody", challenges(c, T0 + LIFETIME, 0, 1, 2)), T0);
        assertThat(refused.status()).isEqualTo(Reply.Status.REFUSED);
        assertThat(text(refused)).isEqualTo("unknown voter");
        assertThat(s.sessions().size()).isZero();
        assertThat(s.sessions().usedJoinCount()).isZero();
    }

    @Test
    void malformedJoinsAndJoinsUnderAnotherIdAreRefused() {
        SessionRequests s = requests();
        Request garbage = new Request(-5, 1, Request.Kind.JOIN, new byte[] {(byte) 0x82, 1, 2});
        assertThat(text(run(s, garbage, T0))).startsWith("malformed join");
        Client c = client();
        Request real = joinRequest(c, "x", challenges(c, T0 + LIFETIME, 0, 1, 2));
        Request wrongId = new Request(-12345, 1, Request.Kind.JOIN, real.operationUnsafe());
        assertThat(text(run(s, wrongId, T0))).contains("provisional client id");
    }

    @Test
    void registeredClientsRunWithoutASessionAndCannotLeave() {
        SessionRequests s = requests();
        assertThat(run(s, write(1000, 1), T0)).isNull();
        SessionRequests.Answer leave = run(s, new Request(1000, 2, Request.Kind.LEAVE, new byte[0]), T0);
        assertThat(leave.status()).isEqualTo(Reply.Status.REFUSED);
    }

    @Test
    void usedJoinsAreForgottenOnceTheirChallengesExpired() throws Exception {
        SessionRequests s = requests();
        join(s, "f", T0);
        assertThat(s.sessions().usedJoinCount()).isEqualTo(1);
        s.sessions().pruneUsedJoins(T0 + LIFETIME);
        assertThat(s.sessions().usedJoinCount()).isEqualTo(1);
        s.sessions().pruneUsedJoins(T0 + LIFETIME + 1);
        assertThat(s.sessions().usedJoinCount()).isZero();
    }

    @Test
    void theTableRoundTripsThroughItsCanonicalBytes() throws Exception {
        SessionRequests s = requests();
        join(s, "g", T0);
        join(s, "h", T0 + 1);
        Sessions copy = new Sessions(SessionSettings.defaults());
        copy.readFrom(java.nio.ByteBuffer.wrap(s.sessions().toBytes()));
        assertThat(copy.all()).isEqualTo(s.sessions().all());
        assertThat(copy.nextClientId()).isEqualTo(s.sessions().nextClientId());
        assertThat(copy.toBytes()).isEqualTo(s.sessions().toBytes());
    }
}
