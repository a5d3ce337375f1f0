package io.bastion.server.storage;

import io.bastion.core.message.Codec;
import io.bastion.core.message.Commit;
import io.bastion.core.message.Decided;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Message;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A log written before COMMITs went unsigned holds COMMIT frames with a signature: it must still
 * open after an upgrade (a whole-cluster restart recovers from it), and nothing else may pass.
 */
class LogRecordsTest {
    /** The record holding {@code message}'s encoding with a 64-byte signature attached. */
    private static byte[] recordWithSignature(Message message, long seq) {
        byte[] encoding = Codec.encodeMessage(message);
        byte[] frame = Arrays.copyOf(encoding, encoding.length + 1 + 64);
        frame[encoding.length] = 64;
        Arrays.fill(frame, encoding.length + 1, frame.length, (byte) 5);
        byte[] header = LogRecords.header(true, seq, frame);
        byte[] record = Arrays.copyOf(header, header.length + frame.length);
        System.arraycopy(frame, 0, record, header.length, frame.length);
        return record;
    }

    @Test
    void aSignedCommitOfAnEarlierVersionIsReadAsTheUnsignedCommit() {
        Commit commit = new Commit(1, 0, 7, TestMessages.digest(7));
        byte[] record = recordWithSignature(commit, 7);
        LogRecords.Read read = LogRecords.read(record, 0);
        assertThat(read).isInstanceOf(LogRecords.Record.class);
        LogRecords.Record r = (LogRecords.Record) read;
        assertThat(r.seq()).isEqualTo(7);
        assertThat(r.size()).isEqualTo(record.length);
        assertThat(r.message()).isEqualTo(Envelope.unsigned(commit));
    }

    @Test
    void anotherUnsignedTypeWithASignatureIsStillDamage() {
        byte[] record = recordWithSignature(new Decided(1, 7, TestMessages.digest(7)), 7);
        LogRecords.Read read = LogRecords.read(record, 0);
        assertThat(read).isInstanceOf(LogRecords.Bad.class);
        assertThat(((LogRecords.Bad) read).damage()).isEqualTo(LogRecords.Damage.UNDECODABLE);
    }

    @Test
    void anUnsignedCommitAsThisVersionWritesItIsRead() {
        Envelope<Commit> commit = Envelope.unsigned(new Commit(2, 1, 9, TestMessages.digest(9)));
        byte[] frame = Codec.encodeFrame(commit);
        byte[] header = LogRecords.header(false, 9, frame);
        byte[] record = Arrays.copyOf(header, header.length + frame.length);
        System.arraycopy(frame, 0, record, header.length, frame.length);
        assertThat(LogRecords.read(record, 0)).isInstanceOfSatisfying(LogRecords.Record.class,
                r -> assertThat(r.message()).isEqualTo(commit));
    }
}
