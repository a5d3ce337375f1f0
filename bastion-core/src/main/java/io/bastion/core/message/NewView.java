package io.bastion.core.message;

import java.util.List;

/**
 * The new primary's start of {@code view}: the 2f+1 VIEW-CHANGEs it chose and the PRE-PREPAREs it
 * derived from them (re-proposals of prepared batches, null batches for gaps). Every replica
 * recomputes the derivation and accepts the view only if it matches. Signed by the new primary.
 */
public record NewView(int view, List<Envelope<ViewChange>> viewChanges, List<Envelope<PrePrepare>> prePrepares)
        implements Message {
    public NewView {
        viewChanges = List.copyOf(viewChanges);
        prePrepares = List.copyOf(prePrepares);
    }

    @Override
    public MessageType type() {
        return MessageType.NEW_VIEW;
    }
}
