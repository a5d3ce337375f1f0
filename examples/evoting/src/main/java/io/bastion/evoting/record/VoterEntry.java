package io.bastion.evoting.record;

import io.bastion.evoting.ballot.Credential;

import java.util.List;

/**
 * One eligible voter in the record, without their voter id: every credential their ballots in this
 * election were cast with, their current one first (a voter whose credential an admin reset has
 * more than one), and the enrollment public key the admin registered for them.
 *
 * @param enrolled whether they hold an enrolled credential now (it is then the first of
 *                 {@code credentials}); a voter who never enrolled has no credential at all
 */
public record VoterEntry(List<Credential> credentials, Credential enrollmentKey, boolean enrolled) {
    public VoterEntry {
        credentials = List.copyOf(credentials);
    }
}
