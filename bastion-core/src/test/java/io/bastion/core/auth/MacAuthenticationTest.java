package io.bastion.core.auth;

import io.bastion.core.TestKeys;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.SessionKey;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The edge's checks of MAC client mode: a replica's own tag, and a client's session key message. */
class MacAuthenticationTest {
    private static final ClusterConfig CLUSTER = TestKeys.cluster(1, 2);
    private static final long CLIENT = 1000;
    private static final int SELF = 2;

    /** Per (client, replica) keys, as both ends would hold them after SESSION-KEY messages. */
    private final Map<String, byte[]> keys = new HashMap<>();

    private byte[] key(long client, int replica) {
        return keys.computeIfAbsent(client + "/" + replica, k -> {
            byte[] key = new byte[32];
            Arrays.fill(key, (byte) (client * 7 + replica));
            return key;
        });
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What replica {@link #SELF} holds: keys for the clients in {@code held}. */
    private SessionKeys replicaKeys(long... held) {
        return (clientId, encoding, authenticator, offset) -> {
            if (Arrays.stream(held).noneMatch(c -> c == clientId)) {
                return SessionKeys.TagCheck.NO_KEY;
            }
            byte[] expected = Arrays.copyOf(hmac(key(clientId, SELF), encoding), Authenticators.TAG_BYTES);
            byte[] tag = Arrays.copyOfRange(authenticator, offset, offset + Authenticators.TAG_BYTES);
            return MessageDigest.isEqual(expected, tag) ? SessionKeys.TagCheck.VALID : SessionKeys.TagCheck.BAD_TAG;
        };
    }

    /** A request of {@code client} tagged for every replica, except that the tags of {@code spoiled} are wrong. */
    private Envelope<Request> tagged(long client, long number, Request.Kind kind, int... spoiled) {
        return Envelope.authenticate(new Request(client, number, kind, new byte[] {1, 2}), encoding -> {
            byte[] out = new byte[CLUSTER.n() * Authenticators.TAG_BYTES];
            for (int r = 0; r < CLUSTER.n(); r++) {
                System.arraycopy(hmac(key(client, r), encoding), 0, out, Authenticators.tagOffset(r), Authenticators.TAG_BYTES);
            }
            for (int r : spoiled) {
                out[Authenticators.tagOffset(r)] ^= 1;
            }
            return out;
        });
    }

    private MessageAuthenticator authenticator(SessionKeys keys) {
        return new MessageAuthenticator(CLUSTER, id -> CLUSTER.clientKeys().get(id), TestKeys.VERIFIER, SELF, keys);
    }

    @Test
    void aReplicaAcceptsItsOwnGoodTagAndRefusesABadOneWhateverTheOthersTagsAre() {
        MessageAuthenticator edge = authenticator(replicaKeys(CLIENT));
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, tagged(CLIENT, 1, Request.Kind.WRITE)))
                .isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, tagged(CLIENT, 1, Request.Kind.WRITE, 0, 1, 3)))
                .isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, tagged(CLIENT, 1, Request.Kind.WRITE, SELF)))
                .isEqualTo(Verdict.BAD_TAG);
    }

    @Test
    void withoutAKeyOrFromAnUnknownClientOrMalformedTheRequestIsRefusedBeforeAnyHmac() {
        MessageAuthenticator edge = authenticator(replicaKeys());
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, tagged(CLIENT, 1, Request.Kind.WRITE)))
                .isEqualTo(Verdict.NO_SESSION_KEY);
        assertThat(authenticator(replicaKeys(77)).check(MessageAuthenticator.FROM_CLIENT,
                tagged(77, 1, Request.Kind.WRITE))).isEqualTo(Verdict.UNKNOWN_CLIENT);
        Envelope<Request> short3 = Envelope.authenticate(new Request(CLIENT, 1, false, new byte[] {1}),
                e -> new byte[3 * Authenticators.TAG_BYTES]);
        assertThat(authenticator(replicaKeys(CLIENT)).check(MessageAuthenticator.FROM_CLIENT, short3))
                .isEqualTo(Verdict.MALFORMED);
        assertThat(authenticator(replicaKeys(CLIENT)).check(MessageAuthenticator.FROM_CLIENT,
                tagged(CLIENT, 1, Request.Kind.JOIN))).isEqualTo(Verdict.MALFORMED);
        assertThat(new MessageAuthenticator(CLUSTER, id -> CLUSTER.clientKeys().get(id), TestKeys.VERIFIER)
                .check(MessageAuthenticator.FROM_CLIENT, tagged(CLIENT, 1, Request.Kind.WRITE)))
                .as("an authenticator without keys").isEqualTo(Verdict.NO_SESSION_KEY);
    }

    @Test
    void relayedBodiesThisReplicaCannotCheckAreSetApartNotRefused() {
        MessageAuthenticator edge = authenticator(replicaKeys(CLIENT));
        Envelope<Request> good = tagged(CLIENT, 1, Request.Kind.WRITE);
        Envelope<Request> badHere = tagged(CLIENT, 2, Request.Kind.WRITE, SELF);
        Envelope<Request> signed = Envelope.sign(new Request(CLIENT + 1, 1, false, new byte[] {3}), TestKeys.signer(CLIENT + 1));
        MessageAuthenticator.SplitBodies split = edge.checkBodies(1, new RequestBodies(1, List.of(good, badHere, signed)));
        assertThat(split.verdict()).isEqualTo(Verdict.AUTHENTIC);
        assertThat(split.authentic()).containsExactly(good, signed);
        assertThat(split.unverified()).containsExactly(badHere);
        // and check() itself, which has no way to set a body apart, refuses the whole message
        assertThat(edge.check(1, Envelope.unsigned(new RequestBodies(1, List.of(good, badHere)))))
                .isEqualTo(Verdict.BAD_TAG);

        Envelope<Request> forgedSignature = Envelope.sign(signed.message(), TestKeys.signer(5));
        assertThat(edge.checkBodies(1, new RequestBodies(1, List.of(good, forgedSignature))).verdict())
                .as("a bad signature is no excuse").isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(edge.checkBodies(3, new RequestBodies(1, List.of(good))).verdict())
                .as("bodies that claim another sender than the connection's").isEqualTo(Verdict.WRONG_SENDER);
    }

    @Test
    void aSessionKeyMustNameThisReplicaAndBeSignedByItsClient() {
        MessageAuthenticator edge = authenticator(replicaKeys());
        byte[] nonce = new byte[32];
        byte[] key = new byte[32];
        SessionKey mine = new SessionKey(CLIENT, SELF, nonce, key);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, Envelope.sign(mine, TestKeys.signer(CLIENT))))
                .isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT,
                Envelope.sign(new SessionKey(CLIENT, SELF + 1, nonce, key), TestKeys.signer(CLIENT))))
                .as("a key message for another replica").isEqualTo(Verdict.WRONG_SENDER);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, Envelope.sign(mine, TestKeys.signer(CLIENT + 1))))
                .as("signed by another client").isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT,
                Envelope.sign(new SessionKey(77, SELF, nonce, key), TestKeys.signer(77))))
                .isEqualTo(Verdict.UNKNOWN_CLIENT);
        assertThat(edge.check(1, Envelope.sign(mine, TestKeys.signer(CLIENT))))
                .as("from a replica").isEqualTo(Verdict.UNEXPECTED);
    }
}
