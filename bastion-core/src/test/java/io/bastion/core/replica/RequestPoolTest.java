package io.bastion.core.replica;

import io.bastion.core.crypto.Digest;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.replica.RequestPool.AddResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;

import static io.bastion.core.replica.SignedMessages.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The request pool: bounded bodies, the queue the primary takes batches from, and the relay of
 * unordered requests to the primary. Requests are written "client:number" (optionally
 * ":bytes" of operation); the relay delay is 100 ms.
 */
class RequestPoolTest {
    private static final long DELAY = 100;

    private static Envelope<Request> r(String spec) {
        String[] p = spec.split(":");
        return request(Long.parseLong(p[0]), Long.parseLong(p[1]), p.length > 2 ? Integer.parseInt(p[2]) : 4);
    }

    private static List<Envelope<Request>> rs(String specs) {
        return specs == null || specs.isBlank() ? List.of()
                : Arrays.stream(specs.trim().split("\\s+")).map(RequestPoolTest::r).toList();
    }

    private static String names(List<Envelope<Request>> requests) {
        return String.join(" ", requests.stream()
                .map(q -> q.message().clientId() + ":" + q.message().requestNumber()).toList());
    }

    /** What the pool holds, in the order {@code takeBatch} would take it (everything is unordered here). */
    private static String queued(RequestPool pool) {
        return names(pool.takeBatch(Integer.MAX_VALUE, Integer.MAX_VALUE, r -> true));
    }

    @ParameterizedTest(name = "adding [{0}] -> [{1}], held [{2}]")
    @CsvSource(delimiter = ';', value = {
        // pool of at most 3 bodies, 2 per client
        // requests added in turn      ; what each add answers                 ; bodies held, oldest first
        "1:1 1:1                       ; ADDED DUPLICATE                       ; 1:1",
        "1:1 1:2 1:3                   ; ADDED ADDED ADDED                     ; 1:2 1:3",
        "1:1 2:1 3:1 4:1               ; ADDED ADDED ADDED FULL                ; 1:1 2:1 3:1",
        "1:1 2:1 3:1 1:2               ; ADDED ADDED ADDED FULL                ; 1:1 2:1 3:1",
        "1:1 1:2 2:1 1:3               ; ADDED ADDED ADDED ADDED               ; 1:2 2:1 1:3",
        "1:1 1:2 2:1 3:1 1:2           ; ADDED ADDED ADDED FULL DUPLICATE      ; 1:1 1:2 2:1",
        "1:1 1:2 1:3 1:1               ; ADDED ADDED ADDED ADDED               ; 1:3 1:1",
    })
    void thePoolIsBoundedInTotalAndPerClientWhereAClientsOldestBodyGivesWayToItsNewest(String added, String answers,
                                                                                        String held) {
        RequestPool pool = new RequestPool(3, 2, DELAY);

        List<AddResult> results = rs(added).stream().map(q -> pool.add(q, 0)).toList();

        assertThat(results).containsExactlyElementsOf(
                Arrays.stream(answers.trim().split("\\s+")).map(AddResult::valueOf).toList());
        assertThat(pool.size()).isEqualTo(rs(held).size());
        rs(held).forEach(q -> assertThat(pool.get(q.digest())).as("%s held", q).isEqualTo(q));
        pool.checkInvariants();
        assertThat(queued(pool)).isEqualTo(held.trim());
    }

    @Test
    void aRefusedNewClientLeavesNoTrace() {
        RequestPool pool = new RequestPool(1, 2, DELAY);
        pool.add(r("1:1"), 0);

        assertThat(pool.add(r("2:1"), 0)).isEqualTo(AddResult.FULL);
        pool.removeUpTo(1, 1);

        assertThat(pool.add(r("2:1"), 0)).isEqualTo(AddResult.ADDED);
        assertThat(pool.size()).isEqualTo(1);
        pool.checkInvariants();
    }

