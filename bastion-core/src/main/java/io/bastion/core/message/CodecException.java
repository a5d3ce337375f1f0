package io.bastion.core.message;

/**
 * A frame that is not a canonical encoding of any message: truncated, oversized, of unknown type,
 * with trailing bytes or out-of-range fields. The message says what was wrong and where.
 */
public final class CodecException extends Exception {
    /** Why a frame was rejected; used to count rejections per reason. */
    public enum Reason { TRUNCATED, OVERSIZED, UNKNOWN_TYPE, TRAILING_BYTES, INVALID_FIELD }

    private final Reason reason;

    public CodecException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
