package io.bastion.net.web;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.message.Challenge;
import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.Hello;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;

import java.util.Base64;
import java.util.Iterator;
import java.util.Set;

/**
 * The JSON messages of the web endpoint's WebSocket, in one place (docs/web-protocol.md). Binary
 * payloads travel as standard base64 with padding; a {@code frame} is a frame body exactly as
 * {@link Codec#encodeFrame} writes it, so everything signed is the same bytes as over TCP.
 *
 * <pre>
 * client → replica  {"type":"hello","key":{"alg":"ED25519"|"ECDSA_P256","raw":b64},"nonce":b64,"credentials":b64}
 *                   {"type":"request","frame":b64}                      (a REQUEST frame, any kind)
 * replica → client  {"type":"challenge","replica":id,"frame":b64}      (a signed CHALLENGE frame)
 *                   {"type":"reply","frame":b64}                       (a REPLY frame)
 *                   {"type":"error","reason":text}                     (the message before was dropped)
 * </pre>
 *
 * Decoding is strict: one JSON object, no duplicate or unknown fields, every field present with
 * its JSON type, base64 of the standard alphabet with padding, and a Hello or frame that the
 * {@link Codec} accepts as it would over TCP. Immutable and thread-safe.
 */
public final class WebMessages {
    /** Deepest JSON nesting accepted; messages nest two levels. */
    public static final int NESTING_DEPTH_MAX = 4;
    /** Longest reason in an error answer, in characters. */
    public static final int REASON_CHARS_MAX = 200;

