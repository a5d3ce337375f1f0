package io.bastion.cli;

import io.bastion.server.observe.StandardMetrics;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads replicas' metrics ports the way an operator's tool should: over TLS 1.3, trusting the
 * cluster CA of the cluster file or a publicly trusted CA (an ACME chain), with the host name the
 * cluster file gives checked against the certificate; or over plain HTTP for ports run with
 * {@code --insecure-plaintext metrics}. Every replica is asked at once, each on its own (virtual)
 * thread, and all answers are in within {@code timeout}: a replica that has not answered by then
 * has its connection closed and is reported as not answering. A refusal names its reason (down,
 * expired or misnamed certificate, not TLS, not Bastion). Thread-safe.
 */
final class MetricsProbe {
    /** Largest answer read; Bastion's metrics are a few KiB. */
    static final int RESPONSE_BYTES_MAX = 1 << 20;
    private static final String PATH = "/metrics";

    /** Where one replica's metrics are. */
    record Target(int id, String host, int port) {
        String endpoint() {
            return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final X509ExtendedTrustManager cluster;
    private final X509ExtendedTrustManager publicCas;
    private final boolean plaintext;
    private final Duration timeout;
    private final Clock clock;

    /**
     * @param authorities the cluster CA(s) of the cluster file, possibly none
     * @param plaintext   speak plain HTTP instead of TLS
     */
    MetricsProbe(List<X509Certificate> authorities, boolean plaintext, Duration timeout, Clock clock) {
        this.cluster = authorities.isEmpty() ? null : pkix(authorities);
        this.publicCas = pkix(null);
        this.plaintext = plaintext;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** Reads every target at once; the answers in the targets' order, all within the timeout. */
    List<ReplicaReading> readAll(List<Target> targets) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AtomicReference<Socket>> sockets = new ArrayList<>();
        List<Future<ReplicaReading>> answers = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Target target : targets) {
                AtomicReference<Socket> socket = new AtomicReference<>();
                sockets.add(socket);
                answers.add(threads.submit(() -> read(target, socket, deadline)));
            }
            List<ReplicaReading> readings = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                readings.add(await(targets.get(i), answers.get(i), sockets.get(i), deadline));
            }
            return readings;
        }
    }

    private ReplicaReading await(Target target, Future<ReplicaReading> answer, AtomicReference<Socket> socket,
                                 long deadline) throws InterruptedException {
        try {
            return answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            closeQuietly(socket.get());
            answer.cancel(true);
            return ReplicaReading.unreachable(target.id(), target.endpoint(), noAnswer(), null);
        } catch (ExecutionException e) {
            return ReplicaReading.unreachable(target.id(), target.endpoint(), String.valueOf(e.getCause()), null);
        }
    }

    private ReplicaReading read(Target target, AtomicReference<Socket> holder, long deadline) {
        Recording trust = new Recording(target.host());
        String endpoint = target.endpoint();
        try (Socket raw = new Socket()) {
            holder.set(raw);
            raw.connect(new InetSocketAddress(target.host(), target.port()), remainingMillis(deadline));
            raw.setSoTimeout(remainingMillis(deadline));
            Socket socket = plaintext ? raw : handshake(raw, target, trust);
            socket.getOutputStream().write(("GET " + PATH + " HTTP/1.1\r\nHost: " + endpoint
                    + "\r\nConnection: close\r\nAccept: text/plain\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String response = readResponse(socket, deadline);
            return parse(target, response, trust.expires());
        } catch (ConnectException e) {
            return ReplicaReading.unreachable(target.id(), endpoint, "connection refused (is the replica running, with"
                    + " this metrics port?)", null);
        } catch (SocketTimeoutException e) {
            return ReplicaReading.unreachable(target.id(), endpoint, noAnswer(), trust.expires());
        } catch (UnknownHostException e) {
            return ReplicaReading.unreachable(target.id(), endpoint, "unknown host " + target.host(), null);
        } catch (SSLException e) {
            return ReplicaReading.unreachable(target.id(), endpoint, tlsProblem(e, trust), trust.expires());
        } catch (IOException e) {
            String message = holder.get() != null && holder.get().isClosed() && System.nanoTime() > deadline
                    ? noAnswer() : e.getMessage() == null ? e.toString() : e.getMessage();
            return ReplicaReading.unreachable(target.id(), endpoint, message, trust.expires());
        }
    }

    private Socket handshake(Socket raw, Target target, Recording trust) throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLSv1.3");
            context.init(null, new TrustManager[] {trust}, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS 1.3: " + e, e);
        }
        SSLSocket ssl = (SSLSocket) context.getSocketFactory().createSocket(raw, target.host(), target.port(), true);
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setProtocols(new String[] {"TLSv1.3"});
        parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the certificate must name the host
        ssl.setSSLParameters(parameters);
        ssl.startHandshake();
        return ssl;
    }

    private String readResponse(Socket socket, long deadline) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        while (true) {
            socket.setSoTimeout(remainingMillis(deadline));
            int read = in.read(buffer);
            if (read < 0) {
                return out.toString(StandardCharsets.UTF_8);
            }
            out.write(buffer, 0, read);
            if (out.size() > RESPONSE_BYTES_MAX) {
                throw new IOException("answered more than " + RESPONSE_BYTES_MAX + " bytes (not a Bastion metrics port?)");
            }
        }
    }

    /** The status line, then Bastion's unlabelled samples. */
    private static ReplicaReading parse(Target target, String response, Instant expires) {
        String endpoint = target.endpoint();
        int headerEnd = response.indexOf("\r\n\r\n");
        String statusLine = response.lines().findFirst().orElse("");
        if (headerEnd < 0 || !statusLine.startsWith("HTTP/1.")) {
            return ReplicaReading.unreachable(target.id(), endpoint, "answered something other than HTTP"
                    + " (not a metrics port?)", expires);
        }
        String[] status = statusLine.split(" ", 3);
        if (status.length < 2 || !status[1].equals("200")) {
            return ReplicaReading.unreachable(target.id(), endpoint, "answered " + statusLine.strip() + " for " + PATH
                    + " (not a Bastion metrics port?)", expires);
        }
        Map<String, Long> samples = samples(response.substring(headerEnd + 4));
        Long view = samples.get(StandardMetrics.VIEW);
        Long executed = samples.get(StandardMetrics.LAST_EXECUTED_SEQ);
        Long stable = samples.get(StandardMetrics.LAST_STABLE_SEQ);
        if (view == null || executed == null || stable == null) {
            return ReplicaReading.unreachable(target.id(), endpoint, "its metrics lack " + StandardMetrics.VIEW + ", "
                    + StandardMetrics.LAST_EXECUTED_SEQ + " or " + StandardMetrics.LAST_STABLE_SEQ
                    + " (not a Bastion replica?)", expires);
        }
        return ReplicaReading.answered(target.id(), endpoint, view, executed, stable,
                samples.get(StandardMetrics.PEERS_CONNECTED), expires);
    }

    /** Samples without labels, {@code name value}, of the Prometheus text format; others are skipped. */
    static Map<String, Long> samples(String text) {
        Map<String, Long> samples = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] parts = line.strip().split("\\s+");
            if (parts.length < 2 || parts[0].startsWith("#") || parts[0].contains("{")) {
                continue;
            }
            try {
                samples.put(parts[0], (long) Double.parseDouble(parts[1]));
            } catch (NumberFormatException notANumber) {
                // NaN or garbage: not one of ours
            }
        }
        return samples;
    }

    private String tlsProblem(SSLException e, Recording trust) {
        if (trust.refusal() != null) {
            return trust.refusal();
        }
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext connection")) {
            return "does not speak TLS (if its metrics port runs --insecure-plaintext, add --insecure-plaintext)";
        }
        return "TLS failed: " + message;
    }

    private String noAnswer() {
        return "no answer within " + timeout.toMillis() + " ms";
    }

    private static int remainingMillis(long deadline) throws SocketTimeoutException {
        long remaining = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (remaining <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.min(Integer.MAX_VALUE, remaining);
    }

    private static void closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing to give up on it
            }
        }
    }

    /** The JDK's PKIX checks trusting {@code authorities}, or the JDK's own CAs when {@code null}. */
    private static X509ExtendedTrustManager pkix(List<X509Certificate> authorities) {
        try {
            KeyStore store = null;
            if (authorities != null) {
                store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < authorities.size(); i++) {
                    store.setCertificateEntry("cluster-ca-" + i, authorities.get(i));
                }
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager extended) {
                    return extended;
                }
            }
            throw new IllegalStateException("the JDK's PKIX trust manager factory made no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up certificate checks: " + e, e);
        }
    }

    /**
     * One connection's trust decision: the cluster CA, else a publicly trusted CA, host name
     * included; it keeps the certificate presented (its expiry is reported even when it is
     * refused) and, on refusal, why.
     */
    private final class Recording extends X509ExtendedTrustManager {
        private final String host;
        private volatile X509Certificate leaf;
        private volatile String refusal;

        Recording(String host) {
            this.host = host;
        }

        Instant expires() {
            X509Certificate presented = leaf;
            return presented == null ? null : presented.getNotAfter().toInstant();
        }

        String refusal() {
            return refusal;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            leaf = chain == null || chain.length == 0 ? null : chain[0];
            CertificateException first = null;
            for (X509ExtendedTrustManager manager : managers()) {
                try {
                    manager.checkServerTrusted(chain, authType, socket);
                    return;
                } catch (CertificateException e) {
                    first = first == null ? e : first;
                }
            }
            refusal = why(chain, authType);
            throw new CertificateException(refusal, first);
        }

        private List<X509ExtendedTrustManager> managers() {
            return cluster == null ? List.of(publicCas) : List.of(cluster, publicCas);
        }

        private String why(X509Certificate[] chain, String authType) {
            if (leaf == null) {
                return "presented no certificate";
            }
            Instant now = clock.instant();
            if (now.isAfter(leaf.getNotAfter().toInstant())) {
                return "its certificate expired on " + leaf.getNotAfter().toInstant()
                        + " (renew it: bastion keygen --renew-web-certificates, or your ACME client)";
            }
            if (now.isBefore(leaf.getNotBefore().toInstant())) {
                return "its certificate is not valid before " + leaf.getNotBefore().toInstant() + " (clock skew?)";
            }
            for (X509ExtendedTrustManager manager : managers()) {
                try {
                    manager.checkServerTrusted(chain, authType); // the chain alone, without the host name
                    return "its certificate does not name " + host + " (" + leaf.getSubjectX500Principal().getName()
                            + "; after changing hosts: bastion keygen --renew-web-certificates)";
                } catch (CertificateException notThisOne) {
                    // try the next
                }
            }
            return "its certificate (" + leaf.getSubjectX500Principal().getName() + ") is issued neither by the"
                    + " cluster CA of the cluster file nor by a publicly trusted CA";
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("only sockets are used here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a host name is always checked here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("no TLS clients here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("no TLS clients here");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("no TLS clients here");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
