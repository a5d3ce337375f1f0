package io.bastion.net.endpoint;

import io.bastion.core.auth.SessionKeys.TagCheck;
import io.bastion.core.message.Authenticators;
import io.bastion.crypto.HmacSha256;
import io.bastion.net.TransportCounters;
import io.bastion.net.channel.OutboundQueue;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** A replica's MAC session keys: one per client id, tied to the connection that set it up. */
class SessionKeyTableTest {
    private static final byte[] REQUEST = {1, 0, 0, 7, 42};

    private static ClientConnection connection(long id) {
        EmbeddedChannel channel = new EmbeddedChannel();
        OutboundQueue queue = new OutboundQueue("test client", 16, 1 << 20, 1 << 16, new TransportCounters());
        return new ClientConnection(id, channel, queue, ClientLimits.DEFAULTS, 0);
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[HmacSha256.KEY_BYTES];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    /** An authenticator for a 4-replica cluster whose tag for {@code replica} is made with {@code key}. */
    private static byte[] authenticator(byte[] key, int replica) {
        byte[] out = new byte[4 * Authenticators.TAG_BYTES];
        System.arraycopy(new HmacSha256(key).mac(REQUEST), 0, out, Authenticators.tagOffset(replica),
                Authenticators.TAG_BYTES);
        return out;
    }

    @Test
    void aTagChecksUnderTheKeyHeldForItsClientOnly() {
        SessionKeyTable table = new SessionKeyTable();
        ClientConnection c = connection(1);
        assertThat(table.check(7, REQUEST, authenticator(key(1), 2), Authenticators.tagOffset(2)))
                .isEqualTo(TagCheck.NO_KEY);
        assertThat(table.install(7, c, key(1))).isNull();
        assertThat(table.check(7, REQUEST, authenticator(key(1), 2), Authenticators.tagOffset(2)))
                .isEqualTo(TagCheck.VALID);
        assertThat(table.check(7, REQUEST, authenticator(key(2), 2), Authenticators.tagOffset(2)))
                .as("another key's tag").isEqualTo(TagCheck.BAD_TAG);
        assertThat(table.check(7, REQUEST, authenticator(key(1), 1), Authenticators.tagOffset(2)))
                .as("the tag in another replica's slot").isEqualTo(TagCheck.BAD_TAG);
        assertThat(table.check(8, REQUEST, authenticator(key(1), 2), Authenticators.tagOffset(2)))
                .as("another client").isEqualTo(TagCheck.NO_KEY);
    }

    @Test
    void aClientSetsUpOneKeyPerConnectionAndItLeavesWithTheConnection() {
        SessionKeyTable table = new SessionKeyTable();
        ClientConnection first = connection(1);
        ClientConnection second = connection(2);
        assertThat(table.install(7, first, key(1))).isNull();
        assertThat(table.refusal(7, first)).isEqualTo(SessionKeyTable.Refusal.REPEATED);
        assertThat(table.install(7, first, key(2))).isEqualTo(SessionKeyTable.Refusal.REPEATED);
        assertThat(table.check(7, REQUEST, authenticator(key(1), 0), 0)).as("the first key stays").isEqualTo(TagCheck.VALID);

        assertThat(table.install(7, second, key(3))).as("a newer connection's key replaces it").isNull();
        assertThat(table.check(7, REQUEST, authenticator(key(3), 0), 0)).isEqualTo(TagCheck.VALID);
        table.dropAll(first);
        assertThat(table.holds(7)).as("the older connection's close leaves the newer key").isTrue();
        second.markClosed();
        table.dropAll(second);
        assertThat(table.holds(7)).isFalse();
        assertThat(table.install(7, second, key(4))).isEqualTo(SessionKeyTable.Refusal.CLOSED);
        assertThat(table.holds(7)).isFalse();
    }

    @Test
    void aConnectionHoldsABoundedNumberOfKeys() {
        SessionKeyTable table = new SessionKeyTable();
        ClientConnection c = connection(1);
        for (long id = 0; id < SessionKeyTable.KEYS_PER_CONNECTION_MAX; id++) {
            assertThat(table.install(id, c, key(5))).isNull();
        }
        assertThat(table.refusal(-1, c)).isEqualTo(SessionKeyTable.Refusal.CONNECTION_FULL);
        assertThat(table.install(-1, c, key(5))).isEqualTo(SessionKeyTable.Refusal.CONNECTION_FULL);
        assertThat(table.size()).isEqualTo(SessionKeyTable.KEYS_PER_CONNECTION_MAX);
    }
}
