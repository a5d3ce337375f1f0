package io.bastion.evoting.ballot;

/**
 * A ballot that is not in the JSON form of docs/ballots.md. The message names the field and what is
 * wrong with it ({@code choices[1].alpha: not a point on P-256}), the same words the JavaScript
 * reader uses.
 */
public final class BallotFormatException extends IllegalArgumentException {
    public BallotFormatException(String message) {
        super(message);
    }
}
