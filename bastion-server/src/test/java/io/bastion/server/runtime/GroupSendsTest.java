package io.bastion.server.runtime;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.BatchEntry;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Vouch;
import io.bastion.core.replica.Output;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a group of core steps sends: everything the steps asked for, in order, except that the
 * replica's own VOUCH broadcasts go out merged, after the rest.
 */
class GroupSendsTest {
    private static final int ME = 2;

    private static BatchEntry request(int i) {
        return new BatchEntry(1_000 + i, 1, Digest.sha256(new byte[] {(byte) i, (byte) (i >> 8)}));
    }

    private static Output.Send vouch(int replicaId, int... requests) {
        return new Output.Send(Output.BROADCAST, Envelope.unsigned(new Vouch(replicaId,
                IntStream.of(requests).mapToObj(GroupSendsTest::request).toList())));
    }

    private static Output.Send commit(int to, long seq) {
        return new Output.Send(to, Envelope.unsigned(new Commit(ME, 0, seq, Digest.sha256(new byte[] {(byte) seq}))));
    }

    private static Output output(Output.Send... sends) {
        Output out = new Output();
        out.sends.addAll(List.of(sends));
        return out;
    }

    @Test
    void theGroupsVouchesGoOutAsOneMessageAfterTheOtherSendsWhichKeepTheirOrder() {
        Output.Send first = commit(Output.BROADCAST, 7);
        Output.Send second = commit(1, 8);
        Output.Send third = commit(Output.BROADCAST, 9);
        List<Output> group = List.of(output(vouch(ME, 1), first), output(vouch(ME, 2, 3)), output(second, third),
                output(vouch(ME, 4)));

        List<Output.Send> sends = ReplicaRuntime.sendsOf(ME, group);

        assertThat(sends).hasSize(4);
        assertThat(sends.subList(0, 3)).containsExactly(first, second, third);
        assertThat(sends.get(3).to()).isEqualTo(Output.BROADCAST);
        assertThat(sends.get(3).message().message()).isEqualTo(new Vouch(ME, List.of(request(1), request(2),
                request(3), request(4))));
    }

    @Test
    void aGroupWithoutVouchesSendsExactlyWhatItsStepsAskedFor() {
        Output.Send only = commit(3, 1);
        assertThat(ReplicaRuntime.sendsOf(ME, List.of(output(only), new Output()))).containsExactly(only);
        assertThat(ReplicaRuntime.sendsOf(ME, List.of())).isEmpty();
    }

    @Test
    void moreVouchesThanOneMessageHoldsAreSplitInOrder() {
        int count = Vouch.REQUESTS_MAX + 5;
        List<Output> group = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            group.add(output(vouch(ME, i)));
        }

        List<Output.Send> sends = ReplicaRuntime.sendsOf(ME, group);

        assertThat(sends).hasSize(2);
        List<BatchEntry> sent = new ArrayList<>();
        for (Output.Send send : sends) {
            Vouch vouch = (Vouch) send.message().message();
            assertThat(vouch.replicaId()).isEqualTo(ME);
            assertThat(vouch.requests().size()).isLessThanOrEqualTo(Vouch.REQUESTS_MAX);
            sent.addAll(vouch.requests());
        }
        assertThat(sent).containsExactlyElementsOf(IntStream.range(0, count).mapToObj(GroupSendsTest::request).toList());
    }
}
