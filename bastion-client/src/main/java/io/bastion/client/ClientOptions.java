package io.bastion.client;

import java.time.Duration;

/**
 * Client tunables.
 *
 * @param requestTimeout      give up on a request after this long
 * @param retransmitInitial   first retransmission after this long without a quorum of replies
 * @param retransmitMax       retransmission back-off stops doubling here
 * @param unreachableAfter    fail fast when fewer than f+1 replicas were connected for this long
 * @param pendingMax          most requests queued behind the outstanding one
 * @param auth                how requests are authenticated: signed (the default) or, in MAC client
 *                            mode, by one HMAC tag per replica (see docs/protocol.md, "MAC client mode")
 * @param macSendsMax         MAC client mode: a request is sent with tags this many times at most,
 *                            then signed (the same request: replicas that could not check its tags,
 *                            and a primary that ignores it, are then held to PBFT's rules)
 */
public record ClientOptions(Duration requestTimeout, Duration retransmitInitial, Duration retransmitMax,
                            Duration unreachableAfter, int pendingMax, ClientAuth auth, int macSendsMax) {
    /** How a client authenticates its requests. */
    public enum ClientAuth {
        /** Each request signed with the client's key: authentic to everyone, non-repudiable. */
        SIGNED,
        /**
         * Each request carries an HMAC-SHA256 tag per replica, under a key set up per connection:
         * one HMAC per request at each replica instead of a signature check; no non-repudiation.
         * Needs TLS on the client port.
         */
        MAC
    }

    /** Sends with tags before a MAC-mode request is signed: the first and two retransmissions. */
    public static final int MAC_SENDS_DEFAULT = 3;

    public ClientOptions {
        java.util.Objects.requireNonNull(auth, "auth");
        if (macSendsMax < 1) {
            throw new IllegalArgumentException("macSendsMax must be at least 1, got " + macSendsMax);
        }
    }

    public static ClientOptions defaults() {
        return new ClientOptions(Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(4),
                Duration.ofSeconds(5), 10_000, ClientAuth.SIGNED, MAC_SENDS_DEFAULT);
    }

    public ClientOptions withRequestTimeout(Duration timeout) {
        return new ClientOptions(timeout, retransmitInitial, retransmitMax, unreachableAfter, pendingMax, auth,
                macSendsMax);
    }

    public ClientOptions withUnreachableAfter(Duration d) {
        return new ClientOptions(requestTimeout, retransmitInitial, retransmitMax, d, pendingMax, auth, macSendsMax);
    }

    /** These options with requests authenticated as {@code auth} says. */
    public ClientOptions withAuth(ClientAuth auth) {
        return new ClientOptions(requestTimeout, retransmitInitial, retransmitMax, unreachableAfter, pendingMax, auth,
                macSendsMax);
    }

    /** These options with a MAC-mode request signed from its {@code sends + 1}-th sending on. */
    public ClientOptions withMacSendsMax(int sends) {
        return new ClientOptions(requestTimeout, retransmitInitial, retransmitMax, unreachableAfter, pendingMax, auth,
                sends);
    }
}
