package io.bastion.crypto;

import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The textual encoding of RFC 7468: a base64 body between "-----BEGIN label-----" and
 * "-----END label-----" lines. Text before the first block is ignored, as the RFC allows.
 * Stateless and thread-safe.
 */
final class Pem {
    static final String PRIVATE_KEY = "PRIVATE KEY";
    static final String PUBLIC_KEY = "PUBLIC KEY";
    private static final int LINE_CHARS = 64;
    private static final Pattern BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----");

    /** Why a text is not the PEM block expected; the message says what is wrong, without the file name. */
    static final class PemException extends Exception {
        PemException(String message) {
            super(message);
        }
    }

    /** One decoded block: its label and its DER body. */
    record Block(String label, byte[] der) {}

    private Pem() {}

    static String encode(String label, byte[] der) {
        String body = Base64.getMimeEncoder(LINE_CHARS, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    /** The first PEM block of {@code text}. */
    static Block decodeFirst(String text) throws PemException {
        Matcher begin = BEGIN.matcher(text);
        if (!begin.find()) {
            throw new PemException("no PEM block found (a line \"-----BEGIN ...-----\")");
        }
        String label = begin.group(1);
        String endLine = "-----END " + label + "-----";
        int end = text.indexOf(endLine, begin.end());
        if (end < 0) {
            throw new PemException("the " + label + " block has no \"" + endLine + "\" line");
        }
        String body = text.substring(begin.end(), end).replaceAll("\\s", "");
        if (body.isEmpty()) {
            throw new PemException("the " + label + " block is empty");
        }
        try {
            return new Block(label, Base64.getDecoder().decode(body));
        } catch (IllegalArgumentException e) {
            throw new PemException("the " + label + " block is not valid base64 (" + e.getMessage() + ")");
        }
    }
}
