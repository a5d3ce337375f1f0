package io.bastion.core.message;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.CodecException.Reason;
import io.bastion.core.util.Hex;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

class CodecTest {

    @Test
    void prepareHasTheDocumentedLayout() throws Exception {
        Envelope<Prepare> signed = Envelope.sign(new Prepare(1, 2, 3, Samples.digest(3)), Samples.SIGNER);
        ByteBuffer expected = ByteBuffer.allocate(1 + 4 + 4 + 8 + 32);
        expected.put((byte) 3).putInt(1).putInt(2).putLong(3).put(Samples.digest(3).toBytes());
        assertThat(signed.encoded()).isEqualTo(expected.array());
        byte[] frame = Codec.encodeFrame(signed);
        assertThat(frame[expected.capacity()]).isEqualTo((byte) 32);
        assertThat(Arrays.copyOfRange(frame, expected.capacity() + 1, frame.length)).isEqualTo(signed.signature());
        assertThat(signed.signature()).isEqualTo(Digest.sha256(expected.array()).toBytes());
    }

    @Test
    void requestHasTheDocumentedLayout() {
        byte[] expected = Hex.parse("01" + "0000000000000007" + "000000000000002a" + "00" + "00000003" + "010203");
        assertThat(Samples.request().encoded()).isEqualTo(expected);
    }

    /** Golden bytes: a change here changes the wire format (and every signature). */
    @Test
    void goldenEncodings() {
        List<String> golden = List.of(
                "010000000000000007000000000000002a0000000003010203",
                "02000000010000000000000009" + "0000019b76daa800" + "fffffffffffffffb" + "00000002"
                        + "0000000000000007" + "000000000000002a" + Samples.digest(1).hex() + "00000000000000080000000000000001"
                        + Samples.digest(2).hex(),
                "030000000100000002" + "0000000000000003" + Samples.digest(3).hex(),
                "040000000200000002" + "0000000000000003" + Samples.digest(3).hex(),
                "0500000003" + "0000000000000080" + Samples.digest(4).hex(),
                "06000000010000000000000000000000090000000000000007000000000000002a" + "00" + "000000020909000000010000000200000001"
                        + Samples.digest(5).hex() + "00000040" + "00".repeat(64),
                "0700000002000000000000000000000000640000000000000040",
                "080000000300000002" + Samples.digest(6).hex() + Samples.digest(7).hex(),
                "090000000100000001" + String.format("%08x", Codec.encodeFrame(Samples.request()).length)
                        + Hex.of(Codec.encodeFrame(Samples.request())),
                "0a" + "00000001" + "00000005" + "0000000000000008" + Samples.digest(4).hex()
                        + nested(List.of(Envelope.sign(new Checkpoint(3, 8, Samples.digest(4)), Samples.SIGNER)))
                        + "00000001" + frame(Samples.prePrepare(4, 9)) + nested(List.of(Envelope.sign(new Prepare(2, 4, 9,
                        Codec.batchDigest(Samples.prePrepare(4, 9).message())), Samples.SIGNER))),
                "0b" + "00000005" + nested(List.of(Samples.viewChange())) + nested(List.of(Samples.prePrepare(5, 9))),
                "0c" + "00000002" + "0000000000000080" + "00000002" + "00000000" + "00000007",
                "0d" + "00000003" + "0000000000000080" + "00000001" + Samples.digest(8).hex(),
                "0e" + "00000001" + "0000000000000080" + "00000007" + "00000002" + "0405",
                "0f" + "00" + "00000020" + "11".repeat(32) + "00000010" + "22".repeat(16) + "00000003" + "616263",
                "10" + "00000002" + Samples.digest(9).hex() + "00000010" + "22".repeat(16) + "0000019b76db9260",
                // a MAC-mode request's encoding is the REQUEST encoding: what its tags cover
                "010000000000000007000000000000002a0000000003010203",
                "12" + "00000002" + "00000020" + "44".repeat(32),
                "13" + "0000000000000007" + "00000002" + "00000020" + "44".repeat(32) + "00000020" + "55".repeat(32),
                "14" + "00000003" + "00000001" + "0000000000000007" + "000000000000002a" + Samples.digest(6).hex(),
                "15" + "00000001" + "0000000000000009" + Samples.digest(3).hex());
        List<Envelope<?>> all = Samples.all();
        for (int i = 0; i < all.size(); i++) {
            assertThat(Hex.of(all.get(i).encoded())).as(all.get(i).type().toString()).isEqualTo(golden.get(i));
        }
    }

