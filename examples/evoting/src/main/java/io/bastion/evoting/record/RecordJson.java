package io.bastion.evoting.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.evoting.ballot.Credential;
import io.bastion.threshold.DecryptionTranscript;
import io.bastion.threshold.DleqProof;
import io.bastion.threshold.ElGamal;
import io.bastion.threshold.Element;
import io.bastion.threshold.KeyTranscript;
import io.bastion.threshold.P256Group;
import io.bastion.threshold.SchnorrProof;
import io.bastion.threshold.Suite;
import io.bastion.threshold.ThresholdOp.ProvenShare;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The JSON of the election record, both ways, piece by piece (docs/evoting.md, "The election
 * record"): the service writes each piece when it answers {@code {"op":"record",…}}, the exporter
 * copies the pieces into the record file as they came, and the reader reads them back here. Binary
 * values are base64url without padding (points 33 bytes compressed, the identity as 33 zero bytes;
 * scalars 32 bytes big-endian; credentials 65 bytes). Reading is strict: exactly the keys of the
 * form, in any order, each of its type; the first problem is reported with its path. Stateless and
 * thread-safe.
 */
public final class RecordJson {
    /** The record file's {@code "format"}. */
    public static final String FORMAT = "bastion-election-record";
    /** The record file's {@code "version"}. */
    public static final int VERSION = 1;
    /** Most voters a record lists: the service's most accounts, every one eligible. */
    public static final int VOTERS_MAX = 100_000;
    /** Most ballots a record lists: every account casting its most ballots (20, re-votes included). */
    public static final int BALLOTS_MAX = 2_000_000;
    static final List<String> FILE_KEYS = List.of("format", "version", "election", "ballotParameters", "key",
            "eligible", "voters", "ballots", "tally", "result");
    private static final List<String> ELECTION_KEYS = List.of("id", "title", "options", "minChoices", "maxChoices",
            "opensAt", "closesAt", "state");
    private static final List<String> PARAMETER_KEYS = List.of("electionId", "options", "minChoices", "maxChoices",
            "publicKey");
    private static final List<String> KEY_KEYS = List.of("name", "group", "replicas", "threshold", "epoch", "reshare",
            "publicKey", "dealings", "verificationKeys");
    private static final List<String> DEALING_KEYS = List.of("dealer", "commitments", "proof");
    private static final List<String> VOTER_KEYS = List.of("credentials", "enrollmentKey", "enrolled");
    private static final List<String> BALLOT_KEYS = List.of("number", "tracker", "credential", "castAt", "counted",
            "ballot");
    private static final List<String> TALLY_KEYS = List.of("state", "counted", "operation", "epoch", "aggregate",
            "shares", "faulty", "plaintexts");
    private static final List<String> ANSWER_KEYS = List.of("replica", "used", "shares");
    private static final List<String> FAULTY_KEYS = List.of("replica", "reason", "shares");
    private static final List<String> RESULT_KEYS = List.of("results", "winner", "tie", "decryptedBy");
    private static final P256Group GROUP = P256Group.INSTANCE;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Replica ids, dealers included: at most the threshold facility's replicas. */
    private static final int REPLICAS_MAX = io.bastion.threshold.ThresholdOp.REPLICAS_MAX;
    private static final int TEXT_CHARS_MAX = 10_000;

    private RecordJson() {}

    // ------------------------------------------------------------------ writing

    public static ObjectNode election(ElectionInfo e) {
        ObjectNode node = NODES.objectNode();
        node.put("id", e.id());
        node.put("title", e.title());
        ArrayNode options = node.putArray("options");
        e.options().forEach(options::add);
        node.put("minChoices", e.minChoices());
        node.put("maxChoices", e.maxChoices());
        node.put("opensAt", e.opensAtMillis());
        if (e.closesAtMillis() == null) {
            node.putNull("closesAt");
        } else {
            node.put("closesAt", e.closesAtMillis());
        }
        node.put("state", e.state());
        return node;
    }

    /** The parameters, or JSON null when there are none (no key yet). */
    public static JsonNode ballotParameters(BallotParameters p) {
        if (p == null) {
            return NullNode.instance;
        }
        ObjectNode node = NODES.objectNode();
        node.put("electionId", p.electionId());
        node.put("options", p.options());
        node.put("minChoices", p.minChoices());
        node.put("maxChoices", p.maxChoices());
        node.put("publicKey", encode(p.publicKey().encode()));
        return node;
    }

    /** The key transcript, or JSON null when there is none (no key yet). */
    public static JsonNode key(KeyTranscript t) {
        if (t == null) {
            return NullNode.instance;
        }
        ObjectNode node = NODES.objectNode();
        node.put("name", t.name());
        node.put("group", t.suite().name());
        node.put("replicas", t.replicas());
        node.put("threshold", t.threshold());
        node.put("epoch", t.epoch());
        node.put("reshare", t.reshare());
        node.put("publicKey", encode(t.publicKey().encode()));
        ArrayNode dealings = node.putArray("dealings");
        for (KeyTranscript.Dealing d : t.dealings()) {
            ObjectNode dealing = dealings.addObject();
            dealing.put("dealer", d.dealer());
            dealing.set("commitments", points(d.commitments()));
            if (d.proof() == null) {
                dealing.putNull("proof");
            } else {
                dealing.set("proof", pair(d.proof().challenge(), d.proof().response()));
            }
        }
        node.set("verificationKeys", points(t.verificationKeys()));
        return node;
    }

    public static ObjectNode voter(VoterEntry v) {
        ObjectNode node = NODES.objectNode();
        ArrayNode credentials = node.putArray("credentials");
        v.credentials().forEach(c -> credentials.add(encode(c.bytes())));
        node.put("enrollmentKey", encode(v.enrollmentKey().bytes()));
        node.put("enrolled", v.enrolled());
        return node;
    }

    /** A ballot of the box; its JSON text is put in as it is (the ballot as stored, docs/ballots.md). */
    public static ObjectNode ballot(BallotEntry b) {
        ObjectNode node = NODES.objectNode();
        node.put("number", b.number());
        node.put("tracker", b.tracker());
        node.put("credential", encode(b.credential().bytes()));
        node.put("castAt", b.castAtMillis());
        node.put("counted", b.counted());
        node.putRawValue("ballot", new RawValue(b.ballotJson()));
        return node;
    }

    public static ObjectNode tally(TallyRecord t) {
        ObjectNode node = NODES.objectNode();
        node.put("state", t.state());
        putNullable(node, "counted", t.counted());
        DecryptionTranscript d = t.decryption();
        putNullable(node, "operation", d == null ? null : d.operation());
        putNullable(node, "epoch", d == null ? null : (long) d.epoch());
        ArrayNode aggregate = node.putArray("aggregate");
        ArrayNode shares = node.putArray("shares");
        ArrayNode faulty = node.putArray("faulty");
        if (d == null) {
            node.putNull("plaintexts");
            return node;
        }
        for (ElGamal.Ciphertext c : d.ciphertexts()) {
            aggregate.addObject().put("alpha", encode(c.c1().encode())).put("beta", encode(c.c2().encode()));
        }
        TreeMap<Integer, Boolean> answered = new TreeMap<>();
        d.usedShares().keySet().forEach(r -> answered.put(r, true));
        d.lateShares().keySet().forEach(r -> answered.put(r, false));
        answered.forEach((replica, used) -> shares.addObject().put("replica", replica).put("used", used)
                .set("shares", provenShares(used ? d.usedShares().get(replica) : d.lateShares().get(replica))));
        d.faulty().forEach((replica, reason) -> {
            ObjectNode caught = faulty.addObject().put("replica", replica).put("reason", reason);
            List<ProvenShare> rejected = d.rejectedShares().get(replica);
            caught.set("shares", rejected == null ? NullNode.instance : provenShares(rejected));
        });
        node.set("plaintexts", d.plaintexts() == null ? NullNode.instance : points(d.plaintexts()));
        return node;
    }

    /** The result, or JSON null when there is none yet. */
    public static JsonNode result(ResultRecord r) {
        if (r == null) {
            return NullNode.instance;
        }
        ObjectNode node = NODES.objectNode();
        ArrayNode results = node.putArray("results");
        for (int j = 0; j < r.options().size(); j++) {
            results.addObject().put("option", r.options().get(j)).put("votes", r.votes().get(j));
        }
        if (r.winner() == null) {
            node.putNull("winner");
        } else {
            node.put("winner", r.winner());
        }
        ArrayNode tie = node.putArray("tie");
        r.tie().forEach(tie::add);
        ArrayNode by = node.putArray("decryptedBy");
        r.decryptedBy().forEach(by::add);
        return node;
    }

    private static ArrayNode points(List<Element> elements) {
        ArrayNode array = NODES.arrayNode();
        elements.forEach(e -> array.add(encode(e.encode())));
        return array;
    }

    private static ArrayNode provenShares(List<ProvenShare> shares) {
        ArrayNode array = NODES.arrayNode();
        for (ProvenShare s : shares) {
            ObjectNode share = array.addObject().put("share", encode(s.share().encode()));
            if (s.proof() == null) {
                share.putNull("proof");
            } else {
                share.set("proof", pair(s.proof().challenge(), s.proof().response()));
            }
        }
        return array;
    }

    private static ArrayNode pair(BigInteger challenge, BigInteger response) {
        ArrayNode array = NODES.arrayNode();
        array.add(encode(GROUP.encodeScalar(challenge)));
        array.add(encode(GROUP.encodeScalar(response)));
        return array;
    }

    private static void putNullable(ObjectNode node, String key, Long value) {
        if (value == null) {
            node.putNull(key);
        } else {
            node.put(key, value);
        }
    }

    static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    // ------------------------------------------------------------------ reading

    public static ElectionInfo election(JsonNode node, String path) {
        keys(node, path, ELECTION_KEYS);
        List<String> options = new ArrayList<>();
        JsonNode list = array(node.get("options"), path + ".options", 2, BallotParameters.OPTIONS_MAX);
        for (int j = 0; j < list.size(); j++) {
            options.add(text(list.get(j), path + ".options[" + j + "]"));
        }
        long opensAt = integer(node.get("opensAt"), path + ".opensAt", 0, Long.MAX_VALUE);
        JsonNode closesAt = node.get("closesAt");
        return new ElectionInfo(integer(node.get("id"), path + ".id", 0, BallotParameters.ELECTION_ID_MAX),
                text(node.get("title"), path + ".title"), options,
                (int) integer(node.get("minChoices"), path + ".minChoices", 0, BallotParameters.OPTIONS_MAX),
                (int) integer(node.get("maxChoices"), path + ".maxChoices", 0, BallotParameters.OPTIONS_MAX), opensAt,
                closesAt.isNull() ? null : integer(closesAt, path + ".closesAt", 0, Long.MAX_VALUE),
                text(node.get("state"), path + ".state"));
    }

    /** The parameters, or null for JSON null. */
    public static BallotParameters ballotParameters(JsonNode node, String path) {
        if (node.isNull()) {
            return null;
        }
        keys(node, path, PARAMETER_KEYS);
        try {
            return new BallotParameters(integer(node.get("electionId"), path + ".electionId", 0,
                    BallotParameters.ELECTION_ID_MAX),
                    (int) integer(node.get("options"), path + ".options", 0, BallotParameters.OPTIONS_MAX),
                    (int) integer(node.get("minChoices"), path + ".minChoices", 0, BallotParameters.OPTIONS_MAX),
                    (int) integer(node.get("maxChoices"), path + ".maxChoices", 0, BallotParameters.OPTIONS_MAX),
                    point(node.get("publicKey"), path + ".publicKey"));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(path + ": " + e.getMessage());
        }
    }

    /** The key transcript, or null for JSON null. */
    public static KeyTranscript key(JsonNode node, String path) {
        if (node.isNull()) {
            return null;
        }
        keys(node, path, KEY_KEYS);
        String group = text(node.get("group"), path + ".group");
        if (!group.equals(Suite.P256.name())) {
            throw new RecordFormatException(path + ".group: must be " + Suite.P256.name() + " (an election's key)");
        }
        JsonNode list = array(node.get("dealings"), path + ".dealings", 1, REPLICAS_MAX);
        List<KeyTranscript.Dealing> dealings = new ArrayList<>(list.size());
        for (int k = 0; k < list.size(); k++) {
            String at = path + ".dealings[" + k + "]";
            JsonNode dealing = list.get(k);
            keys(dealing, at, DEALING_KEYS);
            JsonNode proof = dealing.get("proof");
            BigInteger[] pair = proof.isNull() ? null : pair(proof, at + ".proof");
            dealings.add(new KeyTranscript.Dealing((int) integer(dealing.get("dealer"), at + ".dealer", 0,
                    REPLICAS_MAX - 1), points(dealing.get("commitments"), at + ".commitments", REPLICAS_MAX),
                    pair == null ? null : new SchnorrProof(pair[0], pair[1])));
        }
        return new KeyTranscript(text(node.get("name"), path + ".name"), Suite.P256,
                (int) integer(node.get("replicas"), path + ".replicas", 1, REPLICAS_MAX),
                (int) integer(node.get("threshold"), path + ".threshold", 1, REPLICAS_MAX),
                (int) integer(node.get("epoch"), path + ".epoch", 0, Integer.MAX_VALUE),
                bool(node.get("reshare"), path + ".reshare"), point(node.get("publicKey"), path + ".publicKey"),
                dealings, points(node.get("verificationKeys"), path + ".verificationKeys", REPLICAS_MAX));
    }

    public static VoterEntry voter(JsonNode node, String path) {
        keys(node, path, VOTER_KEYS);
        JsonNode list = array(node.get("credentials"), path + ".credentials", 0, Integer.MAX_VALUE);
        List<Credential> credentials = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            credentials.add(credential(list.get(i), path + ".credentials[" + i + "]"));
        }
        return new VoterEntry(credentials, credential(node.get("enrollmentKey"), path + ".enrollmentKey"),
                bool(node.get("enrolled"), path + ".enrolled"));
    }

    public static BallotEntry ballot(JsonNode node, String path) {
        keys(node, path, BALLOT_KEYS);
        String tracker = text(node.get("tracker"), path + ".tracker");
        if (!tracker.matches("[0-9a-f]{64}")) {
            throw new RecordFormatException(path + ".tracker: must be 64 lowercase hex digits");
        }
        JsonNode ballot = node.get("ballot");
        if (!ballot.isObject()) {
            throw new RecordFormatException(path + ".ballot: must be a ballot, a JSON object");
        }
        return new BallotEntry(integer(node.get("number"), path + ".number", 1, Long.MAX_VALUE), tracker,
                credential(node.get("credential"), path + ".credential"),
                integer(node.get("castAt"), path + ".castAt", 0, Long.MAX_VALUE),
                bool(node.get("counted"), path + ".counted"), ballot.toString());
    }

    /** The tally; its decryption, if any, under key {@code keyName}. */
    public static TallyRecord tally(JsonNode node, String path, String keyName) {
        keys(node, path, TALLY_KEYS);
        String state = text(node.get("state"), path + ".state");
        Long counted = node.get("counted").isNull() ? null
                : integer(node.get("counted"), path + ".counted", 0, Long.MAX_VALUE);
        JsonNode operation = node.get("operation");
        if (operation.isNull()) {
            for (String empty : List.of("aggregate", "shares", "faulty")) {
                if (!node.get(empty).isArray() || !node.get(empty).isEmpty()) {
                    throw new RecordFormatException(path + "." + empty + ": must be [] when there is no decryption");
                }
            }
            if (!node.get("epoch").isNull() || !node.get("plaintexts").isNull()) {
                throw new RecordFormatException(path + ": epoch and plaintexts must be null when there is no decryption");
            }
            return new TallyRecord(state, counted, null);
        }
        JsonNode aggregateNode = array(node.get("aggregate"), path + ".aggregate", 1,
                io.bastion.threshold.ThresholdOp.CIPHERTEXTS_MAX);
        List<ElGamal.Ciphertext> aggregate = new ArrayList<>(aggregateNode.size());
        for (int j = 0; j < aggregateNode.size(); j++) {
            String at = path + ".aggregate[" + j + "]";
            keys(aggregateNode.get(j), at, List.of("alpha", "beta"));
            aggregate.add(new ElGamal.Ciphertext(point(aggregateNode.get(j).get("alpha"), at + ".alpha"),
                    point(aggregateNode.get(j).get("beta"), at + ".beta")));
        }
        TreeMap<Integer, List<ProvenShare>> used = new TreeMap<>();
        TreeMap<Integer, List<ProvenShare>> late = new TreeMap<>();
        JsonNode answers = array(node.get("shares"), path + ".shares", 0, REPLICAS_MAX);
        TreeSet<Integer> seen = new TreeSet<>();
        for (int i = 0; i < answers.size(); i++) {
            String at = path + ".shares[" + i + "]";
            keys(answers.get(i), at, ANSWER_KEYS);
            int replica = replica(answers.get(i).get("replica"), at + ".replica", seen);
            List<ProvenShare> shares = provenShares(answers.get(i).get("shares"), at + ".shares");
            (bool(answers.get(i).get("used"), at + ".used") ? used : late).put(replica, shares);
        }
        TreeMap<Integer, String> faulty = new TreeMap<>();
        TreeMap<Integer, List<ProvenShare>> rejected = new TreeMap<>();
        JsonNode caught = array(node.get("faulty"), path + ".faulty", 0, REPLICAS_MAX);
        for (int i = 0; i < caught.size(); i++) {
            String at = path + ".faulty[" + i + "]";
            keys(caught.get(i), at, FAULTY_KEYS);
            int replica = replica(caught.get(i).get("replica"), at + ".replica", seen);
            faulty.put(replica, text(caught.get(i).get("reason"), at + ".reason"));
            if (!caught.get(i).get("shares").isNull()) {
                rejected.put(replica, provenShares(caught.get(i).get("shares"), at + ".shares"));
            }
        }
        JsonNode plaintexts = node.get("plaintexts");
        DecryptionTranscript decryption = new DecryptionTranscript(
                integer(operation, path + ".operation", 1, Long.MAX_VALUE), keyName,
                (int) integer(node.get("epoch"), path + ".epoch", 0, Integer.MAX_VALUE), aggregate, used, late, faulty,
                rejected, plaintexts.isNull() ? null
                        : points(plaintexts, path + ".plaintexts", io.bastion.threshold.ThresholdOp.CIPHERTEXTS_MAX));
        return new TallyRecord(state, counted, decryption);
    }

    /** The result, or null for JSON null. */
    public static ResultRecord result(JsonNode node, String path) {
        if (node.isNull()) {
            return null;
        }
        keys(node, path, RESULT_KEYS);
        JsonNode results = array(node.get("results"), path + ".results", 0, BallotParameters.OPTIONS_MAX);
        List<String> options = new ArrayList<>();
        List<Long> votes = new ArrayList<>();
        for (int j = 0; j < results.size(); j++) {
            String at = path + ".results[" + j + "]";
            keys(results.get(j), at, List.of("option", "votes"));
            options.add(text(results.get(j).get("option"), at + ".option"));
            votes.add(integer(results.get(j).get("votes"), at + ".votes", 0, Long.MAX_VALUE));
        }
        JsonNode winner = node.get("winner");
        List<String> tie = new ArrayList<>();
        JsonNode tied = array(node.get("tie"), path + ".tie", 0, BallotParameters.OPTIONS_MAX);
        for (int i = 0; i < tied.size(); i++) {
            tie.add(text(tied.get(i), path + ".tie[" + i + "]"));
        }
        List<Integer> decryptedBy = new ArrayList<>();
        JsonNode by = array(node.get("decryptedBy"), path + ".decryptedBy", 0, REPLICAS_MAX);
        for (int i = 0; i < by.size(); i++) {
            decryptedBy.add((int) integer(by.get(i), path + ".decryptedBy[" + i + "]", 0, REPLICAS_MAX - 1));
        }
        return new ResultRecord(options, votes, winner.isNull() ? null : text(winner, path + ".winner"), tie,
                decryptedBy);
    }

    private static int replica(JsonNode node, String path, TreeSet<Integer> seen) {
        int replica = (int) integer(node, path, 0, REPLICAS_MAX - 1);
        if (!seen.add(replica)) {
            throw new RecordFormatException(path + ": replica " + replica + " is listed twice");
        }
        return replica;
    }

    private static List<ProvenShare> provenShares(JsonNode node, String path) {
        JsonNode list = array(node, path, 0, io.bastion.threshold.ThresholdOp.CIPHERTEXTS_MAX);
        List<ProvenShare> shares = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            keys(list.get(i), at, List.of("share", "proof"));
            JsonNode proof = list.get(i).get("proof");
            BigInteger[] pair = proof.isNull() ? null : pair(proof, at + ".proof");
            shares.add(new ProvenShare(point(list.get(i).get("share"), at + ".share"),
                    pair == null ? null : new DleqProof(pair[0], pair[1])));
        }
        return shares;
    }

    // ------------------------------------------------------------------ field readers

    /** Checks that {@code node} is an object with exactly {@code expected}: the first missing key, else an extra one. */
    static void keys(JsonNode node, String path, List<String> expected) {
        if (node == null || !node.isObject()) {
            throw new RecordFormatException(path + ": must be a JSON object");
        }
        for (String key : expected) {
            if (!node.has(key)) {
                throw new RecordFormatException(path + ": missing key \"" + key + "\"");
            }
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!expected.contains(name)) {
                throw new RecordFormatException(path + ": unexpected key \"" + name + "\"");
            }
        }
    }

    static JsonNode array(JsonNode node, String path, int min, int max) {
        if (node == null || !node.isArray() || node.size() < min || node.size() > max) {
            throw new RecordFormatException(path + ": must be an array of " + min + ".."
                    + (max == Integer.MAX_VALUE ? "" : max) + " elements");
        }
        return node;
    }

    static String text(JsonNode node, String path) {
        if (node == null || !node.isTextual() || node.textValue().length() > TEXT_CHARS_MAX) {
            throw new RecordFormatException(path + ": must be a string of at most " + TEXT_CHARS_MAX + " characters");
        }
        return node.textValue();
    }

    static long integer(JsonNode node, String path, long min, long max) {
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.longValue() < min
                || node.longValue() > max) {
            throw new RecordFormatException(path + ": must be an integer in " + min + ".." + max);
        }
        return node.longValue();
    }

    static boolean bool(JsonNode node, String path) {
        if (node == null || !node.isBoolean()) {
            throw new RecordFormatException(path + ": must be true or false");
        }
        return node.booleanValue();
    }

    private static byte[] bytes(JsonNode node, String path, int length) {
        String what = path + ": must be " + length + " bytes in base64url without padding";
        if (node == null || !node.isTextual() || node.textValue().length() != (length * 4 + 2) / 3) {
            throw new RecordFormatException(what);
        }
        byte[] bytes;
        try {
            bytes = DECODER.decode(node.textValue());
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(what);
        }
        if (bytes.length != length || !ENCODER.encodeToString(bytes).equals(node.textValue())) {
            throw new RecordFormatException(what);
        }
        return bytes;
    }

    /** A P-256 point, 33 bytes compressed (the identity as 33 zero bytes). */
    static Element point(JsonNode node, String path) {
        try {
            return GROUP.decode(bytes(node, path, GROUP.elementBytes()));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(path + ": " + e.getMessage());
        }
    }

    private static List<Element> points(JsonNode node, String path, int max) {
        JsonNode list = array(node, path, 1, max);
        List<Element> points = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            points.add(point(list.get(i), path + "[" + i + "]"));
        }
        return points;
    }

    /** A scalar below the group order, 32 bytes. */
    private static BigInteger scalar(JsonNode node, String path) {
        try {
            return GROUP.decodeScalar(bytes(node, path, GROUP.scalarBytes()));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(path + ": " + e.getMessage());
        }
    }

    /** A proof's [challenge, response]. */
    private static BigInteger[] pair(JsonNode node, String path) {
        array(node, path, 2, 2);
        return new BigInteger[] {scalar(node.get(0), path + "[0]"), scalar(node.get(1), path + "[1]")};
    }

    static Credential credential(JsonNode node, String path) {
        try {
            return Credential.decode(bytes(node, path, Credential.BYTES));
        } catch (IllegalArgumentException e) {
            throw new RecordFormatException(path + ": " + e.getMessage());
        }
    }

    /** The map view the verifier uses: every valid-looking answer (used and late), by replica. */
    static Map<Integer, List<ProvenShare>> answers(DecryptionTranscript d) {
        TreeMap<Integer, List<ProvenShare>> all = new TreeMap<>(d.usedShares());
        all.putAll(d.lateShares());
        return all;
    }
}
