package io.bastion.net.testing;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Status;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small valid messages for transport tests. */
public final class Messages {
    private Messages() {}

    public static Envelope<Prepare> prepare(int replicaId, long seq, Signer signer) {
        Digest digest = Digest.sha256(("batch " + seq).getBytes(StandardCharsets.UTF_8));
        return Envelope.sign(new Prepare(replicaId, 0, seq, digest), signer);
    }

    public static Envelope<Status> status(int replicaId, long lastDelivered) {
        return Envelope.unsigned(new Status(replicaId, 0, false, lastDelivered, 0));
    }

    public static Envelope<Request> request(long clientId, long number, Signer signer) {
        return Envelope.sign(new Request(clientId, number, false, new byte[] {1, 2, 3}), signer);
    }

    public static Envelope<Reply> reply(int replicaId, long clientId, long number, byte[] result) {
        return Envelope.unsigned(new Reply(replicaId, 0, number, clientId, number, result, 0, 1, List.of(), new byte[32]));
    }
}
