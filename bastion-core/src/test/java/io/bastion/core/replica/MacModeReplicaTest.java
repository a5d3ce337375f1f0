package io.bastion.core.replica;

import io.bastion.core.TestKeys;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Vouch;
import io.bastion.core.replica.ReplicaStats.Counter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The core's rules for requests in MAC client mode (docs/protocol.md, "MAC client mode"): a backup
 * prepares a batch holding a body it could not check only when f+1 PREPAREs or f+1 vouchers back
 * it; a primary proposes a MAC-mode request only once 2f+1 replicas vouched for it; an unverified
 * body is not served to peers; a relayed MAC request does not make a backup suspect the primary.
 * n = 4, f = 1; replica 0 is the primary of view 0.
 */
class MacModeReplicaTest {
    private static final ClusterConfig CLUSTER = TestKeys.cluster(1, 1);
    private static final long CLIENT = 1000;
    private static final long NOW = 1_767_225_600_000L;

    private static Replica replica(int id) {
        Replica r = new Replica(id, CLUSTER, TestKeys.signer(id), new SplittableRandom(id));
        r.step(new Event.Tick(NOW));
        return r;
    }

    /** A request with an authenticator; the core never looks at the tags (the edge did). */
    private static Envelope<Request> tagged(long number) {
        return Envelope.authenticate(new Request(CLIENT, number, false, new byte[] {1, 2, 3}),
                encoding -> new byte[CLUSTER.n() * 16]);
    }

    private static Envelope<PrePrepare> prePrepare(Envelope<Request> body) {
        return Envelope.sign(new PrePrepare(0, 1, NOW, 5, List.of(new BatchEntry(CLIENT, body.message().requestNumber(),
                body.digest()))), TestKeys.signer(0));
    }

    private static Envelope<Prepare> prepare(int replica, Envelope<PrePrepare> p) {
        return Envelope.sign(new Prepare(replica, 0, 1, io.bastion.core.message.Codec.batchDigest(p.message())),
                TestKeys.signer(replica));
    }

    private static <M> List<M> sent(Output out, Class<M> type) {
        return out.sends.stream().map(s -> s.message().message()).filter(type::isInstance).map(type::cast).toList();
    }

    @Test
    void aBackupThatCouldNotCheckABodyPreparesOnlyOnceFPlusOnePreparesBackTheBatch() {
        Envelope<Request> body = tagged(1);
        Envelope<PrePrepare> p = prePrepare(body);
        Replica backup = replica(1);
        backup.step(new Event.Received(0, p));
        Output filled = backup.step(new Event.UnverifiedBodies(0, List.of(body)));
        assertThat(sent(filled, Prepare.class)).as("holds every body, but one is not authentic here").isEmpty();
        assertThat(backup.stats().get(Counter.PRE_PREPARES_AWAITING_BACKING)).isEqualTo(1);

        assertThat(sent(backup.step(new Event.Received(2, prepare(2, p))), Prepare.class)).as("f PREPAREs").isEmpty();
        List<Prepare> own = sent(backup.step(new Event.Received(3, prepare(3, p))), Prepare.class);
        assertThat(own).as("f+1 PREPAREs: a correct replica checked the body").hasSize(1);
        assertThat(own.get(0).replicaId()).isEqualTo(1);
        backup.checkInvariants();

        // the same batch, its body authentic here: prepared at once (the rule above is what made it wait)
        Replica control = replica(1);
        control.step(new Event.Received(0, p));
        assertThat(sent(control.step(new Event.Received(Event.FROM_CLIENT, body)), Prepare.class)).hasSize(1);
    }

    @Test
    void aBackupAcceptsABodyItCouldNotCheckOnceFPlusOneReplicasVouchForIt() {
        Envelope<Request> body = tagged(1);
        Envelope<PrePrepare> p = prePrepare(body);
        Replica backup = replica(1);
        backup.step(new Event.Received(0, p));
        assertThat(sent(backup.step(new Event.UnverifiedBodies(0, List.of(body))), Prepare.class))
                .as("the primary's answer to the fetch is one voucher").isEmpty();
        Output vouched = backup.step(new Event.Received(3, Envelope.unsigned(new Vouch(3, List.of(Replica.vouchFor(body))))));
        assertThat(sent(vouched, Prepare.class)).as("a second voucher: f+1").hasSize(1);
        backup.checkInvariants();
    }

