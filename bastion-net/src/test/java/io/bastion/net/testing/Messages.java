package io.bastion.net.testing;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Prepare;
import io.bastion.core.message.Reply;
import io.bastion.core.message.Request;
import io.bastion.core.message.Signed;
import io.bastion.core.message.Status;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Small valid messages for transport tests. */
public final class Messages {
    private Messages() {}

    public static Signed<Prepare> prepare(int replicaId, long seq, Signer signer) {
        Digest digest = Digest.sha256(("batch " + seq).getBytes(StandardCharsets.UTF_8));
        return Signed.sign(new Prepare(replicaId, 0, seq, digest), signer);
    }

    public static Signed<Status> status(int replicaId, long lastExecuted) {
        return Signed.unsigned(new Status(replicaId, 0, false, lastExecuted, 0));
    }

    public static Signed<Request> request(long clientId, long number, Signer signer) {
        return Signed.sign(new Request(clientId, number, false, new byte[] {1, 2, 3}), signer);
    }

    public static Signed<Reply> reply(int replicaId, long clientId, long number, byte[] result) {
        return Signed.unsigned(new Reply(replicaId, 0, number, clientId, number, result, 0, 1, List.of(), new byte[32]));
    }
}
