package io.bastion.client;

/** Why a request did not complete. The subclasses say which of the possible reasons it was. */
public class BastionException extends Exception {
    public BastionException(String message) {
        super(message);
    }

    /** No f+1 matching replies arrived in time, although some replicas were reachable. */
    public static final class Timeout extends BastionException {
        public Timeout(String message) {
            super(message);
        }
    }

    /** Not enough replicas could be reached at all to complete a request. */
    public static final class ClusterUnreachable extends BastionException {
        public ClusterUnreachable(String message) {
            super(message);
        }
    }

    /**
     * Replicas signed different results and no result can gather f+1: more than f replicas are
     * faulty. {@link #groups()} lists which replicas signed which result.
     */
    public static final class ConflictingReplies extends BastionException {
        private final java.util.List<java.util.Set<Integer>> groups;

        public ConflictingReplies(String message, java.util.List<java.util.Set<Integer>> groups) {
            super(message);
            this.groups = java.util.List.copyOf(groups);
        }

        public java.util.List<java.util.Set<Integer>> groups() {
            return groups;
        }
    }

    /**
     * Bastion refused the request without running the service; {@link #reason()} says why (the
     * text f+1 replicas signed). The subclasses name the reasons a program usually handles.
     */
    public static class Refused extends BastionException {
        private final String reason;

        public Refused(String reason) {
            this("refused: " + reason, reason);
        }

        Refused(String message, String reason) {
            super(message);
            this.reason = reason;
        }

        /** The replicas' reason, as they signed it. */
        public String reason() {
            return reason;
        }
    }

    /** A Join was refused: the service did not accept the credentials, the cluster is full, ... */
    public static final class JoinRefused extends Refused {
        public JoinRefused(String reason) {
            super("join refused: " + reason, reason);
        }
    }

    /**
     * The client's session is over (it left, or the same identity joined elsewhere, or it was
     * evicted while idle) and was not, or could not be, renewed. {@code join} opens a new one.
     */
    public static final class SessionEnded extends Refused {
        public SessionEnded(String reason) {
            super("session ended: " + reason, reason);
        }
    }

    /** The client was closed while the request was pending. */
    public static final class Closed extends BastionException {
        public Closed(String message) {
            super(message);
        }
    }
}
