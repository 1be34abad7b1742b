package dev.sluice.gateway.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.ClientAuth;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.TrustMaterial;
import dev.sluice.gateway.tls.UpstreamTls;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.X509ExtendedKeyManager;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real handshakes between contexts built by {@link TlsContexts}, for both providers. */
class ClientAuthAndHostnameTest {
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Handshake Test CA");
    private static final TestCertificateAuthority OTHER_CA = TestCertificateAuthority.create("Other CA");

    @TempDir
    static Path dir;

    private static final IssuedCertificate MALLORY = OTHER_CA.issueClientCertificate("mallory");

    private static PemFiles server;
    private static PemFiles alice;

    @BeforeAll
    static void writeCertificates() throws IOException {
        server = CA.issueServerCertificate("*.kafka.test", "localhost", "127.0.0.1").writePem(dir.resolve("server"));
        alice = CA.issueClientCertificate("alice").writePem(dir.resolve("alice"));
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void requiredClientAuthAcceptsATrustedClientCertificate(TlsProvider provider) {
        TlsPair.Outcome outcome = TlsPair.handshake(mutualServer(provider, ClientAuth.REQUIRED),
                client(provider, alice, true), "broker-1.kafka.test");

        assertThat(outcome.succeeded()).as("%s", outcome).isTrue();
        assertThat(outcome.clientPrincipal()).isEqualTo("CN=alice");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void requiredClientAuthRefusesAnUntrustedClientCertificate(TlsProvider provider) {
        TlsPair.Outcome outcome = TlsPair.handshake(mutualServer(provider, ClientAuth.REQUIRED),
                presentingAnyway(provider, MALLORY), "broker-1.kafka.test");

        assertThat(outcome.serverFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void requiredClientAuthRefusesAClientWithoutCertificate(TlsProvider provider) {
        TlsPair.Outcome outcome = TlsPair.handshake(mutualServer(provider, ClientAuth.REQUIRED),
                client(provider, null, true), "broker-1.kafka.test");

        assertThat(outcome.serverFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void requestedClientAuthAcceptsAClientWithoutCertificateButNotAnUntrustedOne(TlsProvider provider) {
        SslContext requested = mutualServer(provider, ClientAuth.REQUESTED);

        TlsPair.Outcome anonymous = TlsPair.handshake(requested, client(provider, null, true), "localhost");
        TlsPair.Outcome untrusted = TlsPair.handshake(requested, presentingAnyway(provider, MALLORY), "localhost");

        assertThat(anonymous.succeeded()).as("%s", anonymous).isTrue();
        assertThat(anonymous.clientPrincipal()).isNull();
        assertThat(untrusted.serverFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void hostnameVerificationRefusesACertificateForAnotherName(TlsProvider provider) {
        TlsPair.Outcome outcome = TlsPair.handshake(plainServer(provider), client(provider, null, true),
                "broker-1.other.test");

        assertThat(outcome.clientFailure())
                .isInstanceOf(SSLHandshakeException.class)
                .hasStackTraceContaining("broker-1.other.test");
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void withoutHostnameVerificationACertificateForAnotherNameIsAccepted(TlsProvider provider) {
        TlsPair.Outcome outcome = TlsPair.handshake(plainServer(provider), client(provider, null, false),
                "broker-1.other.test");

        assertThat(outcome.succeeded()).as("%s", outcome).isTrue();
    }

    @ParameterizedTest
    @EnumSource(TlsProvider.class)
    void aServerOfAnotherCaIsRefusedEvenWithoutHostnameVerification(TlsProvider provider) throws IOException {
        PemFiles other = OTHER_CA.issueServerCertificate("localhost").writePem(dir.resolve("other-" + provider));
        SslContext otherServer = TlsContexts.server(ServerTls.builder(
                KeyMaterial.pem(other.certificateChain(), other.privateKey())).provider(provider).build()).current();

        TlsPair.Outcome outcome = TlsPair.handshake(otherServer, client(provider, null, false), "localhost");

        assertThat(outcome.clientFailure()).isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void providersInteroperate() {
        TlsPair.Outcome jdkToOpenSsl = TlsPair.handshake(mutualServer(TlsProvider.OPENSSL, ClientAuth.REQUIRED),
                client(TlsProvider.JDK, alice, true), "broker-2.kafka.test");
        TlsPair.Outcome openSslToJdk = TlsPair.handshake(mutualServer(TlsProvider.JDK, ClientAuth.REQUIRED),
                client(TlsProvider.OPENSSL, alice, true), "broker-2.kafka.test");

        assertThat(jdkToOpenSsl.clientPrincipal()).isEqualTo("CN=alice");
        assertThat(openSslToJdk.clientPrincipal()).isEqualTo("CN=alice");
    }

    private static SslContext plainServer(TlsProvider provider) {
        return TlsContexts.server(ServerTls.builder(keys(server)).provider(provider).build()).current();
    }

    private static SslContext mutualServer(TlsProvider provider, ClientAuth clientAuth) {
        return TlsContexts.server(ServerTls.builder(keys(server))
                .provider(provider)
                .clientAuth(clientAuth)
                .clientTrust(TrustMaterial.pem(server.caCertificate()))
                .build()).current();
    }

    private static SslContext client(TlsProvider provider, @Nullable PemFiles certificate, boolean verifyHostname) {
        UpstreamTls.Builder builder = UpstreamTls.builder()
                .trust(TrustMaterial.pem(server.caCertificate()))
                .hostnameVerification(verifyHostname)
                .provider(provider);
        if (certificate != null) {
            builder.keyMaterial(keys(certificate));
        }
        return TlsContexts.client(builder.build()).current();
    }

    private static KeyMaterial keys(PemFiles files) {
        return KeyMaterial.pem(files.certificateChain(), files.privateKey());
    }

    /**
     * A client that presents {@code certificate} whatever the server's certificate request says.
     * A well-behaved key manager sends no certificate when the server names authorities it was not
     * issued by; an attacker's client sends it anyway, which is what the server must refuse.
     */
    private static SslContext presentingAnyway(TlsProvider provider, IssuedCertificate certificate) {
        X509ExtendedKeyManager alwaysMallory = new X509ExtendedKeyManager() {
            @Override
            public String[] getClientAliases(String keyType, Principal[] issuers) {
                return new String[] {"client"};
            }

            @Override
            public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
                return "client";
            }

            @Override
            public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
                return "client";
            }

            @Override
            public String[] getServerAliases(String keyType, Principal[] issuers) {
                return new String[0];
            }

            @Override
            public @Nullable String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
                return null;
            }

            @Override
            public X509Certificate[] getCertificateChain(String alias) {
                return certificate.chain().toArray(X509Certificate[]::new);
            }

            @Override
            public PrivateKey getPrivateKey(String alias) {
                return certificate.privateKey();
            }
        };
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(provider == TlsProvider.OPENSSL ? SslProvider.OPENSSL : SslProvider.JDK)
                    .keyManager(alwaysMallory)
                    .trustManager(CA.certificate())
                    .build();
        } catch (SSLException e) {
            throw new IllegalStateException(e);
        }
    }
}
