package io.bastion.threshold;

import java.math.BigInteger;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A replica's local secrets for the threshold facility: its share-box encryption key and its
 * secret share of each key in each epoch. Never part of the replicated state, checkpoints or
 * state transfer. A durable store has written a secret to stable storage before {@code put}
 * returns ({@link FileShareStore}).
 */
public interface ShareStore {
    Optional<BigInteger> encryptionSecret();

    void putEncryptionSecret(BigInteger secret);

    Optional<BigInteger> share(String key, int epoch);

    void putShare(String key, int epoch, BigInteger share);

    /** Drops the shares of {@code key} from epochs before {@code epoch} (after a reshare completed). */
    void forgetBefore(String key, int epoch);

    /** A store in memory (tests and the simulator, whose disks are simulated). */
    static ShareStore inMemory() {
        return new ShareStore() {
            private BigInteger encryption;
            private final TreeMap<String, BigInteger> shares = new TreeMap<>();

            @Override
            public Optional<BigInteger> encryptionSecret() {
                return Optional.ofNullable(encryption);
            }

            @Override
            public void putEncryptionSecret(BigInteger secret) {
                encryption = secret;
            }

            @Override
            public Optional<BigInteger> share(String key, int epoch) {
                return Optional.ofNullable(shares.get(key + "/" + epoch));
            }

            @Override
            public void putShare(String key, int epoch, BigInteger share) {
                shares.put(key + "/" + epoch, share);
            }

            @Override
            public void forgetBefore(String key, int epoch) {
                shares.keySet().removeIf(k -> k.startsWith(key + "/") && Integer.parseInt(k.substring(key.length() + 1)) < epoch);
            }
        };
    }
}
