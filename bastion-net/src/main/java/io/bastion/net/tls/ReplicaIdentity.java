package io.bastion.net.tls;

import io.bastion.core.util.Check;
import io.bastion.crypto.SigningKey;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * What a replica presents on the replica mesh and its client port: a P-256 TLS key made in memory
 * and a certificate for it signed by the replica's key ({@link ReplicaCertificates}). Nothing is
 * written to disk. The certificate is valid for {@link #VALIDITY} from {@link #BACKDATE} before it
 * was made (clocks of the cluster may be a little apart); once it is older than
 * {@link #RENEW_AFTER}, the next handshake gets a new key and certificate, so a replica that runs
 * for months never presents an expired one. Thread-safe.
 */
public final class ReplicaIdentity implements KeyMaterialSource {
    public static final Duration VALIDITY = Duration.ofDays(7);
    public static final Duration BACKDATE = Duration.ofHours(1);
    public static final Duration RENEW_AFTER = Duration.ofDays(1);

    private final SigningKey replicaKey;
    private final int replicaId;
    private final String host;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private KeyMaterial current;
    private KeyMaterial previous;
    private Instant issuedAt;
    private long generation;

    public ReplicaIdentity(SigningKey replicaKey, int replicaId, String host, Clock clock) {
        Check.argument(replicaId >= 0, "replica id must be >= 0, got " + replicaId);
        this.replicaKey = replicaKey;
        this.replicaId = replicaId;
        this.host = host;
        this.clock = clock;
        renew(clock.instant());
    }

    public ReplicaIdentity(SigningKey replicaKey, int replicaId, String host) {
        this(replicaKey, replicaId, host, Clock.systemUTC());
    }

    /**
     * An identity that always presents {@code issued} (tests: an expired or foreign certificate).
     * It never renews.
     */
    public static KeyMaterialSource fixed(ReplicaCertificates.Issued issued) {
        KeyMaterial material = new KeyMaterial("fixed", issued.key(), new java.security.cert.X509Certificate[] {issued.certificate()});
        return new KeyMaterialSource() {
            @Override
            public KeyMaterial current() {
                return material;
            }

            @Override
            public KeyMaterial byAlias(String alias) {
                return material.alias().equals(alias) ? material : null;
            }
        };
    }

    public int replicaId() {
        return replicaId;
    }

    @Override
    public synchronized KeyMaterial current() {
        Instant now = clock.instant();
        if (Duration.between(issuedAt, now).compareTo(RENEW_AFTER) >= 0 || now.isBefore(issuedAt.minus(BACKDATE))) {
            renew(now);
        }
        return current;
    }

    @Override
    public synchronized KeyMaterial byAlias(String alias) {
        if (current.alias().equals(alias)) {
            return current;
        }
        return previous != null && previous.alias().equals(alias) ? previous : null;
    }

    private void renew(Instant now) {
        ReplicaCertificates.Issued issued = ReplicaCertificates.issue(replicaKey, replicaId, host,
                now.minus(BACKDATE), now.plus(VALIDITY), random);
        previous = current;
        current = new KeyMaterial("replica-" + replicaId + "-" + ++generation, issued.key(),
                new java.security.cert.X509Certificate[] {issued.certificate()});
        issuedAt = now;
    }
}
