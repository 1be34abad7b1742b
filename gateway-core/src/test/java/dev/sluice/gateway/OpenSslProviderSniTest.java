package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.ClientAuth;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.TrustMaterial;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SNI listener on the OpenSSL provider (BoringSSL from netty-tcnative, a test dependency here):
 * the same routing, refusals and client principals as on the JDK's.
 */
class OpenSslProviderSniTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @TempDir
    static Path files;

    private static final TestCertificateAuthority CLIENT_CA = TestCertificateAuthority.create("Sluice client CA");
    private static final Set<String> PRINCIPALS = ConcurrentHashMap.newKeySet();
    private static SniGateway sni;

    @BeforeAll
    static void startGateway() throws IOException {
        assertThat(TlsProvider.OPENSSL.isAvailable()).as("OpenSSL on this machine: %s",
                TlsProvider.OPENSSL.unavailabilityCause()).isTrue();
        Path clientCa = Files.writeString(files.resolve("client-ca.pem"), CLIENT_CA.certificatePem(),
                StandardCharsets.US_ASCII);
        sni = SniGateway.start(KAFKA.bootstrapServers(), Files.createDirectory(files.resolve("server")),
                tls -> tls.provider(TlsProvider.OPENSSL)
                        .clientAuth(ClientAuth.REQUESTED)
                        .clientTrust(TrustMaterial.pem(clientCa)),
                builder -> builder.intercept(InterceptorSpec.on(Api.METADATA).name("principal-recorder").use(chain -> {
                    PRINCIPALS.add(String.valueOf(chain.connection().tlsPrincipal()));
                    return chain.proceed();
                })));
    }

    @AfterAll
    static void stopGateway() {
        if (sni != null) {
            sni.close();
        }
    }

    @Test
    void clientsReachEveryBrokerByNameAndTheirPrincipalIsKnown() throws Exception {
        IssuedCertificate alice = CLIENT_CA.issueClientCertificate("alice");
        try (Admin admin = Admin.create(sni.clientConfig(alice))) {
            assertThat(admin.describeCluster().nodes().get()).isNotEmpty()
                    .allSatisfy((Node node) -> assertThat(sni.isSniAddress(node.host(), node.port())).isTrue());
            admin.createTopics(java.util.List.of(new org.apache.kafka.clients.admin.NewTopic("openssl", 1, (short) 1)))
                    .all().get();
            assertThat(admin.describeTopics(java.util.List.of("openssl")).allTopicNames().get()).containsKey("openssl");
        }
        assertThat(PRINCIPALS).contains("CN=alice");
    }

    @Test
    void unknownNamesAreRefusedWithoutAnUpstreamConnection() {
        long before = sni.upstreamConnectionAttempts();
        assertThatThrownBy(() -> sni.handshake("broker-77.kafka.test").close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> sni.handshake(null).close()).isInstanceOf(IOException.class);
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }
}