    /** Golden bytes of a MAC_REQUEST frame: the REQUEST's fields, the authenticator, an empty signature. */
    @Test
    void macRequestFrameHasTheDocumentedLayout() throws CodecException {
        String expected = "11" + "0000000000000007000000000000002a0000000003010203" + "00000040" + "33".repeat(64) + "00";
        assertThat(Hex.of(Codec.encodeFrame(Samples.macRequest()))).isEqualTo(expected);
        Envelope<?> decoded = Codec.decodeFrame(Hex.parse(expected));
        assertThat(decoded.type()).isEqualTo(MessageType.REQUEST);
        assertThat(decoded.hasAuthenticator()).isTrue();
        assertThat(decoded.message()).isEqualTo(Samples.request().message());
    }

    /** Tags are credentials, not content: a request has one digest whether signed or tagged, whatever the tags. */
    @Test
    void aMacRequestHasTheDigestOfTheSignedRequestWithItsContent() {
        Envelope<Request> tagged = Samples.macRequest();
        Envelope<Request> retagged = Envelope.authenticate(tagged.message(), e -> Samples.filled(64, 0x77));
        assertThat(tagged.digest()).isEqualTo(Samples.request().digest()).isEqualTo(retagged.digest());
        assertThat(tagged).isNotEqualTo(retagged).isNotEqualTo(Samples.request());
    }

    @Test
    void relayedBodiesKeepTheirAuthenticators() throws CodecException {
        Envelope<RequestBodies> bodies = Envelope.unsigned(new RequestBodies(2, List.of(Samples.macRequest(), Samples.request())));
        RequestBodies decoded = (RequestBodies) Codec.decodeFrame(Codec.encodeFrame(bodies)).message();
        assertThat(decoded.requests().get(0).authenticator()).isEqualTo(Samples.filled(64, 0x33));
        assertThat(decoded.requests().get(0).signature()).isEmpty();
        assertThat(decoded.requests().get(1).hasAuthenticator()).isFalse();
    }

    @Test
    void malformedAuthenticatorsAreRejected() {
        String fields = "0000000000000007000000000000002a0000000003010203";
        assertReason(Hex.parse("11" + fields + "00000000" + "00"), Reason.INVALID_FIELD); // no tag
        assertReason(Hex.parse("11" + fields + "00000011" + "33".repeat(17) + "00"), Reason.INVALID_FIELD); // 17 bytes
        assertReason(Hex.parse("11" + fields + "00000010" + "33".repeat(16) + "01aa"), Reason.INVALID_FIELD); // signed
        assertReason(Hex.parse("11" + fields + "00000010" + "33".repeat(16) + "00" + "00"), Reason.TRAILING_BYTES);
        assertReason(Hex.parse("11" + fields + String.format("%08x", 16 * (Authenticators.TAGS_MAX + 1))
                + "33".repeat(16 * (Authenticators.TAGS_MAX + 1)) + "00"), Reason.INVALID_FIELD);
        assertReason(Hex.parse("12" + "00000002" + "0000001f" + "44".repeat(31) + "00"), Reason.INVALID_FIELD); // short nonce
    }

    private static String frame(Envelope<?> signed) {
        byte[] f = Codec.encodeFrame(signed);
        return String.format("%08x", f.length) + Hex.of(f);
    }

    private static String nested(List<? extends Envelope<?>> list) {
        StringBuilder s = new StringBuilder(String.format("%08x", list.size()));
        list.forEach(m -> s.append(frame(m)));
        return s.toString();
    }

