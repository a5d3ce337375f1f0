package io.bastion.server.observe;

import io.bastion.core.TestKeys;
import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Checkpoint;
import io.bastion.core.message.Commit;
import io.bastion.core.message.FetchRequests;
import io.bastion.core.message.PrePrepare;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.RequestBodies;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;

import java.util.List;

/** Messages of every type with fixed contents, for trace tests. */
final class TraceMessages {
    static final Digest BATCH = Digest.sha256(new byte[] {1});
    static final Digest STATE = Digest.sha256(new byte[] {2});

    private TraceMessages() {}

    static Envelope<Request> request(long client, long number) {
        return Envelope.sign(new Request(client, number, false, new byte[] {1, 2, 3}), TestKeys.signer(client));
    }

    static Envelope<PrePrepare> prePrepare(int view, long seq) {
        Envelope<Request> r = request(1007, 5);
        return Envelope.sign(new PrePrepare(view, seq, 1_767_225_600_000L, 42,
                List.of(new BatchEntry(1007, 5, r.digest()))), TestKeys.signer(view % 4));
    }

    static Envelope<Prepare> prepare(int replica, int view, long seq) {
        return Envelope.sign(new Prepare(replica, view, seq, BATCH), TestKeys.signer(replica));
    }

    static Envelope<Commit> commit(int replica, int view, long seq) {
        return Envelope.unsigned(new Commit(replica, view, seq, BATCH));
    }

    static Envelope<Checkpoint> checkpoint(int replica, long seq) {
        return Envelope.sign(new Checkpoint(replica, seq, STATE), TestKeys.signer(replica));
    }

    static Envelope<Reply> reply(int replica, int view, long seq, long client, long number) {
        return Envelope.unsigned(new Reply(replica, view, seq, client, number, new byte[] {9}, 0, 1, List.of(),
                new byte[64]));
    }

    static Envelope<Status> status(int replica, int view) {
        return Envelope.unsigned(new Status(replica, view, false, 10, 0));
    }

    static Envelope<FetchRequests> fetch(int replica) {
        return Envelope.unsigned(new FetchRequests(replica, List.of(BATCH)));
    }

    static Envelope<RequestBodies> bodies(int replica) {
        return Envelope.unsigned(new RequestBodies(replica, List.of(request(1007, 5))));
    }
}