    @ParameterizedTest(name = "sizes [{0}], at most {1} requests and {2} bytes -> takes [{3}]")
    @CsvSource(delimiter = ';', value = {
        // operation bytes of the queued requests ; requests max ; bytes max ; indices taken
        "10 10 10 ; 2 ; 100 ; 0 1",
        "10 10 10 ; 5 ; 25  ; 0 1",
        "10 10    ; 5 ; 20  ; 0 1",
        "50 10    ; 5 ; 20  ; 0",
        "10 50 5  ; 5 ; 30  ; 0",
        "0 0 0    ; 2 ; 0   ; 0 1",
        "30       ; 1 ; 1   ; 0",
    })
    void takeBatchStopsAtTheCountOrAtTheFirstRequestOverTheByteBoundButTakesAtLeastOne(String sizes, int requestsMax,
                                                                                      int bytesMax, String taken) {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        List<Envelope<Request>> all = new ArrayList<>();
        int client = 1;
        for (String size : sizes.trim().split("\\s+")) {
            Envelope<Request> q = r(client++ + ":1:" + size);
            all.add(q);
            pool.add(q, 0);
        }

        List<Envelope<Request>> batch = pool.takeBatch(requestsMax, bytesMax, q -> true);

        List<Envelope<Request>> expected = Arrays.stream(taken.trim().split("\\s+")).map(i -> all.get(Integer.parseInt(i)))
                .toList();
        assertThat(batch).containsExactlyElementsOf(expected);
        assertThat(pool.unorderedCount()).isEqualTo(all.size() - expected.size());
        assertThat(pool.size()).as("bodies stay until executed").isEqualTo(all.size());
        List<Envelope<Request>> rest = new ArrayList<>(all);
        rest.removeAll(expected);
        assertThat(pool.takeBatch(100, Integer.MAX_VALUE, q -> true)).as("the rest, in order").isEqualTo(rest);
    }

    @Test
    void takeBatchDropsRequestsNoLongerWantedFromTheQueueWithoutCountingThemButKeepsTheirBodies() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1 2:1 3:1 4:1 5:1").forEach(q -> pool.add(q, 0));
        Predicate<Request> notOdd = q -> q.clientId() % 2 == 0;

        List<Envelope<Request>> batch = pool.takeBatch(1, Integer.MAX_VALUE, notOdd);

