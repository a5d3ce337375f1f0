package io.bastion.core.client;

import io.bastion.core.message.Reply;

/**
 * Checks a reply's batch signature (over the Merkle root its proof leads to) with the key of the
 * replica it claims to come from. Pure and thread-safe; never throws on bad input.
 */
@FunctionalInterface
public interface ReplyVerifier {
    boolean verify(Reply reply);
}
