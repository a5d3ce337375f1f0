package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.evoting.ballot.Credential;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * A request as a client sent it: a UTF-8 JSON object whose {@code "op"} names the {@link Op} and
 * whose other fields are that op's arguments. The getters refuse a missing or ill-typed field with
 * a message that names the op, the field and what it must be.
 */
final class Operation {
    private final Op op;
    private final JsonNode fields;

    private Operation(Op op, JsonNode fields) {
        this.op = op;
        this.fields = fields;
    }

    static Operation parse(ObjectMapper json, byte[] request) {
        JsonNode node;
        try {
            node = json.readTree(request);
        } catch (IOException e) {
            throw new Refusal("malformed request: not a JSON object in UTF-8");
        }
        if (node == null || !node.isObject()) {
            throw new Refusal("malformed request: expected a JSON object {\"op\": ...}");
        }
        JsonNode op = node.get("op");
        if (op == null || !op.isTextual()) {
            throw new Refusal("malformed request: \"op\" (a string) is missing");
        }
        return new Operation(Op.named(op.textValue()), node);
    }

    Op op() {
        return op;
    }

    /** A required string of 1..charsMax characters, not blank. */
    String text(String name, int charsMax) {
        JsonNode node = fields.get(name);
        if (node == null || !node.isTextual() || node.textValue().isBlank() || node.textValue().length() > charsMax) {
            throw missing(name, "a string of 1.." + charsMax + " characters");
        }
        return node.textValue();
    }

    /** An optional string of 1..64 characters; {@code absent} when the field is absent or JSON null. */
    String optionalText(String name, String absent) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return absent;
        }
        return text(name, 64);
    }

    /** A required positive integer: an election's id. */
    long electionId() {
        JsonNode node = fields.get("electionId");
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() <= 0) {
            throw missing("electionId", "a positive integer");
        }
        return node.longValue();
    }

    /** An optional integer in {@code min..max}; {@code absent} when the field is absent or JSON null. */
    long integer(String name, long min, long max, long absent) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return absent;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min || node.longValue() > max) {
            throw missing(name, "an integer in " + min + ".." + max);
        }
        return node.longValue();
    }

    /** A required JSON object, as it was sent. */
    JsonNode object(String name, String what) {
        JsonNode node = fields.get(name);
        if (node == null || !node.isObject()) {
            throw missing(name, what);
        }
        return node;
    }

    /** A required public key: 65 bytes, an uncompressed P-256 point, in base64url without padding. */
    Credential publicKey(String name) {
        String what = "an ECDSA P-256 public key, the 65-byte uncompressed point in base64url without padding";
        JsonNode node = fields.get(name);
        byte[] raw = node == null || !node.isTextual() ? null
                : Base64Url.decode(node.textValue(), Credential.BYTES);
        if (raw == null) {
            throw missing(name, what);
        }
        try {
            return Credential.decode(raw);
        } catch (IllegalArgumentException e) {
            throw missing(name, what + " (" + e.getMessage() + ")");
        }
    }

    /** An optional time, epoch milliseconds; null when absent or JSON null. */
    Long optionalMillis(String name) {
        JsonNode node = fields.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < 0) {
            throw missing(name, "epoch milliseconds, a non-negative integer");
        }
        return node.longValue();
    }

    /** A required array of 1..countMax distinct strings of 1..charsMax characters each, in order. */
    List<String> texts(String name, int countMax, int charsMax) {
        JsonNode node = fields.get(name);
        String what = "an array of 1.." + countMax + " distinct strings of 1.." + charsMax + " characters";
        if (node == null || !node.isArray() || node.isEmpty() || node.size() > countMax) {
            throw missing(name, what);
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isTextual() || element.textValue().isBlank() || element.textValue().length() > charsMax) {
                throw missing(name, what);
            }
            values.add(element.textValue());
        }
        if (new HashSet<>(values).size() != values.size()) {
            throw missing(name, what);
        }
        return values;
    }

    private Refusal missing(String name, String what) {
        return new Refusal(op.label() + " needs \"" + name + "\": " + what);
    }
}
