package io.bastion.net;

/**
 * Why an outgoing frame was discarded instead of sent. The protocol retransmits whatever matters,
 * so the transport drops rather than blocks; each drop is counted in {@link TransportCounters}.
 */
public enum Drop {
    /** The oldest queued frame, pushed out by a newer one beyond the queue's frame or byte bound. */
    QUEUE_FULL,
    /** A frame larger than {@link NetSettings#frameBytesMax()}: the receiver would refuse it. */
    OVERSIZED,
    /** A reply for a client id that no open connection is bound to. */
    CLIENT_UNBOUND,
    /** A frame handed to a transport that has been closed. */
    CLOSED
}
