package io.bastion.net.web;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.crypto.EcdsaP256SigningKey;
import io.bastion.crypto.Ed25519SigningKey;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The JSON codec alone: what it accepts is exactly what the binary codec accepts, nothing else. */
class WebMessagesTest {
    private static final int FRAME_BYTES_MAX = 1_024;
    private final WebMessages codec = new WebMessages(FRAME_BYTES_MAX);
    private final SecureRandom random = new SecureRandom();

    @Test
    void anAcceptedRequestIsTheFrameThatWasSentByteForByte() {
        Ed25519SigningKey key = Ed25519SigningKey.generate(random);
        for (Request.Kind kind : Request.Kind.values()) {
            Envelope<Request> sent = Envelope.sign(new Request(-42, 7, kind, new byte[] {1, 2, (byte) kind.ordinal()}), key);
            WebMessages.Inbound decoded = codec.decode(WebEndpointTest.request(sent));
            assertThat(decoded).isInstanceOf(WebMessages.Accepted.class);
            Envelope<?> message = ((WebMessages.Accepted) decoded).message();
            assertThat(Codec.encodeFrame(message)).isEqualTo(Codec.encodeFrame(sent));
            assertThat(message.message()).isEqualTo(sent.message());
        }
    }

    @Test
    void aHelloOfEitherKeyAlgorithmBecomesTheHelloMessage() {
        byte[] nonce = new byte[Hello.NONCE_BYTES_MAX];
        random.nextBytes(nonce);
        for (var key : new io.bastion.crypto.SigningKey[] {Ed25519SigningKey.generate(random),
                EcdsaP256SigningKey.generate(random)}) {
            WebMessages.Inbound decoded = codec.decode(WebEndpointTest.hello(key.publicKey().algorithm().name(),
                    key.publicKey().rawUnsafe(), nonce, new byte[Hello.CREDENTIALS_BYTES_MAX]));
            assertThat(decoded).isInstanceOf(WebMessages.Accepted.class);
            assertThat(((WebMessages.Accepted) decoded).message().message())
                    .isEqualTo(new Hello(key.publicKey(), nonce, new byte[Hello.CREDENTIALS_BYTES_MAX]));
        }
    }

    @Test
    void aFrameAboveTheTransportLimitIsOversizedEvenIfWellFormed() {
        Ed25519SigningKey key = Ed25519SigningKey.generate(random);
        Envelope<Request> fits = Envelope.sign(new Request(1, 1, Request.Kind.WRITE, new byte[FRAME_BYTES_MAX - 100]), key);
        Envelope<Request> over = Envelope.sign(new Request(1, 1, Request.Kind.WRITE, new byte[FRAME_BYTES_MAX]), key);
        assertThat(fits.wireSize()).isLessThanOrEqualTo(FRAME_BYTES_MAX);
        assertThat(codec.decode(WebEndpointTest.request(fits))).isInstanceOf(WebMessages.Accepted.class);
        assertThat(codec.decode(WebEndpointTest.request(over))).isEqualTo(new WebMessages.Refused(WebError.OVERSIZED,
                "frame of " + over.wireSize() + " bytes; at most " + FRAME_BYTES_MAX));
    }

    @Test
    void onlyChallengesAndRepliesAreSentToClients() {
        assertThatThrownBy(() -> WebMessages.encode(Envelope.unsigned(new Status(0, 0, false, 0, 0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("STATUS");
    }

    @Test
    void errorReasonsAreClippedAndEscaped() {
        String reason = "\"quoted\"\n" + "x".repeat(2 * WebMessages.REASON_CHARS_MAX);
        String json = WebMessages.error(reason);
        assertThat(json).startsWith("{\"type\":\"error\",\"reason\":\"\\\"quoted\\\"\\n").endsWith("...\"}");
        assertThat(codec.decode(json)).isEqualTo(new WebMessages.Refused(WebError.UNKNOWN_TYPE,
                "unknown type \"error\": clients send hello and request"));
    }
}
