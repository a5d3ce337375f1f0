package io.bastion.core.execution;

import io.bastion.core.message.Reply;

/**
 * A client's last reply as the replicated state keeps it, the other half of exactly-once: the
 * batch that executed the request, its number, and what it answered. Kept in memory by
 * {@link ExecutionEngine} and in a table by the SQL state machine, used alike by {@link ExecutionRules}.
 */
public record CachedReply(long seq, long requestNumber, Reply.Status status, byte[] result) {}