        assertThat(names(batch)).isEqualTo("2:1");
        assertThat(queued(pool)).as("1:1 was dropped; 4:1 and 5:1 were not reached").isEqualTo("3:1 4:1 5:1");
        assertThat(pool.size()).isEqualTo(5);
        assertThat(pool.get(r("1:1").digest())).isNotNull();
    }

    @ParameterizedTest(name = "sizes [{0}], at least {1}, bytes max {2} -> [{3}]")
    @CsvSource(delimiter = ';', value = {
        // operation bytes of the queued requests (client 1..n) ; requests min ; bytes max ; taken
        "10 10    ; 3 ; 100 ; ''",
        "10 10 10 ; 3 ; 100 ; 1:1 2:1 3:1",
        "10 10    ; 1 ; 100 ; 1:1 2:1",
        "50 60    ; 3 ; 100 ; 1:1",
    })
    void takeBatchTakesNothingBelowTheMinimumUnlessTheBatchIsFullByItsBytes(String sizes, int requestsMin,
                                                                            int bytesMax, String taken) {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        pool.add(r("9:1"), 0);
        int client = 1;
        for (String size : sizes.trim().split("\\s+")) {
            pool.add(r(client++ + ":1:" + size), 0);
        }
        Predicate<Request> notNine = q -> q.clientId() != 9;

        List<Envelope<Request>> batch = pool.takeBatch(16, bytesMax, requestsMin, notNine, q -> true);

        assertThat(names(batch)).isEqualTo(taken);
        assertThat(pool.unorderedCount()).as("what is not taken stays queued; 9:1, unwanted, leaves the queue")
                .isEqualTo(client - 1 - batch.size());
        pool.checkInvariants();
    }

    @Test
    void requeuePutsBackOnlyHeldBodiesThatAreNotQueuedAtTheTail() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1 2:1 3:1").forEach(q -> pool.add(q, 0));
        pool.takeBatch(2, Integer.MAX_VALUE, q -> true);

        pool.requeue(List.of(r("1:1").digest(), r("3:1").digest(), r("9:9").digest()), 50);

        assertThat(pool.unorderedCount()).isEqualTo(2);
        assertThat(queued(pool)).isEqualTo("3:1 1:1");
        pool.checkInvariants();
    }

    @Test
    void requeueAllQueuesEveryHeldBodyAgainAsIfItArrivedNow() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1 2:1 3:1").forEach(q -> pool.add(q, 0));
        pool.takeBatch(2, Integer.MAX_VALUE, q -> true);
        pool.takeDueForRelay(100, 10, Integer.MAX_VALUE);
        assertThat(pool.oldestRelayed()).isEqualTo(100);

        pool.requeueAll(1_000);

        assertThat(pool.unorderedCount()).isEqualTo(3);
        assertThat(pool.oldestRelayed()).as("nothing relayed to the new primary yet").isEqualTo(Long.MAX_VALUE);
        assertThat(pool.takeDueForRelay(1_099, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(pool.takeDueForRelay(1_100, 10, Integer.MAX_VALUE)).hasSize(3);
        assertThat(queued(pool)).as("the queued one keeps its place").startsWith("3:1");
        pool.checkInvariants();
    }

    @ParameterizedTest(name = "requests arriving at 0, 30, 60: relay at {0} -> [{1}], oldest relayed {2}")
    @CsvSource(delimiter = ';', value = {
        // relay asked at (ms), one after another ; requests relayed the last time ; oldestRelayed after it
        "99              ; ;                     MAX",
        "100             ; 1:1 ;                 100",
        "100 129         ; ;                     100",
        "100 130         ; 2:1 ;                 100",
        "100 130 160     ; 3:1 ;                 100",
        "100 130 159     ; ;                     100",
        "100 130 250     ; 3:1 1:1 2:1 ;         100",
        "160             ; 1:1 2:1 3:1 ;         160",
        "160 259         ; ;                     160",
        "160 260         ; 1:1 2:1 3:1 ;         160",
    })
    void onlyRequestsUnorderedForTheRelayDelayAreRelayedAndAgainAfterEachDelay(String times, String relayed,
                                                                                String oldest) {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        pool.add(r("1:1"), 0);
        pool.add(r("2:1"), 30);
        pool.add(r("3:1"), 60);

        List<Envelope<Request>> last = List.of();
        for (String t : times.trim().split("\\s+")) {
            last = pool.takeDueForRelay(Long.parseLong(t), 10, Integer.MAX_VALUE);
        }

        assertThat(names(last)).isEqualTo(relayed == null ? "" : relayed.trim());
        assertThat(pool.oldestRelayed()).isEqualTo(oldest.equals("MAX") ? Long.MAX_VALUE : Long.parseLong(oldest));
        assertThat(pool.unorderedCount()).as("relaying orders nothing").isEqualTo(3);
        pool.checkInvariants();
    }

    @ParameterizedTest(name = "at most {0} requests and {1} bytes -> [{2}]")
    @CsvSource(delimiter = ';', value = {
        // count max ; bytes max ; relayed (sizes: 1:1 has 10 bytes, 2:1 has 20, 3:1 has 5)
        "10 ; 1000 ; 1:1 2:1 3:1",
        "2  ; 1000 ; 1:1 2:1",
        "10 ; 30   ; 1:1 2:1",
        "10 ; 29   ; 1:1",
        "10 ; 1    ; 1:1",
    })
    void aRelayIsBoundedInCountAndBytesButCarriesAtLeastOneRequest(int countMax, int bytesMax, String relayed) {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1:10 2:1:20 3:1:5").forEach(q -> pool.add(q, 0));

        assertThat(names(pool.takeDueForRelay(DELAY, countMax, bytesMax))).isEqualTo(relayed);
        int count = relayed.split(" ").length;
        assertThat(pool.takeDueForRelay(DELAY, 10, 1000)).as("the rest are still due").hasSize(3 - count);
    }

    /** What leaves the queue (or the pool) for request 1:1, the oldest relayed one. */
    enum Leaves { MARK_ORDERED, REMOVE_UP_TO, REMOVE_BODY, TAKE_BATCH }

    @ParameterizedTest(name = "{0}: oldest relayed moves on to the next relay")
    @CsvSource({"MARK_ORDERED", "REMOVE_UP_TO", "REMOVE_BODY", "TAKE_BATCH"})
    void oldestRelayedIsTheFirstRelayOfTheOldestRequestStillUnordered(Leaves how) {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        pool.add(r("1:1"), 0);
        pool.add(r("2:1"), 50);
        pool.takeDueForRelay(100, 10, Integer.MAX_VALUE);
        pool.takeDueForRelay(150, 10, Integer.MAX_VALUE);
        pool.takeDueForRelay(200, 10, Integer.MAX_VALUE); // 1:1 again: its first relay still counts
        assertThat(pool.oldestRelayed()).isEqualTo(100);

        Digest first = r("1:1").digest();
        switch (how) {
            case MARK_ORDERED -> pool.markOrdered(first);
            case REMOVE_UP_TO -> pool.removeUpTo(1, 1);
            case REMOVE_BODY -> pool.removeBody(first);
            case TAKE_BATCH -> pool.takeBatch(1, Integer.MAX_VALUE, q -> true);
        }

        assertThat(pool.oldestRelayed()).isEqualTo(150);
        pool.markOrdered(r("2:1").digest());
        assertThat(pool.oldestRelayed()).isEqualTo(Long.MAX_VALUE);
        assertThat(pool.takeDueForRelay(10_000, 10, Integer.MAX_VALUE)).isEmpty();
        pool.checkInvariants();
    }

    @Test
    void removeUpToDropsAClientsBodiesUpToANumberAndNoOthers() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1 1:2 1:3 2:1").forEach(q -> pool.add(q, 0));

        pool.removeUpTo(1, 2);
        pool.removeUpTo(7, 100);

        assertThat(queued(pool)).isEqualTo("1:3 2:1");
        assertThat(pool.size()).isEqualTo(2);
    }

    @Test
    void requestsReplayedBeforeTheFirstTickAreDueOneDelayAfterIt() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        rs("1:1 2:1").forEach(q -> pool.add(q, 0));

        pool.stampUnknownArrivals(5_000);

        assertThat(pool.takeDueForRelay(5_099, 10, Integer.MAX_VALUE)).isEmpty();
        assertThat(names(pool.takeDueForRelay(5_100, 10, Integer.MAX_VALUE))).isEqualTo("1:1 2:1");
        assertThat(pool.oldestRelayed()).isEqualTo(5_100);
    }

    @Test
    void stampingLeavesRequestsThatArrivedAfterTimeZeroAlone() {
        RequestPool pool = new RequestPool(100, 10, DELAY);
        pool.add(r("1:1"), 400);

        pool.stampUnknownArrivals(450);

        assertThat(names(pool.takeDueForRelay(500, 10, Integer.MAX_VALUE))).isEqualTo("1:1");
    }

    @Test
    void theRelayDelayMustBePositive() {
        assertThatThrownBy(() -> new RequestPool(10, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ random operations against a model

    /**
     * A plain model of the pool: bodies (held in a HashMap like the pool, so that
     * {@code requeueAll} appends the ordered ones in the same order), per-client arrival order,
     * the queue, and per unordered request when it is next due (ties by when that was set) and
     * when it was first relayed.
     */
    private static final class Model {
        final int max;
        final int perClientMax;
        final Map<Digest, Envelope<Request>> held = new HashMap<>();
        final Map<Long, ArrayDeque<Digest>> byClient = new HashMap<>();
        final List<Digest> queue = new ArrayList<>();
        final Map<Digest, long[]> due = new HashMap<>(); // {due time, order it was set in}
        final LinkedHashMap<Digest, Long> firstRelay = new LinkedHashMap<>();
        long counter;

        Model(int max, int perClientMax) {
            this.max = max;
            this.perClientMax = perClientMax;
        }

        AddResult add(Envelope<Request> q, long now) {
            Digest d = q.digest();
            if (held.containsKey(d)) {
                return AddResult.DUPLICATE;
            }
            ArrayDeque<Digest> mine = byClient.getOrDefault(q.message().clientId(), new ArrayDeque<>());
            if (mine.size() >= perClientMax) {
                remove(mine.peekFirst());
            } else if (held.size() >= max) {
                return AddResult.FULL;
            }
            held.put(d, q);
            byClient.computeIfAbsent(q.message().clientId(), c -> new ArrayDeque<>()).addLast(d);
            enqueue(d, now);
            return AddResult.ADDED;
        }

        void enqueue(Digest d, long now) {
            if (!queue.contains(d)) {
                queue.add(d);
            }
            due.put(d, new long[] {now + DELAY, counter++});
            firstRelay.remove(d);
        }

        void markOrdered(Digest d) {
            queue.remove(d);
            due.remove(d);
            firstRelay.remove(d);
        }

        void remove(Digest d) {
            Envelope<Request> q = held.remove(d);
            if (q == null) {
                return;
            }
            markOrdered(d);
            ArrayDeque<Digest> mine = byClient.get(q.message().clientId());
            mine.remove(d);
            if (mine.isEmpty()) {
                byClient.remove(q.message().clientId());
            }
        }

        List<Envelope<Request>> takeBatch(int requestsMax, int bytesMax, Predicate<Request> wanted) {
            List<Envelope<Request>> batch = new ArrayList<>();
            List<Digest> leave = new ArrayList<>();
            long bytes = 0;
            for (Digest d : queue) {
                if (batch.size() >= requestsMax) {
                    break;
                }
                Envelope<Request> q = held.get(d);
                if (!wanted.test(q.message())) {
                    leave.add(d);
                    continue;
                }
                int size = q.message().operationUnsafe().length;
                if (!batch.isEmpty() && bytes + size > bytesMax) {
                    break;
                }
                batch.add(q);
                bytes += size;
                leave.add(d);
            }
            leave.forEach(this::markOrdered);
            return batch;
        }

        List<Envelope<Request>> takeDue(long now, int countMax, int bytesMax) {
            List<Digest> byDue = new ArrayList<>(queue);
            byDue.sort(Comparator.<Digest>comparingLong(d -> due.get(d)[0]).thenComparingLong(d -> due.get(d)[1]));
            List<Envelope<Request>> out = new ArrayList<>();
            long bytes = 0;
            for (Digest d : byDue) {
                if (out.size() >= countMax || due.get(d)[0] > now) {
                    break;
                }
                int size = held.get(d).message().operationUnsafe().length;
                if (!out.isEmpty() && bytes + size > bytesMax) {
                    break;
                }
                out.add(held.get(d));
                bytes += size;
                due.put(d, new long[] {now + DELAY, counter++});
                firstRelay.putIfAbsent(d, now);
            }
            return out;
        }

        void requeueAll(long now) {
            for (Digest d : held.keySet()) {
                if (!queue.contains(d)) {
                    queue.add(d);
                }
            }
            firstRelay.clear();
            for (Digest d : queue) {
                due.put(d, new long[] {now + DELAY, counter++});
            }
        }

        long oldestRelayed() {
            return firstRelay.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
        }
    }

    @Test
    void randomOperationsKeepTheInvariantsAndAgreeWithAReferenceModel() {
        for (long seed = 1; seed <= 40; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int max = 1 + random.nextInt(12);
            int perClientMax = 1 + random.nextInt(4);
            RequestPool pool = new RequestPool(max, perClientMax, DELAY);
            Model model = new Model(max, perClientMax);
            long now = 0;
            List<Envelope<Request>> seen = new ArrayList<>();
            for (int step = 0; step < 300; step++) {
                String at = "seed " + seed + " step " + step;
                int op = random.nextInt(100);
                if (step == 20) {
                    now = 5_000; // the first tick after a replay at time 0
                    pool.stampUnknownArrivals(now);
                    for (long[] d : model.due.values()) {
                        d[0] = d[0] <= DELAY ? now + DELAY : d[0];
                    }
                } else if (op < 35 || seen.isEmpty()) {
                    Envelope<Request> q = request(1 + random.nextInt(5), 1 + random.nextInt(6), random.nextInt(40));
                    seen.add(q);
                    assertThat(pool.add(q, now)).as(at).isEqualTo(model.add(q, now));
                } else if (op < 50) {
                    now += random.nextInt(step < 20 ? 1 : 80);
                    int count = 1 + random.nextInt(3);
                    int bytes = random.nextInt(60);
                    assertThat(pool.takeDueForRelay(now, count, bytes)).as(at).isEqualTo(model.takeDue(now, count, bytes));
                } else if (op < 60) {
                    int count = 1 + random.nextInt(4);
                    int bytes = random.nextInt(80);
                    int rejected = random.nextInt(7);
                    Predicate<Request> wanted = q -> q.requestNumber() != rejected;
                    assertThat(pool.takeBatch(count, bytes, wanted)).as(at).isEqualTo(model.takeBatch(count, bytes, wanted));
                } else if (op < 70) {
                    Digest d = seen.get(random.nextInt(seen.size())).digest();
                    pool.markOrdered(d);
                    model.markOrdered(d);
                } else if (op < 78) {
                    List<Digest> some = new ArrayList<>();
                    for (int i = random.nextInt(4); i > 0; i--) {
                        some.add(seen.get(random.nextInt(seen.size())).digest());
                    }
                    pool.requeue(some, now);
                    for (Digest d : some) {
                        if (model.held.containsKey(d) && !model.queue.contains(d)) {
                            model.enqueue(d, now);
                        }
                    }
                } else if (op < 82) {
                    pool.requeueAll(now);
                    model.requeueAll(now);
                } else if (op < 91) {
                    long client = 1 + random.nextInt(5);
                    long upTo = random.nextInt(7);
                    pool.removeUpTo(client, upTo);
                    ArrayDeque<Digest> mine = model.byClient.getOrDefault(client, new ArrayDeque<>());
                    new ArrayList<>(mine).stream().filter(d -> model.held.get(d).message().requestNumber() <= upTo)
                            .forEach(model::remove);
                } else {
                    Digest d = seen.get(random.nextInt(seen.size())).digest();
                    pool.removeBody(d);
                    model.remove(d);
                }
                pool.checkInvariants();
                assertThat(pool.size()).as(at + " size").isEqualTo(model.held.size()).isLessThanOrEqualTo(max);
                assertThat(pool.unorderedCount()).as(at + " unordered").isEqualTo(model.queue.size());
                assertThat(pool.hasUnordered()).as(at + " has unordered").isEqualTo(!model.queue.isEmpty());
                assertThat(pool.oldestRelayed()).as(at + " oldest relayed").isEqualTo(model.oldestRelayed());
                for (ArrayDeque<Digest> mine : model.byClient.values()) {
                    assertThat(mine.size()).as(at + " per client").isLessThanOrEqualTo(perClientMax);
                }
            }
        }
    }
}
