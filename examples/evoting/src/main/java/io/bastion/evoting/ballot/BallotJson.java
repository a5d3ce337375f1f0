package io.bastion.evoting.ballot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.P256Group;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON form of a ballot, in which ballots travel in requests and sit in the exported election
 * record: {@code {"version":2,"electionId":…,"credential":…,"choices":[{"alpha":…,"beta":…,"proof":[[A,B,c,s],[A,B,c,s]]},…],
 * "overall":[[A,B,c,s],…],"signature":…}}, binary fields in base64url without padding. Writing gives the
 * keys in that order and no whitespace, and points compressed (the canonical form, which the record
 * holds) or, for sending, uncompressed ({@link Points}). Reading is strict (exact keys, types,
 * lengths and canonical encodings; a point in either SEC1 form) and stops at the first problem, in
 * the order and with the words of docs/ballots.md. Stateless and thread-safe.
 */
public final class BallotJson {
    static final List<String> BALLOT_KEYS = List.of("version", "electionId", "credential", "choices", "overall",
            "signature");
    static final List<String> CHOICE_KEYS = List.of("alpha", "beta", "proof");
    private static final int POINT_BYTES = 33;
    private static final int UNCOMPRESSED_POINT_BYTES = P256Group.UNCOMPRESSED_BYTES;
    private static final int SCALAR_BYTES = 32;
    private static final P256Group GROUP = P256Group.INSTANCE;
    /** Jackson's words for a repeated key (BallotJsonTest notices if an upgrade changes them). */
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) [\"'](.*)[\"']",
            Pattern.DOTALL);
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private BallotJson() {}

    /** The ballot a JSON text holds; throws {@link BallotFormatException} saying what is wrong. */
    public static EncryptedBallot parse(String text) {
        JsonNode value;
        try {
            value = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
            if (duplicate.lookingAt()) {
                throw new BallotFormatException("duplicate key \"" + duplicate.group(1) + "\"");
            }
            throw new BallotFormatException("not valid JSON: " + e.getOriginalMessage());
        }
        if (value == null || value.isMissingNode()) {
            throw new BallotFormatException("not valid JSON: no value");
        }
        return parse(value);
    }

    /** The ballot a parsed JSON value holds (a request's {@code "ballot"} field, say). */
    public static EncryptedBallot parse(JsonNode value) {
        checkKeys(value, "ballot", BALLOT_KEYS);
        JsonNode version = value.get("version");
        if (!version.isIntegralNumber() || !version.bigIntegerValue().equals(BigInteger.valueOf(EncryptedBallot.VERSION))) {
            throw new BallotFormatException("version: must be " + EncryptedBallot.VERSION);
        }
        JsonNode electionId = value.get("electionId");
        if (!electionId.isIntegralNumber() || electionId.bigIntegerValue().signum() < 0
                || electionId.bigIntegerValue().compareTo(BigInteger.valueOf(BallotParameters.ELECTION_ID_MAX)) > 0) {
            throw new BallotFormatException("electionId: must be an integer in 0.." + BallotParameters.ELECTION_ID_MAX);
        }
        Credential credential;
        try {
            credential = Credential.decode(bytes(value.get("credential"), "credential"));
        } catch (BallotFormatException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BallotFormatException("credential: " + e.getMessage());
        }
        JsonNode choices = value.get("choices");
        if (!choices.isArray() || choices.size() < BallotParameters.OPTIONS_MIN
                || choices.size() > BallotParameters.OPTIONS_MAX) {
            throw new BallotFormatException("choices: must be an array of " + BallotParameters.OPTIONS_MIN + ".."
                    + BallotParameters.OPTIONS_MAX + " options");
        }
        List<EncryptedChoice> encrypted = new ArrayList<>(choices.size());
        for (int j = 0; j < choices.size(); j++) {
            encrypted.add(choice(choices.get(j), "choices[" + j + "]"));
        }
        JsonNode overall = value.get("overall");
        if (!overall.isArray() || overall.isEmpty() || overall.size() > DisjunctiveProof.BRANCHES_MAX) {
            throw new BallotFormatException("overall: must be an array of 1.." + DisjunctiveProof.BRANCHES_MAX
                    + " (A, B, c, s) branches");
        }
        DisjunctiveProof overallProof = proof(overall, "overall");
        byte[] signature = bytes(value.get("signature"), "signature");
        length(signature, Credential.SIGNATURE_BYTES, "signature");
        return new EncryptedBallot(electionId.longValue(), credential, encrypted, overallProof, signature);
    }

    /**
     * The options' ciphertexts (α, β), in order, of a ballot this class wrote ({@link #write}) after it
     * was verified: what taking it out of an election's running sums needs, and only that. Six points of
     * a 3-option ballot's twenty are decoded (a square root each), and nothing else is checked again.
     */
    public static List<ElGamal.Ciphertext> ciphertexts(String written) {
        JsonNode choices;
        try {
            choices = JSON.readTree(written).get("choices");
        } catch (JsonProcessingException e) {
            throw new BallotFormatException("not valid JSON: " + e.getOriginalMessage());
        }
        if (choices == null || !choices.isArray()) {
            throw new BallotFormatException("choices: must be an array of " + BallotParameters.OPTIONS_MIN + ".."
                    + BallotParameters.OPTIONS_MAX + " options");
        }
        List<ElGamal.Ciphertext> ciphertexts = new ArrayList<>(choices.size());
        for (int j = 0; j < choices.size(); j++) {
            String path = "choices[" + j + "]";
            ciphertexts.add(new ElGamal.Ciphertext(point(choices.get(j).path("alpha"), path + ".alpha"),
                    point(choices.get(j).path("beta"), path + ".beta")));
        }
        return ciphertexts;
    }

    /**
     * How a writer spells points. A reader accepts both and makes the same ballot of them: what is
     * signed, hashed (the tracker) and stored is the compressed form whichever was sent.
     */
    public enum Points {
        /** 33 bytes, {@code 0x02}/{@code 0x03} ‖ x: the canonical form, as stored and exported. */
        COMPRESSED,
        /**
         * 65 bytes, {@code 0x04} ‖ x ‖ y: for sending a ballot to be cast. Every replica then skips a
         * square root per point (a tenth of a ballot's check), for 32 more bytes a point.
         */
        UNCOMPRESSED
    }

    /** The canonical text: keys in the order of the form, no whitespace. */
    public static String write(EncryptedBallot ballot) {
        try {
            return JSON.writeValueAsString(toNode(ballot));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers always serialises", e);
        }
    }

    /** The canonical JSON form as a tree, to embed in a larger document. */
    public static ObjectNode toNode(EncryptedBallot ballot) {
        return toNode(ballot, Points.COMPRESSED);
    }

    /** The JSON form as a tree with points spelled as {@code points} says, to embed in a larger document (a request). */
    public static ObjectNode toNode(EncryptedBallot ballot, Points points) {
        Function<Element, String> point = e -> ENCODER.encodeToString(
                points == Points.COMPRESSED ? e.encode() : GROUP.encodeUncompressed(e));
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ObjectNode out = nodes.objectNode();
        out.put("version", EncryptedBallot.VERSION);
        out.put("electionId", ballot.electionId());
        out.put("credential", ENCODER.encodeToString(ballot.credential().bytes()));
        ArrayNode choices = out.putArray("choices");
        for (EncryptedChoice choice : ballot.choices()) {
            ObjectNode c = choices.addObject();
            c.put("alpha", point.apply(choice.alpha()));
            c.put("beta", point.apply(choice.beta()));
            c.set("proof", branches(choice.proof(), point));
        }
        out.set("overall", branches(ballot.overall(), point));
        out.put("signature", ENCODER.encodeToString(ballot.signature()));
        return out;
    }

    private static ArrayNode branches(DisjunctiveProof proof, Function<Element, String> point) {
        ArrayNode branches = JsonNodeFactory.instance.arrayNode();
        for (DisjunctiveProof.Branch branch : proof.branches()) {
            branches.addArray().add(point.apply(branch.a()))
                    .add(point.apply(branch.b()))
                    .add(ENCODER.encodeToString(EncryptedBallot.scalar(branch.challenge())))
                    .add(ENCODER.encodeToString(EncryptedBallot.scalar(branch.response())));
        }
        return branches;
    }

    private static EncryptedChoice choice(JsonNode value, String path) {
        checkKeys(value, path, CHOICE_KEYS);
        Element alpha = point(value.get("alpha"), path + ".alpha");
        Element beta = point(value.get("beta"), path + ".beta");
        JsonNode proof = value.get("proof");
        if (!proof.isArray() || proof.size() != EncryptedChoice.PROOF_BRANCHES) {
            throw new BallotFormatException(path + ".proof: must be an array of " + EncryptedChoice.PROOF_BRANCHES
                    + " (A, B, c, s) branches");
        }
        return new EncryptedChoice(alpha, beta, proof(proof, path + ".proof"));
    }

    /** The branches of a proof array whose size was checked: each [A, B, c, s], read in that order. */
    private static DisjunctiveProof proof(JsonNode value, String path) {
        List<DisjunctiveProof.Branch> branches = new ArrayList<>(value.size());
        for (int k = 0; k < value.size(); k++) {
            JsonNode branch = value.get(k);
            String at = path + "[" + k + "]";
            boolean fourStrings = branch.isArray() && branch.size() == 4;
            for (int i = 0; fourStrings && i < 4; i++) {
                fourStrings = branch.get(i).isTextual();
            }
            if (!fourStrings) {
                throw new BallotFormatException(at + ": must be an array of four strings [A, B, c, s]");
            }
            Element a = point(branch.get(0), at + "[0]");
            Element b = point(branch.get(1), at + "[1]");
            branches.add(new DisjunctiveProof.Branch(a, b, scalar(branch.get(2), at + "[2]"), scalar(branch.get(3), at + "[3]")));
        }
        return new DisjunctiveProof(branches);
    }

    /** Missing keys first (in the form's order), then the smallest unexpected one. */
    private static void checkKeys(JsonNode value, String path, List<String> keys) {
        if (!value.isObject()) {
            throw new BallotFormatException(path + ": not a JSON object");
        }
        for (String key : keys) {
            if (!value.has(key)) {
                throw new BallotFormatException(path + ": missing key \"" + key + "\"");
            }
        }
        TreeSet<String> unexpected = new TreeSet<>();
        for (Iterator<String> names = value.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!keys.contains(name)) {
                unexpected.add(name);
            }
        }
        if (!unexpected.isEmpty()) {
            throw new BallotFormatException(path + ": unexpected key \"" + unexpected.first() + "\"");
        }
    }

    /** A point in either SEC1 form; the identity (33 zero bytes) is refused. */
    private static Element point(JsonNode value, String path) {
        byte[] encoded = bytes(value, path);
        if (encoded.length == UNCOMPRESSED_POINT_BYTES) {
            if (encoded[0] != 0x04) {
                throw new BallotFormatException(path + ": not an uncompressed point (first byte 0x04)");
            }
        } else if (encoded.length == POINT_BYTES) {
            if (Arrays.equals(encoded, new byte[POINT_BYTES])) {
                throw new BallotFormatException(path + ": the identity is not allowed");
            }
            if (encoded[0] != 0x02 && encoded[0] != 0x03) {
                throw new BallotFormatException(path + ": not a compressed point (first byte 0x02 or 0x03)");
            }
        } else {
            throw new BallotFormatException(path + ": must be " + POINT_BYTES + " bytes (compressed) or "
                    + UNCOMPRESSED_POINT_BYTES + " (uncompressed), not " + encoded.length);
        }
        try {
            return encoded.length == POINT_BYTES ? GROUP.decode(encoded) : GROUP.decodeUncompressed(encoded);
        } catch (IllegalArgumentException e) {
            throw new BallotFormatException(path + ": not a point on P-256");
        }
    }

    private static BigInteger scalar(JsonNode value, String path) {
        byte[] encoded = bytes(value, path);
        length(encoded, SCALAR_BYTES, path);
        BigInteger scalar = new BigInteger(1, encoded);
        if (scalar.compareTo(GROUP.order()) >= 0) {
            throw new BallotFormatException(path + ": not below the group order");
        }
        return scalar;
    }

    /** The bytes of a base64url string without padding, in its one canonical spelling. */
    private static byte[] bytes(JsonNode value, String path) {
        String text = value.isTextual() ? value.textValue() : null;
        if (text == null || text.length() % 4 == 1 || !base64urlAlphabet(text)) {
            throw new BallotFormatException(path + ": must be base64url without padding");
        }
        byte[] decoded = DECODER.decode(text);
        if (!ENCODER.encodeToString(decoded).equals(text)) {
            throw new BallotFormatException(path + ": must be base64url without padding"); // nonzero unused bits
        }
        return decoded;
    }

    /** Whether every character is one of base64url's 64 (no padding, no whitespace); a loop, not a regular expression: a ballot has some 90 fields. */
    private static boolean base64urlAlphabet(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    private static void length(byte[] bytes, int expected, String path) {
        if (bytes.length != expected) {
            throw new BallotFormatException(path + ": must be " + expected + " bytes, not " + bytes.length);
        }
    }
}
