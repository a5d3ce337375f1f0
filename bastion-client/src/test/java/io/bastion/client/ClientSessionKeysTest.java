package io.bastion.client;

import io.bastion.core.client.RequestSealer;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.message.SessionKey;
import io.bastion.crypto.HmacSha256;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** The client's side of MAC client mode: a key per connection, tags per replica, the fall back to signing. */
class ClientSessionKeysTest {
    private static final Signer SIGNER = message -> Digest.sha256(message).toBytes();

    private static byte[] nonce(int fill) {
        byte[] nonce = new byte[32];
        Arrays.fill(nonce, (byte) fill);
        return nonce;
    }

    @Test
    void eachNewConnectionGetsAFreshKeyWhoseTagsTheReplicaCanCheck() {
        ClientSessionKeys keys = new ClientSessionKeys(4, new SecureRandom());
        assertThat(keys.onKeyNonce(1, nonce(1), SIGNER)).as("no client id yet").isNull();
        keys.useClientId(7, SIGNER);
        Envelope<SessionKey> first = keys.onKeyNonce(2, nonce(2), SIGNER);
        assertThat(first.message().clientId()).isEqualTo(7);
        assertThat(first.message().replicaId()).isEqualTo(2);
        assertThat(first.message().nonce()).isEqualTo(nonce(2));
        assertThat(keys.onKeyNonce(2, nonce(2), SIGNER)).as("the same connection's nonce again").isNull();
        Envelope<SessionKey> second = keys.onKeyNonce(2, nonce(3), SIGNER);
        assertThat(second.message().key()).as("a new connection, a new key").isNotEqualTo(first.message().key());

        byte[] encoding = {1, 2, 3};
        byte[] authenticator = keys.authenticator(encoding);
        assertThat(authenticator).hasSize(4 * Authenticators.TAG_BYTES);
        assertThat(Arrays.copyOfRange(authenticator, Authenticators.tagOffset(2), Authenticators.tagOffset(3)))
                .isEqualTo(Arrays.copyOf(new HmacSha256(second.message().key()).mac(encoding), Authenticators.TAG_BYTES));
        assertThat(Arrays.copyOfRange(authenticator, 0, Authenticators.TAG_BYTES))
                .as("no key with replica 0: zeros").isEqualTo(new byte[Authenticators.TAG_BYTES]);

        Envelope<SessionKey>[] rekeyed = keys.useClientId(8, SIGNER);
        assertThat(rekeyed[2].message().clientId()).as("a joined session's id gets keys of its own").isEqualTo(8);
        assertThat(rekeyed[1].message().nonce()).isEqualTo(nonce(1));
        assertThat(rekeyed[0]).isNull();
    }

    @Test
    void requestsAreTaggedWhileEnoughReplicasHoldKeysAndSignedAfterMacSendsMax() {
        ClientSessionKeys keys = new ClientSessionKeys(4, new SecureRandom());
        keys.useClientId(7, SIGNER);
        RequestSealer sealer = keys.sealer(SIGNER, 3, 2);
        Request request = new Request(7, 1, false, new byte[] {4});
        keys.onKeyNonce(0, nonce(10), SIGNER);
        keys.onKeyNonce(1, nonce(11), SIGNER);
        assertThat(sealer.seal(request, 1, null).hasAuthenticator()).as("two keys of the three needed").isFalse();
        keys.onKeyNonce(2, nonce(12), SIGNER);
        Envelope<Request> first = sealer.seal(request, 1, null);
        Envelope<Request> second = sealer.seal(request, 2, first);
        Envelope<Request> third = sealer.seal(request, 3, second);
        assertThat(first.hasAuthenticator()).isTrue();
        assertThat(second.hasAuthenticator()).isTrue();
        assertThat(third.hasAuthenticator()).as("signed after macSendsMax sendings").isFalse();
        assertThat(third.signature()).isNotEmpty();
        assertThat(third.digest()).as("the same request").isEqualTo(first.digest());
        assertThat(sealer.seal(new Request(7, 2, Request.Kind.JOIN, new byte[0]), 1, null).hasAuthenticator())
                .as("joins are signed").isFalse();
    }
}
