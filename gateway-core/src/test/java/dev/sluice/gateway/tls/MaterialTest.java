package dev.sluice.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@link KeyMaterial}, {@link TrustMaterial} and {@link TlsProvider}. */
class MaterialTest {

    @Test
    void pemKeyMaterialListsChainThenKey() {
        KeyMaterial keys = KeyMaterial.pem(Path.of("cert.pem"), Path.of("key.pem"));

        assertThat(keys.files()).containsExactly(Path.of("cert.pem"), Path.of("key.pem"));
        assertThat(keys).hasToString("KeyMaterial[PEM cert.pem, key.pem]");
    }

    @Test
    void passwordsTakePartInEqualityButNeverInToString() {
        KeyMaterial encrypted = KeyMaterial.pem(Path.of("cert.pem"), Path.of("key.pem"), "s3cret");
        KeyMaterial store = KeyMaterial.keyStore(Path.of("server.p12"), "PKCS12", "st0re", "k3y");

        assertThat(encrypted).hasToString("KeyMaterial[PEM cert.pem, key.pem (encrypted)]")
                .isEqualTo(KeyMaterial.pem(Path.of("cert.pem"), Path.of("key.pem"), "s3cret"))
                .isNotEqualTo(KeyMaterial.pem(Path.of("cert.pem"), Path.of("key.pem"), "other"));
        assertThat(store).hasToString("KeyMaterial[PKCS12 server.p12]");
        assertThat(store.files()).containsExactly(Path.of("server.p12"));
        assertThat(KeyMaterial.keyStore(Path.of("server.p12"), "PKCS12", "pw"))
                .isEqualTo(KeyMaterial.keyStore(Path.of("server.p12"), "PKCS12", "pw", "pw"));
    }

    @Test
    void unknownKeyStoreTypesAreRefusedWithTheType() {
        assertThatThrownBy(() -> KeyMaterial.keyStore(Path.of("server.p12"), "PKCS13", "pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown key store type 'PKCS13'");
        assertThatThrownBy(() -> TrustMaterial.keyStore(Path.of("trust.pem"), "PEM", null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown key store type 'PEM'");
        assertThat(KeyMaterial.keyStore(Path.of("server.jks"), "JKS", "pw").files()).containsExactly(Path.of("server.jks"));
    }

    @Test
    void aPathWithoutFileNameIsRefused() {
        Path root = Path.of("/");
        assertThatThrownBy(() -> KeyMaterial.pem(root, Path.of("key.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("certificateChain must name a file, was '/'");
        assertThatThrownBy(() -> TrustMaterial.pem(root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("caCertificates must name a file, was '/'");
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> KeyMaterial.pem(Path.of("c"), Path.of("k"), null))
                .isInstanceOf(NullPointerException.class).hasMessage("keyPassword");
        assertThatThrownBy(() -> KeyMaterial.keyStore(Path.of("s"), "PKCS12", null))
                .isInstanceOf(NullPointerException.class).hasMessage("password");
    }

    @Test
    void trustMaterialKinds() {
        assertThat(TrustMaterial.jdkDefault().isJdkDefault()).isTrue();
        assertThat(TrustMaterial.jdkDefault().files()).isEmpty();
        assertThat(TrustMaterial.jdkDefault()).hasToString("TrustMaterial[JDK default]");

        TrustMaterial pem = TrustMaterial.pem(Path.of("ca.pem"));
        assertThat(pem.isJdkDefault()).isFalse();
        assertThat(pem.files()).containsExactly(Path.of("ca.pem"));
        assertThat(pem).isEqualTo(TrustMaterial.pem(Path.of("ca.pem")));

        TrustMaterial store = TrustMaterial.keyStore(Path.of("trust.jks"), "JKS", "changeit");
        assertThat(store.files()).containsExactly(Path.of("trust.jks"));
        assertThat(store.toString()).isEqualTo("TrustMaterial[JKS trust.jks]").doesNotContain("changeit");
    }

    @Test
    void jdkProviderIsAlwaysAvailable() {
        assertThat(TlsProvider.JDK.isAvailable()).isTrue();
        assertThat(TlsProvider.JDK.unavailabilityCause()).isNull();
    }

    /** gateway-core's tests carry netty-tcnative-boringssl-static for linux-x86_64. */
    @Test
    void openSslIsAvailableOnTheBuildMachine() {
        assertThat(TlsProvider.OPENSSL.unavailabilityCause()).isNull();
        assertThat(TlsProvider.OPENSSL.isAvailable()).isTrue();
    }
}
