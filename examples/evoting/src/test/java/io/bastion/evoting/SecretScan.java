package io.bastion.evoting;

import io.bastion.evoting.ballot.BallotRandomness;
import io.bastion.threshold.P256Group;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.interfaces.ECPrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looking through what a replica keeps for what it must never hold: a voter's enrollment code, the
 * private keys derived from it or made on their device, a ballot's randomness, a choice in plain
 * form. A file is read as ISO-8859-1, one char per byte, so that binary files (SQLite pages, log
 * segments) and text files (logs, JSON) are searched alike. Shared by the in-process tests
 * ({@code NoSecretsTest}) and the process tests of bastion-cli.
 */
public final class SecretScan {
    /**
     * A plaintext choice as a client would send it unencrypted: a {@code "choices"} array whose first
     * element is not an object (an option name, a 0/1 mark). An encrypted ballot's {@code "choices"}
     * holds objects only ({@code [{"alpha":…}]}, docs/ballots.md).
     */
    public static final Pattern PLAINTEXT_CHOICES = Pattern.compile("\"choices\"\\s*:\\s*\\[\\s*[^\\s{]");

    /** Something that must not be found, in one of its forms, and what it is. */
    public record Secret(String what, String form) {}

    private SecretScan() {}

    /** A 32-byte big-endian scalar as a file would hold it raw (NoSecretsTest's form). */
    public static String scalar(BigInteger value) {
        return latin1(P256Group.INSTANCE.encodeScalar(value));
    }

    /** {@code bytes} as they are, in base64url (unpadded), base64 and hex: how binary values are written. */
    public static List<Secret> forms(String what, byte[] bytes) {
        List<Secret> forms = new ArrayList<>();
        forms.add(new Secret(what + " (raw)", latin1(bytes)));
        forms.add(new Secret(what + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(bytes)));
        forms.add(new Secret(what + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(bytes)));
        forms.add(new Secret(what + " (hex)", HexFormat.of().formatHex(bytes)));
        forms.add(new Secret(what + " (HEX)", HexFormat.of().withUpperCase().formatHex(bytes)));
        return forms;
    }

    /** A scalar's 32 big-endian bytes in each of {@link #forms}. */
    public static List<Secret> scalarForms(String what, BigInteger value) {
        return forms(what, P256Group.INSTANCE.encodeScalar(value));
    }

    /**
     * What a voter keeps to themselves: the enrollment code (as handed out and normalised), the private
     * scalar scrypt derives from it, and their credential's private key.
     */
    public static List<Secret> voter(String id, String code, KeyPair credential) {
        List<Secret> secrets = new ArrayList<>();
        for (String form : List.of(code, EnrollmentCode.normalize(code), code.toLowerCase(java.util.Locale.ROOT))) {
            secrets.add(new Secret("the enrollment code of " + id, latin1(form.getBytes(StandardCharsets.UTF_8))));
        }
        secrets.addAll(scalarForms("the enrollment private key of " + id, EnrollmentCode.privateScalar(id, code)));
        secrets.addAll(scalarForms("the credential's private key of " + id,
                ((ECPrivateKey) credential.getPrivate()).getS()));
        return secrets;
    }

    /**
     * A ballot's randomness, which decrypts it without the threshold key: each option's encryption
     * randomness {@code r_j} and the secret nonce {@code w} of each proof (the simulated branches'
     * values are published in the ballot).
     */
    public static List<Secret> ballot(String what, BallotRandomness randomness) {
        List<Secret> secrets = new ArrayList<>();
        for (int j = 0; j < randomness.options().size(); j++) {
            BallotRandomness.Option option = randomness.options().get(j);
            secrets.addAll(scalarForms(what + ": option " + j + "'s r", option.r()));
            secrets.addAll(scalarForms(what + ": option " + j + "'s proof nonce", option.proof().w()));
        }
        secrets.addAll(scalarForms(what + ": the overall proof's nonce", randomness.overall().w()));
        return secrets;
    }

    /** Each place in {@code file} where one of {@code secrets} occurs, or a plaintext choice does: empty when clean. */
    public static List<String> findings(Path file, List<Secret> secrets) {
        String text;
        try {
            text = latin1(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<String> findings = new ArrayList<>();
        for (Secret secret : secrets) {
            int at = text.indexOf(secret.form());
            if (at >= 0) {
                findings.add(secret.what() + " in " + file + " at byte " + at);
            }
        }
        Matcher plaintext = PLAINTEXT_CHOICES.matcher(text);
        if (plaintext.find()) {
            findings.add("a plaintext choice in " + file + " at byte " + plaintext.start() + ": "
                    + text.substring(plaintext.start(), Math.min(text.length(), plaintext.start() + 60)));
        }
        return findings;
    }

    /** Whether {@code a} and {@code b} occur within {@code distance} chars of each other in {@code text}. */
    public static boolean near(String text, String a, String b, int distance) {
        for (int i = text.indexOf(a); i >= 0; i = text.indexOf(a, i + 1)) {
            int from = Math.max(0, i - distance);
            int to = Math.min(text.length(), i + a.length() + distance);
            if (text.substring(from, to).contains(b)) {
                return true;
            }
        }
        return false;
    }

    /** Bytes as a string of one char each, for searching. */
    public static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
