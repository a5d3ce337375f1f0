package io.bastion.crypto;

import io.bastion.core.crypto.PublicKeyRef;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.asn1.DERBitString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Base64;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** PEM key files: round trips, permissions, interoperability with JDK encodings, and clear errors. */
class KeyFilesTest {
    @TempDir
    Path dir;

    @Test
    void ed25519PrivateKeyRoundTripsAndSignsTheSame() throws Exception {
        Ed25519SigningKey key = TestKeys.ed25519(new Random(1));
        Path file = dir.resolve("replica-0.key");
        KeyFiles.writePrivateKey(file, key);

        SigningKey read = KeyFiles.readPrivateKey(file);
        assertThat(read).isInstanceOf(Ed25519SigningKey.class);
        assertThat(read.publicKey()).isEqualTo(key.publicKey());
        assertThat(read.sign("m".getBytes())).isEqualTo(key.sign("m".getBytes()));
        String text = Files.readString(file);
        assertThat(text).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
    }

    @Test
    void p256PrivateKeyRoundTrips() throws Exception {
        EcdsaP256SigningKey key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(2));
        Path file = dir.resolve("client.key");
        KeyFiles.writePrivateKey(file, key);

        SigningKey read = KeyFiles.readPrivateKey(file);
        assertThat(read).isInstanceOf(EcdsaP256SigningKey.class);
        assertThat(read.publicKey()).isEqualTo(key.publicKey());
        byte[] message = "m".getBytes();
        assertThat(new StandardSignatureVerifier().verify(key.publicKey(), message, read.sign(message))).isTrue();
    }

    @Test
    void publicKeysRoundTrip() throws Exception {
        for (PublicKeyRef key : new PublicKeyRef[] {TestKeys.ed25519(new Random(3)).publicKey(),
                EcdsaP256SigningKey.generate(TestKeys.secureRandom(3)).publicKey()}) {
            Path file = dir.resolve(key.algorithm() + ".pub");
            KeyFiles.writePublicKey(file, key);
            assertThat(KeyFiles.readPublicKey(file)).isEqualTo(key);
            assertThat(Files.readString(file)).startsWith("-----BEGIN PUBLIC KEY-----\n");
        }
    }

    @Test
    void privateKeyFilesAreOwnerOnlyAndNeverOverwritten() throws Exception {
        Path file = dir.resolve("secret.key");
        KeyFiles.writePrivateKey(file, TestKeys.ed25519(new Random(4)));
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(Files.getPosixFilePermissions(file))
                    .isEqualTo(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
        }
        String before = Files.readString(file);
        assertThatThrownBy(() -> KeyFiles.writePrivateKey(file, TestKeys.ed25519(new Random(5))))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void keysEncodedByTheJdkAreRead() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        Path privateFile = write("jdk.key", pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        Path publicFile = write("jdk.pub", pem("PUBLIC KEY", pair.getPublic().getEncoded()));
        assertThat(KeyFiles.readPrivateKey(privateFile).publicKey()).isEqualTo(KeyFiles.readPublicKey(publicFile));
    }

    @Test
    void p256KeyCarryingItsPublicKeyIsCheckedAgainstIt() throws Exception {
        EcdsaP256SigningKey key = EcdsaP256SigningKey.generate(TestKeys.secureRandom(6));
        EcdsaP256SigningKey other = EcdsaP256SigningKey.generate(TestKeys.secureRandom(7));
        BigInteger scalar = PrivateKeyInfoScalar.of(key);

        Path matching = write("match.key", pem("PRIVATE KEY", ecPkcs8(scalar, key.publicKey())));
        assertThat(KeyFiles.readPrivateKey(matching).publicKey()).isEqualTo(key.publicKey());

        Path mismatching = write("mismatch.key", pem("PRIVATE KEY", ecPkcs8(scalar, other.publicKey())));
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(mismatching)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("mismatch.key").hasMessageContaining("does not belong to it");
    }

    @Test
    void missingEmptyAndNonPemFilesAreNamedWithTheProblem() throws IOException {
        expectPrivateKeyError(dir.resolve("absent.key"), "absent.key: no such file");
        expectPrivateKeyError(write("empty.key", ""), "no PEM block found");
        expectPrivateKeyError(write("text.key", "hello\n"), "no PEM block found");
        Path der = dir.resolve("binary.key");
        Files.write(der, TestKeys.ed25519(new Random(8)).toPkcs8());
        expectPrivateKeyError(der, "binary DER");
        Path big = dir.resolve("big.key");
        Files.write(big, new byte[KeyFiles.KEY_FILE_BYTES_MAX + 1]);
        expectPrivateKeyError(big, "too large");
    }

    @Test
    void brokenPemIsNamedWithTheProblem() throws IOException {
        expectPrivateKeyError(write("noend.key", "-----BEGIN PRIVATE KEY-----\nMC4CAQAw\n"), "has no \"-----END PRIVATE KEY-----\" line");
        expectPrivateKeyError(write("blank.key", pem("PRIVATE KEY", new byte[0])), "block is empty");
        expectPrivateKeyError(write("b64.key", "-----BEGIN PRIVATE KEY-----\nMC4*AQAw\n-----END PRIVATE KEY-----\n"), "not valid base64");
        expectPrivateKeyError(write("junk.key", pem("PRIVATE KEY", new byte[] {1, 2, 3, 4})), "not a DER-encoded PKCS#8 private key");
    }

    @Test
    void wrongKindsOfKeyAreNamed() throws Exception {
        PublicKeyRef publicKey = TestKeys.ed25519(new Random(9)).publicKey();
        Path pub = dir.resolve("replica.pub");
        KeyFiles.writePublicKey(pub, publicKey);
        expectPrivateKeyError(pub, "expected a \"PRIVATE KEY\" PEM block, found \"PUBLIC KEY\"");

        Path priv = dir.resolve("replica.key");
        KeyFiles.writePrivateKey(priv, TestKeys.ed25519(new Random(10)));
        assertThatThrownBy(() -> KeyFiles.readPublicKey(priv)).isInstanceOf(KeyFileException.class)
                .hasMessageContaining("expected a \"PUBLIC KEY\" PEM block, found \"PRIVATE KEY\"");

        expectPrivateKeyError(write("sec1.key", pem("EC PRIVATE KEY", new byte[] {0x30, 0})), "openssl pkcs8 -topk8");
        expectPrivateKeyError(write("enc.key", pem("ENCRYPTED PRIVATE KEY", new byte[] {0x30, 0})), "encrypted");

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(1024);
        Path rsaFile = write("rsa.key", pem("PRIVATE KEY", rsa.generateKeyPair().getPrivate().getEncoded()));
        expectPrivateKeyError(rsaFile, "unsupported key algorithm 1.2.840.113549.1.1.1");
    }

    private void expectPrivateKeyError(Path file, String problem) {
        assertThatThrownBy(() -> KeyFiles.readPrivateKey(file)).isInstanceOf(KeyFileException.class)
                .hasMessageStartingWith(file.toString() + ": ").hasMessageContaining(problem)
                .satisfies(e -> assertThat(((KeyFileException) e).file()).isEqualTo(file));
    }

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.US_ASCII);
        return file;
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder().encodeToString(der) + "\n-----END " + label + "-----\n";
    }

    private static byte[] ecPkcs8(BigInteger scalar, PublicKeyRef publicKey) throws IOException {
        AlgorithmIdentifier id = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, X9ObjectIdentifiers.prime256v1);
        ECPrivateKey sec1 = new ECPrivateKey(256, scalar, new DERBitString(publicKey.raw()), null);
        return new PrivateKeyInfo(id, sec1).getEncoded();
    }

    /** The private scalar of a P-256 key, read back from its own PKCS#8 encoding. */
    private static final class PrivateKeyInfoScalar {
        static BigInteger of(EcdsaP256SigningKey key) throws IOException {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.toPkcs8());
            return ECPrivateKey.getInstance(info.parsePrivateKey()).getKey();
        }
    }
}
