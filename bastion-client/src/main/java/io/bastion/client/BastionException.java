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

    /** The client was closed while the request was pending. */
    public static final class Closed extends BastionException {
        public Closed(String message) {
            super(message);
        }
    }
}
