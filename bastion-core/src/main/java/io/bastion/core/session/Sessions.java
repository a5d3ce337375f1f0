package io.bastion.core.session;

import io.bastion.core.crypto.Digest;
import io.bastion.core.crypto.PublicKeyRef;
import io.bastion.core.util.Check;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The session table of dynamic clients, part of the replicated state: live sessions by id and by
 * identity, the idle order for eviction, the Joins already used (so their challenges cannot be
 * replayed while still valid), and the next id to assign. Ids are never reused.
 *
 * <p>Every method is deterministic in its arguments and the table; the engines call them while
 * executing a batch, with the batch's agreed time. A state machine that stores the table outside
 * memory reads {@link #drainChanges} after each batch. Owned by one thread.
 */
public final class Sessions {
    /** Why a session ended; told to its client. */
    public enum EndReason {
        LEFT("the client left"),
        SIGNED_IN_ELSEWHERE("the same identity joined again"),
        EVICTED("idle, evicted to make room");

        public final String text;

        EndReason(String text) {
            this.text = text;
        }
    }

    /** A Join whose challenges were used: while they are valid, the same Join only gets its own answer back. */
    public record UsedJoin(Digest joinKey, long clientId, long expiresMillis) {}

    /** What changed since the last {@link #drainChanges}: ids to write or delete, used Joins added or dropped. */
    public record Changes(List<Session> upserted, List<Long> removed, List<UsedJoin> joinsAdded,
                          List<Digest> joinsRemoved, long nextClientId) {
        public boolean isEmpty() {
            return upserted.isEmpty() && removed.isEmpty() && joinsAdded.isEmpty() && joinsRemoved.isEmpty();
        }
    }

    /** The result of {@link #open}: the new session and the sessions it ended, or why it could not. */
    public record Opened(Session session, List<Session> ended, List<EndReason> reasons, String refusal) {}

    private record Idle(long lastActiveMillis, long clientId) {}

    private static final Comparator<Idle> IDLE_ORDER =
            Comparator.comparingLong(Idle::lastActiveMillis).thenComparingLong(Idle::clientId);
    private static final Comparator<UsedJoin> EXPIRY_ORDER =
            Comparator.comparingLong(UsedJoin::expiresMillis).thenComparing(u -> u.joinKey().hex());

    private final SessionSettings settings;
    private final TreeMap<Long, Session> byId = new TreeMap<>();
    private final Map<String, Long> byIdentity = new HashMap<>();
    private final TreeSet<Idle> idle = new TreeSet<>(IDLE_ORDER);
    private final TreeMap<String, UsedJoin> usedJoins = new TreeMap<>();
    private final TreeSet<UsedJoin> usedByExpiry = new TreeSet<>(EXPIRY_ORDER);
    private long nextClientId = SessionSettings.FIRST_DYNAMIC_CLIENT_ID;

    private final Map<Long, Session> changedSessions = new TreeMap<>();
    private final Map<String, UsedJoin> changedJoins = new TreeMap<>();
    private final Map<String, Digest> removedJoins = new TreeMap<>();

    public Sessions(SessionSettings settings) {
        this.settings = settings;
    }

    public SessionSettings settings() {
        return settings;
    }

    /** The live session with this id, or {@code null}. */
    public Session live(long clientId) {
        return byId.get(clientId);
    }

    public int size() {
        return byId.size();
    }

    public long nextClientId() {
        return nextClientId;
    }

    /** Live sessions in id order. */
    public List<Session> all() {
        return List.copyOf(byId.values());
    }

    /** The key that identifies a Join (its key and nonce) in the used-Join table. */
    public static Digest joinKey(PublicKeyRef key, byte[] nonce) {
        byte[] raw = key.rawUnsafe();
        return Digest.sha256(ByteBuffer.allocate(2 + raw.length + nonce.length).put((byte) key.algorithm().ordinal())
                .put(raw).put((byte) nonce.length).put(nonce).array());
    }

    /** The Join with this key already ran: its session if still live, else a refusal; {@code null} if new. */
    public UsedJoin usedJoin(Digest joinKey) {
        return usedJoins.get(joinKey.hex());
    }

    /**
     * Opens a session for {@code identity}: ends the identity's earlier session, makes room by
     * evicting the longest-idle session idle for longer than the threshold when the table is full,
     * and records the Join as used until {@code expiresMillis}. Refused ("cluster full") when the
     * table is full and no session is idle long enough.
     */
    public Opened open(String identity, PublicKeyRef key, Digest joinKey, long expiresMillis, long nowMillis) {
        List<Session> ended = new ArrayList<>();
        List<EndReason> reasons = new ArrayList<>();
        Long previous = byIdentity.get(identity);
        if (previous != null) {
            ended.add(end(previous));
            reasons.add(EndReason.SIGNED_IN_ELSEWHERE);
        }
        if (byId.size() >= settings.capacity()) {
            Idle oldest = idle.isEmpty() ? null : idle.first();
            if (oldest == null || nowMillis - oldest.lastActiveMillis() <= settings.idleMillisBeforeEviction()) {
                Check.that(ended.isEmpty(), "a full table ended a session and then refused");
                return new Opened(null, List.of(), List.of(), "cluster full: all " + settings.capacity()
                        + " sessions were active within the last " + settings.idleMillisBeforeEviction() / 1000 + " s");
            }
            ended.add(end(oldest.clientId()));
            reasons.add(EndReason.EVICTED);
        }
        Session session = new Session(nextClientId++, identity, key, nowMillis, nowMillis);
        byId.put(session.clientId(), session);
        byIdentity.put(identity, session.clientId());
        idle.add(new Idle(nowMillis, session.clientId()));
        changedSessions.put(session.clientId(), session);
        UsedJoin used = new UsedJoin(joinKey, session.clientId(), expiresMillis);
        usedJoins.put(joinKey.hex(), used);
        usedByExpiry.add(used);
        changedJoins.put(joinKey.hex(), used);
        removedJoins.remove(joinKey.hex());
        return new Opened(session, ended, reasons, null);
    }

    /** Ends a live session (Leave); returns it. */
    public Session end(long clientId) {
        Session s = byId.remove(clientId);
        Check.that(s != null, "ending session %d, which is not live", clientId);
        byIdentity.remove(s.identity());
        idle.remove(new Idle(s.lastActiveMillis(), clientId));
        changedSessions.put(clientId, null);
        return s;
    }

    /** A request of the session executed at {@code nowMillis}. */
    public void touch(long clientId, long nowMillis) {
        Session s = byId.get(clientId);
        if (s == null || s.lastActiveMillis() >= nowMillis) {
            return;
        }
        idle.remove(new Idle(s.lastActiveMillis(), clientId));
        Session touched = s.touched(nowMillis);
        byId.put(clientId, touched);
        idle.add(new Idle(touched.lastActiveMillis(), clientId));
        changedSessions.put(clientId, touched);
    }

    /** Forgets used Joins whose challenges expired before {@code nowMillis}: they would be refused anyway. */
    public void pruneUsedJoins(long nowMillis) {
        while (!usedByExpiry.isEmpty() && usedByExpiry.first().expiresMillis() < nowMillis) {
            UsedJoin gone = usedByExpiry.pollFirst();
            usedJoins.remove(gone.joinKey().hex());
            changedJoins.remove(gone.joinKey().hex());
            removedJoins.put(gone.joinKey().hex(), gone.joinKey());
        }
    }

    public int usedJoinCount() {
        return usedJoins.size();
    }

    /** The changes since the last call, for a state machine that stores the table itself. */
    public Changes drainChanges() {
        List<Session> upserted = new ArrayList<>();
        List<Long> removed = new ArrayList<>();
        changedSessions.forEach((id, s) -> {
            if (s == null) {
                removed.add(id);
            } else {
                upserted.add(s);
            }
        });
        Changes changes = new Changes(upserted, removed, List.copyOf(changedJoins.values()),
                List.copyOf(removedJoins.values()), nextClientId);
        changedSessions.clear();
        changedJoins.clear();
        removedJoins.clear();
        return changes;
    }

    // ------------------------------------------------------------------ loading and canonical bytes

    /** Replaces the table by stored contents (a restart or an installed checkpoint). */
    public void load(List<Session> sessions, List<UsedJoin> joins, long next) {
        byId.clear();
        byIdentity.clear();
        idle.clear();
        usedJoins.clear();
        usedByExpiry.clear();
        for (Session s : sessions) {
            Check.argument(s.clientId() < next, "session id " + s.clientId() + " not below the next id " + next);
            byId.put(s.clientId(), s);
            Check.argument(byIdentity.put(s.identity(), s.clientId()) == null, "two sessions of " + s.identity());
            idle.add(new Idle(s.lastActiveMillis(), s.clientId()));
        }
        for (UsedJoin u : joins) {
            usedJoins.put(u.joinKey().hex(), u);
            usedByExpiry.add(u);
        }
        nextClientId = next;
        changedSessions.clear();
        changedJoins.clear();
        removedJoins.clear();
    }

    /** The table in canonical bytes: equal tables give equal bytes. */
    public byte[] toBytes() {
        int size = 8 + 4 + 4;
        List<byte[]> identities = new ArrayList<>();
        for (Session s : byId.values()) {
            byte[] identity = s.identity().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            identities.add(identity);
            size += 8 + 4 + identity.length + 1 + 4 + s.key().rawUnsafe().length + 8 + 8;
        }
        size += usedJoins.size() * (Digest.BYTES + 8 + 8);
        ByteBuffer b = ByteBuffer.allocate(size);
        b.putLong(nextClientId).putInt(byId.size());
        int i = 0;
        for (Session s : byId.values()) {
            byte[] identity = identities.get(i++);
            byte[] raw = s.key().rawUnsafe();
            b.putLong(s.clientId()).putInt(identity.length).put(identity).put((byte) s.key().algorithm().ordinal())
                    .putInt(raw.length).put(raw).putLong(s.joinedMillis()).putLong(s.lastActiveMillis());
        }
        b.putInt(usedJoins.size());
        for (UsedJoin u : usedJoins.values()) {
            b.put(u.joinKey().toBytes()).putLong(u.clientId()).putLong(u.expiresMillis());
        }
        return b.array();
    }

    /** Reads {@link #toBytes} back from {@code b} into this table. */
    public void readFrom(ByteBuffer b) {
        long next = b.getLong();
        int count = b.getInt();
        List<Session> sessions = new ArrayList<>(Math.min(count, settings.capacity()));
        Check.argument(count >= 0 && count <= SessionSettings.CAPACITY_MAX, "session count " + count);
        for (int i = 0; i < count; i++) {
            long id = b.getLong();
            byte[] identity = new byte[b.getInt()];
            b.get(identity);
            PublicKeyRef.Algorithm algorithm = PublicKeyRef.Algorithm.values()[b.get()];
            byte[] raw = new byte[b.getInt()];
            b.get(raw);
            sessions.add(new Session(id, new String(identity, java.nio.charset.StandardCharsets.UTF_8),
                    new PublicKeyRef(algorithm, raw), b.getLong(), b.getLong()));
        }
        int joins = b.getInt();
        List<UsedJoin> used = new ArrayList<>();
        for (int i = 0; i < joins; i++) {
            byte[] key = new byte[Digest.BYTES];
            b.get(key);
            used.add(new UsedJoin(Digest.of(key), b.getLong(), b.getLong()));
        }
        load(sessions, used, next);
    }
}