    private static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(NESTING_DEPTH_MAX).build())
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> HELLO_FIELDS = Set.of("type", "key", "nonce", "credentials");
    private static final Set<String> KEY_FIELDS = Set.of("alg", "raw");
    private static final Set<String> REQUEST_FIELDS = Set.of("type", "frame");

    /** What a client message decodes to. */
    public sealed interface Inbound permits Accepted, Refused {}

    /** A message to hand to the replica, as if it had arrived on the client port. */
    public record Accepted(Envelope<?> message) implements Inbound {}

    /** A message to drop, answered with {@code reason}. */
    public record Refused(WebError error, String reason) implements Inbound {}

    private final int frameBytesMax;

    /** A codec that refuses request frames above {@code frameBytesMax} bytes (the transport's limit). */
    public WebMessages(int frameBytesMax) {
        Check.argument(frameBytesMax > 0, "frameBytesMax must be positive, got " + frameBytesMax);
        this.frameBytesMax = frameBytesMax;
    }

    // ---------------------------------------------------------------- client → replica

    /** Decodes one text message from a client. Never throws on bad input. */
    public Inbound decode(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException e) {
            return new Refused(WebError.NOT_JSON, clip("not JSON: " + e.getOriginalMessage()));
        }
        if (root == null || !root.isObject()) {
            return new Refused(WebError.NOT_JSON, "a message is one JSON object");
        }
        try {
            String type = text(root, "type");
            return switch (type) {
                case "hello" -> new Accepted(hello(root));
                case "request" -> new Accepted(request(root));
                default -> new Refused(WebError.UNKNOWN_TYPE,
                        clip("unknown type \"" + type + "\": clients send hello and request"));
            };
        } catch (Refusal r) {
            return new Refused(r.error, clip(r.getMessage()));
        }
    }

    private static Envelope<?> hello(JsonNode root) throws Refusal {
        onlyFields(root, HELLO_FIELDS, "a hello");
        JsonNode key = root.get("key");
        if (key == null || !key.isObject()) {
            throw new Refusal(WebError.INVALID_FIELD, "\"key\" must be an object {alg, raw}");
        }
        onlyFields(key, KEY_FIELDS, "a key");
        PublicKeyRef.Algorithm algorithm = switch (text(key, "alg")) {
            case "ED25519" -> PublicKeyRef.Algorithm.ED25519;
            case "ECDSA_P256" -> PublicKeyRef.Algorithm.ECDSA_P256;
            default -> throw new Refusal(WebError.INVALID_FIELD, "key.alg must be ED25519 or ECDSA_P256");
        };
        byte[] raw = base64(key, "raw");
        if (raw.length != algorithm.keyBytes) {
            throw new Refusal(WebError.INVALID_FIELD, "key.raw: an " + algorithm + " key has " + algorithm.keyBytes
                    + " bytes, got " + raw.length);
        }
        Hello hello = new Hello(new PublicKeyRef(algorithm, raw), base64(root, "nonce"), base64(root, "credentials"));
        try {
            // the codec's checks (nonce and credential sizes), exactly as for a Hello over TCP
            return Codec.decodeFrame(Codec.encodeFrame(Envelope.unsigned(hello)));
        } catch (CodecException e) {
            throw new Refusal(WebError.INVALID_FIELD, "hello: " + e.getMessage());
        }
    }

    private Envelope<?> request(JsonNode root) throws Refusal {
        onlyFields(root, REQUEST_FIELDS, "a request");
        byte[] frame = base64(root, "frame");
        if (frame.length > frameBytesMax) {
            throw new Refusal(WebError.OVERSIZED, "frame of " + frame.length + " bytes; at most " + frameBytesMax);
        }
        Envelope<?> decoded;
        try {
            decoded = Codec.decodeFrame(frame);
        } catch (CodecException e) {
            throw new Refusal(WebError.BAD_FRAME, "frame: " + e.getMessage());
        }
        if (!(decoded.message() instanceof Request)) {
            throw new Refusal(WebError.BAD_FRAME, "a request frame must hold a REQUEST, got " + decoded.type());
        }
        return decoded;
    }

    private static void onlyFields(JsonNode node, Set<String> allowed, String what) throws Refusal {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                throw new Refusal(WebError.INVALID_FIELD, what + " has no field \"" + name + "\"");
            }
        }
    }

    private static String text(JsonNode node, String field) throws Refusal {
        JsonNode value = node.get(field);
        if (value == null || !value.isTextual()) {
            throw new Refusal(WebError.INVALID_FIELD, "\"" + field + "\" must be a string");
        }
        return value.textValue();
    }

    /** Standard base64 with padding, nothing else: no line breaks, no URL alphabet, no missing '='. */
    private static byte[] base64(JsonNode node, String field) throws Refusal {
        String text = text(node, field);
        if (text.length() % 4 != 0) {
            throw new Refusal(WebError.BAD_BASE64, "\"" + field + "\": base64 length must be a multiple of 4");
        }
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new Refusal(WebError.BAD_BASE64, "\"" + field + "\" is not base64: " + e.getMessage());
        }
    }

    private static String clip(String reason) {
        return reason.length() <= REASON_CHARS_MAX ? reason : reason.substring(0, REASON_CHARS_MAX - 3) + "...";
    }

    // ---------------------------------------------------------------- replica → client

    /**
     * The text message for {@code message}, which must be a CHALLENGE (the answer to a hello) or a
     * REPLY: the only messages a replica sends to clients.
     */
    public static String encode(Envelope<?> message) {
        ObjectNode node = JSON.createObjectNode();
        String frame = Base64.getEncoder().encodeToString(Codec.encodeFrame(message));
        switch (message.message()) {
            case Challenge c -> node.put("type", "challenge").put("replica", c.replicaId()).put("frame", frame);
            case Reply r -> node.put("type", "reply").put("frame", frame);
            default -> throw new IllegalArgumentException(message.type() + " is not sent to clients");
        }
        return write(node);
    }

    /** The text message answering a dropped message. */
    public static String error(String reason) {
        return write(JSON.createObjectNode().put("type", "error").put("reason", clip(reason)));
    }

    private static String write(ObjectNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (JacksonException e) {
            throw new IllegalStateException("a tree of strings and numbers always serializes", e);
        }
    }

    /** A client message refused, with why; cheap (no stack trace), since clients can make many. */
    private static final class Refusal extends Exception {
        private final WebError error;

        Refusal(WebError error, String reason) {
            super(reason, null, false, false);
            this.error = error;
        }
    }
}
