package io.bastion.server.observe;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.FetchState;
import io.bastion.core.message.NewView;
import io.bastion.core.message.StateChunk;
import io.bastion.core.message.StateManifest;
import io.bastion.core.message.ViewChange;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;
import io.bastion.core.util.Check;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * One line of a message trace: a message that entered or left a replica, reduced to what lines
 * the replicas of a cluster up on one timeline. The JSON form is
 * {@code {"t":…,"replica":…,"dir":"in"|"out","peer":…,"type":…,"view":…,"seq":…,"digest":…}}
 * plus {@code "client"} and {@code "request"} for requests and replies; a field the message does
 * not have is left out (its component here is {@code null}). Immutable.
 *
 * @param timeMicros epoch microseconds at which the replica saw the message
 * @param replica    the replica that recorded the line
 * @param direction  {@link #IN} or {@link #OUT}
 * @param peer       {@code r<id>} for a replica, {@code c<id>} for a client, {@link #ALL} for a broadcast
 * @param type       the {@link io.bastion.core.message.MessageType} name, e.g. {@code PRE_PREPARE}
 * @param digest     the first 8 hex digits of the digest that identifies the message (see {@link #of})
 */
public record TraceEvent(long timeMicros, int replica, String direction, String peer, String type, Long view,
                         Long seq, String digest, Long client, Long request) {
    /** Direction of a message received by the replica. */
    public static final String IN = "in";
    /** Direction of a message sent by the replica. */
    public static final String OUT = "out";
    /** Peer of a message broadcast to every other replica. */
    public static final String ALL = "all";
    /** Hex digits of a digest kept in the trace: enough to tell batches and requests apart. */
    public static final int DIGEST_HEX_DIGITS = 8;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PROBLEM_CHARS_MAX = 100;

    public TraceEvent {
        Check.argument(IN.equals(direction) || OUT.equals(direction), "direction must be in or out: " + direction);
        Check.argument(peer != null && !peer.isEmpty(), "a trace event names its peer");
        Check.argument(type != null && !type.isEmpty(), "a trace event names its message type");
    }

    /** The peer name of replica {@code id}: {@code r<id>}. */
    public static String replicaPeer(int id) {
        return "r" + id;
    }

    /** The peer name of client {@code id}: {@code c<id>}. */
    public static String clientPeer(long id) {
        return "c" + id;
    }

    /**
     * The line for {@code signed}. The digest is the batch digest for PRE_PREPARE, PREPARE,
     * COMMIT and DECIDED (so the phases of one batch carry the same digest), the state digest for
     * CHECKPOINT, and SHA-256 of the canonical encoding for every other type (for a REQUEST, the
     * digest that batches order it by). A REPLY to a read-only request has no seq.
     */
    public static TraceEvent of(long timeMicros, int replica, String direction, String peer, Envelope<?> signed) {
        Builder b = new Builder(timeMicros, replica, direction, peer, signed.type().name());
        switch (signed.message()) {
            case Request r -> b.request(r.clientId(), r.requestNumber()).digest(signed.digest());
            case PrePrepare p -> b.position(p.view(), p.seq()).digest(Codec.batchDigest(p));
            case Prepare p -> b.position(p.view(), p.seq()).digest(p.batchDigest());
            case Commit c -> b.position(c.view(), c.seq()).digest(c.batchDigest());
            case Checkpoint c -> b.seq(c.seq()).digest(c.stateDigest());
            case Reply r -> b.view(r.view()).seq(r.seq() < 0 ? null : r.seq())
                    .request(r.clientId(), r.requestNumber()).digest(signed.digest());
            case Status s -> b.view(s.view()).digest(signed.digest());
            case FetchRequests f -> b.digest(signed.digest());
            case RequestBodies r -> b.digest(signed.digest());
            case ViewChange v -> b.view(v.newView()).seq(v.stableSeq()).digest(signed.digest());
            case NewView v -> b.view(v.view()).digest(signed.digest());
            case FetchState f -> b.seq(f.seq()).digest(signed.digest());
            case StateManifest m -> b.seq(m.seq()).digest(signed.digest());
            case StateChunk c -> b.seq(c.seq()).digest(signed.digest());
            case io.bastion.core.message.Hello h -> b.digest(signed.digest());
            case io.bastion.core.message.Challenge c -> b.digest(signed.digest());
            case io.bastion.core.message.KeyNonce k -> b.digest(signed.digest());
            case io.bastion.core.message.SessionKey k -> b.request(k.clientId(), 0).digest(signed.digest());
            case io.bastion.core.message.Vouch v -> b.digest(signed.digest());
            case io.bastion.core.message.Decided d -> b.seq(d.seq()).digest(d.batchDigest());
        }
        return b.build();
    }

    /** Writes this event as one JSON object (no line break). */
    public void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField("t", timeMicros);
        out.writeNumberField("replica", replica);
        out.writeStringField("dir", direction);
        out.writeStringField("peer", peer);
        out.writeStringField("type", type);
        writeOptional(out, "view", view);
        writeOptional(out, "seq", seq);
        if (digest != null) {
            out.writeStringField("digest", digest);
        }
        writeOptional(out, "client", client);
        writeOptional(out, "request", request);
        out.writeEndObject();
    }

    private static void writeOptional(JsonGenerator out, String field, Long value) throws IOException {
        if (value != null) {
            out.writeNumberField(field, value);
        }
    }

    /** This event as one line of JSON, without the line break. */
    public String toJson() {
        StringWriter text = new StringWriter();
        try (JsonGenerator out = JSON.getFactory().createGenerator(text)) {
            write(out);
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a string cannot fail", e);
        }
        return text.toString();
    }

    /**
     * Parses one trace line. Unknown fields are ignored (newer writers may add some).
     *
     * @throws IllegalArgumentException saying what is wrong, if the line is no trace event
     */
    public static TraceEvent parse(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(jsonProblem(e));
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("not a JSON object");
        }
        return new TraceEvent(requiredLong(node, "t"), Math.toIntExact(requiredLong(node, "replica")),
                requiredText(node, "dir"), requiredText(node, "peer"), requiredText(node, "type"),
                optionalLong(node, "view"), optionalLong(node, "seq"), optionalText(node, "digest"),
                optionalLong(node, "client"), optionalLong(node, "request"));
    }

    private static long requiredLong(JsonNode node, String field) {
        Long value = optionalLong(node, field);
        if (value == null) {
            throw new IllegalArgumentException("missing \"" + field + "\"");
        }
        return value;
    }

    private static Long optionalLong(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw new IllegalArgumentException("\"" + field + "\" is not a whole number: " + value);
        }
        return value.longValue();
    }

    private static String requiredText(JsonNode node, String field) {
        String value = optionalText(node, field);
        if (value == null) {
            throw new IllegalArgumentException("missing \"" + field + "\"");
        }
        return value;
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new IllegalArgumentException("\"" + field + "\" is not a string: " + value);
        }
        return value.textValue();
    }

    /** What the JSON parser found wrong, with its column, short enough for one line of a report. */
    private static String jsonProblem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage().strip();
        int cut = message.indexOf(" (start marker");
        message = cut < 0 ? message : message.substring(0, cut);
        message = message.replace('\n', ' ');
        if (message.length() > PROBLEM_CHARS_MAX) {
            message = message.substring(0, PROBLEM_CHARS_MAX) + "...";
        }
        JsonLocation at = e.getLocation();
        return "not JSON" + (at == null || at.getColumnNr() < 0 ? "" : " at column " + at.getColumnNr()) + ": " + message;
    }

    /** Collects the fields of one event while the message is taken apart. */
    private static final class Builder {
        private final long timeMicros;
        private final int replica;
        private final String direction;
        private final String peer;
        private final String type;
        private Long view;
        private Long seq;
        private String digest;
        private Long client;
        private Long request;

        Builder(long timeMicros, int replica, String direction, String peer, String type) {
            this.timeMicros = timeMicros;
            this.replica = replica;
            this.direction = direction;
            this.peer = peer;
            this.type = type;
        }

        Builder position(long view, long seq) {
            return view(view).seq(seq);
        }

        Builder view(long view) {
            this.view = view;
            return this;
        }

        Builder seq(Long seq) {
            this.seq = seq;
            return this;
        }

        Builder request(long clientId, long requestNumber) {
            this.client = clientId;
            this.request = requestNumber;
            return this;
        }

        Builder digest(Digest digest) {
            this.digest = digest.hex().substring(0, DIGEST_HEX_DIGITS);
            return this;
        }

        TraceEvent build() {
            return new TraceEvent(timeMicros, replica, direction, peer, type, view, seq, digest, client, request);
        }
    }
}
