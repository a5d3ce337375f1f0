package io.bastion.core.message;

import java.util.List;

/**
 * Evidence that a batch prepared: the primary's PRE-PREPARE and 2f matching PREPAREs from distinct
 * backups, all signed. Carried in VIEW-CHANGE so the next primary re-proposes the batch.
 */
public record PreparedProof(Envelope<PrePrepare> prePrepare, List<Envelope<Prepare>> prepares) {
    public PreparedProof {
        prepares = List.copyOf(prepares);
    }

    public long seq() {
        return prePrepare.message().seq();
    }

    public int view() {
        return prePrepare.message().view();
    }
}
