package io.bastion.server.observe;

import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The metrics every replica exposes, by name (documented in {@code docs/operations.md}), and their
 * registration in a {@link PrometheusRegistry} of the Prometheus Java client, which
 * {@link MetricsServer} serves: the runtime hands over where each value comes from through a
 * {@link Builder} and gets back the one metric it feeds itself, the request latency histogram. A
 * value the runtime supplies nothing for is not registered (absent rather than a made-up zero).
 *
 * <p>Values are read through the suppliers at every scrape, on the scraping thread: they must be
 * thread-safe and cheap, and counters must only grow. A supplier that throws fails that scrape
 * ({@link MetricsServer} answers 500). The histogram is updated lock-free from any thread.
 * Immutable once built.
 */
public final class StandardMetrics {
    public static final String REQUESTS_EXECUTED = "bastion_requests_executed_total";
    public static final String BATCHES_EXECUTED = "bastion_batches_executed_total";
    public static final String REQUEST_LATENCY = "bastion_request_latency_seconds";
    public static final String VIEW = "bastion_view";
    public static final String VIEW_CHANGES = "bastion_view_changes_total";
    public static final String LAST_EXECUTED_SEQ = "bastion_last_executed_seq";
    public static final String LAST_STABLE_SEQ = "bastion_last_stable_seq";
    public static final String INBOUND_QUEUE_DEPTH = "bastion_inbound_queue_depth";
    public static final String EXECUTOR_QUEUE_DEPTH = "bastion_executor_queue_depth";
    public static final String STATE_TRANSFERS = "bastion_state_transfers_total";
    public static final String REJECTED_FRAMES = "bastion_rejected_frames_total";
    public static final String REJECTED_MESSAGES = "bastion_rejected_messages_total";
    public static final String DROPPED_MESSAGES = "bastion_dropped_messages_total";
    public static final String STALE_MESSAGES_SKIPPED = "bastion_stale_messages_skipped_total";
    public static final String SESSIONS_LIVE = "bastion_sessions_live";
    public static final String HELLOS_ANSWERED = "bastion_hellos_answered_total";
    public static final String INBOUND_BYTES = "bastion_inbound_bytes";
    public static final String EXECUTOR_UNORDERED_DEPTH = "bastion_executor_unordered_depth";
    public static final String VERIFICATIONS_SAVED = "bastion_verifications_saved_total";
    public static final String PEERS_CONNECTED = "bastion_peers_connected";
    public static final String WEB_REJECTED_MESSAGES = "bastion_web_rejected_messages_total";
    public static final String WEB_ERROR_ANSWERS_DROPPED = "bastion_web_error_answers_dropped_total";
    public static final String CORE_EVENTS = "bastion_core_events_total";
    /** The label of the families counted by reason. */
    public static final String REASON = "reason";
    /** The label of {@link #CORE_EVENTS}: what the protocol core counted, in lower case. */
    public static final String EVENT = "event";
    /** The label of {@link #INBOUND_BYTES}: {@code r<id>} for a peer replica, {@code clients}. */
    public static final String SOURCE = "source";

    /** Bucket bounds of {@link #REQUEST_LATENCY} in seconds: 0.5 ms to 10 s in 1-2.5-5 steps. */
    private static final double[] LATENCY_BOUNDS_SECONDS = {
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /**
     * The client library's settings for every metric here: its defaults, stated in code. Metrics
     * built without them would take settings from the process's environment, system properties
     * and a {@code prometheus.properties} file (bucket bounds, exemplars, ...).
     */
    private static final PrometheusProperties LIBRARY_DEFAULTS = PrometheusProperties.builder().build();

    private final Histogram requestLatency;

    private StandardMetrics(Histogram requestLatency) {
        this.requestLatency = requestLatency;
    }

    /**
     * Registers the request latency histogram on its own, for a component that must hold it before
     * the other values exist; pass it to {@link Builder#requestLatency}.
     */
    public static Histogram requestLatencyOn(PrometheusRegistry registry) {
        return Histogram.builder(LIBRARY_DEFAULTS)
                .name(REQUEST_LATENCY)
                .help("Time from a request's arrival at the replica to its reply leaving it.")
                .classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS_SECONDS)
                .withoutExemplars()
                .register(registry);
    }

