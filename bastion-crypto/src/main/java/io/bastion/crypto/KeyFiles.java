package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.InvalidKeyException;
import java.util.EnumSet;
import java.util.Set;

/**
 * Key files in the standard PEM encodings that OpenSSL and other tools read and write: private
 * keys as "PRIVATE KEY" (PKCS#8), public keys as "PUBLIC KEY" (X.509 SubjectPublicKeyInfo), for
 * Ed25519 and ECDSA P-256. Reading reports every problem as a {@link KeyFileException} that names
 * the file. Private key files are created readable by their owner only (where the file system
 * has POSIX permissions) and never overwrite an existing file. Stateless and thread-safe.
 */
public final class KeyFiles {
    /** Longest key file read; a PEM key is well under 1 KiB, so anything larger is the wrong file. */
    public static final int KEY_FILE_BYTES_MAX = 64 * 1024;
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KeyFiles() {}

    /** Reads a PEM "PRIVATE KEY" file. */
    public static SigningKey readPrivateKey(Path file) throws KeyFileException {
        byte[] der = readBlock(file, Pem.PRIVATE_KEY);
        try {
            return PrivateKeys.fromPkcs8(der);
        } catch (InvalidKeyException e) {
            throw new KeyFileException(file, e.getMessage(), e);
        }
    }

    /** Reads a PEM "PUBLIC KEY" file. */
    public static PublicKeyRef readPublicKey(Path file) throws KeyFileException {
        byte[] der = readBlock(file, Pem.PUBLIC_KEY);
        try {
            return PublicKeys.fromX509(der);
        } catch (InvalidKeyException e) {
            throw new KeyFileException(file, e.getMessage(), e);
        }
    }

    /** Creates {@code file} holding {@code key} as PEM "PRIVATE KEY", owner-only; fails if it exists. */
    public static void writePrivateKey(Path file, SigningKey key) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, privateKeyPem(key), StandardCharsets.US_ASCII, StandardOpenOption.WRITE);
    }

    /** Writes {@code key} to {@code file} as PEM "PUBLIC KEY", replacing the file if it exists. */
    public static void writePublicKey(Path file, PublicKeyRef key) throws IOException {
        Files.writeString(file, publicKeyPem(key), StandardCharsets.US_ASCII);
    }

    /** The PEM "PRIVATE KEY" text of {@code key}. */
    public static String privateKeyPem(SigningKey key) {
        return Pem.encode(Pem.PRIVATE_KEY, key.toPkcs8());
    }

    /** The PEM "PUBLIC KEY" text of {@code key}. */
    public static String publicKeyPem(PublicKeyRef key) {
        return Pem.encode(Pem.PUBLIC_KEY, PublicKeys.toX509(key));
    }

    private static byte[] readBlock(Path file, String expectedLabel) throws KeyFileException {
        byte[] bytes = readBounded(file);
        Pem.Block block;
        try {
            block = Pem.decodeFirst(new String(bytes, StandardCharsets.ISO_8859_1));
        } catch (Pem.PemException e) {
            boolean binary = bytes.length > 0 && bytes[0] == 0x30;
            throw new KeyFileException(file, e.getMessage() + (binary ? "; it looks like binary DER, Bastion reads PEM text" : ""));
        }
        if (!block.label().equals(expectedLabel)) {
            throw new KeyFileException(file, wrongLabel(block.label(), expectedLabel));
        }
        return block.der();
    }

    private static byte[] readBounded(Path file) throws KeyFileException {
        try {
            long size = Files.size(file);
            if (size > KEY_FILE_BYTES_MAX) {
                throw new KeyFileException(file, "is " + size + " bytes, too large for a key file (at most " + KEY_FILE_BYTES_MAX + ")");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new KeyFileException(file, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new KeyFileException(file, "permission denied", e);
        } catch (IOException e) {
            throw new KeyFileException(file, "cannot read: " + e, e);
        }
    }

    private static String wrongLabel(String found, String expected) {
        String hint = switch (found) {
            case "EC PRIVATE KEY" -> "; it is an OpenSSL SEC1 key, convert it with: openssl pkcs8 -topk8 -nocrypt";
            case "ENCRYPTED PRIVATE KEY" -> "; it is encrypted, and Bastion reads unencrypted PKCS#8 keys only";
            default -> "";
        };
        return "expected a \"" + expected + "\" PEM block, found \"" + found + "\"" + hint;
    }
}
