package dev.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ServerTlsTest {
    private static final KeyMaterial KEYS = KeyMaterial.pem(Path.of("tls/cert.pem"), Path.of("tls/key.pem"));
    private static final TrustMaterial CLIENTS_CA = TrustMaterial.pem(Path.of("tls/clients-ca.pem"));

    @Test
    void defaultsAreTheDocumentedOnes() {
        ServerTls tls = ServerTls.builder(KEYS).build();

        assertThat(tls.keyMaterial()).isEqualTo(KEYS);
        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.NONE);
        assertThat(tls.clientTrust()).isNull();
        assertThat(tls.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.cipherSuites()).isEmpty();
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tls.maxClientHelloBytes()).isEqualTo(16_384);
        assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everySettingIsKept() {
        ServerTls tls = ServerTls.builder(KEYS)
                .clientAuth(ClientAuth.REQUIRED)
                .clientTrust(CLIENTS_CA)
                .provider(TlsProvider.OPENSSL)
                .protocols("TLSv1.3")
                .cipherSuites("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256")
                .handshakeTimeout(Duration.ofSeconds(3))
                .maxClientHelloBytes(512)
                .reloadInterval(Duration.ZERO)
                .build();

        assertThat(tls.clientAuth()).isEqualTo(ClientAuth.REQUIRED);
        assertThat(tls.clientTrust()).isEqualTo(CLIENTS_CA);
        assertThat(tls.provider()).isEqualTo(TlsProvider.OPENSSL);
        assertThat(tls.protocols()).containsExactly("TLSv1.3");
        assertThat(tls.cipherSuites()).containsExactly("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256");
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(tls.maxClientHelloBytes()).isEqualTo(512);
        assertThat(tls.reloadInterval()).isZero();
        assertThat(tls).isEqualTo(ServerTls.builder(KEYS).clientAuth(ClientAuth.REQUIRED).clientTrust(CLIENTS_CA)
                .provider(TlsProvider.OPENSSL).protocols("TLSv1.3")
                .cipherSuites("TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256").handshakeTimeout(Duration.ofSeconds(3))
                .maxClientHelloBytes(512).reloadInterval(Duration.ZERO).build());
    }

    @Test
    void clientAuthWithoutExplicitClientTrustFailsBuild() {
        for (ClientAuth mode : new ClientAuth[] {ClientAuth.REQUESTED, ClientAuth.REQUIRED}) {
            assertThatThrownBy(() -> ServerTls.builder(KEYS).clientAuth(mode).build())
                    .as(mode.name())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("clientAuth " + mode + " needs clientTrust(...)");
        }
    }

    @Test
    void jdkDefaultClientTrustIsAcceptedWhenGivenExplicitly() {
        ServerTls tls = ServerTls.builder(KEYS).clientAuth(ClientAuth.REQUESTED)
                .clientTrust(TrustMaterial.jdkDefault()).build();

        assertThat(tls.clientTrust()).isEqualTo(TrustMaterial.jdkDefault());
    }

    @Test
    void clientTrustWithoutClientAuthFailsBuildRatherThanBeingIgnored() {
        assertThatThrownBy(() -> ServerTls.builder(KEYS).clientTrust(CLIENTS_CA).build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("clientAuth is NONE");
    }

    @Test
    void maxClientHelloBytesOutside512To16777215IsRefusedWithTheValue() {
        ServerTls.Builder builder = ServerTls.builder(KEYS);
        assertThat(builder.maxClientHelloBytes(16_777_215).build().maxClientHelloBytes()).isEqualTo(16_777_215);
        for (int bad : new int[] {511, 0, -1, 16_777_216}) {
            assertThatThrownBy(() -> builder.maxClientHelloBytes(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxClientHelloBytes must be in 512..16777215, was " + bad);
        }
    }

    @Test
    void handshakeTimeoutMustBePositive() {
        assertThatThrownBy(() -> ServerTls.builder(KEYS).handshakeTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("handshakeTimeout must be positive, was PT0S");
        assertThatThrownBy(() -> ServerTls.builder(KEYS).handshakeTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("handshakeTimeout must be positive, was PT-1S");
    }

    @Test
    void reloadIntervalIsZeroOrAtLeast100Milliseconds() {
        assertThat(ServerTls.builder(KEYS).reloadInterval(Duration.ofMillis(100)).build().reloadInterval())
                .isEqualTo(Duration.ofMillis(100));
        assertThatThrownBy(() -> ServerTls.builder(KEYS).reloadInterval(Duration.ofMillis(99)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT0.099S");
        assertThatThrownBy(() -> ServerTls.builder(KEYS).reloadInterval(Duration.ofSeconds(-5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT-5S");
    }

    @Test
    void protocolsMustBeKnownTlsVersionsWithoutRepeats() {
        ServerTls.Builder builder = ServerTls.builder(KEYS);
        assertThatThrownBy(() -> builder.protocols("TLS1.2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown protocol 'TLS1.2'");
        assertThatThrownBy(() -> builder.protocols("SSLv3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown protocol 'SSLv3'");
        assertThatThrownBy(builder::protocols)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("protocols must name at least one");
        assertThatThrownBy(() -> builder.protocols("TLSv1.3", "TLSv1.3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("protocols names 'TLSv1.3' twice");
        assertThat(builder.build().protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    @Test
    void cipherSuitesMustNotBeBlankOrRepeatedAndNoneMeansProviderDefaults() {
        ServerTls.Builder builder = ServerTls.builder(KEYS);
        assertThatThrownBy(() -> builder.cipherSuites("TLS_AES_128_GCM_SHA256", " "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cipherSuites must not contain a blank name, was ' '");
        assertThatThrownBy(() -> builder.cipherSuites("A", "A"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cipherSuites names 'A' twice");
        assertThat(builder.cipherSuites("A").cipherSuites().build().cipherSuites()).isEmpty();
    }

    @Test
    void toStringNeverPrintsPasswords() {
        ServerTls tls = ServerTls.builder(KeyMaterial.keyStore(Path.of("server.p12"), "PKCS12", "hunter2"))
                .clientAuth(ClientAuth.REQUIRED)
                .clientTrust(TrustMaterial.keyStore(Path.of("trust.p12"), "PKCS12", "sw0rdfish"))
                .build();

        assertThat(tls.toString())
                .contains("server.p12", "trust.p12", "REQUIRED")
                .doesNotContain("hunter2", "sw0rdfish");
    }
}
