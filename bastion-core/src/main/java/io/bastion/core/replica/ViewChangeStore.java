package io.bastion.core.replica;

import io.bastion.core.message.Envelope;
import io.bastion.core.message.ViewChange;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The VIEW-CHANGE messages a replica holds: per replica, its latest few (one per view), so that
 * a replica that moved on still counts for the view it left, and the next primary of any of
 * those views finds 2f+1. Bounded per replica in count ({@link #VIEWS_PER_REPLICA_MAX}) and in
 * bytes ({@link #BYTES_PER_REPLICA_MAX}; the newest is always kept), hence in total: a faulty
 * replica sending large view changes for many views holds at most that much memory here.
 */
final class ViewChangeStore {
    static final int VIEWS_PER_REPLICA_MAX = 4;
    /** Bytes of view changes held per replica: a correct replica's are far smaller. */
    static final long BYTES_PER_REPLICA_MAX = 16L << 20;

    private final Map<Integer, TreeMap<Integer, Envelope<ViewChange>>> byReplica = new HashMap<>();
    private final long bytesPerReplicaMax;

    ViewChangeStore() {
        this(BYTES_PER_REPLICA_MAX);
    }

    ViewChangeStore(long bytesPerReplicaMax) {
        this.bytesPerReplicaMax = bytesPerReplicaMax;
    }

    /**
     * Holds {@code change}; answers false if that replica's change for that view was known, or is
     * older than the newest ones the bounds keep.
     */
    boolean add(Envelope<ViewChange> change) {
        ViewChange v = change.message();
        TreeMap<Integer, Envelope<ViewChange>> views = byReplica.computeIfAbsent(v.replicaId(), r -> new TreeMap<>());
        if (views.containsKey(v.newView())) {
            return false;
        }
        views.put(v.newView(), change);
        while (views.size() > VIEWS_PER_REPLICA_MAX || views.size() > 1 && bytes(views) > bytesPerReplicaMax) {
            views.pollFirstEntry();
        }
        return views.containsKey(v.newView());
    }

    private static long bytes(TreeMap<Integer, Envelope<ViewChange>> views) {
        long total = 0;
        for (Envelope<ViewChange> change : views.values()) {
            total += change.wireSize();
        }
        return total;
    }

    Envelope<ViewChange> of(int replica, int view) {
        TreeMap<Integer, Envelope<ViewChange>> views = byReplica.get(replica);
        return views == null ? null : views.get(view);
    }

    /** The view changes for {@code view}, one per replica, in replica order, at most {@code max}. */
    List<Envelope<ViewChange>> forView(int view, int n, int max) {
        List<Envelope<ViewChange>> out = new ArrayList<>();
        for (int replica = 0; replica < n && out.size() < max; replica++) {
            Envelope<ViewChange> v = of(replica, view);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    int countForView(int view) {
        int count = 0;
        for (TreeMap<Integer, Envelope<ViewChange>> views : byReplica.values()) {
            if (views.containsKey(view)) {
                count++;
            }
        }
        return count;
    }

    /**
     * If at least {@code needed} replicas other than {@code self} asked for views above
     * {@code view}, the smallest of their highest views; else {@code -1}.
     */
    int lowestViewAbove(int view, int self, int needed) {
        int count = 0;
        int lowest = Integer.MAX_VALUE;
        for (Map.Entry<Integer, TreeMap<Integer, Envelope<ViewChange>>> e : byReplica.entrySet()) {
            if (e.getKey() == self || e.getValue().isEmpty()) {
                continue;
            }
            int highest = e.getValue().lastKey();
            if (highest > view) {
                count++;
                lowest = Math.min(lowest, highest);
            }
        }
        return count >= needed ? lowest : -1;
    }

    /** Forgets every view change for views below {@code view}. */
    void dropBelow(int view) {
        byReplica.values().forEach(views -> views.headMap(view).clear());
    }

    String describe() {
        List<String> out = new ArrayList<>();
        byReplica.forEach((replica, views) -> out.add(replica + "->" + views.keySet()));
        return out.toString();
    }
}
