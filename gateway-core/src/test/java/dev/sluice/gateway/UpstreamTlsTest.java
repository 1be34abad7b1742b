package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.ForkedKafkaCluster;
import dev.sluice.gateway.testkit.ForkedKafkaClusterExtension;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.TrustMaterial;
import dev.sluice.gateway.tls.UpstreamTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway speaks TLS to brokers ({@code GatewayBuilder#upstreamTls}) while its clients speak
 * plaintext to it. One forked broker, whose SSL listener serves a certificate naming only {@code
 * localhost} (a dNSName, no iPAddress) and advertises {@code localhost:PORT}: reaching it as
 * {@code localhost} verifies, reaching it as {@code 127.0.0.1} is a name mismatch.
 */
class UpstreamTlsTest {

    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Upstream TLS Test CA");
    private static final TestCertificateAuthority OTHER_CA = TestCertificateAuthority.create("Some Other CA");

    @RegisterExtension
    static final ForkedKafkaClusterExtension KAFKA = ForkedKafkaClusterExtension.of(
            ForkedKafkaCluster.builder().tls(CA.issueServerCertificate("localhost")));

    @TempDir
    static Path dir;

    private static Path caPem;
    private static Path otherCaPem;

    @BeforeAll
    static void writeTrust() throws IOException {
        caPem = Files.writeString(dir.resolve("ca.pem"), CA.certificatePem(), StandardCharsets.US_ASCII);
        otherCaPem = Files.writeString(dir.resolve("other-ca.pem"), OTHER_CA.certificatePem(), StandardCharsets.US_ASCII);
    }

    @Test
    void plaintextClientsProduceAndConsumeThroughAGatewayThatSpeaksTlsToTheBroker() throws Exception {
        String topic = "upstream-tls";
        KAFKA.cluster().createTopic(topic, 2, 1);
        int count = 200;
        try (GatewayHarness gateway = GatewayHarness.start(KAFKA.cluster().tlsBootstrapServers(),
                builder -> builder.upstreamTls(UpstreamTls.trusting(caPem)))) {
            ProxyRuntime runtime = Objects.requireNonNull(gateway.gateway.runtime(), "runtime");
            Map<String, Object> producerConfig = gateway.clientConfig(Map.of());
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
                List<Future<RecordMetadata>> acks = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    acks.add(producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)));
                }
                for (Future<RecordMetadata> ack : acks) {
                    ack.get(30, TimeUnit.SECONDS);
                }
                assertThat(ClientMetadata.nodesKnownTo(producer)).isNotEmpty().allSatisfy(gateway::assertGatewayNode);
            }

            Map<String, Object> consumerConfig = gateway.clientConfig(Map.of());
            consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "upstream-tls-reader");
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of(topic));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (records.size() < count && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                }
                // One more short poll: a duplicate (the idempotent producer must not write any) fails too.
                consumer.poll(Duration.ofMillis(300)).forEach(records::add);
                assertThat(ClientMetadata.nodesKnownTo(consumer)).allSatisfy(gateway::assertGatewayNode);
            }
            assertThat(records).hasSize(count);
            assertThat(records).extracting(ConsumerRecord::value).doesNotHaveDuplicates();

            try (Admin admin = Admin.create(gateway.clientConfig(Map.of()))) {
                DescribeClusterResult cluster = admin.describeCluster();
                assertThat(cluster.nodes().get(30, TimeUnit.SECONDS)).hasSize(1).allSatisfy(gateway::assertGatewayNode);
                gateway.assertGatewayNode(cluster.controller().get(30, TimeUnit.SECONDS));
            }
            assertThat(runtime.upstreamConnectionAttempts()).as("client connections the gateway opened to the broker")
                    .isPositive();
        }
    }

    @Test
    void startFailsAndSaysWhyWhenTheBrokerCertificateDoesNotNameTheAddressDialled() {
        GatewayException failure = startFailure(upstreamByAddress(), UpstreamTls.trusting(caPem));

        assertThat(failure.getMessage())
                .contains(upstreamByAddress())
                .contains("refused over TLS")
                .contains("TLS handshake")
                .contains("No subject alternative names matching IP address 127.0.0.1")
                .doesNotContain("Exception:");
    }

    @Test
    void startFailsAndSaysWhyWhenTheBrokerCertificateIsNotTrusted() {
        GatewayException failure = startFailure(KAFKA.cluster().tlsBootstrapServers(), UpstreamTls.trusting(otherCaPem));

        assertThat(failure.getMessage())
                .contains(KAFKA.cluster().tlsBootstrapServers())
                .contains("refused over TLS")
                .contains("certificate not trusted (unable to find valid certification path to requested target)");
    }

    @Test
    void withoutHostnameVerificationAnyCertificateOfATrustedAuthorityIsAccepted() throws Exception {
        String topic = "upstream-tls-no-hostname-verification";
        KAFKA.cluster().createTopic(topic, 1, 1);
        UpstreamTls lenient = UpstreamTls.builder()
                .trust(TrustMaterial.pem(caPem))
                .hostnameVerification(false)
                .build();
        try (GatewayHarness gateway = GatewayHarness.start(upstreamByAddress(), builder -> builder.upstreamTls(lenient))) {
            Map<String, Object> config = gateway.clientConfig(Map.of());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
                RecordMetadata written = producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
                assertThat(written.offset()).isZero();
            }
        }
    }

    /** The broker's SSL listener by IP literal, which its certificate (dNSName {@code localhost} only) does not name. */
    private static String upstreamByAddress() {
        String servers = KAFKA.cluster().tlsBootstrapServers();
        assertThat(servers).startsWith("localhost:").doesNotContain(",");
        return "127.0.0.1:" + servers.substring("localhost:".length());
    }

    /** Starts a gateway that must not start; returns why, after checking it released its ports. */
    private static GatewayException startFailure(String upstream, UpstreamTls tls) {
        int port = FreePorts.block(2);
        Gateway gateway = Gateway.builder()
                .name("upstream-tls-refused")
                .upstream(upstream)
                .upstreamTls(tls)
                .bindAddress(GatewayHarness.ADVERTISED_HOST)
                .ioThreads(1)
                // Start retries the cluster until this deadline: keep it short, the failure is final.
                .startupTimeout(Duration.ofSeconds(2))
                .routing(PortPerBrokerRouting.builder()
                        .advertisedHost(GatewayHarness.ADVERTISED_HOST)
                        .bootstrapPort(port)
                        .maxBrokers(1)
                        .build())
                .build();
        try {
            Throwable thrown = null;
            try {
                gateway.start().toCompletableFuture().join();
            } catch (CompletionException e) {
                thrown = e.getCause();
            }
            assertThat(thrown).as("start() of a gateway whose upstream TLS must fail").isInstanceOf(GatewayException.class);
            assertThat(gateway.openListeners()).as("listeners after a failed start").isEmpty();
            return (GatewayException) thrown;
        } finally {
            gateway.close();
        }
    }
}
