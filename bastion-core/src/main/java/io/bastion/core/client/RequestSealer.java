package io.bastion.core.client;

import io.bastion.core.crypto.Signer;
import io.bastion.core.message.Envelope;
import io.bastion.core.message.Request;

/**
 * How a client authenticates each sending of a request: by its signature (the default), or in
 * MAC client mode by one tag per replica, falling back to the signature when tags do not get the
 * request ordered. Every form has the same digest, so a request sent one way and then another is
 * one request to the replicas.
 */
@FunctionalInterface
public interface RequestSealer {
    /**
     * The envelope for the {@code send}-th sending (1 = the first) of {@code request};
     * {@code previous} is the envelope of the sending before ({@code null} for the first), returned
     * again when nothing would change.
     */
    Envelope<Request> seal(Request request, long send, Envelope<Request> previous);

    /** Signs once and sends the same signed request every time. */
    static RequestSealer signing(Signer signer) {
        return (request, send, previous) -> previous != null && !previous.hasAuthenticator() ? previous
                : Envelope.sign(request, signer);
    }
}