    @Test
    void everyTypeRoundTripsToTheSameBytes() throws Exception {
        Set<MessageType> covered = new HashSet<>();
        for (Envelope<?> signed : Samples.all()) {
            byte[] frame = Codec.encodeFrame(signed);
            Envelope<?> decoded = Codec.decodeFrame(frame);
            assertThat(decoded.message()).isEqualTo(signed.message());
            assertThat(decoded.signature()).isEqualTo(signed.signature());
            assertThat(decoded.authenticator()).isEqualTo(signed.authenticator());
            assertThat(Codec.encodeFrame(decoded)).isEqualTo(frame);
            assertThat(Codec.encodeMessage(decoded.message())).isEqualTo(decoded.encoded());
            assertThat(decoded.wireSize()).isEqualTo(frame.length);
            covered.add(MessageType.ofCode(frame[0] & 0xff));
        }
        assertThat(covered).containsExactlyInAnyOrder(MessageType.values());
    }

    @Test
    void everyTruncationIsRejected() {
        for (Envelope<?> signed : Samples.all()) {
            byte[] frame = Codec.encodeFrame(signed);
            for (int length = 0; length < frame.length; length++) {
                byte[] prefix = Arrays.copyOf(frame, length);
                assertThatThrownBy(() -> Codec.decodeFrame(prefix))
                        .as("%s cut to %d bytes", signed.type(), length).isInstanceOf(CodecException.class);
            }
        }
    }

    @Test
    void trailingBytesAreRejected() {
        for (Envelope<?> signed : Samples.all()) {
            byte[] frame = Arrays.copyOf(Codec.encodeFrame(signed), Codec.encodeFrame(signed).length + 1);
            assertThatThrownBy(() -> Codec.decodeFrame(frame)).isInstanceOf(CodecException.class)
                    .satisfies(e -> assertThat(((CodecException) e).reason()).isEqualTo(Reason.TRAILING_BYTES));
        }
    }

    @Test
    void unknownTypesAndNonCanonicalFieldsAreRejectedWithTheirReason() {
        assertReason(Hex.parse("7f00"), Reason.UNKNOWN_TYPE);
        assertReason(Hex.parse("0000"), Reason.UNKNOWN_TYPE);
        // request kind 5 (0 write, 1 read, 2 ordered read, 3 join, 4 leave)
        assertReason(Hex.parse("01" + "00".repeat(16) + "05" + "00000000" + "01aa"), Reason.INVALID_FIELD);
        // reply status 2 (0 ok, 1 refused)
        assertReason(Hex.parse("06" + "00".repeat(32) + "02" + "00000000" + "00".repeat(8) + "00000000" + "00000000"
                + "00"), Reason.INVALID_FIELD);
        // a Hello whose nonce is shorter than 16 bytes
        assertReason(Hex.parse("0f" + "00" + "00000020" + "11".repeat(32) + "00000008" + "22".repeat(8) + "00000000"
                + "00"), Reason.INVALID_FIELD);
        // signed type without signature
        assertReason(Hex.parse("01" + "00".repeat(16) + "00" + "00000000" + "00"), Reason.INVALID_FIELD);
        // unsigned type with a signature
        assertReason(Hex.parse("07" + "00".repeat(24) + "01aa"), Reason.INVALID_FIELD);
        // a count that cannot fit
        assertReason(Hex.parse("08" + "00000001" + "7fffffff" + "00"), Reason.TRUNCATED);
        // a negative length
        assertReason(Hex.parse("01" + "00".repeat(16) + "00" + "ffffffff" + "01aa"), Reason.INVALID_FIELD);
        // request bodies holding something else than a request
        byte[] status = Codec.encodeFrame(Envelope.unsigned(new Status(1, 0, false, 0, 0)));
        assertReason(Hex.parse("09" + "00000001" + "00000001" + String.format("%08x", status.length)
                + Hex.of(status) + "00"), Reason.INVALID_FIELD);
    }

