package io.bastion.evoting.record;

import io.bastion.evoting.ballot.Credential;

/**
 * One ballot of the box as the record lists it: its number (its place in the box, 1, 2, … in the
 * agreed order), the tracker and credential the box shows, when it was cast, whether it counts, and
 * the ballot itself as its JSON text (docs/ballots.md), which the verifier reads and checks.
 */
public record BallotEntry(long number, String tracker, Credential credential, long castAtMillis, boolean counted,
                          String ballotJson) {}
