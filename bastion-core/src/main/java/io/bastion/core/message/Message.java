package io.bastion.core.message;

/**
 * A protocol message. Messages are immutable records; {@link Codec} is the one place that turns
 * them into bytes and back. Dispatch on them with an exhaustive {@code switch}.
 */
public sealed interface Message
        permits Request, PrePrepare, Prepare, Commit, Checkpoint, Reply, Status, FetchRequests, RequestBodies,
        ViewChange, NewView, FetchState, StateManifest, StateChunk, Hello, Challenge, KeyNonce, SessionKey, Vouch,
        Decided {
    MessageType type();
}
