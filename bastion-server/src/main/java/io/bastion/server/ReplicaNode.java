package io.bastion.server;

import io.bastion.core.session.SessionRequests;
import io.bastion.core.config.ClusterConfig;
import io.bastion.core.config.ReplicaInfo;
import io.bastion.core.crypto.SignatureVerifier;
import io.bastion.core.message.Hello;
import io.bastion.core.message.KeyNonce;
import io.bastion.core.message.SessionKey;
import io.bastion.net.endpoint.ClientMessageHandler;
import io.bastion.core.message.Request;
import io.bastion.core.message.Envelope;
import io.bastion.core.util.Check;
import io.bastion.core.replica.ReplicaStats;
import io.bastion.core.execution.ExecutionEngine;
import io.bastion.core.execution.StateMachine;
import io.bastion.core.service.Service;
import io.bastion.crypto.SigningKey;
import io.bastion.crypto.StandardSignatureVerifier;
import io.bastion.net.EventLoops;
import io.bastion.net.NetSettings;
import io.bastion.net.endpoint.ClientConnection;
import io.bastion.net.endpoint.ClientEndpoint;
import io.bastion.net.endpoint.ClientLimits;
import io.bastion.net.endpoint.RequestAdmission;
import io.bastion.net.replica.ReplicaNetwork;
import io.bastion.net.tls.ChannelSecurity;
import io.bastion.net.tls.MeshSecurity;
import io.bastion.net.tls.ReplicaIdentity;
import io.bastion.net.tls.TlsContexts;
import io.bastion.net.web.WebEndpoint;
import io.bastion.server.observe.MetricsServer;
import io.bastion.server.observe.StandardMetrics;
import io.bastion.server.observe.TraceEvent;
import io.bastion.server.observe.TraceLog;
import io.bastion.server.runtime.ReplicaRuntime;
import io.bastion.server.runtime.ReplicaStorage;
import io.bastion.server.runtime.ReplicaTransport;
import io.bastion.core.auth.MessageAuthenticator.Verdict;
import io.netty.channel.EventLoopGroup;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One replica process's worth of parts, wired: the replica mesh and the client endpoint (Netty,
 * sharing one event-loop group) around a {@link ReplicaRuntime}, plus the web endpoint when the
 * cluster file gives the replica a {@code webPort} (its WebSockets are client connections like
 * those of the client port), the optional message trace and Prometheus metrics endpoint. Every
 * port speaks TLS as {@link ReplicaTls} says: the mesh and client port with the replica
 * certificate it makes from its key, the web and metrics ports with its web certificate.
 * Thread-safe; {@link #close()} releases every thread and port.
 */
public final class ReplicaNode implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ReplicaNode.class);
    /** Netty threads per replica process. */
    public static final int EVENT_LOOP_THREADS = 2;

    /**
     * How to run the node.
     *
     * @param listenHost  address the client and metrics ports bind to, or {@code null} for the
     *                    replica's host in the cluster file
     * @param trace       file for the message trace (JSON lines), or {@code null} for none
     * @param metricsPort port of the Prometheus endpoint, or 0 for none
     * @param clientLimits how fast clients may send Hellos and Joins
     * @param webRoot     directory whose files the web endpoint serves, or {@code null} for none
     *                    (the endpoint runs when the replica has a {@code webPort}, files or not)
     * @param tls         how each port is secured (TLS on all of them by default)
     * @param localRequests requests the replica itself submits after each batch (its threshold
     *                    contributions), {@link ReplicaRuntime.LocalRequests#NONE} for none
     */
    public record Options(String listenHost, NetSettings net, ReplicaRuntime.Settings runtime, ReplicaStorage storage,
                          Path trace, int metricsPort, ClientLimits clientLimits, Path webRoot, ReplicaTls tls,
                          ReplicaRuntime.LocalRequests localRequests) {
        public Options(String listenHost, NetSettings net, ReplicaRuntime.Settings runtime, ReplicaStorage storage,
                       Path trace, int metricsPort, ClientLimits clientLimits, Path webRoot, ReplicaTls tls) {
            this(listenHost, net, runtime, storage, trace, metricsPort, clientLimits, webRoot, tls,
                    ReplicaRuntime.LocalRequests.NONE);
        }

        public Options(String listenHost, NetSettings net, ReplicaRuntime.Settings runtime, ReplicaStorage storage,
                       Path trace, int metricsPort) {
            this(listenHost, net, runtime, storage, trace, metricsPort, ClientLimits.DEFAULTS, null, ReplicaTls.defaults());
        }

        public Options(String listenHost, NetSettings net, ReplicaRuntime.Settings runtime, ReplicaStorage storage,
                       Path trace, int metricsPort, ClientLimits clientLimits) {
            this(listenHost, net, runtime, storage, trace, metricsPort, clientLimits, null, ReplicaTls.defaults());
        }

        public static Options defaults(ReplicaStorage storage) {
            return new Options(null, NetSettings.DEFAULTS, ReplicaRuntime.Settings.defaults(), storage, null, 0);
        }

        public Options withClientLimits(ClientLimits limits) {
            return new Options(listenHost, net, runtime, storage, trace, metricsPort, limits, webRoot, tls, localRequests);
        }

        public Options withWebRoot(Path root) {
            return new Options(listenHost, net, runtime, storage, trace, metricsPort, clientLimits, root, tls, localRequests);
        }

        public Options withTls(ReplicaTls security) {
            return new Options(listenHost, net, runtime, storage, trace, metricsPort, clientLimits, webRoot, security,
                    localRequests);
        }

        public Options withLocalRequests(ReplicaRuntime.LocalRequests requests) {
            return new Options(listenHost, net, runtime, storage, trace, metricsPort, clientLimits, webRoot, tls, requests);
        }
    }

    /**
     * The one line a replica logs at start when {@code tls} leaves a port in plaintext, or
     * {@code null} when every port speaks TLS. With the replica port in plaintext it says what that
     * gives up: COMMIT, DECIDED and VOUCH carry no signature, so after the handshake anyone on the
     * path can inject them, and agreement (and, in MAC client mode, validity) no longer holds
     * against the network.
     */
    static String plaintextWarning(int id, ReplicaTls tls) {
        if (tls.plaintext().isEmpty()) {
            return null;
        }
        String line = "replica " + id + ": INSECURE: the " + tls.plaintextNames() + " port(s) speak PLAINTEXT"
                + " (--insecure-plaintext): anyone on the network path can read voter secrets, ballots and"
                + " protocol messages there and inject unsigned ones.";
        if (tls.isPlaintext(ReplicaTls.Port.REPLICA)) {
            line += " On the replica port only the connection's handshake is authenticated, and COMMIT, DECIDED"
                    + " and VOUCH messages carry no signature: injected ones can make this replica execute a batch"
                    + " that was not decided, or order a request no client sent (MAC client mode). Agreement"
                    + " no longer holds against an attacker on the network.";
        }
        return line + " For local experiments only.";
    }

    private final ReplicaRuntime runtime;
    private final int id;
    /** MAC client mode: the nonces of KEY-NONCE messages. */
    private final java.security.SecureRandom keyNonces = new java.security.SecureRandom();
    private final ReplicaNetwork network;
    private final ClientEndpoint endpoint;
    private final WebEndpoint web;
    private final EventLoopGroup group;
    private final MetricsServer metricsServer;

    private ReplicaNode(ClusterConfig config, int id, SigningKey key, StateMachine stateMachine, Options options) {
        this.id = id;
        String insecure = plaintextWarning(id, options.tls());
        if (insecure != null) {
            LOG.warn(insecure);
        }
        ReplicaInfo self = config.replica(id);
        ReplicaTls tls = options.tls();
        // checked before anything starts, so a missing certificate leaks no thread
        ChannelSecurity webSecurity = self.webPort() == 0 ? null
                : publicSecurity(tls, ReplicaTls.Port.WEB, id, "webPort " + self.webPort());
        ChannelSecurity metricsSecurity = options.metricsPort() == 0 ? null
                : publicSecurity(tls, ReplicaTls.Port.METRICS, id, "metrics port " + options.metricsPort());
        ReplicaIdentity identity = new ReplicaIdentity(key, id, self.host());
        MeshSecurity meshSecurity = tls.isPlaintext(ReplicaTls.Port.REPLICA) ? MeshSecurity.PLAINTEXT
                : MeshSecurity.tls(identity, config, id, tls.engine());
        ChannelSecurity clientSecurity = tls.isPlaintext(ReplicaTls.Port.CLIENT) ? ChannelSecurity.PLAINTEXT
                : ChannelSecurity.tls(TlsContexts.server(identity, tls.engine()));
        Check.argument(options.runtime().peerInboundBytesMax() >= options.net().frameBytesMax(),
                "peerInboundBytesMax (" + options.runtime().peerInboundBytesMax() + ") must hold a frame of"
                        + " frameBytesMax (" + options.net().frameBytesMax() + ")");
        Check.argument(options.runtime().clientInboundBytesMax() >= options.net().frameBytesMax(),
                "clientInboundBytesMax (" + options.runtime().clientInboundBytesMax() + ") must hold a frame of"
                        + " frameBytesMax (" + options.net().frameBytesMax() + ")");
        SignatureVerifier verifier = new StandardSignatureVerifier();
        this.group = EventLoops.newGroup(EVENT_LOOP_THREADS, "bastion-net-" + id);
        PrometheusRegistry metrics = new PrometheusRegistry();
        Histogram latency = StandardMetrics.requestLatencyOn(metrics);
        TraceLog trace = options.trace() == null ? TraceLog.NONE : TraceLog.open(options.trace(), id);
        this.runtime = new ReplicaRuntime(id, config, key, verifier, stateMachine, config.clientKeys()::get,
                options.storage(), options.runtime(), new ReplicaRuntime.Observers(trace,
                        nanos -> StandardMetrics.observeLatencyNanos(latency, nanos)),
                options.localRequests());
        this.network = new ReplicaNetwork(config, id, key, verifier, options.net(), meshSecurity, group,
                runtime::onReplicaMessage);
        String host = options.listenHost() != null ? options.listenHost() : self.host();
        ClientEndpoint[] holder = new ClientEndpoint[1];
        this.endpoint = new ClientEndpoint(new InetSocketAddress(host, self.clientPort()), options.net(),
                clientSecurity, group, options.clientLimits(), new ClientMessageHandler() {
                    @Override
                    public void onMessage(ClientConnection connection, Envelope<?> message) {
                        onClientMessage(holder[0], connection, message);
                    }

                    @Override
                    public void onOpened(ClientConnection connection) {
                        offerKeyNonce(holder[0], connection);
                    }

                    @Override
                    public void onClosed(ClientConnection connection) {
                        runtime.onClientConnectionClosed(connection);
                    }
                });
        holder[0] = endpoint;
        this.web = self.webPort() == 0 ? null : new WebEndpoint(new InetSocketAddress(host, self.webPort()), config,
                options.webRoot(), options.net(), webSecurity, group, endpoint);
        registerMetrics(metrics, latency, config.n());
        this.metricsServer = options.metricsPort() == 0 ? null
                : MetricsServer.start(new InetSocketAddress(host, options.metricsPort()), metrics, metricsSecurity, group);
    }

    /** The web or metrics port's security: TLS with the web certificate, which it then must have. */
    private static ChannelSecurity publicSecurity(ReplicaTls tls, ReplicaTls.Port port, int id, String what) {
        if (tls.isPlaintext(port)) {
            return ChannelSecurity.PLAINTEXT;
        }
        Check.argument(tls.webCertificate() != null, "replica " + id + " has a " + what + ", which serves HTTPS"
                + " with the replica's web certificate, and none was given: run bastion keygen (it writes"
                + " replica-" + id + "-web.crt and .key), give --web-cert and --web-key (e.g. an ACME chain),"
                + " or, for a local experiment, --insecure-plaintext " + port);
        return ChannelSecurity.tls(TlsContexts.server(tls.webCertificate(), tls.engine()));
    }

    /**
     * MAC client mode: a TLS client connection gets a fresh KEY-NONCE first, which a SESSION-KEY on
     * it must carry. A plaintext port sends none: a session key would travel in clear there.
     */
    private void offerKeyNonce(ClientEndpoint clients, ClientConnection connection) {
        if (!clients.isTls()) {
            return;
        }
        byte[] nonce = new byte[KeyNonce.NONCE_BYTES];
        keyNonces.nextBytes(nonce);
        connection.keyNonce(nonce);
        connection.send(Envelope.unsigned(new KeyNonce(id, nonce)));
    }

    /** Hellos are answered on their own connection; everything else goes through the runtime's checks. */
    private void onClientMessage(ClientEndpoint clients, ClientConnection connection, Envelope<?> message) {
        if (message.message() instanceof Hello hello) {
            runtime.onHello(hello, connection::send);
        } else if (message.message() instanceof SessionKey key) {
            ReplicaRuntime.SessionKeyOutcome outcome = runtime.onSessionKey(message, connection, clients.isTls());
            if (outcome.close()) {
                LOG.warn("replica {}: session key of client {} from {} refused, connection closed: {}", id,
                        key.clientId(), connection.remoteAddress(), outcome.refusal());
                connection.close();
            } else if (outcome.refusal() != null) {
                LOG.debug("replica {}: session key of client {} from {} refused: {}", id, key.clientId(),
                        connection.remoteAddress(), outcome.refusal());
            }
        } else {
            long number = message.message() instanceof Request r ? r.requestNumber() : 0;
            RequestAdmission admission = connection.admission(runtime::newAdmission);
            runtime.onClientMessage(message, clientId -> clients.bind(clientId, number, connection), admission);
            long pause = admission.pauseReadingNanos();
            if (pause > 0) {
                connection.pauseReading(pause); // it sends far more than it may: let TCP hold it back
            }
        }
    }

    private void registerMetrics(PrometheusRegistry metrics, Histogram latency, int n) {
        var stats = runtime.stats();
        StandardMetrics.Builder standard = StandardMetrics.builder()
                .requestLatency(latency)
                .requestsExecuted(stats::requestsExecuted)
                .batchesExecuted(stats::batchesExecuted)
                .view(stats::view)
                .viewChanges(() -> stats.coreCounters().getOrDefault(ReplicaStats.Counter.NEW_VIEWS_ACCEPTED, 0L))
                .lastExecutedSeq(stats::lastDelivered)
                .lastStableSeq(stats::lastStable)
                .inboundQueueDepth(runtime::inboundQueueDepth)
                .executorQueueDepth(runtime::executorQueueDepth)
                .stateTransfers(() -> stats.coreCounters().getOrDefault(ReplicaStats.Counter.STATE_TRANSFERS_DONE, 0L))
                .rejectedFrames(() -> web == null
                        ? StandardMetrics.byReason(network.counters().rejections(), endpoint.counters().rejections())
                        : StandardMetrics.byReason(network.counters().rejections(), endpoint.counters().rejections(),
                                web.transportCounters().rejections()))
                .rejectedMessages(this::rejectedByReason)
                .droppedMessages(this::droppedByReason)
                .staleMessagesSkipped(() -> stats.staleSkipped() + stats.preparesSpared())
                .sessionsLive(() -> runtime.sessions().liveCount())
                .hellosAnswered(stats::hellosAnswered)
                .inboundBytes(this::inboundBytesBySource)
                .executorUnorderedDepth(runtime::executorUnorderedDepth)
                .verificationsSaved(stats::verificationsSaved)
                .peersConnected(() -> peersConnected(n))
                .coreEvents(() -> StandardMetrics.byReason(everyCounter(stats.coreCounters())));
        if (web != null) {
            standard.webRejectedMessages(() -> StandardMetrics.byReason(web.counters().errors()))
                    .webErrorAnswersDropped(() -> web.counters().errorAnswersDropped());
        }
        standard.register(metrics);
    }

    /** Every counter of the core, those it never counted as zero, so a dashboard finds each from the start. */
    static Map<ReplicaStats.Counter, Long> everyCounter(Map<ReplicaStats.Counter, Long> counted) {
        Map<ReplicaStats.Counter, Long> all = new EnumMap<>(ReplicaStats.Counter.class);
        for (ReplicaStats.Counter counter : ReplicaStats.Counter.values()) {
            all.put(counter, counted.getOrDefault(counter, 0L));
        }
        return all;
    }

    /** Other replicas the mesh has an authenticated connection to now. */
    private long peersConnected(int n) {
        long connected = 0;
        for (int peer = 0; peer < n; peer++) {
            if (peer != network.selfId() && network.isConnected(peer)) {
                connected++;
            }
        }
        return connected;
    }

    /** Messages refused at the edge: the authenticator's verdicts, and Joins screened out ({@code join_…}). */
    private Map<String, Long> rejectedByReason() {
        Map<Verdict, Long> refused = new EnumMap<>(runtime.stats().rejectedByVerdict());
        refused.remove(Verdict.AUTHENTIC);
        Map<String, Long> reasons = new TreeMap<>(StandardMetrics.byReason(refused));
        StandardMetrics.byReason(runtime.stats().joinsRefused()).forEach((reason, count) ->
                reasons.put("join_" + reason, count));
        return reasons;
    }

    /** Network input waiting for verification or the core, by peer replica and for the clients together. */
    private Map<String, Long> inboundBytesBySource() {
        Map<String, Long> bytes = new TreeMap<>();
        for (int peer = 0; peer < runtime.clusterSize(); peer++) {
            if (peer != runtime.id()) {
                bytes.put(TraceEvent.replicaPeer(peer), runtime.inboundBytesOfPeer(peer));
            }
        }
        bytes.put("clients", runtime.inboundBytesOfClients());
        return bytes;
    }

    /**
     * Transport drops, Hellos and Joins over their limits, Hellos beyond the signing backlog, network
     * input beyond the runtime's bounds (messages, bytes), view messages for views left behind, and
     * unordered executor work beyond its lane's bounds.
     */
    private Map<String, Long> droppedByReason() {
        var stats = runtime.stats();
        Map<String, Long> dropped = new TreeMap<>(StandardMetrics.byReason(network.counters().drops(),
                endpoint.counters().drops(), endpoint.throttled()));
        dropped.put("hello_backlog", stats.hellosDropped());
        dropped.put("inbound_queue", stats.droppedInbound());
        dropped.put("inbound_bytes", stats.inboundBytesDropped());
        dropped.put("stale_view", stats.staleViewsDropped());
        dropped.put("executor_backlog", stats.executorDropped());
        stats.admissionRefused().forEach((refusal, count) -> dropped.put(refusal.reason(), count));
        return dropped;
    }

    /** Starts replica {@code id} of {@code config} running an in-memory service. */
    public static ReplicaNode start(ClusterConfig config, int id, SigningKey key, Service service, Options options) {
        return start(config, id, key, new ExecutionEngine(id, key, service, config.settings().stateChunkBytes(),
                SessionRequests.of(config, new StandardSignatureVerifier())), options);
    }

    /** Starts replica {@code id} of {@code config} running {@code stateMachine} (e.g. a database). */
    public static ReplicaNode start(ClusterConfig config, int id, SigningKey key, StateMachine stateMachine,
                                    Options options) {
        ReplicaNode node = new ReplicaNode(config, id, key, stateMachine, options);
        node.runtime.start(node.transport());
        node.network.start();
        node.endpoint.start();
        if (node.web != null) {
            try {
                node.web.start();
            } catch (RuntimeException e) {
                node.close();
                throw e;
            }
        }
        return node;
    }

    private ReplicaTransport transport() {
        return new ReplicaTransport() {
            @Override
            public void send(int replicaId, Envelope<?> message) {
                network.send(replicaId, message);
            }

            @Override
            public void broadcast(Envelope<?> message) {
                network.broadcast(message);
            }

            @Override
            public void sendToClient(long clientId, Envelope<?> message) {
                endpoint.sendToClient(clientId, message);
            }

            @Override
            public void forgetClient(long clientId) {
                endpoint.unbind(clientId);
            }
        };
    }

    public ReplicaRuntime runtime() {
        return runtime;
    }

    public ReplicaNetwork network() {
        return network;
    }

    public ClientEndpoint endpoint() {
        return endpoint;
    }

    /** The web endpoint, or {@code null} when the replica has no {@code webPort}. */
    public WebEndpoint web() {
        return web;
    }

    /** The metrics endpoint's port, or 0 when there is none. */
    public int metricsPort() {
        return metricsServer == null ? 0 : metricsServer.port();
    }

    @Override
    public void close() {
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (web != null) {
            web.close();
        }
        endpoint.close();
        network.close();
        runtime.close();
        EventLoops.shutdown(group);
    }
}
