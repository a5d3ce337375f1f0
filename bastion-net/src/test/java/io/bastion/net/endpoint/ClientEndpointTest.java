package io.bastion.net.endpoint;

import io.bastion.core.message.Reply;
import io.bastion.core.message.Envelope;
import io.bastion.net.Drop;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.Rejection;
import io.bastion.net.connector.ClientConnector;
import io.bastion.net.testing.Await;
import io.bastion.net.testing.EchoEndpoint;
import io.bastion.net.testing.HmacSigner;
import io.bastion.net.testing.Inbox;
import io.bastion.net.testing.Messages;
import io.bastion.net.testing.Ports;
import io.bastion.net.testing.RawConnection;
import io.bastion.net.testing.TestCluster;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClientEndpointTest {
    private static final NetSettings SETTINGS = NetSettings.DEFAULTS;
    private static final HmacSigner CLIENT_SIGNER = new HmacSigner(new byte[] {9, 9, 9, 9, 9, 9, 9, 9});
    private static final int REPLICA = 0;

    private final EventLoopGroup group = EventLoops.newGroup(2, "test-clients");
    private final List<AutoCloseable> open = new ArrayList<>();
    private final int port = Ports.free();

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(open);
        for (AutoCloseable closeable : open) {
            closeable.close();
        }
        EventLoops.shutdown(group);
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private EchoEndpoint echo(NetSettings settings) {
        return track(new EchoEndpoint(REPLICA, port, settings, group));
    }

    private ClientConnector connector(Inbox inbox) {
        return track(new ClientConnector(REPLICA, new InetSocketAddress(TestCluster.HOST, port), SETTINGS, group, inbox)
                .start());
    }

    private static Reply nextReply(Inbox inbox) {
        return inbox.take().message().as(Reply.class).message();
    }

    @Test
    void repliesGoToTheConnectionBoundToTheirClientId() {
        ClientEndpoint endpoint = echo(SETTINGS).endpoint();
        Inbox a = new Inbox();
        Inbox b = new Inbox();
        connector(a).send(Messages.request(1, 1, CLIENT_SIGNER));
        connector(b).send(Messages.request(2, 1, CLIENT_SIGNER));
        assertThat(nextReply(a).clientId()).isEqualTo(1);
        assertThat(nextReply(b).clientId()).isEqualTo(2);

        for (int number = 2; number < 6; number++) {
            assertThat(endpoint.sendToClient(1, Messages.reply(REPLICA, 1, number, new byte[0]))).isTrue();
            assertThat(endpoint.sendToClient(2, Messages.reply(REPLICA, 2, number, new byte[0]))).isTrue();
        }
        for (int number = 2; number < 6; number++) {
            assertThat(nextReply(a)).extracting(Reply::clientId, Reply::requestNumber).containsExactly(1L, (long) number);
            assertThat(nextReply(b)).extracting(Reply::clientId, Reply::requestNumber).containsExactly(2L, (long) number);
        }
    }

    @Test
    void theMostRecentlyBoundConnectionGetsTheReplies() {
        ClientEndpoint endpoint = echo(SETTINGS).endpoint();
        Inbox first = new Inbox();
        Inbox second = new Inbox();
        connector(first).send(Messages.request(1, 1, CLIENT_SIGNER));
        nextReply(first);
        connector(second).send(Messages.request(1, 2, CLIENT_SIGNER));
        nextReply(second);

        endpoint.sendToClient(1, Messages.reply(REPLICA, 1, 3, new byte[0]));
        assertThat(nextReply(second).requestNumber()).isEqualTo(3);
        assertThat(first.isEmpty()).isTrue();
    }

    /**
     * Another connection replays the client's older request (verified: it is the client's own
     * signature): the client's replies stay where they were. A copy of its newest request from
     * another connection gets the replies too, beside the first; a newer request moves them.
     */
    @Test
    void aReplayedOlderRequestDoesNotDivertTheClientsReplies() {
        ClientEndpoint endpoint = echo(SETTINGS).endpoint();
        Inbox honest = new Inbox();
        Inbox replayer = new Inbox();
        connector(honest).send(Messages.request(1, 5, CLIENT_SIGNER));
        nextReply(honest);
        ClientConnector attacker = connector(replayer);
        attacker.send(Messages.request(1, 4, CLIENT_SIGNER));
        assertThat(nextReply(honest).requestNumber()).as("the echo of the replay still goes to the honest client")
                .isEqualTo(4);

        endpoint.sendToClient(1, Messages.reply(REPLICA, 1, 6, new byte[0]));
        assertThat(nextReply(honest).requestNumber()).isEqualTo(6);
        assertThat(replayer.isEmpty()).isTrue();

        attacker.send(Messages.request(1, 5, CLIENT_SIGNER)); // a copy of the newest request
        assertThat(nextReply(honest).requestNumber()).isEqualTo(5);
        assertThat(nextReply(replayer).requestNumber()).as("a copy of the newest request is answered too").isEqualTo(5);
        endpoint.sendToClient(1, Messages.reply(REPLICA, 1, 7, new byte[0]));
        assertThat(nextReply(honest).requestNumber()).as("the first connection keeps getting replies").isEqualTo(7);
        assertThat(nextReply(replayer).requestNumber()).isEqualTo(7);

        Inbox moved = new Inbox();
        connector(moved).send(Messages.request(1, 8, CLIENT_SIGNER));
        assertThat(nextReply(moved).requestNumber()).isEqualTo(8);
        endpoint.sendToClient(1, Messages.reply(REPLICA, 1, 9, new byte[0]));
        assertThat(nextReply(moved).requestNumber()).as("a newer request moves the replies").isEqualTo(9);
    }

    @Test
    void aClosedConnectionIsUnboundAndRepliesToItAreCountedAsUnbound() {
        ClientEndpoint endpoint = echo(SETTINGS).endpoint();
        Inbox inbox = new Inbox();
        ClientConnector client = connector(inbox);
        client.send(Messages.request(1, 1, CLIENT_SIGNER));
        nextReply(inbox);
        assertThat(endpoint.isBound(1)).isTrue();

        client.close();
        Await.until("client 1 is unbound", () -> !endpoint.isBound(1));
        assertThat(endpoint.sendToClient(1, Messages.reply(REPLICA, 1, 2, new byte[0]))).isFalse();
        assertThat(endpoint.counters().dropped(Drop.CLIENT_UNBOUND)).isEqualTo(1);
        Await.until("the connection is gone", () -> endpoint.connectionCount() == 0);
    }

    @Test
    void connectionsBeyondTheLimitAreRefusedAndCountedAndASlotFreesWhenOneCloses() {
        ClientEndpoint endpoint = echo(SETTINGS.withConnectionsMax(SETTINGS.pendingHandshakesMax(), 2)).endpoint();
        Inbox a = new Inbox();
        ClientConnector first = connector(a);
        connector(new Inbox());
        Await.until("two clients are connected", () -> endpoint.connectionCount() == 2);

        try (RawConnection refused = RawConnection.open(port)) {
            assertThat(refused.awaitClosed(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(endpoint.counters().rejected(Rejection.CONNECTION_LIMIT)).isEqualTo(1);

        first.close();
        Await.until("a slot is free", () -> endpoint.connectionCount() == 1);
        try (RawConnection admitted = RawConnection.open(port)) {
            admitted.send(Messages.request(5, 1, CLIENT_SIGNER));
            assertThat(admitted.readMessage().as(Reply.class).message().clientId()).isEqualTo(5);
        }
        assertThat(endpoint.counters().rejectedTotal()).isEqualTo(1);
    }

    @Test
    void aClientThatDoesNotReadLosesItsOldestRepliesAndOthersAreServed() {
        int frameBytesMax = 1 << 20;
        NetSettings settings = SETTINGS.withFrameBytesMax(frameBytesMax)
                .withClientQueue(8, 2L * frameBytesMax)
                .withWriteBufferHighBytes(64 << 10);
        ClientEndpoint endpoint = echo(settings).endpoint();
        try (RawConnection sluggish = RawConnection.open(port)) {
            sluggish.send(Messages.request(1, 1, CLIENT_SIGNER));
            Await.until("client 1 is bound", () -> endpoint.isBound(1));
            Envelope<Reply> big = Messages.reply(REPLICA, 1, 2, new byte[256 << 10]);
            for (int i = 0; i < 256; i++) {
                endpoint.sendToClient(1, big);
            }
            Await.until("replies to the sluggish client are dropped",
                    () -> endpoint.counters().dropped(Drop.QUEUE_FULL) > 0);

            Inbox inbox = new Inbox();
            connector(inbox).send(Messages.request(2, 1, CLIENT_SIGNER));
            assertThat(nextReply(inbox).clientId()).isEqualTo(2);
        }
    }
}
