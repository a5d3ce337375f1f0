package io.bastion.server.observe;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Envelope;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.bastion.server.observe.TraceMessages.BATCH;
import static io.bastion.server.observe.TraceMessages.STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TraceEventTest {
    private static String short8(String hex) {
        return hex.substring(0, 8);
    }

    @Test
    void agreementMessagesCarryViewSeqAndTheBatchDigest() {
        var prePrepare = TraceMessages.prePrepare(1, 9);
        String batch = short8(Codec.batchDigest(prePrepare.message()).hex());
        assertThat(TraceEvent.of(5, 2, "in", "r1", prePrepare))
                .isEqualTo(new TraceEvent(5, 2, "in", "r1", "PRE_PREPARE", 1L, 9L, batch, null, null));
        assertThat(TraceEvent.of(5, 2, "out", "all", TraceMessages.prepare(2, 1, 9)))
                .isEqualTo(new TraceEvent(5, 2, "out", "all", "PREPARE", 1L, 9L, short8(BATCH.hex()), null, null));
        assertThat(TraceEvent.of(5, 2, "in", "r3", TraceMessages.commit(3, 1, 9)).digest()).isEqualTo(short8(BATCH.hex()));
        assertThat(TraceEvent.of(5, 2, "in", "r3", TraceMessages.checkpoint(3, 128)))
                .isEqualTo(new TraceEvent(5, 2, "in", "r3", "CHECKPOINT", null, 128L, short8(STATE.hex()), null, null));
    }

    @Test
    void requestsAndRepliesNameTheirClientAndRequestNumber() {
        Envelope<?> request = TraceMessages.request(1007, 5);
        assertThat(TraceEvent.of(1, 0, "in", "c1007", request)).isEqualTo(
                new TraceEvent(1, 0, "in", "c1007", "REQUEST", null, null, short8(request.digest().hex()), 1007L, 5L));
        Envelope<?> reply = TraceMessages.reply(0, 2, 17, 1007, 5);
        assertThat(TraceEvent.of(1, 0, "out", "c1007", reply)).isEqualTo(
                new TraceEvent(1, 0, "out", "c1007", "REPLY", 2L, 17L, short8(reply.digest().hex()), 1007L, 5L));
        assertThat(TraceEvent.of(1, 0, "out", "c1007", TraceMessages.reply(0, 2, -1, 1007, 6)).seq())
                .as("a read-only reply has no seq").isNull();
    }

    @Test
    void messagesWithoutViewOrSeqLeaveThemOut() {
        TraceEvent status = TraceEvent.of(1, 0, "in", "r1", TraceMessages.status(1, 3));
        assertThat(status.view()).isEqualTo(3L);
        assertThat(status.seq()).isNull();
        for (Envelope<?> m : List.of(TraceMessages.fetch(1), TraceMessages.bodies(1))) {
            TraceEvent e = TraceEvent.of(1, 0, "in", "r1", m);
            assertThat(e.view()).isNull();
            assertThat(e.seq()).isNull();
            assertThat(e.digest()).isEqualTo(short8(m.digest().hex()));
            assertThat(e.toJson()).doesNotContain("view").doesNotContain("seq");
        }
    }

    @Test
    void jsonHasTheDocumentedFieldsAndRoundTrips() {
        TraceEvent reply = new TraceEvent(1_767_225_600_000_123L, 2, "out", "c1007", "REPLY", 0L, 4L, "0a1b2c3d", 1007L, 5L);
        assertThat(reply.toJson()).isEqualTo("{\"t\":1767225600000123,\"replica\":2,\"dir\":\"out\",\"peer\":\"c1007\","
                + "\"type\":\"REPLY\",\"view\":0,\"seq\":4,\"digest\":\"0a1b2c3d\",\"client\":1007,\"request\":5}");
        assertThat(TraceEvent.parse(reply.toJson())).isEqualTo(reply);
        TraceEvent status = new TraceEvent(7, 0, "in", "r\"1\\", "STATUS", 1L, null, null, null, null);
        assertThat(TraceEvent.parse(status.toJson())).isEqualTo(status);
    }

    @Test
    void parseIgnoresUnknownFieldsAndRefusesWhatIsNoEvent() {
        assertThat(TraceEvent.parse("{\"t\":1,\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\",\"type\":\"COMMIT\",\"extra\":[1]}").type())
                .isEqualTo("COMMIT");
        assertThatThrownBy(() -> TraceEvent.parse("{\"t\":1,\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("not JSON");
        assertThatThrownBy(() -> TraceEvent.parse("[1,2]")).hasMessage("not a JSON object");
        assertThatThrownBy(() -> TraceEvent.parse("{\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\",\"type\":\"COMMIT\"}"))
                .hasMessage("missing \"t\"");
        assertThatThrownBy(() -> TraceEvent.parse("{\"t\":\"x\",\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\",\"type\":\"COMMIT\"}"))
                .hasMessageContaining("\"t\" is not a whole number");
        assertThatThrownBy(() -> TraceEvent.parse("{\"t\":1.5,\"replica\":0,\"dir\":\"in\",\"peer\":\"r1\",\"type\":\"COMMIT\"}"))
                .hasMessageContaining("\"t\" is not a whole number");
        assertThatThrownBy(() -> TraceEvent.parse("{\"t\":1,\"replica\":0,\"dir\":\"up\",\"peer\":\"r1\",\"type\":\"COMMIT\"}"))
                .hasMessageContaining("direction");
        assertThatThrownBy(() -> TraceEvent.parse("{\"t\":1,\"replica\":0,\"dir\":\"in\",\"peer\":7,\"type\":\"COMMIT\"}"))
                .hasMessageContaining("\"peer\" is not a string");
    }
}
