package io.bastion.net.tls;

import java.security.cert.CertificateException;

/**
 * A certificate the other end of a TLS connection presented and Bastion refused. The message names
 * the replica (the one expected, the one the certificate claims, or both) and the reason in words;
 * {@link #reason()} is for counting and tests. The TLS engine turns it into a failed handshake.
 */
public final class RejectedCertificateException extends CertificateException {
    /** Why a certificate was refused. */
    public enum Reason {
        /** Its validity ended before now. */
        EXPIRED,
        /** Its validity starts after now. */
        NOT_YET_VALID,
        /** It was issued by a CA the cluster file does not name (or the chain does not verify). */
        UNKNOWN_CA,
        /** Its names (subject alternative names) do not include the host the cluster file gives. */
        WRONG_NAME,
        /** It is a good certificate of another replica than the one expected. */
        OTHER_REPLICA,
        /** It claims a replica but is not signed by that replica's key in the cluster file. */
        KEY_MISMATCH,
        /** It is neither a replica certificate nor issued by the cluster CA. */
        NOT_A_REPLICA
    }

    private final Reason reason;

    public RejectedCertificateException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RejectedCertificateException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The first {@code RejectedCertificateException} in {@code failure}'s causes, or {@code null}. */
    public static RejectedCertificateException in(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RejectedCertificateException rejected) {
                return rejected;
            }
        }
        return null;
    }
}