    /**
     * Counts one latency into {@code histogram} (a {@link #REQUEST_LATENCY}), given in nanoseconds
     * and exposed in seconds; a negative one (a clock step) counts as zero. Lock-free.
     */
    public static void observeLatencyNanos(Histogram histogram, long nanos) {
        histogram.observe(Unit.nanosToSeconds(Math.max(0, nanos)));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Fed by the runtime ({@link #observeLatencyNanos}): from a request's arrival at the replica to
     * its reply leaving it.
     */
    public Histogram requestLatency() {
        return requestLatency;
    }

    /**
     * Counts by reason as label values: enum constants in lower case ({@code TRUNCATED} →
     * {@code truncated}), counts of the same reason from several maps added up (e.g. the rejections
     * of the replica mesh and of the client endpoint).
     */
    @SafeVarargs
    public static Map<String, Long> byReason(Map<? extends Enum<?>, Long>... counts) {
        Map<String, Long> merged = new TreeMap<>();
        for (Map<? extends Enum<?>, Long> map : counts) {
            map.forEach((reason, count) -> merged.merge(reason.name().toLowerCase(Locale.ROOT), count, Long::sum));
        }
        return merged;
    }

    /**
     * Where the standard values come from. Each setter takes a thread-safe, cheap supplier, called
     * at every scrape. Not thread-safe; use it on one thread, then {@link #register}.
     */
    public static final class Builder {
        private LongSupplier requestsExecuted;
        private LongSupplier batchesExecuted;
        private LongSupplier view;
        private LongSupplier viewChanges;
        private LongSupplier lastExecutedSeq;
        private LongSupplier lastStableSeq;
        private LongSupplier inboundQueueDepth;
        private LongSupplier executorQueueDepth;
        private LongSupplier stateTransfers;
        private Supplier<? extends Map<String, Long>> rejectedFrames;
        private Supplier<? extends Map<String, Long>> rejectedMessages;
        private Supplier<? extends Map<String, Long>> droppedMessages;
        private Supplier<? extends Map<String, Long>> coreEvents;
        private LongSupplier staleMessagesSkipped;
        private LongSupplier sessionsLive;
        private LongSupplier hellosAnswered;
        private Supplier<? extends Map<String, Long>> inboundBytes;
        private LongSupplier executorUnorderedDepth;
        private LongSupplier verificationsSaved;
        private LongSupplier peersConnected;
        private Supplier<? extends Map<String, Long>> webRejectedMessages;
        private LongSupplier webErrorAnswersDropped;
        private Histogram existingLatency;

        private Builder() {}

        /** Uses a request latency histogram registered earlier with {@link #requestLatencyOn}. */
        public Builder requestLatency(Histogram registered) {
            this.existingLatency = registered;
            return this;
        }

        /** Requests executed (ordered and read-only), counted after their batch committed. */
        public Builder requestsExecuted(LongSupplier value) {
            requestsExecuted = value;
            return this;
        }

        /** Batches executed. */
        public Builder batchesExecuted(LongSupplier value) {
            batchesExecuted = value;
            return this;
        }

        /** The replica's current view. */
        public Builder view(LongSupplier value) {
            view = value;
            return this;
        }

        /** View changes this replica completed (entered a new view). */
        public Builder viewChanges(LongSupplier value) {
            viewChanges = value;
            return this;
        }

        /** Sequence number of the last executed batch. */
        public Builder lastExecutedSeq(LongSupplier value) {
            lastExecutedSeq = value;
            return this;
        }

        /** Sequence number of the last stable checkpoint (the low watermark). */
        public Builder lastStableSeq(LongSupplier value) {
            lastStableSeq = value;
            return this;
        }

        /** Verified events waiting for the core thread. */
        public Builder inboundQueueDepth(LongSupplier value) {
            inboundQueueDepth = value;
            return this;
        }

        /** Batches waiting for the executor thread. */
        public Builder executorQueueDepth(LongSupplier value) {
            executorQueueDepth = value;
            return this;
        }

        /** State transfers this replica completed (installed a fetched checkpoint). */
        public Builder stateTransfers(LongSupplier value) {
            stateTransfers = value;
            return this;
        }

        /** Connections the transport closed for a bad frame or handshake, by reason (see {@link StandardMetrics#byReason}). */
        public Builder rejectedFrames(Supplier<? extends Map<String, Long>> value) {
            rejectedFrames = value;
            return this;
        }

        /** Decoded messages refused before the core (bad signature, unknown client, ...), by reason. */
        public Builder rejectedMessages(Supplier<? extends Map<String, Long>> value) {
            rejectedMessages = value;
            return this;
        }

        /** Messages discarded instead of queued or sent (queue full, client unbound, ...), by reason. */
        public Builder droppedMessages(Supplier<? extends Map<String, Long>> value) {
            droppedMessages = value;
            return this;
        }

        /** What the protocol core counted, by event (see {@link #byReason} for the label values). */
        public Builder coreEvents(Supplier<? extends Map<String, Long>> value) {
            coreEvents = value;
            return this;
        }

        /** Agreement messages for already executed batches, skipped before their signature check. */
        public Builder staleMessagesSkipped(LongSupplier value) {
            staleMessagesSkipped = value;
            return this;
        }

        /** Live sessions of dynamic clients, as this replica's executed state has them. */
        public Builder sessionsLive(LongSupplier value) {
            sessionsLive = value;
            return this;
        }

        /** Hellos answered with a signed challenge (those over the rate limits count as dropped messages). */
        public Builder hellosAnswered(LongSupplier value) {
            hellosAnswered = value;
            return this;
        }

        /** Wire bytes of network messages waiting for verification or the core, by source. */
        public Builder inboundBytes(Supplier<? extends Map<String, Long>> value) {
            inboundBytes = value;
            return this;
        }

        /** Unordered executor tasks waiting (reads, resent replies, state served, …). */
        public Builder executorUnorderedDepth(LongSupplier value) {
            executorUnorderedDepth = value;
            return this;
        }

        /** VIEW-CHANGE, NEW-VIEW and CHECKPOINT copies not checked again (the same bytes were checked before). */
        public Builder verificationsSaved(LongSupplier value) {
            verificationsSaved = value;
            return this;
        }

        /** Other replicas this one has an authenticated mesh connection to right now (n-1 when all are up). */
        public Builder peersConnected(LongSupplier value) {
            peersConnected = value;
            return this;
        }

        /** WebSocket messages of web clients dropped and answered with an error, by reason. */
        public Builder webRejectedMessages(Supplier<? extends Map<String, Long>> value) {
            webRejectedMessages = value;
            return this;
        }

        /** Error answers to web clients not sent because the client was not reading. */
        public Builder webErrorAnswersDropped(LongSupplier value) {
            webErrorAnswersDropped = value;
            return this;
        }

        /**
         * Registers the request latency histogram and every supplied value on {@code registry}.
         *
         * @throws IllegalArgumentException if {@code registry} has one of these names already
         */
        public StandardMetrics register(PrometheusRegistry registry) {
            Registration metrics = new Registration(registry);
            counter(metrics, REQUESTS_EXECUTED, "Requests executed.", requestsExecuted);
            counter(metrics, BATCHES_EXECUTED, "Batches executed.", batchesExecuted);
            Histogram latency = existingLatency != null ? existingLatency : requestLatencyOn(registry);
            gauge(metrics, VIEW, "The replica's current view.", view);
            counter(metrics, VIEW_CHANGES, "View changes completed.", viewChanges);
            gauge(metrics, LAST_EXECUTED_SEQ, "Sequence number of the last executed batch.", lastExecutedSeq);
            gauge(metrics, LAST_STABLE_SEQ, "Sequence number of the last stable checkpoint.", lastStableSeq);
            gauge(metrics, INBOUND_QUEUE_DEPTH, "Verified messages waiting for the core thread.", inboundQueueDepth);
            gauge(metrics, EXECUTOR_QUEUE_DEPTH, "Tasks waiting for the executor thread (batches, reads, ...).",
                    executorQueueDepth);
            counter(metrics, STATE_TRANSFERS, "State transfers completed.", stateTransfers);
            byReason(metrics, REJECTED_FRAMES,
                    "Connections closed for a bad frame or handshake, or for a time limit, by reason.", rejectedFrames);
            byReason(metrics, REJECTED_MESSAGES, "Messages refused before the protocol core, by reason.",
                    rejectedMessages);
            byReason(metrics, DROPPED_MESSAGES, "Messages discarded instead of queued or sent, by reason.",
                    droppedMessages);
            counter(metrics, STALE_MESSAGES_SKIPPED,
                    "Agreement messages the core no longer needs (for executed batches; PREPAREs for prepared ones),"
                            + " skipped before their signature check.",
                    staleMessagesSkipped);
            gauge(metrics, SESSIONS_LIVE, "Live sessions of dynamic clients.", sessionsLive);
            counter(metrics, HELLOS_ANSWERED, "Hellos answered with a signed challenge.", hellosAnswered);
            if (inboundBytes != null) {
                metrics.gauges(INBOUND_BYTES, "Wire bytes of network messages waiting for verification or the"
                        + " core, by source.", SOURCE, inboundBytes);
            }
            gauge(metrics, EXECUTOR_UNORDERED_DEPTH, "Unordered tasks (reads, resent replies, ...) waiting for the"
                    + " executor thread.", executorUnorderedDepth);
            counter(metrics, VERIFICATIONS_SAVED, "View changes, new views and checkpoints not checked again:"
                    + " the same bytes were checked before.", verificationsSaved);
            gauge(metrics, PEERS_CONNECTED, "Other replicas with an authenticated connection to this one now.",
                    peersConnected);
            byReason(metrics, WEB_REJECTED_MESSAGES, "WebSocket messages of web clients dropped and answered with an"
                    + " error, by reason.", webRejectedMessages);
            counter(metrics, WEB_ERROR_ANSWERS_DROPPED, "Error answers to web clients not sent: the client was not"
                    + " reading.", webErrorAnswersDropped);
            if (coreEvents != null) {
                metrics.counters(CORE_EVENTS, "What the protocol core did and dropped, by event.", EVENT, coreEvents);
            }
            return new StandardMetrics(latency);
        }

        private static void counter(Registration metrics, String name, String help, LongSupplier value) {
            if (value != null) {
                metrics.counter(name, help, value);
            }
        }

        private static void gauge(Registration metrics, String name, String help, LongSupplier value) {
            if (value != null) {
                metrics.gauge(name, help, value);
            }
        }

        private static void byReason(Registration metrics, String name, String help,
                                     Supplier<? extends Map<String, Long>> value) {
            if (value != null) {
                metrics.counters(name, help, REASON, value);
            }
        }
    }

    /** Values read at scrape time, registered as the client library's callback metrics. */
    private record Registration(PrometheusRegistry registry) {
        void counter(String name, String help, LongSupplier value) {
            CounterWithCallback.builder(LIBRARY_DEFAULTS).name(name).help(help)
                    .callback(callback -> callback.call(value.getAsLong()))
                    .register(registry);
        }

        void gauge(String name, String help, LongSupplier value) {
            GaugeWithCallback.builder(LIBRARY_DEFAULTS).name(name).help(help)
                    .callback(callback -> callback.call(value.getAsLong()))
                    .register(registry);
        }

        /** Counters by one label: label value → count, one sample per entry, in label-value order. */
        void counters(String name, String help, String label, Supplier<? extends Map<String, Long>> values) {
            CounterWithCallback.builder(LIBRARY_DEFAULTS).name(name).help(help).labelNames(label)
                    .callback(callback -> new TreeMap<>(values.get()).forEach((labelValue, count) ->
                            callback.call(count, labelValue)))
                    .register(registry);
        }

        /** Gauges by one label, read like {@link #counters}. */
        void gauges(String name, String help, String label, Supplier<? extends Map<String, Long>> values) {
            GaugeWithCallback.builder(LIBRARY_DEFAULTS).name(name).help(help).labelNames(label)
                    .callback(callback -> new TreeMap<>(values.get()).forEach((labelValue, count) ->
                            callback.call(count, labelValue)))
                    .register(registry);
        }
    }
}
