package io.bastion.net.handshake;

import io.bastion.core.message.Codec;
import io.bastion.core.util.Hex;
import io.bastion.net.Rejection;
import io.bastion.net.handshake.HandshakeFrame.Hello;
import io.bastion.net.handshake.HandshakeFrame.HelloAccept;
import io.bastion.net.handshake.HandshakeFrame.HelloConfirm;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HandshakeCodecTest {
    private static final byte[] NONCE_A = filled(HandshakeCodec.NONCE_BYTES, 0xaa);
    private static final byte[] NONCE_B = filled(HandshakeCodec.NONCE_BYTES, 0xbb);

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    @Test
    void helloGoldenBytes() {
        byte[] body = HandshakeCodec.encode(new Hello(1, 2, NONCE_A));
        assertThat(Hex.of(body)).isEqualTo("40" + "00000001" + "00000002" + "aa".repeat(32));
    }

    @Test
    void helloAcceptAndConfirmGoldenBytes() {
        assertThat(Hex.of(HandshakeCodec.encode(new HelloAccept(NONCE_B, new byte[] {1, 2, 3}))))
                .isEqualTo("41" + "bb".repeat(32) + "03" + "010203");
        assertThat(Hex.of(HandshakeCodec.encode(new HelloConfirm(new byte[] {9}))))
                .isEqualTo("42" + "01" + "09");
    }

    @Test
    void framesRoundTrip() throws HandshakeException {
        Hello hello = (Hello) HandshakeCodec.decode(HandshakeCodec.encode(new Hello(3, 7, NONCE_A)));
        assertThat(hello.dialerId()).isEqualTo(3);
        assertThat(hello.acceptorId()).isEqualTo(7);
        assertThat(hello.dialerNonce()).isEqualTo(NONCE_A);

        byte[] signature = filled(Codec.SIGNATURE_BYTES_MAX, 5);
        HelloAccept accept = (HelloAccept) HandshakeCodec.decode(HandshakeCodec.encode(new HelloAccept(NONCE_B, signature)));
        assertThat(accept.acceptorNonce()).isEqualTo(NONCE_B);
        assertThat(accept.signature()).isEqualTo(signature);

        HelloConfirm confirm = (HelloConfirm) HandshakeCodec.decode(HandshakeCodec.encode(new HelloConfirm(signature)));
        assertThat(confirm.signature()).isEqualTo(signature);
        assertThat(HandshakeCodec.encode(accept)).hasSize(HandshakeCodec.FRAME_BYTES_MAX);
    }

    @Test
    void malformedFramesAreRefusedWithTheirReason() {
        byte[] hello = HandshakeCodec.encode(new Hello(1, 2, NONCE_A));
        assertRefused(new byte[0], Rejection.TRUNCATED);
        assertRefused(Arrays.copyOf(hello, hello.length - 1), Rejection.TRUNCATED);
        assertRefused(Arrays.copyOf(hello, hello.length + 1), Rejection.TRAILING_BYTES);
        assertRefused(new byte[] {0x42, 0}, Rejection.INVALID_FIELD);
        assertRefused(new byte[] {0x42, (byte) (Codec.SIGNATURE_BYTES_MAX + 1)}, Rejection.INVALID_FIELD);
        assertRefused(new byte[] {0x42, 2, 1}, Rejection.TRUNCATED);
        assertRefused(new byte[] {0x41}, Rejection.TRUNCATED);
        assertRefused(new byte[] {0x77}, Rejection.UNKNOWN_TYPE);
        assertRefused(new byte[] {3, 0, 0}, Rejection.HANDSHAKE_UNEXPECTED_FRAME);
    }

    private static void assertRefused(byte[] body, Rejection reason) {
        assertThatThrownBy(() -> HandshakeCodec.decode(body))
                .isInstanceOfSatisfying(HandshakeException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void transcriptsAreDomainSeparatedAndBindBothIdsAndNonces() {
        byte[] accept = HandshakeTranscript.accept(1, 2, NONCE_A, NONCE_B);
        byte[] dial = HandshakeTranscript.dial(1, 2, NONCE_A, NONCE_B);
        assertThat(new String(accept, 0, 24, StandardCharsets.US_ASCII)).isEqualTo("bastion-handshake-accept");
        assertThat(Hex.of(accept)).endsWith("00" + "00000001" + "00000002" + "aa".repeat(32) + "bb".repeat(32));
        assertThat(new String(dial, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("bastion-handshake-dial");
        assertThat(dial).isNotEqualTo(accept);
        assertThat(HandshakeTranscript.accept(2, 1, NONCE_A, NONCE_B)).isNotEqualTo(accept);
        assertThat(HandshakeTranscript.accept(1, 2, NONCE_B, NONCE_A)).isNotEqualTo(accept);
    }
}
