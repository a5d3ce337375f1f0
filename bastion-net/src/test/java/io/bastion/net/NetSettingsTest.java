package io.bastion.net;

import io.bastion.core.config.ProtocolSettings;
import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Codec;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.net.handshake.HandshakeCodec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How the transport's maxima relate to each other and to the protocol's. */
class NetSettingsTest {
    private static final NetSettings D = NetSettings.DEFAULTS;
    private static final ProtocolSettings P = ProtocolSettings.DEFAULTS;
    /** A signature of the longest length the codec admits. */
    private static final Signer LONGEST_SIGNER = message -> new byte[Codec.SIGNATURE_BYTES_MAX];

    @Test
    void theLargestRequestTheProtocolAcceptsFitsInAFrame() {
        Envelope<Request> request = Envelope.sign(new Request(1, 1, false, new byte[P.requestBytesMax()]), LONGEST_SIGNER);
        assertThat(request.wireSize()).isLessThanOrEqualTo(D.frameBytesMax());
    }

    @Test
    void theLargestPrePrepareFitsInAFrame() {
        List<BatchEntry> entries = new ArrayList<>();
        for (int i = 0; i < P.batchRequestsMax(); i++) {
            entries.add(new BatchEntry(i, i, Digest.ZERO));
        }
        Envelope<PrePrepare> prePrepare = Envelope.sign(new PrePrepare(0, 1, 0, 0, entries), LONGEST_SIGNER);
        assertThat(prePrepare.wireSize()).isLessThanOrEqualTo(D.frameBytesMax());
    }

    @Test
    void everyHandshakeFrameFitsTheSmallestAllowedFrame() {
        assertThat(HandshakeCodec.FRAME_BYTES_MAX).isLessThanOrEqualTo(NetSettings.FRAME_BYTES_MIN);
    }

    @Test
    void everyQueueHoldsAtLeastOneLargestFrame() {
        assertThat(D.peerQueueBytesMax()).isGreaterThanOrEqualTo(NetSettings.wireBytes(D.frameBytesMax()));
        assertThat(D.clientQueueBytesMax()).isGreaterThanOrEqualTo(NetSettings.wireBytes(D.frameBytesMax()));
    }

    @Test
    void theHandshakeTimeoutOutlastsAConnectAttempt() {
        assertThat(D.handshakeTimeoutMillis()).isGreaterThan(D.connectTimeoutMillis());
        assertThat(D.reconnectDelayMaxMillis()).isLessThan(D.handshakeTimeoutMillis());
    }

    @Test
    void invalidSettingsAreRefusedNamingTheSetting() {
        assertThatThrownBy(() -> D.withFrameBytesMax(10)).hasMessageContaining("frameBytesMax");
        assertThatThrownBy(() -> D.withPeerQueue(10, D.frameBytesMax())).hasMessageContaining("peerQueueBytesMax");
        assertThatThrownBy(() -> D.withClientQueue(0, D.clientQueueBytesMax())).hasMessageContaining("clientQueueFramesMax");
        assertThatThrownBy(() -> D.withHandshakeTimeoutMillis(0)).hasMessageContaining("handshakeTimeoutMillis");
        assertThatThrownBy(() -> D.withConnectionsMax(0, 1)).hasMessageContaining("pendingHandshakesMax");
    }
}
