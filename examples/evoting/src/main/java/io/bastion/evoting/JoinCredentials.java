package io.bastion.evoting;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bastion.evoting.ballot.BallotBuilder;
import io.bastion.evoting.ballot.Credential;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;

/**
 * The credentials a voter's Join carries, and the bytes their signatures cover (docs/evoting.md,
 * "Signing in"). A voter's credential is an ECDSA P-256 key pair made on their device; replicas
 * hold only its public key. Signatures are ECDSA with SHA-256, 64 bytes r ‖ s, in base64url.
 *
 * <ul>
 * <li>Enrolling: {@code {"voter": id, "enroll": {"credential": …, "signature": …}, "signature": …}}: the
 *     enrollment key (from the code, {@link EnrollmentCode}) signs "bastion-evoting-enroll-v1" ‖ id ‖
 *     credential, and the new credential signs the session's key as when signing in.
 * <li>Signing in: {@code {"voter": id, "signature": …}}: the credential signs
 *     "bastion-evoting-signin-v1" ‖ the session's public key (its raw bytes).
 * </ul>
 * For tests and the command line; the page computes the same in the browser. Stateless.
 */
public final class JoinCredentials {
    /** What an enrollment signature covers first. */
    public static final String ENROLL_DOMAIN = "bastion-evoting-enroll-v1";
    /** What a sign-in signature covers first. */
    public static final String SIGN_IN_DOMAIN = "bastion-evoting-signin-v1";

    private JoinCredentials() {}

    /** "bastion-evoting-enroll-v1" ‖ voter id (UTF-8) ‖ credential (65 bytes). */
    public static byte[] enrollmentMessage(String voterId, byte[] credential) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(ENROLL_DOMAIN.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(voterId.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(credential);
        return out.toByteArray();
    }

    /** "bastion-evoting-signin-v1" ‖ the session's public key bytes. */
    public static byte[] signInMessage(byte[] sessionKey) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(SIGN_IN_DOMAIN.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(sessionKey);
        return out.toByteArray();
    }

    /** The Join credentials that sign in {@code voterId}, whose credential is {@code credential}, for session key {@code sessionKey}. */
    public static byte[] signIn(String voterId, KeyPair credential, byte[] sessionKey) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("voter", voterId);
        node.put("signature", Base64Url.encode(sign(credential, signInMessage(sessionKey))));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The Join credentials that enroll {@code credential} for {@code voterId}, proven with the
     * enrollment key pair {@code enrollment} (from the code), and sign in session key {@code sessionKey}.
     */
    public static byte[] enroll(String voterId, KeyPair enrollment, KeyPair credential, byte[] sessionKey) {
        byte[] credentialBytes = Credential.of(credential.getPublic()).bytes();
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("voter", voterId);
        ObjectNode enroll = node.putObject("enroll");
        enroll.put("credential", Base64Url.encode(credentialBytes));
        enroll.put("signature", Base64Url.encode(sign(enrollment, enrollmentMessage(voterId, credentialBytes))));
        node.put("signature", Base64Url.encode(sign(credential, signInMessage(sessionKey))));
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] sign(KeyPair key, byte[] message) {
        return BallotBuilder.signer(key.getPrivate()).sign(message);
    }
}
