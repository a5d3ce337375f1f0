package io.bastion.net.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;

import java.util.Locale;

/**
 * Which TLS implementation Bastion's connections use: the one place the choice is made. {@link #JDK}
 * is the JDK's own TLS; {@link #OPENSSL} is BoringSSL through netty-tcnative (shipped for
 * linux-x86_64). The default is {@link #preferred()}: BoringSSL where its native library loads,
 * else the JDK's, since BoringSSL took 10 % less CPU per request in MAC client mode
 * (docs/benchmarks.md, "TLS"). Both speak TLS 1.3 only and use the same keys, certificates and
 * trust checks ({@link TlsContexts}), so replicas and clients on different engines talk to each
 * other. Stateless.
 */
public enum TlsEngine {
    JDK(SslProvider.JDK),
    OPENSSL(SslProvider.OPENSSL);

    private final SslProvider provider;

    TlsEngine(SslProvider provider) {
        this.provider = provider;
    }

    SslProvider provider() {
        return provider;
    }

    /** The default: {@link #OPENSSL} when its native library loads in this process, else {@link #JDK}. */
    public static TlsEngine preferred() {
        return OpenSsl.isAvailable() ? OPENSSL : JDK;
    }

    /** The engine named {@code name} ({@code auto} for {@link #preferred()}, {@code jdk} or {@code openssl}, any case). */
    public static TlsEngine parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "auto" -> preferred();
            case "jdk" -> JDK;
            case "openssl" -> OPENSSL;
            default -> throw new IllegalArgumentException("unknown TLS engine '" + name
                    + "': choose auto, jdk or openssl");
        };
    }

    /** Throws, saying why, when this engine cannot run in this process (no native library for the platform). */
    public TlsEngine requireAvailable() {
        if (this == OPENSSL && !OpenSsl.isAvailable()) {
            throw new IllegalStateException("the openssl TLS engine is not available here ("
                    + OpenSsl.unavailabilityCause() + "); use --tls-engine jdk");
        }
        return this;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
