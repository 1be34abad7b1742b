package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import dev.sluice.gateway.testkit.ForkedKafkaCluster;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * KIP-368 re-authentication passes through the gateway: a busy SASL/PLAIN producer re-authenticates
 * on its existing connections, and records above the pre-authentication frame limit keep flowing
 * after each re-authentication. The brokers are forked, with listener-scoped JAAS: Kafka's in-JVM
 * kit is not needed to show anything here. {@code connections.max.reauth.ms} is 2000, not 1000: a
 * broker refuses a re-authentication less than a second after the previous one.
 */
class ReauthenticationTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";
    private static final int BEFORE_AUTH_LIMIT = 64 * 1024;
    private static final Duration REAUTH_EVERY = Duration.ofSeconds(2);
    private static final String TOPIC = "reauth";

    private static ForkedKafkaCluster kafka;
    private static GatewayHarness gateway;

    @BeforeAll
    static void start() {
        kafka = ForkedKafkaCluster.builder()
                .saslPlain(Map.of(USER, PASSWORD))
                .brokerProperty("connections.max.reauth.ms", Long.toString(REAUTH_EVERY.toMillis()))
                .build().start();
        kafka.createTopic(TOPIC, 1, 1);
        gateway = GatewayHarness.start(kafka.saslBootstrapServers(), builder -> builder
                .upstreamSaslPlain(USER, PASSWORD)
                .clientsAuthenticate(true)
                .maxFrameBytesBeforeAuthentication(BEFORE_AUTH_LIMIT));
    }

    @AfterAll
    static void close() {
        try {
            if (gateway != null) {
                gateway.close();
            }
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }

    @Test
    void busyProducerReauthenticatesThroughTheGatewayWithoutNewConnections() throws Exception {
        Map<String, Object> config = gateway.clientConfig(kafka.saslClientProperties(USER, PASSWORD));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 1024 * 1024);
        byte[] large = new byte[BEFORE_AUTH_LIMIT + 16 * 1024];
        ProxyRuntime runtime = Objects.requireNonNull(gateway.gateway.runtime(), "runtime");
        try (Producer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, large)).get(30, TimeUnit.SECONDS);
            long acceptedBefore = runtime.acceptedConnections();
            double createdBefore = metric(producer, "connection-creation-total");

            // Small sends keep the connection busy (a client re-authenticates before its next request
            // once the session expires); right after each re-authentication, a frame larger than the
            // pre-authentication limit must still go through.
            byte[] small = new byte[100];
            long deadline = System.nanoTime() + REAUTH_EVERY.multipliedBy(6).toNanos();
            int sent = 0;
            int largeAfterReauthentication = 0;
            double seen = metric(producer, "successful-reauthentication-total");
            while (seen < 2 && System.nanoTime() - deadline < 0) {
                producer.send(new ProducerRecord<>(TOPIC, small)).get(30, TimeUnit.SECONDS);
                sent++;
                double now = metric(producer, "successful-reauthentication-total");
                if (now > seen) {
                    seen = now;
                    producer.send(new ProducerRecord<>(TOPIC, large)).get(30, TimeUnit.SECONDS);
                    largeAfterReauthentication++;
                }
            }

            double reauthentications = metric(producer, "successful-reauthentication-total");
            System.out.printf("through gateway: %d small sends, %d of %d bytes right after a re-authentication,"
                            + " %.0f re-authentications, %.0f failed, client connections %.0f -> %.0f,"
                            + " gateway accepted %d -> %d%n",
                    sent, largeAfterReauthentication, large.length, reauthentications, metric(producer, "failed-reauthentication-total"),
                    createdBefore, metric(producer, "connection-creation-total"),
                    acceptedBefore, runtime.acceptedConnections());
            assertThat(reauthentications).as("re-authentications in 12 s with connections.max.reauth.ms=2000")
                    .isGreaterThanOrEqualTo(2);
            assertThat(largeAfterReauthentication).as("large frames sent right after a re-authentication")
                    .isGreaterThanOrEqualTo(2);
            assertThat(metric(producer, "failed-reauthentication-total")).isZero();
            assertThat(metric(producer, "connection-creation-total")).isEqualTo(createdBefore);
            assertThat(runtime.acceptedConnections()).as("connections the gateway accepted while re-authenticating")
                    .isEqualTo(acceptedBefore);
        }
    }

    /** The producer-wide ({@code producer-metrics}) value of a kafka-clients {@code Selector} metric. */
    private static double metric(Producer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no producer-metrics metric " + name + " in " + producer.metrics().keySet());
    }
}
