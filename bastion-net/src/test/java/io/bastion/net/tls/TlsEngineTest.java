package io.bastion.net.tls;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The TLS engine by name, and the default: BoringSSL where its native library loads, else the JDK's. */
class TlsEngineTest {
    @Test
    void theDefaultIsBoringSslWhereItLoadsAndTheJdksElsewhere() {
        assertThat(TlsEngine.preferred()).isEqualTo(OpenSsl.isAvailable() ? TlsEngine.OPENSSL : TlsEngine.JDK);
        assertThat(TlsEngine.preferred().requireAvailable()).as("the default always runs here").isNotNull();
        assertThat(TlsEngine.parse("auto")).isEqualTo(TlsEngine.preferred());
    }

    /** On the platforms Bastion ships for (linux-x86_64), the default is BoringSSL: the figures in docs/benchmarks.md assume it. */
    @Test
    void boringSslLoadsOnLinuxX8664() {
        if ("Linux".equals(System.getProperty("os.name")) && "amd64".equals(System.getProperty("os.arch"))) {
            assertThat(OpenSsl.isAvailable()).as(String.valueOf(OpenSsl.unavailabilityCause())).isTrue();
            assertThat(TlsEngine.preferred()).isEqualTo(TlsEngine.OPENSSL);
        }
    }

    @Test
    void namesAreReadInAnyCaseAndAnUnknownOneIsRefusedWithTheChoices() {
        assertThat(TlsEngine.parse("JDK")).isEqualTo(TlsEngine.JDK);
        assertThat(TlsEngine.parse("OpenSSL")).isEqualTo(TlsEngine.OPENSSL);
        assertThatThrownBy(() -> TlsEngine.parse("gnutls")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown TLS engine 'gnutls': choose auto, jdk or openssl");
    }
}
