package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.ClientAuth;
import dev.sluice.gateway.tls.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client certificates on the SNI listener. With authentication required, a client whose certificate
 * the gateway's client CA issued gets in and its principal reaches interceptors; a certificate from
 * another CA, or none, is refused before any broker connection. With authentication requested, a
 * client without a certificate gets in with no principal.
 */
class MutualTlsSniTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @TempDir
    static Path files;

    private static final TestCertificateAuthority CLIENT_CA = TestCertificateAuthority.create("Sluice client CA");
    private static final IssuedCertificate ALICE = CLIENT_CA.issueClientCertificate("alice");
    private static final IssuedCertificate MALLORY =
            TestCertificateAuthority.create("Some other CA").issueClientCertificate("mallory");
    private static final Set<String> PRINCIPALS = ConcurrentHashMap.newKeySet();
    private static final List<String> REJECTIONS = new CopyOnWriteArrayList<>();
    private static SniGateway requiring;
    private static SniGateway requesting;

    @BeforeAll
    static void startGateways() throws IOException {
        Path clientCa = Files.writeString(files.resolve("client-ca.pem"), CLIENT_CA.certificatePem(),
                StandardCharsets.US_ASCII);
        requiring = SniGateway.start(KAFKA.bootstrapServers(), Files.createDirectory(files.resolve("required")),
                tls -> tls.clientAuth(ClientAuth.REQUIRED).clientTrust(TrustMaterial.pem(clientCa)),
                builder -> builder
                        .intercept(InterceptorSpec.on(Api.METADATA).name("principal-recorder").use(chain -> {
                            PRINCIPALS.add(String.valueOf(chain.connection().tlsPrincipal()));
                            return chain.proceed();
                        }))
                        .eventListener(new GatewayEventListener() {
                            @Override
                            public void connectionRejected(ConnectionContext connection, String reason) {
                                REJECTIONS.add(reason);
                            }
                        }));
        requesting = SniGateway.start(KAFKA.bootstrapServers(), Files.createDirectory(files.resolve("requested")),
                tls -> tls.clientAuth(ClientAuth.REQUESTED).clientTrust(TrustMaterial.pem(clientCa)),
                builder -> builder.intercept(InterceptorSpec.on(Api.METADATA).name("principal-recorder").use(chain -> {
                    PRINCIPALS.add("requested:" + chain.connection().tlsPrincipal());
                    return chain.proceed();
                })));
    }

    @AfterAll
    static void stopGateways() {
        if (requiring != null) {
            requiring.close();
        }
        if (requesting != null) {
            requesting.close();
        }
    }

    @Test
    void aTrustedClientGetsInAndItsPrincipalReachesInterceptors() throws Exception {
        try (Admin admin = Admin.create(requiring.clientConfig(ALICE))) {
            List<Node> nodes = List.copyOf(admin.describeCluster().nodes().get());
            assertThat(nodes).isNotEmpty()
                    .allSatisfy(node -> assertThat(requiring.isSniAddress(node.host(), node.port())).isTrue());
        }
        assertThat(PRINCIPALS).contains("CN=alice");
    }

    @Test
    void anUntrustedCertificateIsRefusedWithoutAnUpstreamConnection() {
        long before = requiring.upstreamConnectionAttempts();
        assertRefused(requiring, MALLORY);
        Eventually.until(Duration.ofSeconds(10), () -> "a rejection of an untrusted certificate in " + REJECTIONS,
                () -> REJECTIONS.stream().anyMatch(reason -> reason.startsWith("TLS handshake failed")
                        && !reason.contains("Empty client certificate chain")));
        assertThat(requiring.upstreamConnectionAttempts()).isEqualTo(before);
        assertThat(PRINCIPALS).doesNotContain("CN=mallory");
    }

    @Test
    void aClientWithoutCertificateIsRefusedWhenOneIsRequired() {
        long before = requiring.upstreamConnectionAttempts();
        int rejectionsBefore = REJECTIONS.size();
        assertRefused(requiring, null);
        Eventually.until(Duration.ofSeconds(10), () -> "one more rejection than " + rejectionsBefore,
                () -> REJECTIONS.size() > rejectionsBefore);
        assertThat(requiring.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void requestedAuthenticationLetsClientsWithoutCertificateInWithoutPrincipal() throws Exception {
        try (Admin anonymous = Admin.create(requesting.clientConfig())) {
            assertThat(anonymous.describeCluster().nodes().get()).isNotEmpty();
        }
        try (Admin alice = Admin.create(requesting.clientConfig(ALICE))) {
            assertThat(alice.describeCluster().nodes().get()).isNotEmpty();
        }
        assertThat(PRINCIPALS).contains("requested:null", "requested:CN=alice");
    }

    /** Under TLS 1.3 the server judges the client's certificate after the client's handshake is done. */
    private static void assertRefused(SniGateway gateway, IssuedCertificate certificate) {
        try (SSLSocket socket = gateway.handshake(SniGateway.BOOTSTRAP_HOST, certificate)) {
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the gateway closed the connection").isEqualTo(-1);
        } catch (IOException refused) {
            // the handshake or the first read failed: refused, as it should be
        }
    }
}
