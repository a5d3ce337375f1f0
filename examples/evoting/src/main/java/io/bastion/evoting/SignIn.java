package io.bastion.evoting;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.service.Authorization;
import io.bastion.evoting.ballot.Credential;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.Set;

/**
 * Signing in and enrolling, as every replica decides them: the Join's credentials are parsed
 * strictly, every signature is checked against public keys in the voter table, and the identity is
 * the voter id. {@link #authorize} only reads; an enrollment it accepted is recorded by {@link
 * #recordEnrollment} once the session is open. The formats are {@link JoinCredentials}'s.
 * Deterministic: no clock, no randomness.
 */
final class SignIn {
    static final String BAD_CREDENTIALS = "credentials must be JSON {\"voter\": \"<id>\", \"signature\": \"<base64url>\"}"
            + " (and \"enroll\": {\"credential\": …, \"signature\": …} to enroll)";
    static final String UNKNOWN = "unknown voter or bad signature";
    static final String WRONG_CODE = "unknown voter or wrong enrollment code";
    private static final Set<String> KEYS = Set.of("voter", "signature", "enroll");
    private static final Set<String> ENROLL_KEYS = Set.of("credential", "signature");

    /** Credentials as parsed: the voter, the sign-in signature, and the enrollment if there is one. */
    private record Parsed(String voter, byte[] signature, Credential credential, byte[] enrollmentSignature) {
        boolean enrolling() {
            return credential != null;
        }
    }

    /** Credentials that are not what a Join needs. */
    private static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    private SignIn() {}

    /** Accepts the voter the credentials prove, or refuses saying why. */
    static Authorization authorize(ObjectMapper json, byte[] credentials, PublicKeyRef sessionKey, Connection c)
            throws SQLException {
        Parsed parsed;
        try {
            parsed = parse(json, credentials);
        } catch (Malformed e) {
            return Authorization.refuse(e.getMessage());
        }
        Voters.Voter voter = Voters.ID.matcher(parsed.voter()).matches() ? Voters.find(c, parsed.voter()) : null;
        byte[] signInMessage = JoinCredentials.signInMessage(sessionKey.raw());
        if (!parsed.enrolling()) {
            boolean good = voter != null && voter.enrolled()
                    && voter.credential().verifies(signInMessage, parsed.signature());
            return good ? Authorization.accept(voter.id()) : Authorization.refuse(UNKNOWN);
        }
        if (voter == null || !voter.enrollmentKey().verifies(
                JoinCredentials.enrollmentMessage(voter.id(), parsed.credential().bytes()), parsed.enrollmentSignature())) {
            return Authorization.refuse(WRONG_CODE);
        }
        if (voter.enrolled()) {
            return Authorization.refuse("voter " + voter.id() + " is already enrolled: sign in with your credential"
                    + " (an admin's resetCredential lets you enroll again, with a new code)");
        }
        if (Voters.holderOf(c, parsed.credential()) != null) {
            return Authorization.refuse("this credential is already another voter's: make a new one");
        }
        if (!parsed.credential().verifies(signInMessage, parsed.signature())) {
            return Authorization.refuse("the signature over the session key does not verify under the credential"
                    + " being enrolled");
        }
        return Authorization.accept(voter.id());
    }

    /**
     * Records the credential of an enrollment that {@link #authorize} accepted for {@code identity},
     * in the Join's transaction; nothing for a plain sign-in.
     */
    static void recordEnrollment(ObjectMapper json, byte[] credentials, String identity, Connection c,
                                 long nowMillis) throws SQLException {
        Parsed parsed;
        try {
            parsed = parse(json, credentials);
        } catch (Malformed e) {
            throw new IllegalStateException("credentials that authorize accepted do not parse: " + e.getMessage());
        }
        if (parsed.enrolling() && !Voters.enroll(c, identity, parsed.credential(), nowMillis)) {
            throw new IllegalStateException("voter " + identity + " was enrolled between authorize and the session");
        }
    }

    private static Parsed parse(ObjectMapper json, byte[] credentials) throws Malformed {
        JsonNode node;
        try {
            node = json.readTree(credentials);
        } catch (IOException e) {
            throw new Malformed(BAD_CREDENTIALS);
        }
        if (node == null || !node.isObject() || !onlyKeys(node, KEYS) || !node.path("voter").isTextual()) {
            throw new Malformed(BAD_CREDENTIALS);
        }
        byte[] signature = signature(node.get("signature"));
        if (signature == null) {
            throw new Malformed(BAD_CREDENTIALS);
        }
        JsonNode enroll = node.get("enroll");
        if (enroll == null) {
            return new Parsed(node.get("voter").textValue(), signature, null, null);
        }
        if (!enroll.isObject() || !onlyKeys(enroll, ENROLL_KEYS) || !enroll.path("credential").isTextual()) {
            throw new Malformed(BAD_CREDENTIALS);
        }
        byte[] raw = Base64Url.decode(enroll.get("credential").textValue(), Credential.BYTES);
        if (raw == null) {
            throw new Malformed("enroll.credential: must be " + Credential.BYTES + " bytes in base64url without padding");
        }
        Credential credential;
        try {
            credential = Credential.decode(raw);
        } catch (IllegalArgumentException e) {
            throw new Malformed("enroll.credential: " + e.getMessage());
        }
        byte[] enrollmentSignature = signature(enroll.get("signature"));
        if (enrollmentSignature == null) {
            throw new Malformed(BAD_CREDENTIALS);
        }
        return new Parsed(node.get("voter").textValue(), signature, credential, enrollmentSignature);
    }

    private static byte[] signature(JsonNode node) {
        return node != null && node.isTextual() ? Base64Url.decode(node.textValue(), Credential.SIGNATURE_BYTES) : null;
    }

    private static boolean onlyKeys(JsonNode object, Set<String> allowed) {
        for (Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            if (!allowed.contains(names.next())) {
                return false;
            }
        }
        return true;
    }
}
