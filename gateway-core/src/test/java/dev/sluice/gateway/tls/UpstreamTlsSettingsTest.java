package dev.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class UpstreamTlsSettingsTest {

    @Test
    void defaultsTrustTheJdkAndVerifyHostNames() {
        UpstreamTls tls = UpstreamTls.builder().build();

        assertThat(tls.trust()).isEqualTo(TrustMaterial.jdkDefault());
        assertThat(tls.keyMaterial()).isNull();
        assertThat(tls.hostnameVerification()).isTrue();
        assertThat(tls.provider()).isEqualTo(TlsProvider.JDK);
        assertThat(tls.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(tls.cipherSuites()).isEmpty();
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(tls.reloadInterval()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void trustingIsTheBuilderWithPemTrust() {
        Path ca = Path.of("tls/cluster-ca.pem");

        UpstreamTls tls = UpstreamTls.trusting(ca);

        assertThat(tls).isEqualTo(UpstreamTls.builder().trust(TrustMaterial.pem(ca)).build());
        assertThat(tls.trust().files()).containsExactly(ca);
        assertThat(tls.hostnameVerification()).isTrue();
    }

    @Test
    void everySettingIsKept() {
        KeyMaterial gateway = KeyMaterial.pem(Path.of("gw.pem"), Path.of("gw.key"), "gw-s3cret");
        UpstreamTls tls = UpstreamTls.builder()
                .trust(TrustMaterial.keyStore(Path.of("truststore.jks"), "JKS", null))
                .keyMaterial(gateway)
                .hostnameVerification(false)
                .provider(TlsProvider.OPENSSL)
                .protocols("TLSv1.2")
                .cipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")
                .handshakeTimeout(Duration.ofMillis(1500))
                .reloadInterval(Duration.ofMinutes(1))
                .build();

        assertThat(tls.trust().files()).containsExactly(Path.of("truststore.jks"));
        assertThat(tls.keyMaterial()).isEqualTo(gateway);
        assertThat(tls.hostnameVerification()).isFalse();
        assertThat(tls.provider()).isEqualTo(TlsProvider.OPENSSL);
        assertThat(tls.protocols()).containsExactly("TLSv1.2");
        assertThat(tls.cipherSuites()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
        assertThat(tls.handshakeTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(tls.reloadInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(tls.toString()).contains("gw.key", "hostnameVerification false").doesNotContain("gw-s3cret");
    }

    @Test
    void settersValidateAtOnce() {
        UpstreamTls.Builder builder = UpstreamTls.builder();
        assertThatThrownBy(() -> builder.handshakeTimeout(Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("handshakeTimeout must be positive, was PT-0.001S");
        assertThatThrownBy(() -> builder.protocols("TLSv1.4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown protocol 'TLSv1.4'");
        assertThatThrownBy(() -> builder.reloadInterval(Duration.ofMillis(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was PT0.001S");
        assertThatThrownBy(() -> builder.trust(null)).isInstanceOf(NullPointerException.class).hasMessage("trust");
    }
}
