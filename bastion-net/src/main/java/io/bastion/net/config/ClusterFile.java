package io.bastion.net.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.bastion.core.config.ClusterConfig;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.lang.reflect.RecordComponent;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The cluster file: one human-editable TOML file that every replica and client of a cluster reads,
 * listing f, the replicas (addresses and public keys), the statically known clients, the
 * protocol settings and, optionally, the cluster's certificate authority ({@code [tls] ca}). {@link #load} reads and validates it into a {@link ClusterConfig};
 * {@link #write} writes a commented file that {@link #load} reads back equal. See
 * {@link ClusterFileWriter} for the layout. Stateless and thread-safe.
 */
public final class ClusterFile {
    /** Largest cluster file read; a file of 1,000 replicas is well under 1 MiB. */
    public static final int CLUSTER_FILE_BYTES_MAX = 1 << 20;

    private static final TomlMapper MAPPER = strictMapper();

    private ClusterFile() {}

    /**
     * Everything a cluster file says: the cluster; the certificate authority whose certificates
     * clients accept from a replica in place of its replica certificate (the optional
     * {@code [tls] ca}; it issued the replicas' web certificates), or {@code null}; and each
     * replica's metrics port by id (the optional {@code metricsPort}; 0 where there is none),
     * which {@code bastion replica} serves by default and {@code bastion status} reads.
     */
    public record Contents(ClusterConfig config, X509Certificate ca, List<Integer> metricsPorts) {
        public Contents {
            metricsPorts = List.copyOf(metricsPorts);
            if (metricsPorts.size() != config.n()) {
                throw new IllegalArgumentException("a metrics port (or 0) for each of the " + config.n()
                        + " replicas, got " + metricsPorts.size());
            }
        }

        /** A cluster file with no metrics ports. */
        public Contents(ClusterConfig config, X509Certificate ca) {
            this(config, ca, java.util.Collections.nCopies(config.n(), 0));
        }

        /** The CA as a list: empty when the file names none. */
        public List<X509Certificate> authorities() {
            return ca == null ? List.of() : List.of(ca);
        }

        /** Replica {@code id}'s metrics port, 0 when the file gives none. */
        public int metricsPort(int id) {
            return metricsPorts.get(id);
        }

        /** These contents with {@code ports} (by replica id, 0 for none) as the metrics ports. */
        public Contents withMetricsPorts(List<Integer> ports) {
            return new Contents(config, ca, ports);
        }
    }

    /** Reads and validates the cluster file at {@code file}. */
    public static ClusterConfig load(Path file) throws InvalidClusterFileException {
        return parse(read(file), file);
    }

    /** Reads and validates the cluster file at {@code file}, with its {@code [tls]} table. */
    public static Contents loadContents(Path file) throws InvalidClusterFileException {
        return parseContents(read(file), file);
    }

    /** Validates cluster file text; {@code file} only names it in error messages. */
    public static ClusterConfig parse(String text, Path file) throws InvalidClusterFileException {
        return parseContents(text, file).config();
    }

    /** Validates cluster file text with its {@code [tls]} table; {@code file} only names it in error messages. */
    public static Contents parseContents(String text, Path file) throws InvalidClusterFileException {
        ClusterFileValidator validator = new ClusterFileValidator(file);
        ClusterFileModel model = bind(text, file);
        ClusterConfig config = validator.toConfig(model);
        return new Contents(config, validator.ca(model.tls()), validator.metricsPorts());
    }

    /** Writes {@code config} to {@code file} as a commented cluster file, replacing the file atomically. */
    public static void write(ClusterConfig config, Path file) throws IOException {
        write(new Contents(config, null), file);
    }

    /** Writes {@code contents} to {@code file} as a commented cluster file, replacing the file atomically. */
    public static void write(Contents contents, Path file) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, ClusterFileWriter.format(contents), StandardCharsets.UTF_8);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The text {@link #write} writes. */
    public static String format(ClusterConfig config) {
        return ClusterFileWriter.format(new Contents(config, null));
    }

    private static TomlMapper strictMapper() {
        TomlMapper mapper = TomlMapper.builder()
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)     // no "7000" for 7000
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)  // no 7000.0 for 7000
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .build();
        mapper.coercionConfigFor(LogicalType.Textual)                 // no 12 for "12"
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }

    private static String read(Path file) throws InvalidClusterFileException {
        try {
            long size = Files.size(file);
            if (size > CLUSTER_FILE_BYTES_MAX) {
                throw new InvalidClusterFileException(file, null,
                        "is " + size + " bytes, too large for a cluster file (at most " + CLUSTER_FILE_BYTES_MAX + ")");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InvalidClusterFileException(file, null, "no such file", e);
        } catch (CharacterCodingException e) {
            throw new InvalidClusterFileException(file, null, "is not UTF-8 text", e);
        } catch (IOException e) {
            throw new InvalidClusterFileException(file, null, "cannot read: " + e, e);
        }
    }

    private static ClusterFileModel bind(String text, Path file) throws InvalidClusterFileException {
        try {
            ClusterFileModel model = MAPPER.readValue(text, ClusterFileModel.class);
            return model != null ? model : new ClusterFileModel(null, null, null, null, null);
        } catch (DatabindException e) {
            String field = fieldPath(e);
            throw new InvalidClusterFileException(file, field, where(e.getLocation()) + bindingProblem(e, field), e);
        } catch (StreamReadException e) {
            throw new InvalidClusterFileException(file, null,
                    where(e.getLocation()) + "TOML syntax error: " + e.getOriginalMessage(), e);
        } catch (JacksonException e) {
            throw new InvalidClusterFileException(file, null, e.getOriginalMessage(), e);
        }
    }

    /** The field as the file spells it: replica[2].clientPort. */
    private static String fieldPath(DatabindException e) {
        if (!(e instanceof JsonMappingException mapping) || mapping.getPath().isEmpty()) {
            return null;
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String bindingProblem(DatabindException e, String field) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return "unknown field; the fields here are " + fieldsOf(unknown.getReferringClass());
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            String got = e instanceof InvalidFormatException format ? ", got " + format.getValue() : "";
            return "expected " + describe(mismatch.getTargetType(), lastName(field)) + got;
        }
        return e.getOriginalMessage();
    }

    private static String lastName(String field) {
        return field == null ? "name" : field.substring(field.lastIndexOf('.') + 1).replaceAll("\\[\\d+]$", "");
    }

    private static String describe(Class<?> type, String name) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "an integer";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array of tables, each written [[" + name + "]]";
        }
        return type.isRecord() ? "a table, written [" + name + "]" : type.getSimpleName();
    }

    private static String fieldsOf(Class<?> type) {
        if (type == null || !type.isRecord()) {
            return "listed in the documentation";
        }
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).collect(Collectors.joining(", "));
    }

    private static String where(JsonLocation location) {
        if (location == null || location.getLineNr() <= 0) {
            return "";
        }
        return "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": ";
    }
}
