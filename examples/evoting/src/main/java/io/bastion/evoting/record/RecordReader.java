package io.bastion.evoting.record;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.bastion.evoting.ballot.BallotParameters;
import io.bastion.threshold.KeyTranscript;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an election record file (docs/evoting.md, "The election record") into an
 * {@link ElectionRecord}. The file is read as a stream, a voter or a ballot at a time, so a record
 * of 100,000 ballots never becomes one JSON tree. Strict: exactly the format's keys, each as
 * {@link RecordJson} reads it; a repeated key, text after the record or a file cut short is refused.
 * What is wrong is a {@link RecordFormatException} naming where. A ballot's own JSON is kept as text
 * here and read by the verifier, which reports a malformed ballot as a failed ballot, not a broken
 * record. Stateless and thread-safe.
 */
public final class RecordReader {
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private RecordReader() {}

    /** The record in {@code file}; an {@link IOException} when it cannot be read at all. */
    public static ElectionRecord read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return read(in);
        }
    }

    public static ElectionRecord read(InputStream in) throws IOException {
        Map<String, JsonNode> pieces = new HashMap<>();
        List<VoterEntry> voters = null;
        List<BallotEntry> ballots = null;
        try (JsonParser parser = JSON.createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new RecordFormatException("$: an election record is a JSON object");
            }
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
                if (token == null) {
                    throw new RecordFormatException("$: the record is cut short");
                }
                String name = parser.currentName();
                if (!RecordJson.FILE_KEYS.contains(name)) {
                    throw new RecordFormatException("$: unexpected key \"" + name + "\"");
                }
                parser.nextToken();
                switch (name) {
                    case "voters" -> voters = stream(parser, "$.voters", RecordJson.VOTERS_MAX, RecordJson::voter);
                    case "ballots" -> ballots = stream(parser, "$.ballots", RecordJson.BALLOTS_MAX, RecordJson::ballot);
                    default -> pieces.put(name, parser.readValueAsTree());
                }
            }
            if (parser.nextToken() != null) {
                throw new RecordFormatException("$: text after the record");
            }
        } catch (JsonProcessingException e) {
            throw new RecordFormatException("not valid JSON: " + e.getOriginalMessage() + " (line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")");
        }
        for (String key : RecordJson.FILE_KEYS) {
            if (!pieces.containsKey(key) && !(key.equals("voters") && voters != null)
                    && !(key.equals("ballots") && ballots != null)) {
                throw new RecordFormatException("$: missing key \"" + key + "\"");
            }
        }
        return assemble(pieces, voters, ballots);
    }

    private static ElectionRecord assemble(Map<String, JsonNode> pieces, List<VoterEntry> voters,
                                           List<BallotEntry> ballots) {
        if (!RecordJson.FORMAT.equals(pieces.get("format").textValue())) {
            throw new RecordFormatException("$.format: must be \"" + RecordJson.FORMAT + "\": not an election record");
        }
        long version = RecordJson.integer(pieces.get("version"), "$.version", 0, Integer.MAX_VALUE);
        if (version != RecordJson.VERSION) {
            throw new RecordFormatException("$.version: this verifier reads version " + RecordJson.VERSION
                    + " of the record, not " + version);
        }
        BallotParameters parameters = RecordJson.ballotParameters(pieces.get("ballotParameters"), "$.ballotParameters");
        KeyTranscript key = RecordJson.key(pieces.get("key"), "$.key");
        return new ElectionRecord(RecordJson.election(pieces.get("election"), "$.election"), parameters, key,
                RecordJson.integer(pieces.get("eligible"), "$.eligible", 0, Long.MAX_VALUE), voters, ballots,
                RecordJson.tally(pieces.get("tally"), "$.tally", key == null ? "" : key.name()),
                RecordJson.result(pieces.get("result"), "$.result"));
    }

    private interface Piece<T> {
        T read(JsonNode node, String path);
    }

    /** The array the parser is at, one element at a time. */
    private static <T> List<T> stream(JsonParser parser, String path, int max, Piece<T> piece) throws IOException {
        if (parser.currentToken() != JsonToken.START_ARRAY) {
            throw new RecordFormatException(path + ": must be an array");
        }
        List<T> items = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            if (token == null) {
                throw new RecordFormatException(path + ": the record is cut short");
            }
            if (items.size() == max) {
                throw new RecordFormatException(path + ": more than " + max + ", the most an election has");
            }
            JsonNode node = parser.readValueAsTree();
            items.add(piece.read(node, path + "[" + items.size() + "]"));
        }
        return items;
    }
}
