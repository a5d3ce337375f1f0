package io.bastion.core.client;

import io.bastion.core.TestKeys;
import io.bastion.core.auth.ReplyAuthenticator;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.execution.ReplySigner;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientCoreTest {
    private final ClusterConfig config = TestKeys.cluster(1, 1);
    private final ClientCore client = new ClientCore(1000, config.quorums(), TestKeys.signer(1000),
            new ReplyAuthenticator(config, TestKeys.VERIFIER), 5, 100, 800);

    private Reply reply(int replica, Envelope<Request> request, String result) {
        ReplySigner signer = new ReplySigner(replica, TestKeys.signer(replica));
        return signer.sign(0, 1, List.of(
                new ReplySigner.Unsigned(999, 1, new byte[] {1}),
                new ReplySigner.Unsigned(1000, request.message().requestNumber(), result.getBytes()))).get(1);
    }

    private static Reply forged(Reply r) {
        byte[] signature = r.batchSignature();
        signature[0] ^= 1;
        return new Reply(r.replicaId(), r.view(), r.seq(), r.clientId(), r.requestNumber(), r.result(), r.leafIndex(),
                r.leafCount(), r.proof(), signature);
    }

    @Test
    void fPlusOneMatchingRepliesComplete() {
        Envelope<Request> request = client.start("op".getBytes(), 0);
        assertThat(request.message().requestNumber()).isEqualTo(5);
        assertThat(client.onReply(reply(0, request, "ok"))).isNull();
        Outcome outcome = client.onReply(reply(2, request, "ok"));
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        Outcome.Done done = (Outcome.Done) outcome;
        assertThat(done.result()).isEqualTo("ok".getBytes());
        assertThat(done.agreeing()).containsExactly(0, 2);
        assertThat(client.busy()).isFalse();
    }

    @Test
    void aReplicaThatSignedADifferentResultIsReportedAsDissenting() {
        Envelope<Request> request = client.start("op".getBytes(), 0);
        assertThat(client.onReply(reply(1, request, "lie"))).isNull();
        assertThat(client.onReply(reply(0, request, "ok"))).isNull();
        Outcome.Done done = (Outcome.Done) client.onReply(reply(3, request, "ok"));
        assertThat(done.result()).isEqualTo("ok".getBytes());
        assertThat(done.dissenting()).containsExactly(1);
    }

    @Test
    void forgedRepliesDoNotCount() {
        Envelope<Request> request = client.start("op".getBytes(), 0);
        assertThat(client.onReply(forged(reply(0, request, "ok")))).isNull();
        assertThat(client.onReply(reply(1, request, "ok"))).isNull();
        assertThat(client.invalidReplies()).isEqualTo(1);
        assertThat(client.onReply(forged(reply(2, request, "ok")))).isNull();
        assertThat(client.invalidReplies()).isEqualTo(2);
        Outcome outcome = client.onReply(reply(0, request, "ok")); // the genuine one still counts
        assertThat(outcome).isInstanceOf(Outcome.Done.class);
        assertThat(((Outcome.Done) outcome).agreeing()).containsExactly(0, 1);
    }

    @Test
    void repliesToOtherRequestsOrClientsAreIgnored() {
        Envelope<Request> first = client.start("a".getBytes(), 0);
        client.abandon();
        Envelope<Request> second = client.start("b".getBytes(), 0);
        assertThat(client.onReply(reply(0, first, "old"))).isNull();
        assertThat(client.onReply(reply(1, first, "old"))).isNull();
        assertThat(client.busy()).isTrue();
        assertThat(client.onReply(reply(0, second, "new"))).isNull();
        assertThat(client.onReply(reply(1, second, "new"))).isInstanceOf(Outcome.Done.class);
    }

    @Test
    void whenNoResultCanReachAQuorumTheConflictNamesTheGroups() {
        Envelope<Request> request = client.start("op".getBytes(), 0);
        assertThat(client.onReply(reply(0, request, "a"))).isNull();
        assertThat(client.onReply(reply(1, request, "b"))).isNull();
        assertThat(client.onReply(reply(2, request, "c"))).isNull();
        Outcome outcome = client.onReply(reply(3, request, "d"));
        assertThat(outcome).isInstanceOf(Outcome.Conflict.class);
        assertThat(((Outcome.Conflict) outcome).groups()).hasSize(4);
    }

    @Test
    void retransmitsWithDoublingBackOffUpToTheMaximum() {
        Envelope<Request> request = client.start("op".getBytes(), 1_000);
        assertThat(client.onTick(1_099)).isNull();
        assertThat(client.onTick(1_100)).isSameAs(request);
        assertThat(client.onTick(1_299)).isNull();
        assertThat(client.onTick(1_300)).isSameAs(request); // waited 200
        assertThat(client.onTick(1_700)).isSameAs(request); // waited 400
        assertThat(client.onTick(2_500)).isSameAs(request); // waited 800 (the cap)
        assertThat(client.onTick(3_299)).isNull();
        assertThat(client.onTick(3_300)).isSameAs(request); // still 800
        assertThat(client.sends()).isEqualTo(6);
    }

    @Test
    void oneRequestAtATime() {
        client.start("a".getBytes(), 0);
        assertThatThrownBy(() -> client.start("b".getBytes(), 0)).hasMessageContaining("outstanding");
    }
}
