package io.bastion.core.message;

import io.bastion.core.crypto.Digest;

/** One request as ordered by a pre-prepare: who sent it, its number, and its digest. */
public record BatchEntry(long clientId, long requestNumber, Digest requestDigest) {}
