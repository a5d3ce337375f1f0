package io.bastion.core.auth;

import io.bastion.core.TestKeys;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Authenticators;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.PreparedProof;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.SessionKey;
import io.bastion.core.message.ViewChange;
import io.bastion.core.message.Vouch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Who may send what: COMMIT and DECIDED are their author's own, over its own connection; signed
 * messages verify once per exact bytes.
 */
class MessageAuthenticatorTest {
    private static final long CLIENT = 1000;
    private static final Digest BATCH = Digest.sha256(new byte[] {1});

    private final ClusterConfig cluster = TestKeys.cluster(1, 1);
    /** Signature checks that reached the verifier. */
    private final AtomicInteger verifications = new AtomicInteger();
    private final SignatureVerifier counting = (key, message, signature) -> {
        verifications.incrementAndGet();
        return TestKeys.VERIFIER.verify(key, message, signature);
    };
    private final ClientKeys clients = id -> id == CLIENT ? TestKeys.key(CLIENT) : null;
    private final MessageAuthenticator authenticator = new MessageAuthenticator(cluster, clients, counting);

    /** An authenticator of signed messages (no MAC keys) that uses {@code table}. */
    private MessageAuthenticator sharing(ClientKeys keys, VerifiedSignatures table) {
        return new MessageAuthenticator(cluster, keys, counting, -1, SessionKeys.NONE, table);
    }

    private static Envelope<Request> request(long number) {
        return Envelope.sign(new Request(CLIENT, number, false, new byte[] {7, 7, (byte) number}), TestKeys.signer(CLIENT));
    }

    private static Envelope<RequestBodies> bodies(int from, List<Envelope<Request>> requests) {
        return Envelope.unsigned(new RequestBodies(from, requests));
    }

    /** {@code signed} as it would arrive with {@code index} of its frame flipped (encoding or signature). */
    private static Envelope<Request> flipped(Envelope<Request> signed, int index) throws CodecException {
        byte[] frame = Codec.encodeFrame(signed);
        frame[index] ^= 1;
        return Codec.decodeFrame(frame).as(Request.class);
    }