    private static void assertReason(byte[] frame, Reason reason) {
        try {
            Codec.decodeFrame(frame);
            fail("accepted " + Hex.of(frame));
        } catch (CodecException e) {
            assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    /** Random corruption never escapes as anything but CodecException, and what decodes is canonical. */
    @Test
    void corruptedFramesFailCleanlyOrDecodeCanonically() {
        SplittableRandom random = new SplittableRandom(20261124);
        List<Envelope<?>> all = Samples.all();
        for (int i = 0; i < 30_000; i++) {
            byte[] frame = Codec.encodeFrame(all.get(random.nextInt(all.size())));
            int flips = 1 + random.nextInt(4);
            for (int j = 0; j < flips; j++) {
                frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
            }
            if (random.nextInt(10) == 0) {
                frame = Arrays.copyOf(frame, random.nextInt(frame.length + 8));
            }
            try {
                Envelope<?> decoded = Codec.decodeFrame(frame);
                assertThat(Codec.encodeFrame(decoded)).isEqualTo(frame);
            } catch (CodecException expected) {
                assertThat(expected.reason()).isNotNull();
            }
        }
    }

    @Test
    void randomGarbageIsRejected() {
        SplittableRandom random = new SplittableRandom(7);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] garbage = new byte[random.nextInt(200)];
            random.nextBytes(garbage);
            try {
                Codec.decodeFrame(garbage);
                accepted++;
            } catch (CodecException expected) {
                // the point of the test
            }
        }
        assertThat(accepted).isLessThan(20);
    }

    @Test
    void batchDigestCoversTimeSeedAndEntriesButNotViewOrSeq() {
        PrePrepare p = new PrePrepare(1, 9, 1000, 5, List.of(new BatchEntry(7, 42, Samples.digest(1))));
        assertThat(Codec.batchDigest(new PrePrepare(2, 10, 1000, 5, p.entries()))).isEqualTo(Codec.batchDigest(p));
        assertThat(Codec.batchDigest(new PrePrepare(1, 9, 1001, 5, p.entries()))).isNotEqualTo(Codec.batchDigest(p));
        assertThat(Codec.batchDigest(new PrePrepare(1, 9, 1000, 6, p.entries()))).isNotEqualTo(Codec.batchDigest(p));
        assertThat(Codec.batchDigest(new PrePrepare(1, 9, 1000, 5, List.of()))).isNotEqualTo(Codec.batchDigest(p));
    }

    @Test
    void joinsRoundTripAndMalformedOnesAreRejected() throws CodecException {
        io.bastion.core.session.JoinRequest join = new io.bastion.core.session.JoinRequest(
                new io.bastion.core.crypto.PublicKeyRef(io.bastion.core.crypto.PublicKeyRef.Algorithm.ED25519,
                        Samples.filled(32, 0x11)),
                Samples.filled(16, 0x22), new byte[] {'v'},
                List.of(Envelope.sign(new Challenge(2, Samples.digest(9), Samples.filled(16, 0x22), 5), Samples.SIGNER)));
        byte[] bytes = Codec.encodeJoin(join);
        assertThat(Codec.decodeJoin(bytes)).isEqualTo(join);
        assertThatThrownBy(() -> Codec.decodeJoin(Arrays.copyOf(bytes, bytes.length + 1)))
                .isInstanceOf(CodecException.class).hasMessageContaining("after a Join");
        assertThatThrownBy(() -> Codec.decodeJoin(Arrays.copyOf(bytes, bytes.length - 3)))
                .isInstanceOf(CodecException.class);
        assertThatThrownBy(() -> Codec.decodeJoin(new byte[] {1, 2})).isInstanceOf(CodecException.class)
                .hasMessageContaining("not a Join");
        byte[] wrongKeyLength = bytes.clone();
        wrongKeyLength[5] = 31; // the key's length field says 31 bytes for an Ed25519 key
        assertThatThrownBy(() -> Codec.decodeJoin(wrongKeyLength)).isInstanceOf(CodecException.class);
        io.bastion.core.session.JoinResult result = new io.bastion.core.session.JoinResult(1L << 40, "voter-7");
        assertThat(Codec.decodeJoinResult(Codec.encodeJoinResult(result))).isEqualTo(result);
    }
}
