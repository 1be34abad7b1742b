package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One broker with an SSL listener next to PLAINTEXT, reached by kafka-clients with host name verification. */
class ForkedKafkaClusterTlsTest {
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Sluice Test CA");
    private static ForkedKafkaCluster kafka;

    @BeforeAll
    static void start() {
        kafka = ForkedKafkaCluster.builder().brokerIds(7)
                // localhost only, so that 127.0.0.1 is a host name mismatch
                .tls(CA.issueServerCertificate("localhost"))
                .build().start();
        kafka.createTopic("secure", 1, 1); // over PLAINTEXT, which stays available
    }

    @AfterAll
    static void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producerAndConsumerWorkOverTheTlsListenerWithHostnameVerification() throws Exception {
        Map<String, Object> tls = kafka.tlsClientProperties();
        assertThat(tls).containsEntry("security.protocol", "SSL")
                .containsEntry(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https")
                .containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.tlsBootstrapServers());
        assertThat(kafka.tlsBootstrapServers()).startsWith("localhost:").isNotEqualTo(kafka.bootstrapServers());

        Clients.produce(tls, "secure", "k", "over TLS");

        assertThat(Clients.consume(tls, "secure", "tls-group", 1))
                .extracting(ConsumerRecord::value).containsExactly("over TLS");
        try (Admin admin = Admin.create(tls)) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .singleElement().satisfies(node -> assertThat(node.port())
                            .isEqualTo(Integer.parseInt(kafka.tlsBootstrapServers().split(":")[1])));
        }
    }

    @Test
    void clientThatDoesNotTrustTheCaIsRefused() {
        Map<String, Object> untrusting = new HashMap<>(kafka.tlsClientProperties());
        untrusting.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG,
                TestCertificateAuthority.create("Other CA").certificatePem());

        assertThatThrownBy(() -> describeCluster(untrusting))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void hostNameOutsideTheCertificateIsRefused() {
        Map<String, Object> byAddress = new HashMap<>(kafka.tlsClientProperties());
        byAddress.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.tlsBootstrapServers().replace("localhost", "127.0.0.1"));

        assertThatThrownBy(() -> describeCluster(byAddress))
                .isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class)
                .hasStackTraceContaining("No subject alternative names matching IP address 127.0.0.1");
    }

    private static void describeCluster(Map<String, Object> clientProperties) throws Exception {
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void tlsAccessorsNeedATlsCluster() {
        ForkedKafkaCluster plain = ForkedKafkaCluster.builder().build();
        assertThatThrownBy(plain::tlsClientProperties).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("tlsClientProperties() needs a cluster built with tls(certificate)");
        IssuedCertificate certificate = CA.issueServerCertificate("localhost");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().tls(certificate).tls(certificate))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("tls was already set to");
    }
}
