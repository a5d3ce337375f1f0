package io.bastion.evoting;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.evoting.ballot.Credential;
import io.bastion.sql.SqlBudget;
import io.bastion.sql.SqlService;
import io.bastion.threshold.Threshold;
import io.bastion.threshold.UsesThreshold;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The e-voting service for a real vote, as a replica runs it from the command line
 * ({@code bastion replica --sql-service io.bastion.evoting.EvotingServiceFromKeyFile}): an
 * {@link EvotingService} without demo data, whose admin enrolls with the code whose enrollment
 * public key is in the file the system property {@value #KEY_FILE_PROPERTY} names (one line, the
 * 65-byte key in base64url as {@code bastion enrollment-key} prints it). A public key, not a secret:
 * the file may be readable by anyone. Every replica must be given the same; it matters once, when
 * the database is created, but the file must be readable at every start. Calls come from one
 * thread at a time.
 */
public final class EvotingServiceFromKeyFile implements SqlService, UsesThreshold {
    /** The system property naming the admin's enrollment key file: {@code -Dbastion.evoting.adminEnrollmentKeyFile=FILE}. */
    public static final String KEY_FILE_PROPERTY = "bastion.evoting.adminEnrollmentKeyFile";

    private final EvotingService service;

    /** Reads the admin's enrollment key from the file {@value #KEY_FILE_PROPERTY} names. */
    public EvotingServiceFromKeyFile() {
        this(keyFile());
    }

    /** Reads the admin's enrollment key from {@code keyFile}. */
    public EvotingServiceFromKeyFile(Path keyFile) {
        String text;
        try {
            text = Files.readString(keyFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the e-voting admin's enrollment key from " + keyFile + ": " + e, e);
        }
        byte[] raw = Base64Url.decode(text, Credential.BYTES);
        if (raw == null) {
            throw new IllegalArgumentException(keyFile + ": not an enrollment key (65 bytes in base64url without"
                    + " padding, as bastion enrollment-key prints it)");
        }
        try {
            this.service = new EvotingService(Credential.decode(raw));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(keyFile + ": not an enrollment key: " + e.getMessage(), e);
        }
    }

    private static Path keyFile() {
        String file = System.getProperty(KEY_FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("name the file holding the e-voting admin's enrollment key with -D"
                    + KEY_FILE_PROPERTY + "=FILE (the same key at every replica; bastion enrollment-key makes one)");
        }
        return Path.of(file);
    }

    @Override
    public void useThreshold(Threshold threshold) {
        service.useThreshold(threshold);
    }

    @Override
    public void migrate(Connection connection) throws SQLException {
        service.migrate(connection);
    }

    @Override
    public byte[] execute(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return service.execute(request, connection, context);
    }

    @Override
    public void prepareBatch(java.util.List<byte[]> operations, Connection connection) throws SQLException {
        service.prepareBatch(operations, connection);
    }

    @Override
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return service.query(request, connection, context);
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context)
            throws SQLException {
        return service.authorize(credentials, key, connection, context);
    }

    @Override
    public void sessionStarted(long clientId, String identity, byte[] credentials, PublicKeyRef key,
                               Connection connection, ServiceContext context) throws SQLException {
        service.sessionStarted(clientId, identity, credentials, key, connection, context);
    }

    @Override
    public void sessionEnded(long clientId, String identity, Connection connection, ServiceContext context)
            throws SQLException {
        service.sessionEnded(clientId, identity, connection, context);
    }

    @Override
    public SqlBudget budget() {
        return service.budget();
    }
}
