package io.bastion.server.storage;

import io.bastion.core.message.Codec;
import io.bastion.core.message.CodecException;
import io.bastion.core.message.MessageType;
import io.bastion.core.message.Envelope;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The record format of log segments, in one place. All integers big-endian.
 *
 * <pre>
 * record     := lengthWord:u32 crc:u32 seq:i64 frame
 * lengthWord := groupStart:1 bit (the top bit) frameLength:31 bits
 * crc        := CRC32C of lengthWord, seq and frame
 * frame      := a frame body as Codec.encodeFrame gives it (encoding, signature length, signature)
 * </pre>
 *
 * The group-start bit marks the first record of each {@code appendDurably} call. It is what lets
 * recovery tell a torn write from damage: a crash can tear only the group being written, so a bad
 * record followed by the start of a later group means that data already reported durable is
 * damaged. Stateless.
 */
final class LogRecords {
    static final int HEADER_BYTES = 16;
    /** Smallest frame body: a type byte and a signature length. */
    static final int FRAME_BYTES_MIN = 2;
    /** Largest frame body a record holds; well above the transport's default frame limit. */
    static final int FRAME_BYTES_MAX = 32 << 20;

    private static final int GROUP_START_BIT = 0x8000_0000;
    private static final int LENGTH_MASK = 0x7FFF_FFFF;
    private static final int CRC_OFFSET = 4;
    private static final int SEQ_OFFSET = 8;

    private LogRecords() {}

    /** What reading at one offset gives: a record, or the reason there is none. */
    sealed interface Read permits Record, Bad {}

    /** A record that passed every check. {@code size} counts header and frame. */
    record Record(int offset, int size, boolean groupStart, long seq, Envelope<?> message) implements Read {}

    /** No record at {@code offset}: {@code damage} says of what kind, {@code problem} in words. */
    record Bad(int offset, Damage damage, String problem) implements Read {}

    /** Kinds of unreadable bytes, by what could have caused them. */
    enum Damage {
        /** The file ends inside the record: a crash during the write, or truncation. */
        INCOMPLETE,
        /** Length out of range or checksum mismatch: a torn write, or corruption. */
        CHECKSUM,
        /** The checksum holds but the frame does not decode: never a crash, always a fault. */
        UNDECODABLE
    }

    /** The 16 header bytes of a record holding {@code frame}. */
    static byte[] header(boolean groupStart, long seq, byte[] frame) {
        byte[] header = new byte[HEADER_BYTES];
        ByteBuffer b = ByteBuffer.wrap(header);
        b.putInt(0, frame.length | (groupStart ? GROUP_START_BIT : 0));
        b.putLong(SEQ_OFFSET, seq);
        CRC32C crc = new CRC32C();
        crc.update(header, 0, CRC_OFFSET);
        crc.update(header, SEQ_OFFSET, Long.BYTES);
        crc.update(frame);
        b.putInt(CRC_OFFSET, (int) crc.getValue());
        return header;
    }

    /** Reads the record at {@code offset} of {@code data}, checking length, checksum and frame. */
    static Read read(byte[] data, int offset) {
        int available = data.length - offset;
        if (available < HEADER_BYTES) {
            return new Bad(offset, Damage.INCOMPLETE, "only " + available + " of " + HEADER_BYTES + " header bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        int word = b.getInt(offset);
        int length = word & LENGTH_MASK;
        if (length < FRAME_BYTES_MIN || length > FRAME_BYTES_MAX) {
            return new Bad(offset, Damage.CHECKSUM, "frame length " + length + " out of range");
        }
        if (length > available - HEADER_BYTES) {
            return new Bad(offset, Damage.INCOMPLETE,
                    "frame of " + length + " bytes, only " + (available - HEADER_BYTES) + " present");
        }
        if (b.getInt(offset + CRC_OFFSET) != checksum(data, offset, length)) {
            return new Bad(offset, Damage.CHECKSUM, "CRC32C mismatch");
        }
        try {
            Envelope<?> message = Codec.decodeStoredFrame(data, offset + HEADER_BYTES, length);
            return new Record(offset, HEADER_BYTES + length, (word & GROUP_START_BIT) != 0,
                    b.getLong(offset + SEQ_OFFSET), message);
        } catch (CodecException e) {
            return new Bad(offset, Damage.UNDECODABLE, "frame with a valid checksum does not decode: " + e.getMessage());
        }
    }

    private static int checksum(byte[] data, int offset, int frameLength) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, CRC_OFFSET);
        crc.update(data, offset + SEQ_OFFSET, Long.BYTES + frameLength);
        return (int) crc.getValue();
    }

    /** Records of one segment in order and, unless it ends cleanly, the first bad spot ({@code null} otherwise). */
    record Scan(List<Record> records, Bad bad) {
        /** Where the good records end. */
        int end() {
            return records.isEmpty() ? 0 : records.getLast().offset() + records.getLast().size();
        }
    }

    /** Reads records from the start of {@code data} until its end or the first bad one. */
    static Scan scan(byte[] data) {
        List<Record> records = new ArrayList<>();
        int offset = 0;
        while (offset < data.length) {
            switch (read(data, offset)) {
                case Record r -> {
                    records.add(r);
                    offset += r.size();
                }
                case Bad bad -> {
                    return new Scan(records, bad);
                }
            }
        }
        return new Scan(records, null);
    }

    /**
     * The offset of the first valid group-start record after {@code from}, or -1. Tries every
     * offset, so it finds one even when the bad record's own length is wrong; cheap tests of the
     * length word and the type byte rule out nearly all offsets before a checksum is computed.
     */
    static int nextGroupStart(byte[] data, int from) {
        ByteBuffer b = ByteBuffer.wrap(data);
        for (int offset = from; offset <= data.length - HEADER_BYTES - FRAME_BYTES_MIN; offset++) {
            int word = b.getInt(offset);
            int length = word & LENGTH_MASK;
            boolean plausible = (word & GROUP_START_BIT) != 0
                    && length >= FRAME_BYTES_MIN && length <= data.length - offset - HEADER_BYTES
                    && MessageType.ofCode(data[offset + HEADER_BYTES] & 0xFF) != null;
            if (plausible && read(data, offset) instanceof Record r && r.groupStart()) {
                return offset;
            }
        }
        return -1;
    }
}
