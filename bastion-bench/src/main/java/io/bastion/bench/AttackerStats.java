package io.bastion.bench;

/**
 * What faulty clients did in an attack: one attacker in one window, or summed over attackers
 * ({@link #alongside}) and over rounds ({@link #after}).
 *
 * @param attack                  the attack's command-line spelling
 * @param attackers               faulty clients
 * @param seconds                 how long they attacked (warm-up and measured window; summed over rounds)
 * @param requestsMade            fresh requests signed (an equivocating request's variants included, replays not)
 * @param framesOffered           frames handed to the transport: one per replica a request went to
 * @param framesDroppedByOwnQueue frames the attacker's own outgoing queues dropped because the
 *                                connections did not take them as fast as they were made
 * @param framesPerSecond         frames that went out per second: offered minus dropped
 * @param framesReplayed          frames carrying a request sent before (by an honest client or itself)
 * @param framesBadSignature      frames carrying a corrupted signature
 * @param repliesReceived         replies to the attacker's own client id
 * @param refusals                of those, refusals ({@code REFUSED})
 * @param repliesForOtherClients  replies for other client ids that replicas sent over the attacker's
 *                                connections (a replica sends a client's replies to the connection its
 *                                last authentic request came on, and a replayed request is authentic)
 * @param highestView             the highest view a reply named
 * @param senderCpuSeconds        CPU time of the attackers' sending threads (signing, encoding)
 */
public record AttackerStats(String attack, int attackers, double seconds, long requestsMade, long framesOffered,
                            long framesDroppedByOwnQueue, double framesPerSecond, long framesReplayed,
                            long framesBadSignature, long repliesReceived, long refusals, long repliesForOtherClients,
                            int highestView, double senderCpuSeconds) {

    /** One attacker's figures; the rate is computed from them. */
    static AttackerStats of(Attack attack, double seconds, long requestsMade, long framesOffered, long framesDropped,
                            long framesReplayed, long framesBadSignature, long repliesReceived, long refusals,
                            long repliesForOtherClients, int highestView, double senderCpuSeconds) {
        return new AttackerStats(attack.flag(), 1, seconds, requestsMade, framesOffered, framesDropped,
                rate(framesOffered - framesDropped, seconds), framesReplayed, framesBadSignature, repliesReceived,
                refusals, repliesForOtherClients, highestView, senderCpuSeconds);
    }

    /** These and {@code other}'s figures, of attackers that ran at the same time. */
    public AttackerStats alongside(AttackerStats other) {
        return sum(other, attackers + other.attackers, Math.max(seconds, other.seconds),
                framesPerSecond + other.framesPerSecond);
    }

    /** These and {@code other}'s figures, of the same attackers in a later window. */
    public AttackerStats after(AttackerStats other) {
        double total = seconds + other.seconds;
        double frames = framesPerSecond * seconds + other.framesPerSecond * other.seconds;
        return sum(other, Math.max(attackers, other.attackers), total, rate(frames, total));
    }

    private AttackerStats sum(AttackerStats o, int attackerCount, double totalSeconds, double perSecond) {
        return new AttackerStats(attack, attackerCount, totalSeconds, requestsMade + o.requestsMade,
                framesOffered + o.framesOffered, framesDroppedByOwnQueue + o.framesDroppedByOwnQueue, perSecond,
                framesReplayed + o.framesReplayed, framesBadSignature + o.framesBadSignature,
                repliesReceived + o.repliesReceived, refusals + o.refusals,
                repliesForOtherClients + o.repliesForOtherClients, Math.max(highestView, o.highestView),
                senderCpuSeconds + o.senderCpuSeconds);
    }

    private static double rate(double count, double seconds) {
        return seconds <= 0 ? 0 : count / seconds;
    }
}