    @Test
    void everyReplicaVouchesForTheMacRequestsItAuthenticatesAndThePrimaryProposesOneOnlyAfter2fPlus1Vouchers() {
        Envelope<Request> body = tagged(1);
        Replica backup = replica(2);
        List<Vouch> vouches = sent(backup.step(new Event.Received(Event.FROM_CLIENT, body)), Vouch.class);
        assertThat(vouches).hasSize(1);
        assertThat(vouches.get(0).requests()).extracting(BatchEntry::requestDigest).containsExactly(body.digest());

        Replica primary = replica(0);
        assertThat(sent(primary.step(new Event.Received(Event.FROM_CLIENT, body)), PrePrepare.class))
                .as("authentic here, but maybe not at the backups").isEmpty();
        assertThat(sent(primary.step(new Event.Received(1, Envelope.unsigned(new Vouch(1, List.of(Replica.vouchFor(body)))))),
                PrePrepare.class)).isEmpty();
        assertThat(sent(primary.step(new Event.Received(2, Envelope.unsigned(new Vouch(2, List.of(Replica.vouchFor(body)))))),
                PrePrepare.class)).as("itself and two backups: 2f+1").hasSize(1);

        // a signed request needs no vouchers
        Replica other = replica(0);
        Envelope<Request> signed = Envelope.sign(body.message(), TestKeys.signer(CLIENT));
        assertThat(sent(other.step(new Event.Received(Event.FROM_CLIENT, signed)), PrePrepare.class)).hasSize(1);
    }

    @Test
    void aBodyLaterReceivedAuthenticFromItsClientNeedsNoBacking() {
        Envelope<Request> body = tagged(1);
        Envelope<PrePrepare> p = prePrepare(body);
        Replica backup = replica(2);
        backup.step(new Event.Received(0, p));
        backup.step(new Event.UnverifiedBodies(0, List.of(body)));
        // the client reconnected, set up a new key and sent the request again, with a good tag here
        assertThat(sent(backup.step(new Event.Received(Event.FROM_CLIENT, tagged(1))), Prepare.class)).hasSize(1);
        backup.checkInvariants();
    }

    @Test
    void aPrimaryThatCouldNotCheckARequestOrdersItOnceItsPeersVouchedForIt() {
        Envelope<Request> body = tagged(1);
        Replica primary = replica(0);
        assertThat(sent(primary.step(new Event.UnverifiedBodies(1, List.of(body))), PrePrepare.class)).isEmpty();
        assertThat(sent(primary.step(new Event.UnverifiedBodies(1, List.of(body))), PrePrepare.class))
                .as("the same peer twice is one voucher").isEmpty();
        // f+1 vouchers: authentic here; with its own vouch now, 2f+1: proposed
        List<PrePrepare> proposed = sent(primary.step(new Event.UnverifiedBodies(2, List.of(body))), PrePrepare.class);
        assertThat(proposed).hasSize(1);
        assertThat(proposed.get(0).entries()).extracting(BatchEntry::requestDigest).containsExactly(body.digest());
        assertThat(primary.stats().get(Counter.REQUESTS_VOUCHED)).isEqualTo(1);
        primary.checkInvariants();
    }

    @Test
    void aBodyHeldUnverifiedIsNotServedToPeersUntilACorrectReplicaBackedIt() {
        Envelope<Request> body = tagged(1);
        Envelope<PrePrepare> p = prePrepare(body);
        Replica backup = replica(1);
        backup.step(new Event.Received(0, p));
        backup.step(new Event.UnverifiedBodies(0, List.of(body)));
        Output asked = backup.step(new Event.Received(3, Envelope.unsigned(new FetchRequests(3, List.of(body.digest())))));
        assertThat(sent(asked, RequestBodies.class)).as("serving it would vouch for it").isEmpty();

        backup.step(new Event.Received(2, prepare(2, p)));
        backup.step(new Event.Received(3, prepare(3, p)));
        Output again = backup.step(new Event.Received(2, Envelope.unsigned(new FetchRequests(2, List.of(body.digest())))));
        assertThat(sent(again, RequestBodies.class)).hasSize(1);
    }

    @Test
    void relayingAMacRequestDoesNotStartTheTimerThatSuspectsThePrimaryButASignedCopyDoes() {
        RequestPool pool = new RequestPool(10, 2, 100);
        Envelope<Request> tagged = tagged(1);
        pool.add(tagged, 1_000);
        assertThat(pool.takeDueForRelay(1_100, 10, 1 << 20)).containsExactly(tagged);
        assertThat(pool.oldestRelayed()).isEqualTo(Long.MAX_VALUE);

        // the client's fallback: the same request, signed, replaces the tagged copy
        Envelope<Request> signed = Envelope.sign(tagged.message(), TestKeys.signer(CLIENT));
        assertThat(pool.add(signed, 1_150)).isEqualTo(RequestPool.AddResult.DUPLICATE);
        assertThat(pool.get(tagged.digest())).isEqualTo(signed);
        assertThat(pool.takeDueForRelay(1_200, 10, 1 << 20)).containsExactly(signed);
        assertThat(pool.oldestRelayed()).isEqualTo(1_200);
        pool.checkInvariants();
    }
}
