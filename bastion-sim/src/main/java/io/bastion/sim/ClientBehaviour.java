package io.bastion.sim;

import java.util.List;
import java.util.Locale;

/**
 * How a simulated client behaves: honestly, or in one of the ways a client on the Internet may
 * misbehave. A faulty client is registered like any other and signs with its own key (it cannot
 * forge another client's signature, but it can replay what others signed). None of them may stall
 * the cluster, trigger view changes, or make a replica do unbounded work; the simulator holds
 * only the honest clients to liveness.
 */
public enum ClientBehaviour {
    HONEST,
    /** Sends every request to every replica but the current primary. */
    SKIP_PRIMARY,
    /** Sends each request (and its retransmissions) to a random non-empty subset of the replicas. */
    SUBSET,
    /** Sends different operations under one request number to different replicas. */
    EQUIVOCATE,
    /** Signs each request validly for a random subset of the replicas and sends the others a bad signature. */
    BAD_SIGNATURES,
    /** Sends again requests that clients (itself or others) sent earlier. */
    REPLAY,
    /** Sends new requests every tick without waiting for replies. */
    FLOOD,
    /**
     * Sends new requests every tick without waiting for replies, each to one backup only: a burst
     * of numbered requests that only that backup and, by relay, the primary hold.
     */
    FLOOD_ONE,
    /**
     * MAC client mode: tags each request validly for a random subset of the replicas (which may
     * leave out the primary) and wrongly for the others, the same authenticator to all.
     */
    BAD_TAGS;

    /** The faulty behaviours, from which a run picks when no attack is named. */
    public static final List<ClientBehaviour> FAULTY = List.of(SKIP_PRIMARY, SUBSET, EQUIVOCATE, BAD_SIGNATURES,
            REPLAY, FLOOD);

    /** The spelling on the command line, e.g. {@code skip-primary}. */
    public String flag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The behaviour spelled {@code flag} on the command line. */
    public static ClientBehaviour parse(String flag) {
        for (ClientBehaviour b : FAULTY) {
            if (b.flag().equals(flag)) {
                return b;
            }
        }
        if (FLOOD_ONE.flag().equals(flag)) { // named only, never picked at random (seeds keep their meaning)
            return FLOOD_ONE;
        }
        if (BAD_TAGS.flag().equals(flag)) {
            return BAD_TAGS;
        }
        throw new IllegalArgumentException("unknown client attack '" + flag + "'; one of "
                + FAULTY.stream().map(ClientBehaviour::flag).toList());
    }
}
