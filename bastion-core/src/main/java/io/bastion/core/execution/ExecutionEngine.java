package io.bastion.core.execution;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.core.replica.Execute;
import io.bastion.core.service.Service;
import io.bastion.core.service.ServiceContext;
import io.bastion.core.util.Check;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs committed batches against an in-memory {@link Service} and keeps the last reply of every
 * client (the other half of exactly-once: a retransmitted request gets this cached reply). Its
 * state digest covers the service snapshot and the reply cache. Deterministic; owned by one
 * thread (the replica's executor, or the simulator).
 */
public final class ExecutionEngine {
    /** The outcome of one batch: signed replies and, at checkpoints, the state digest. */
    public record Result(long seq, List<Reply> replies, Digest stateDigest) {}

    private final Service service;
    private final ReplySigner replySigner;
    private final TreeMap<Long, Reply> lastReplies = new TreeMap<>();
    private long lastSeq;

    public ExecutionEngine(int replicaId, Signer signer, Service service) {
        this.service = service;
        this.replySigner = new ReplySigner(replicaId, signer);
    }

    public Result execute(Execute batch) {
        Check.that(batch.seq() == lastSeq + 1, "batch %d executed after %d", batch.seq(), lastSeq);
        List<ReplySigner.Unsigned> results = new ArrayList<>(batch.requests().size());
        int index = 0;
        for (Signed<Request> signed : batch.requests()) {
            Request r = signed.message();
            ServiceContext context = new ServiceContext(r.clientId(), r.requestNumber(), batch.seq(), index,
                    batch.timeMillis(), ServiceContext.deriveSeed(batch.seed(), index));
            results.add(new ReplySigner.Unsigned(r.clientId(), r.requestNumber(),
                    service.execute(r.operationUnsafe(), context)));
            index++;
        }
        List<Reply> replies = replySigner.sign(batch.view(), batch.seq(), results);
        for (Reply reply : replies) {
            lastReplies.put(reply.clientId(), reply);
        }
        lastSeq = batch.seq();
        return new Result(batch.seq(), replies, batch.checkpoint() ? stateDigest() : null);
    }

    /** The cached reply to (client, request number), or {@code null} if that is not the last one. */
    public Reply cachedReply(long clientId, long requestNumber) {
        Reply reply = lastReplies.get(clientId);
        return reply != null && reply.requestNumber() == requestNumber ? reply : null;
    }

    public long lastSeq() {
        return lastSeq;
    }

    /** SHA-256 over the service snapshot and every client's last (request number, result). */
    public Digest stateDigest() {
        MessageDigest md = Digest.newSha256();
        byte[] snapshot = service.snapshot();
        md.update(ByteBuffer.allocate(8).putLong(snapshot.length).array());
        md.update(snapshot);
        for (Map.Entry<Long, Reply> e : lastReplies.entrySet()) {
            Reply r = e.getValue();
            md.update(ByteBuffer.allocate(20).putLong(r.clientId()).putLong(r.requestNumber())
                    .putInt(r.resultUnsafe().length).array());
            md.update(r.resultUnsafe());
        }
        return Digest.of(md.digest());
    }
}
