package dev.sluice.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.KeyAlgorithm;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.TrustMaterial;
import dev.sluice.gateway.tls.UpstreamTls;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Contexts from each kind of material, and failures that name the file at fault. */
class TlsContextsTest {
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Contexts Test CA");
    private static final IssuedCertificate SERVER = CA.issueServerCertificate("*.kafka.test", "localhost", "127.0.0.1");

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void serverContextFromPemPresentsItsCertificate(TlsProvider provider) throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        ReloadableSslContext server = TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(),
                pem.privateKey())).provider(provider).build());
        ReloadableSslContext client = TlsContexts.client(UpstreamTls.builder()
                .trust(TrustMaterial.pem(pem.caCertificate())).provider(provider).build());

        TlsPair.Outcome outcome = TlsPair.handshake(server.current(), client.current(), "broker-1.kafka.test");

        assertThat(outcome.succeeded()).as("%s", outcome).isTrue();
        assertThat(outcome.serverCertificate()).isEqualTo(SERVER.certificate());
        assertThat(outcome.protocol()).isEqualTo("TLSv1.3");
        assertThat(server.current().isServer()).isTrue();
        assertThat(client.current().isClient()).isTrue();
        assertThat(server.describe()).isEqualTo("server TLS [" + pem.certificateChain() + ", " + pem.privateKey() + "]");
        assertThat(client.describe()).isEqualTo("upstream TLS [" + pem.caCertificate() + "]");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void encryptedPkcs8KeyIsDecryptedWithItsPassword(TlsProvider provider) throws Exception {
        PemFiles pem = SERVER.writePem(dir);
        Path encrypted = dir.resolve("key.enc.pem");
        Files.writeString(encrypted, encryptedPkcs8(SERVER, "k3y-pass"), StandardCharsets.US_ASCII);

        ReloadableSslContext server = TlsContexts.server(ServerTls.builder(
                KeyMaterial.pem(pem.certificateChain(), encrypted, "k3y-pass")).provider(provider).build());

        assertThat(TlsPair.handshake(server.current(), trustingClient(pem), "localhost").serverCertificate())
                .isEqualTo(SERVER.certificate());
        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(
                        KeyMaterial.pem(pem.certificateChain(), encrypted, "guess-4711")).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("cannot decrypt the private key in " + encrypted + ": wrong password")
                .hasMessageNotContaining("guess-4711");
        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(
                        KeyMaterial.pem(pem.certificateChain(), encrypted)).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("the private key in " + encrypted + " is encrypted; give its password");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void pkcs12KeyStoreServesItsKeyEntry(TlsProvider provider) throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        Path p12 = SERVER.writePkcs12(dir.resolve("server.p12"), "st0re".toCharArray());

        ReloadableSslContext server = TlsContexts.server(ServerTls.builder(
                KeyMaterial.keyStore(p12, "PKCS12", "st0re")).provider(provider).build());

        assertThat(TlsPair.handshake(server.current(), trustingClient(pem), "broker-7.kafka.test").serverCertificate())
                .isEqualTo(SERVER.certificate());
        assertThat(server.describe()).isEqualTo("server TLS [" + p12 + "]");
    }

    @Test
    void rsaKeysAndAChainAndKeyInOneFileWork() throws IOException {
        TestCertificateAuthority rsa = TestCertificateAuthority.create("RSA CA", KeyAlgorithm.RSA_2048);
        IssuedCertificate certificate = rsa.issueServerCertificate("localhost");
        PemFiles pem = certificate.writePem(dir);
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, certificate.privateKeyPem() + certificate.certificateChainPem());

        ReloadableSslContext server = TlsContexts.server(ServerTls.builder(KeyMaterial.pem(combined, combined)).build());

        assertThat(server.describe()).isEqualTo("server TLS [" + combined + "]");
        assertThat(TlsPair.handshake(server.current(), trustingClient(pem), "localhost").serverCertificate())
                .isEqualTo(certificate.certificate());
    }

    @Test
    void wrongKeyStorePasswordNamesTheFile() throws IOException {
        Path p12 = SERVER.writePkcs12(dir.resolve("server.p12"), "st0re".toCharArray());

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.keyStore(p12, "PKCS12", "nope")).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("cannot read " + p12 + " as a PKCS12 key store")
                .hasMessageNotContaining("nope");
    }

    @Test
    void missingFileNamesTheFile() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        Path missing = dir.resolve("missing-key.pem");

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), missing)).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("server TLS [")
                .hasMessageContaining("cannot read " + missing)
                .hasRootCauseInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> TlsContexts.client(UpstreamTls.trusting(dir.resolve("no-ca.pem"))))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("cannot read " + dir.resolve("no-ca.pem"));
    }

    @Test
    void garbageCertificateFileNamesTheFile() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        Files.writeString(pem.certificateChain(), "not a certificate\n");

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey())).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining(pem.certificateChain() + " holds no PEM CERTIFICATE block");
    }

    @Test
    void truncatedChainIsRefusedRatherThanServedShort() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        String chain = SERVER.certificateChainPem();
        Files.writeString(pem.certificateChain(), chain.substring(0, chain.length() * 3 / 4));

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey())).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining(pem.certificateChain() + " has 2 PEM BEGIN lines but 1 complete blocks");
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        Files.writeString(pem.privateKey(), CA.issueServerCertificate("localhost").privateKeyPem());

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey())).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("the private key in " + pem.privateKey() + " does not belong to the first certificate in "
                        + pem.certificateChain() + " (CN=*.kafka.test)");
    }

    @Test
    void pkcs1KeyIsRefusedWithHowToConvertIt() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        Files.writeString(pem.privateKey(), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey())).build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining(pem.privateKey() + " holds no PKCS#8 private key")
                .hasMessageContaining("[RSA PRIVATE KEY]")
                .hasMessageContaining("openssl pkcs8 -topk8");
    }

    @Test
    void trustStoreWithoutCertificatesIsRefused() throws IOException {
        Path empty = dir.resolve("empty.pem");
        Files.writeString(empty, "");

        assertThatThrownBy(() -> TlsContexts.client(UpstreamTls.trusting(empty)))
                .isInstanceOf(GatewayException.class)
                .hasMessage("upstream TLS [" + empty + "]: " + empty + " holds no PEM CERTIFICATE block");
    }

    @Test
    void clientTrustingTheJdkDefaultsReadsNoFile() {
        ReloadableSslContext client = TlsContexts.client(UpstreamTls.builder().build());

        assertThat(client.describe()).isEqualTo("upstream TLS [JDK default trust]");
        assertThat(client.reloadIfChanged()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void unsupportedCipherSuiteFailsTheBuildNotTheFirstConnection(TlsProvider provider) throws IOException {
        PemFiles pem = SERVER.writePem(dir);

        assertThatThrownBy(() -> TlsContexts.server(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey()))
                        .provider(provider).cipherSuites("TLS_NO_SUCH_CIPHER").build()))
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("server TLS [")
                .hasMessageContaining("TLS_NO_SUCH_CIPHER");
    }

    @Test
    void protocolsAreApplied() throws IOException {
        PemFiles pem = SERVER.writePem(dir);
        ReloadableSslContext server = TlsContexts.server(ServerTls.builder(
                KeyMaterial.pem(pem.certificateChain(), pem.privateKey())).protocols("TLSv1.2").build());

        assertThat(TlsPair.handshake(server.current(), trustingClient(pem), "localhost").protocol()).isEqualTo("TLSv1.2");
    }

    private static SslContext trustingClient(PemFiles pem) {
        return TlsContexts.client(UpstreamTls.trusting(pem.caCertificate())).current();
    }

    /**
     * What {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes: PBES2, PBKDF2 with HMAC-SHA256,
     * AES-256-CBC. Written with BouncyCastle, read by the gateway with the JDK alone.
     */
    private static String encryptedPkcs8(IssuedCertificate certificate, String password) throws Exception {
        JcaPKCS8Generator generator = new JcaPKCS8Generator(certificate.privateKey(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC)
                        .setPRF(PKCS8Generator.PRF_HMACSHA256)
                        .setProvider(new BouncyCastleProvider()) // an instance: no global Security change
                        .setPassword(password.toCharArray())
                        .build());
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(generator);
        }
        return text.toString();
    }
}