    @Test
    void aCommitIsItsAuthorsOnlyOverItsOwnConnection() {
        Envelope<Commit> commit = Envelope.unsigned(new Commit(2, 0, 5, BATCH));
        assertThat(authenticator.check(2, commit)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(1, commit)).as("replica 1 relays replica 2's COMMIT").isEqualTo(Verdict.WRONG_SENDER);
        assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, commit)).isEqualTo(Verdict.WRONG_SENDER);
        assertThat(authenticator.check(2, Envelope.unsigned(new Commit(7, 0, 5, BATCH))))
                .as("a replica id outside the cluster").isEqualTo(Verdict.WRONG_SENDER);
        assertThat(verifications).as("no signature to check").hasValue(0);
    }

    @Test
    void aDecidedIsItsAuthorsOnlyOverItsOwnConnection() {
        Envelope<Decided> decided = Envelope.unsigned(new Decided(3, 5, BATCH));
        assertThat(authenticator.check(3, decided)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(0, decided)).isEqualTo(Verdict.WRONG_SENDER);
        assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, decided)).isEqualTo(Verdict.WRONG_SENDER);
    }

    /**
     * A COMMIT that carries a signature, as earlier versions sent them (and a faulty relay might
     * "prove" another replica's vote with): no peer decodes it at all.
     */
    @Test
    void aSignedCommitFrameIsRefusedOnTheWireButReadFromAnOldLog() throws CodecException {
        byte[] encoding = Codec.encodeMessage(new Commit(2, 0, 5, BATCH));
        byte[] signature = TestKeys.signer(2).sign(encoding);
        byte[] frame = new byte[encoding.length + 1 + signature.length];
        System.arraycopy(encoding, 0, frame, 0, encoding.length);
        frame[encoding.length] = (byte) signature.length;
        System.arraycopy(signature, 0, frame, encoding.length + 1, signature.length);

        assertThatThrownBy(() -> Codec.decodeFrame(frame)).isInstanceOf(CodecException.class)
                .hasMessageContaining("must not carry a signature");
        Envelope<?> stored = Codec.decodeStoredFrame(frame, 0, frame.length);
        assertThat(stored).isEqualTo(Envelope.unsigned(new Commit(2, 0, 5, BATCH)));
        assertThat(stored.signatureUnsafe()).isEmpty();
        byte[] decided = Codec.encodeFrame(Envelope.unsigned(new Decided(2, 5, BATCH)));
        byte[] signedDecided = java.util.Arrays.copyOf(decided, decided.length + 1);
        signedDecided[decided.length - 1] = 1; // only COMMITs are read with a signature, and only from a log
        signedDecided[decided.length] = 9;
        assertThatThrownBy(() -> Codec.decodeStoredFrame(signedDecided, 0, signedDecided.length))
                .isInstanceOf(CodecException.class).hasMessageContaining("must not carry a signature");
    }

    @Test
    void aRequestVerifiedFromItsClientIsNotVerifiedAgainWhenAPeerRelaysIt() {
        Envelope<Request> r = request(1);
        assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, r)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).hasValue(1);

        assertThat(authenticator.check(1, bodies(1, List.of(r)))).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(2, bodies(2, List.of(r, r)))).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).as("the relayed copies are the bytes verified before").hasValue(1);

        Envelope<Request> other = request(2);
        assertThat(authenticator.check(1, bodies(1, List.of(r, other)))).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).as("only the new request is verified").hasValue(2);
    }

    @Test
    void aRelayedBodyWithAnyByteChangedIsVerifiedAgainAndRefused() throws CodecException {
        // every client id has the client's key here, so a changed id is refused by its signature too
        MessageAuthenticator anyId = new MessageAuthenticator(cluster, id -> TestKeys.key(CLIENT), counting);
        Envelope<Request> r = request(1);
        assertThat(anyId.check(MessageAuthenticator.FROM_CLIENT, r)).isEqualTo(Verdict.AUTHENTIC);
        int frameBytes = Codec.encodeFrame(r).length;
        int signatureLengthAt = r.encodedUnsafe().length;
        int checked = 0;
        for (int i = 1; i < frameBytes; i++) { // byte 0 is the type; changed, it is no REQUEST
            if ((i >= 18 && i < 22) || i == signatureLengthAt) {
                continue; // the operation's and the signature's lengths: changed, the frame does not decode
            }
            Envelope<Request> changed = flipped(r, i);
            int before = verifications.get();
            assertThat(anyId.check(1, bodies(1, List.of(changed))))
                    .as("byte %d changed", i).isEqualTo(Verdict.BAD_SIGNATURE);
            assertThat(verifications.get()).as("byte %d changed: verified again", i).isEqualTo(before + 1);
            checked++;
        }
        assertThat(checked).as("bytes of the encoding and the signature changed").isGreaterThan(32);
        int before = verifications.get();
        assertThat(anyId.check(1, bodies(1, List.of(r)))).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications.get()).as("the original is still remembered").isEqualTo(before);
    }

    @Test
    void aRefusedSignatureIsNeverRemembered() throws CodecException {
        Envelope<Request> forged = flipped(request(1), Codec.encodeFrame(request(1)).length - 1);
        for (int i = 0; i < 3; i++) {
            assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, forged)).isEqualTo(Verdict.BAD_SIGNATURE);
        }
        assertThat(verifications).hasValue(3);
    }

    @Test
    void aRememberedSignatureCountsOnlyForTheKeyItVerifiedUnder() {
        Envelope<Request> r = request(1);
        assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, r)).isEqualTo(Verdict.AUTHENTIC);
        // the same client id now maps to another key (a stand-in for a table that changed)
        VerifiedSignatures table = new VerifiedSignatures(16);
        table.add(TestKeys.key(CLIENT), r); // what the first authenticator verified
        MessageAuthenticator rekeyed = sharing(id -> TestKeys.key(5), table);
        assertThat(rekeyed.check(1, bodies(1, List.of(r)))).isEqualTo(Verdict.BAD_SIGNATURE);
        assertThat(verifications).hasValue(2);
    }

    @Test
    void preparesInAViewChangeThatArrivedBeforeAreNotVerifiedAgain() {
        Envelope<PrePrepare> prePrepare = Envelope.sign(new PrePrepare(0, 1, 1_000, 2,
                List.of(new BatchEntry(CLIENT, 1, request(1).digest()))), TestKeys.signer(0));
        Digest batch = Codec.batchDigest(prePrepare.message());
        Envelope<Prepare> p1 = Envelope.sign(new Prepare(1, 0, 1, batch), TestKeys.signer(1));
        Envelope<Prepare> p2 = Envelope.sign(new Prepare(2, 0, 1, batch), TestKeys.signer(2));
        assertThat(authenticator.check(0, prePrepare)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(1, p1)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(2, p2)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).hasValue(3);

        Envelope<ViewChange> viewChange = Envelope.sign(new ViewChange(3, 1, 0, Digest.ZERO, List.of(),
                List.of(new PreparedProof(prePrepare, List.of(p1, p2)))), TestKeys.signer(3));
        assertThat(authenticator.check(3, viewChange)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).as("only the VIEW-CHANGE's own signature").hasValue(4);
    }

    @Test
    void aBoundedTableForgetsAndThenVerifiesAgain() {
        VerifiedSignatures one = new VerifiedSignatures(1);
        MessageAuthenticator small = sharing(clients, one);
        Envelope<Request> a = request(1);
        Envelope<Request> b = request(2);
        assertThat(small.check(MessageAuthenticator.FROM_CLIENT, a)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(small.check(MessageAuthenticator.FROM_CLIENT, b)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(small.check(MessageAuthenticator.FROM_CLIENT, b)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).hasValue(2);
        assertThat(small.check(MessageAuthenticator.FROM_CLIENT, a)).as("a's slot went to b").isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).hasValue(3);
        assertThatThrownBy(() -> new VerifiedSignatures(3)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Verifier threads share one table: every verdict stays right while they fill and read it. */
    @Test
    void threadsSharingTheTableGetTheRightVerdicts() throws Exception {
        VerifiedSignatures table = new VerifiedSignatures(64);
        MessageAuthenticator shared = sharing(clients, table);
        List<Envelope<Request>> good = new ArrayList<>();
        List<Envelope<Request>> bad = new ArrayList<>();
        for (int i = 1; i <= 200; i++) {
            Envelope<Request> r = request(i);
            good.add(r);
            bad.add(flipped(r, Codec.encodeFrame(r).length - 1));
        }
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> wrong = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int offset = t * 50;
                wrong.add(threads.submit(() -> {
                    int mistakes = 0;
                    for (int round = 0; round < 5; round++) {
                        for (int i = 0; i < good.size(); i++) {
                            int k = (i + offset) % good.size();
                            mistakes += shared.check(1, bodies(1, List.of(good.get(k)))) == Verdict.AUTHENTIC ? 0 : 1;
                            mistakes += shared.check(1, bodies(1, List.of(good.get(k)))) == Verdict.AUTHENTIC ? 0 : 1;
                            mistakes += shared.check(1, bodies(1, List.of(bad.get(k)))) == Verdict.BAD_SIGNATURE ? 0 : 1;
                        }
                    }
                    return mistakes;
                }));
            }
            for (Future<Integer> f : wrong) {
                assertThat(f.get()).isZero();
            }
        } finally {
            threads.shutdownNow();
        }
        int checks = 4 * 5 * 200 * 3;
        assertThat(verifications.get()).as("every bad copy was verified each time").isGreaterThanOrEqualTo(4 * 5 * 200)
                .as("some good copies were not verified again").isLessThan(checks);
    }

    /**
     * MAC client mode: a tagged request has the digest of the signed request with its content, but
     * a verified signature never stands in for a tag. Every copy's own tag is checked, every time.
     */
    @Test
    void aTaggedRequestIsCheckedByItsTagEvenAfterTheSignedRequestWithItsContentVerified() {
        int self = 1;
        AtomicInteger tagChecks = new AtomicInteger();
        SessionKeys keys = (clientId, encoding, tags, offset) -> {
            tagChecks.incrementAndGet();
            return tags[offset] == 1 ? SessionKeys.TagCheck.VALID : SessionKeys.TagCheck.BAD_TAG;
        };
        VerifiedSignatures table = new VerifiedSignatures(16);
        MessageAuthenticator edge = new MessageAuthenticator(cluster, clients, counting, self, keys, table);
        Envelope<Request> signed = request(1);
        Envelope<Request> badTag = Envelope.authenticate(signed.message(),
                e -> new byte[cluster.n() * Authenticators.TAG_BYTES]);
        Envelope<Request> goodTag = Envelope.authenticate(signed.message(), e -> {
            byte[] tags = new byte[cluster.n() * Authenticators.TAG_BYTES];
            tags[Authenticators.tagOffset(self)] = 1;
            return tags;
        });
        assertThat(badTag.digest()).isEqualTo(signed.digest());

        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, signed)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, badTag)).isEqualTo(Verdict.BAD_TAG);
        assertThat(edge.check(1, bodies(1, List.of(badTag)))).isEqualTo(Verdict.BAD_TAG);
        assertThat(edge.checkBodies(1, new RequestBodies(1, List.of(badTag))).unverified()).containsExactly(badTag);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, goodTag)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, goodTag)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(tagChecks).as("one tag check per tagged copy").hasValue(5);
        assertThat(verifications).as("the signed copy's signature, once").hasValue(1);
        assertThat(table.contains(TestKeys.key(CLIENT), badTag)).as("a tagged copy carries no signature to match").isFalse();

        MessageAuthenticator noKeys = new MessageAuthenticator(cluster, clients, counting, -1, SessionKeys.NONE, table);
        assertThat(noKeys.check(MessageAuthenticator.FROM_CLIENT, goodTag)).isEqualTo(Verdict.NO_SESSION_KEY);
    }

    /** A SESSION-KEY is verified every time; it is never taken as verified from the table. */
    @Test
    void aSessionKeyIsVerifiedEveryTime() {
        int self = 2;
        VerifiedSignatures table = new VerifiedSignatures(16);
        MessageAuthenticator edge = new MessageAuthenticator(cluster, clients, counting, self, SessionKeys.NONE, table);
        Envelope<SessionKey> key = Envelope.sign(new SessionKey(CLIENT, self, new byte[32], new byte[32]),
                TestKeys.signer(CLIENT));
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, key)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT, key)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(verifications).hasValue(2);
        assertThat(edge.check(MessageAuthenticator.FROM_CLIENT,
                Envelope.sign(key.message(), TestKeys.signer(5)))).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    /** VOUCH, like COMMIT and DECIDED, counts only from its author's own connection, with no signature to check. */
    @Test
    void aVouchIsItsAuthorsOnlyOverItsOwnConnection() {
        Envelope<Vouch> vouch = Envelope.unsigned(new Vouch(2, List.of(new BatchEntry(CLIENT, 1, request(1).digest()))));
        assertThat(authenticator.check(2, vouch)).isEqualTo(Verdict.AUTHENTIC);
        assertThat(authenticator.check(1, vouch)).isEqualTo(Verdict.WRONG_SENDER);
        assertThat(authenticator.check(MessageAuthenticator.FROM_CLIENT, vouch)).isEqualTo(Verdict.WRONG_SENDER);
        assertThat(verifications).hasValue(0);
    }
}
