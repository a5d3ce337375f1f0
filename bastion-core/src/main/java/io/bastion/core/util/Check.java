package io.bastion.core.util;

/**
 * Always-on assertions for Bastion's own invariants. Unlike {@code assert}, these run without
 * {@code -ea}: a broken invariant of our own is a bug, and continuing would risk safety.
 * Bad input from the network must never reach these — validate it and drop it instead.
 */
public final class Check {
    private Check() {}

    /** Thrown when an invariant of Bastion's own code does not hold. */
    public static final class InvariantViolation extends IllegalStateException {
        public InvariantViolation(String message) {
            super(message);
        }
    }

    public static void that(boolean condition, String message) {
        if (!condition) {
            throw new InvariantViolation(message);
        }
    }

    public static void that(boolean condition, String format, Object... args) {
        if (!condition) {
            throw new InvariantViolation(String.format(format, args));
        }
    }

    public static RuntimeException unreachable(String what) {
        throw new InvariantViolation("unreachable: " + what);
    }

    /** Validates an argument of a public API (configuration, caller input). */
    public static void argument(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
