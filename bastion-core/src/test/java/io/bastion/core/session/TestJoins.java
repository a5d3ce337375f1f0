package io.bastion.core.session;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Join requests for state-machine tests: a client key, challenges from replicas 0..2 of a {@link TestKeys} cluster. */
public final class TestJoins {
    private TestJoins() {}

    /** A signed Join of the client whose key is {@code TestKeys.key(keyId)}, valid until {@code expiresMillis}. */
    public static Envelope<Request> join(long keyId, String credentials, long expiresMillis) {
        PublicKeyRef key = TestKeys.key(keyId);
        byte[] nonce = new byte[16];
        nonce[0] = (byte) keyId;
        nonce[1] = (byte) (keyId >> 8);
        List<Envelope<Challenge>> challenges = new ArrayList<>();
        for (int replica = 0; replica < 3; replica++) {
            challenges.add(Envelope.sign(new Challenge(replica, Challenge.keyDigest(key), nonce, expiresMillis),
                    TestKeys.signer(replica)));
        }
        byte[] operation = Codec.encodeJoin(new JoinRequest(key, nonce,
                credentials.getBytes(StandardCharsets.UTF_8), challenges));
        return Envelope.sign(new Request(JoinRequest.provisionalClientId(key), 1, Request.Kind.JOIN, operation),
                TestKeys.signer(keyId));
    }

    /** A request of session {@code clientId}, signed with the key the session joined with. */
    public static Envelope<Request> request(long clientId, long keyId, long number, Request.Kind kind, String operation) {
        return Envelope.sign(new Request(clientId, number, kind, operation.getBytes(StandardCharsets.UTF_8)),
                TestKeys.signer(keyId));
    }
}
