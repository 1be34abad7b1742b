package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One broker with a SASL_PLAINTEXT listener next to PLAINTEXT, and KIP-368 re-authentication every
 * two seconds, straight from kafka-clients (no gateway): the baseline that gateway tests compare
 * with. Not every second: a broker refuses a re-authentication less than 1 s after the previous
 * one, and a client re-authenticates at 85 to 95 % of the session, so 1000 ms fails by design.
 */
class ForkedKafkaClusterSaslTest {
    private static final String USER = "alice";
    private static final String PASSWORD = "alice-secret";
    private static final Duration REAUTH_EVERY = Duration.ofSeconds(2);
    private static ForkedKafkaCluster kafka;

    @BeforeAll
    static void start() {
        kafka = ForkedKafkaCluster.builder().brokerIds(5)
                .saslPlain(Map.of(USER, PASSWORD, "bob", "bob-secret"))
                .brokerProperty("connections.max.reauth.ms", Long.toString(REAUTH_EVERY.toMillis()))
                .build().start();
        kafka.createTopic("sasl", 1, 1); // over PLAINTEXT, which stays available
        kafka.createTopic("busy", 1, 1);
    }

    @AfterAll
    static void close() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void producerAndConsumerAuthenticateWithPlainOverTheSaslListener() throws Exception {
        Map<String, Object> alice = kafka.saslClientProperties(USER, PASSWORD);
        assertThat(alice).containsEntry("security.protocol", "SASL_PLAINTEXT").containsEntry("sasl.mechanism", "PLAIN")
                .containsEntry(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.saslBootstrapServers());
        assertThat(kafka.saslBootstrapServers()).startsWith("localhost:").isNotEqualTo(kafka.bootstrapServers());

        Clients.produce(alice, "sasl", "k", "over SASL");

        assertThat(Clients.consume(kafka.saslClientProperties("bob", "bob-secret"), "sasl", "sasl-group", 1))
                .extracting(ConsumerRecord::value).containsExactly("over SASL");
    }

    @Test
    void wrongPasswordIsRefused() {
        Map<String, Object> props = new HashMap<>(kafka.saslClientProperties(USER, "wrong"));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void busyProducerReauthenticatesEverySecondOnTheSameConnections() throws Exception {
        Map<String, Object> config = new HashMap<>(kafka.saslClientProperties(USER, PASSWORD));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (Producer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("busy", "warm-up")).get(30, TimeUnit.SECONDS);
            double connectionsBefore = metric(producer, "connection-creation-total");

            // Back-to-back sends keep the connection busy until two re-authentications happened (a
            // client re-authenticates before its next request once its session expires).
            long deadline = System.nanoTime() + REAUTH_EVERY.multipliedBy(6).toNanos();
            int sent = 0;
            while (metric(producer, "successful-reauthentication-total") < 2 && System.nanoTime() - deadline < 0) {
                producer.send(new ProducerRecord<>("busy", "record-" + sent++)).get(30, TimeUnit.SECONDS);
            }

            assertThat(metric(producer, "successful-reauthentication-total"))
                    .as("re-authentications in 12 s with connections.max.reauth.ms=2000").isGreaterThanOrEqualTo(2);
            assertThat(metric(producer, "failed-reauthentication-total")).isZero();
            assertThat(metric(producer, "connection-creation-total"))
                    .as("connections created while re-authenticating").isEqualTo(connectionsBefore);
            System.out.printf("direct: %d sends, %.0f re-authentications, %.0f connections%n", sent,
                    metric(producer, "successful-reauthentication-total"), metric(producer, "connection-creation-total"));
        }
    }

    /** The producer-wide ({@code producer-metrics}) value of a kafka-clients {@code Selector} metric. */
    static double metric(Producer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no producer-metrics metric " + name + " in " + producer.metrics().keySet());
    }
}
