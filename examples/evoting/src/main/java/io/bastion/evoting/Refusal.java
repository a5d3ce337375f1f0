package io.bastion.evoting;

/**
 * An expected refusal (a missing field, an election that is not open, a voter who may not do
 * this): the client gets {@code {"error": message}} as an ordinary reply. Operations throw it only
 * while they check, before they write, so a refused request leaves the database as it was.
 */
final class Refusal extends RuntimeException {
    Refusal(String message) {
        super(message, null, false, false);
    }
}
