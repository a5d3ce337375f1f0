package io.bastion.net.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.X509ExtendedTrustManager;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Why replica TLS keys are P-256 certified by the Ed25519 replica key rather than the Ed25519 key
 * itself: the JDK's TLS 1.3 completes a mutual handshake with Ed25519 certificates, BoringSSL (the
 * openssl engine) does not. If this test starts failing the other way, the design can be simplified.
 */
class TlsEngineSupportTest {
    private static final X509ExtendedTrustManager ANY = new X509ExtendedTrustManager() {
        @Override public void checkClientTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, Socket s) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) { }
        @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
        @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
        @Override public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    };

    private static X509Certificate selfSigned(KeyPair pair) throws Exception {
        X500Name name = new X500Name("CN=ed25519 test");
        Instant now = Instant.now();
        return new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(1, ChronoUnit.DAYS)), name, pair.getPublic())
                .build(new JcaContentSignerBuilder("Ed25519").build(pair.getPrivate())));
    }

    /** Completes a mutual TLS 1.3 handshake between two engines of {@code provider} with Ed25519 certificates. */
    private static String handshake(SslProvider provider) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        KeyPair server = generator.generateKeyPair();
        KeyPair client = generator.generateKeyPair();
        SslContext serverContext = SslContextBuilder.forServer(server.getPrivate(), selfSigned(server)).sslProvider(provider)
                .protocols(TlsContexts.PROTOCOL).clientAuth(ClientAuth.REQUIRE).trustManager(ANY).build();
        SslContext clientContext = SslContextBuilder.forClient().keyManager(client.getPrivate(), selfSigned(client))
                .sslProvider(provider).protocols(TlsContexts.PROTOCOL).trustManager(ANY).build();
        SSLEngine serverEngine = serverContext.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine clientEngine = clientContext.newEngine(ByteBufAllocator.DEFAULT, "localhost", 1);
        clientEngine.beginHandshake();
        serverEngine.beginHandshake();
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer application = ByteBuffer.allocate(1 << 17);
        for (int round = 0; round < 50; round++) { // a handshake takes a few rounds; the bound is a safety net
            step(clientEngine, toServer, toClient, application);
            step(serverEngine, toClient, toServer, application);
            if (done(clientEngine) && done(serverEngine) && toServer.position() == 0 && toClient.position() == 0) {
                return clientEngine.getSession().getProtocol();
            }
        }
        throw new AssertionError("no handshake in 50 rounds");
    }

    private static boolean done(SSLEngine engine) {
        HandshakeStatus status = engine.getHandshakeStatus();
        return status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine engine, ByteBuffer out, ByteBuffer in, ByteBuffer application) throws SSLException {
        runTasks(engine);
        engine.wrap(ByteBuffer.allocate(0), out);
        in.flip();
        application.clear();
        if (in.hasRemaining()) {
            engine.unwrap(in, application);
        }
        in.compact();
        runTasks(engine);
    }

    private static void runTasks(SSLEngine engine) {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    @Test
    void theJdksTls13AcceptsEd25519Certificates() throws Exception {
        assertThat(handshake(SslProvider.JDK)).isEqualTo("TLSv1.3");
    }

    @Test
    void boringSslThroughNettyDoesNot() {
        assumeTrue(OpenSsl.isAvailable(), "no netty-tcnative for this platform");
        assertThatThrownBy(() -> handshake(SslProvider.OPENSSL)).isInstanceOf(SSLException.class);
    }
}
