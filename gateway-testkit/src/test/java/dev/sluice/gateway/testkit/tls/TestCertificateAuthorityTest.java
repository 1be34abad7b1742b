package dev.sluice.gateway.testkit.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCertificateAuthorityTest {
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Sluice Test CA");
    private static final IssuedCertificate WILDCARD =
            CA.issueServerCertificate("*.kafka.test", "localhost", "127.0.0.1");

    @Test
    void wildcardCertificateIsAcceptedForABrokerHostNameWithHostnameVerification() throws Exception {
        SSLEngine client = Handshake.client("broker-1.kafka.test", CA, null);
        SSLEngine server = Handshake.server(WILDCARD, null);

        Handshake.run(client, server);

        assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(WILDCARD.certificate());
    }

    @Test
    void ipAddressSanIsAcceptedFor127001() {
        assertThatCode(() -> Handshake.run(Handshake.client("127.0.0.1", CA, null), Handshake.server(WILDCARD, null)))
                .doesNotThrowAnyException();
    }

    @Test
    void wildcardCertificateIsRefusedForNamesItDoesNotCover() {
        for (String host : List.of("broker-1.other.test", "kafka.test", "a.broker-1.kafka.test")) {
            assertThatThrownBy(() -> Handshake.run(Handshake.client(host, CA, null), Handshake.server(WILDCARD, null)))
                    .as(host)
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("No subject alternative DNS name matching " + host);
        }
    }

    @Test
    void serverCertificateOfAnotherCaIsNotTrusted() {
        TestCertificateAuthority other = TestCertificateAuthority.create("Other CA");
        assertThatThrownBy(() -> Handshake.run(Handshake.client("broker-1.kafka.test", CA, null),
                        Handshake.server(other.issueServerCertificate("*.kafka.test"), null)))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void clientCertificateSignedByTheCaIsAcceptedWhenClientAuthIsRequired() throws Exception {
        SSLEngine server = Handshake.server(WILDCARD, CA);

        Handshake.run(Handshake.client("broker-1.kafka.test", CA, CA.issueClientCertificate("alice")), server);

        assertThat(server.getSession().getPeerPrincipal().getName()).isEqualTo("CN=alice");
    }

    @Test
    void clientCertificateOfAnotherCaOrNoneIsRefusedWhenClientAuthIsRequired() {
        IssuedCertificate mallory = TestCertificateAuthority.create("Other CA").issueClientCertificate("mallory");
        assertThatThrownBy(() -> Handshake.run(
                        Handshake.client("broker-1.kafka.test", CA, mallory), Handshake.server(WILDCARD, CA)))
                .isInstanceOf(SSLHandshakeException.class);
        assertThatThrownBy(() -> Handshake.run(
                        Handshake.client("broker-1.kafka.test", CA, null), Handshake.server(WILDCARD, CA)))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void rsaKeysWorkLikeEcKeys() throws Exception {
        TestCertificateAuthority rsa = TestCertificateAuthority.create("RSA CA", KeyAlgorithm.RSA_2048);
        IssuedCertificate server = rsa.issueServerCertificate("*.kafka.test");
        SSLEngine serverEngine = Handshake.server(server, rsa);

        Handshake.run(Handshake.client("broker-2.kafka.test", rsa, rsa.issueClientCertificate("bob")), serverEngine);

        assertThat(server.privateKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(serverEngine.getSession().getPeerPrincipal().getName()).isEqualTo("CN=bob");
    }

    /** kafka-clients' own SSL engine factory reads the PEM chain and unencrypted PKCS#8 EC key. */
    @Test
    void kafkaClientsAcceptsThePemKeyStoreOfAnEcClientCertificate() throws Exception {
        IssuedCertificate client = CA.issueClientCertificate("kafka-client");
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        props.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, CA.certificatePem());
        props.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        props.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, client.certificateChainPem());
        props.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, client.privateKeyPem());
        try (DefaultSslEngineFactory factory = new DefaultSslEngineFactory()) {
            factory.configure(new AdminClientConfig(props).values());
            SSLEngine server = Handshake.server(WILDCARD, CA);

            Handshake.run(factory.createClientSslEngine("broker-1.kafka.test", 9093, "https"), server);

            assertThat(server.getSession().getPeerPrincipal().getName()).isEqualTo("CN=kafka-client");
        }
    }

    @Test
    void pemFilesAndKeyStoreHoldTheSameMaterial(@TempDir Path dir) throws Exception {
        PemFiles files = WILDCARD.writePem(dir.resolve("pem"));
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        try (InputStream chain = Files.newInputStream(files.certificateChain());
                InputStream ca = Files.newInputStream(files.caCertificate())) {
            assertThat(List.copyOf(x509.generateCertificates(chain))).isEqualTo(WILDCARD.chain());
            assertThat(x509.generateCertificate(ca)).isEqualTo(CA.certificate());
        }
        assertThat(Files.readString(files.privateKey()))
                .startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        assertThat(files.certificateChain().getFileName()).hasToString("cert.pem");

        Path p12 = WILDCARD.writePkcs12(dir.resolve("server.p12"), "secret".toCharArray());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            store.load(in, "secret".toCharArray());
        }
        assertThat(store.getKey(IssuedCertificate.KEY_ALIAS, "secret".toCharArray())).isEqualTo(WILDCARD.privateKey());
        assertThat(store.getCertificateChain(IssuedCertificate.KEY_ALIAS))
                .containsExactly(WILDCARD.certificate(), CA.certificate());
    }

    @Test
    void certificatesAreValidFromAnHourAgoForADay() throws Exception {
        X509Certificate certificate = WILDCARD.certificate();
        Instant now = Instant.now();
        assertThat(certificate.getNotBefore().toInstant()).isBetween(now.minus(Duration.ofMinutes(65)), now.minus(Duration.ofMinutes(55)));
        assertThat(certificate.getNotAfter().toInstant()).isBetween(now.plus(Duration.ofHours(23)), now.plus(Duration.ofHours(25)));
        certificate.verify(CA.certificate().getPublicKey());
        assertThat(certificate.getSubjectAlternativeNames().stream().map(entry -> entry.get(1)).toList())
                .isEqualTo(List.of("*.kafka.test", "localhost", "127.0.0.1"));
        assertThat(CA.certificate().getBasicConstraints()).isNotNegative();
        assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
        assertThat(CA.issueClientCertificate("alice").certificate().getExtendedKeyUsage())
                .containsExactly("1.3.6.1.5.5.7.3.2");
    }

    @Test
    void invalidNamesAreRefusedWithTheName() {
        for (String bad : List.of("*.test", "a.*.kafka.test", "bad name", "", "999.1.1.1.1:x")) {
            assertThatThrownBy(() -> CA.issueServerCertificate(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'" + bad + "'");
        }
        assertThatThrownBy(CA::issueServerCertificate).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("A server certificate needs at least one subject alternative name");
        assertThatThrownBy(() -> TestCertificateAuthority.create(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("commonName must not be blank, was ' '");
    }
}
