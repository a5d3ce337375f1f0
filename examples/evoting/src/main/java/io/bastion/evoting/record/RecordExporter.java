package io.bastion.evoting.record;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes an election's record file from the service's {@code {"op":"record",…}} answers: the summary,
 * then every page of eligible voters and of ballots, copied as they came (the service writes them
 * with {@link RecordJson}). The file is written as the pages arrive, so a record of 100,000 ballots
 * is never held whole; it is one JSON object with a line per top-level key and per voter and ballot.
 * How the answers are obtained is the caller's: {@code bastion evoting export} reads them as
 * read-only requests that 2f+1 replicas must answer alike. Not thread-safe.
 */
public final class RecordExporter {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How the exporter asks the cluster: one operation, its JSON answer. */
    @FunctionalInterface
    public interface Reads {
        JsonNode read(ObjectNode operation) throws IOException;
    }

    /** A refusal from the service (no such election, not signed in, …), with its words. */
    public static final class RefusedException extends IOException {
        public RefusedException(String message) {
            super(message);
        }
    }

    /** What was written: how many voters and ballots, and where the tally stood. */
    public record Exported(long voters, long ballots, String tally) {}

    private final Reads reads;

    public RecordExporter(Reads reads) {
        this.reads = reads;
    }

    /** Writes election {@code electionId}'s record to {@code out} (left open). */
    public Exported export(long electionId, OutputStream out) throws IOException {
        JsonNode summary = ask(electionId, "summary", null);
        try (JsonGenerator json = JSON.getFactory().createGenerator(out, JsonEncoding.UTF8)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            json.setPrettyPrinter(new Layout());
            json.writeStartObject();
            json.writeStringField("format", RecordJson.FORMAT);
            json.writeNumberField("version", RecordJson.VERSION);
            for (String piece : new String[] {"election", "ballotParameters", "key", "eligible"}) {
                json.writeFieldName(piece);
                json.writeTree(summary.get(piece));
            }
            long voters = pages(json, electionId, "voters");
            long ballots = pages(json, electionId, "ballots");
            for (String piece : new String[] {"tally", "result"}) {
                json.writeFieldName(piece);
                json.writeTree(summary.get(piece));
            }
            json.writeEndObject();
            json.writeRaw('\n');
            return new Exported(voters, ballots, summary.path("tally").path("state").asText());
        }
    }

    /** Writes the array {@code part} from every page of it; returns how many elements. */
    private long pages(JsonGenerator json, long electionId, String part) throws IOException {
        json.writeFieldName(part);
        json.writeStartArray();
        long written = 0;
        Long after = 0L;
        while (after != null) {
            JsonNode page = ask(electionId, part, after);
            JsonNode items = page.get(part);
            if (items == null || !items.isArray()) {
                throw new IOException("the service's " + part + " page has no \"" + part + "\" array: " + page);
            }
            for (JsonNode item : items) {
                json.writeTree(item);
                written++;
            }
            JsonNode next = page.get("next");
            after = next == null || next.isNull() ? null : next.longValue();
            if (after != null && items.isEmpty()) {
                throw new IOException("the service answered an empty " + part + " page with a next page");
            }
        }
        json.writeEndArray();
        return written;
    }

    private JsonNode ask(long electionId, String part, Long after) throws IOException {
        ObjectNode request = JsonNodeFactory.instance.objectNode();
        request.put("op", "record");
        request.put("electionId", electionId);
        request.put("part", part);
        if (after != null) {
            request.put("after", after);
        }
        JsonNode answer = reads.read(request);
        if (answer.has("error")) {
            throw new RefusedException(answer.get("error").asText());
        }
        return answer;
    }

    /**
     * Compact JSON with a line break after each top-level key's value and around each element of the
     * top-level arrays (voters, ballots): a record reads a ballot per line.
     */
    private static final class Layout extends MinimalPrettyPrinter {
        private static boolean topObject(JsonGenerator g) {
            JsonStreamContext context = g.getOutputContext();
            return context.inObject() && context.getParent() != null && context.getParent().inRoot();
        }

        private static boolean topArray(JsonGenerator g) {
            JsonStreamContext context = g.getOutputContext();
            return context.inArray() && context.getParent() != null && context.getParent().getParent() != null
                    && context.getParent().getParent().inRoot();
        }

        @Override
        public void beforeObjectEntries(JsonGenerator g) throws IOException {
            if (topObject(g)) {
                g.writeRaw('\n');
            }
        }

        @Override
        public void writeObjectEntrySeparator(JsonGenerator g) throws IOException {
            g.writeRaw(topObject(g) ? ",\n" : ",");
        }

        @Override
        public void writeEndObject(JsonGenerator g, int entries) throws IOException {
            g.writeRaw(topObject(g) ? "\n}" : "}");
        }

        @Override
        public void beforeArrayValues(JsonGenerator g) throws IOException {
            if (topArray(g)) {
                g.writeRaw('\n');
            }
        }

        @Override
        public void writeArrayValueSeparator(JsonGenerator g) throws IOException {
            g.writeRaw(topArray(g) ? ",\n" : ",");
        }

        @Override
        public void writeEndArray(JsonGenerator g, int values) throws IOException {
            g.writeRaw(topArray(g) && values > 0 ? "\n]" : "]");
        }
    }
}
