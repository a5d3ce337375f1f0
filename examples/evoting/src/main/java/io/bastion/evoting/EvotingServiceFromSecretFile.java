package io.bastion.evoting;

import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.core.service.ServiceContext;
import io.bastion.sql.SqlBudget;
import io.bastion.sql.SqlService;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The e-voting service for a real vote, as a replica runs it from the command line
 * ({@code bastion replica --sql-service io.bastion.evoting.EvotingServiceFromSecretFile}): an
 * {@link EvotingService} without demo data, whose admin secret is read from the file the system
 * property {@value #SECRET_FILE_PROPERTY} names (one line; a trailing line break is not part of
 * the secret). Every replica must be given the same secret; it matters once, when the database is
 * created, but the file must be readable at every start. Calls come from one thread at a time.
 */
public final class EvotingServiceFromSecretFile implements SqlService {
    /** The system property naming the admin secret's file: {@code -Dbastion.evoting.adminSecretFile=FILE}. */
    public static final String SECRET_FILE_PROPERTY = "bastion.evoting.adminSecretFile";

    private final EvotingService service;

    /** Reads the admin secret from the file {@value #SECRET_FILE_PROPERTY} names. */
    public EvotingServiceFromSecretFile() {
        this(secretFile());
    }

    /** Reads the admin secret from {@code secretFile}. */
    public EvotingServiceFromSecretFile(Path secretFile) {
        String secret;
        try {
            secret = Files.readString(secretFile, StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the e-voting admin secret from " + secretFile + ": " + e, e);
        }
        try {
            this.service = new EvotingService(secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(secretFile + ": " + e.getMessage(), e);
        }
    }

    private static Path secretFile() {
        String file = System.getProperty(SECRET_FILE_PROPERTY);
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("name the file holding the e-voting admin secret with -D"
                    + SECRET_FILE_PROPERTY + "=FILE (the same secret at every replica)");
        }
        return Path.of(file);
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
    public byte[] query(byte[] request, Connection connection, ServiceContext context) throws SQLException {
        return service.query(request, connection, context);
    }

    @Override
    public Authorization authorize(byte[] credentials, PublicKeyRef key, Connection connection, ServiceContext context)
            throws SQLException {
        return service.authorize(credentials, key, connection, context);
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
