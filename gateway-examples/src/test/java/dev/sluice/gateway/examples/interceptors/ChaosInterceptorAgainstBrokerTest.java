package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ChaosInterceptor} in front of a real broker: what real clients make of injected errors,
 * latency and dropped connections. Every test starts a gateway of its own, with the chaos it needs
 * and a fixed seed, in front of the class's cluster.
 */
class ChaosInterceptorAgainstBrokerTest {

    private static final long SEED = 42;

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @Test
    void anIdempotentProducerWritesEveryRecordExactlyOnceAndInOrderThroughHalfItsRequestsFailing() throws Exception {
        String topic = "chaos-half-failing";
        KAFKA.cluster().createTopic(topic, 1, 1);
        ChaosInterceptor chaos = ChaosInterceptor.builder().apis(Api.PRODUCE)
                .errors(0.5, Errors.NOT_LEADER_OR_FOLLOWER)
                .latency(0, Duration.ZERO, Duration.ZERO)
                .dropRate(0)
                .seed(SEED)
                .build();
        List<String> sent = new ArrayList<>();
        try (GatewayInFront gateway = GatewayInFront.start(KAFKA.cluster(), builder -> builder.intercept(chaos.spec()));
                KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()),
                        Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                                ProducerConfig.ACKS_CONFIG, "all",
                                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10,
                                ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 50))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                sent.add("value-" + i);
                acks.add(producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get(30, TimeUnit.SECONDS).hasOffset()).isTrue();
            }
            assertThat(retries(producer)).as("batches the producer retried").isPositive();
        }

        assertThat(Clients.readAll(KAFKA.cluster(), topic))
                .as("every record once, in the order sent, read straight from the broker")
                .extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(sent);
    }

    @Test
    void aProducerWhoseEveryRequestFailsRetriesUntilItsDeliveryTimeoutAndNothingIsWritten() throws Exception {
        String topic = "chaos-always-failing";
        KAFKA.cluster().createTopic(topic, 1, 1);
        ChaosInterceptor chaos = ChaosInterceptor.builder().apis(Api.PRODUCE)
                .errors(1.0, Errors.NOT_LEADER_OR_FOLLOWER)
                .latency(0, Duration.ZERO, Duration.ZERO)
                .dropRate(0)
                .seed(SEED)
                .build();
        try (GatewayInFront gateway = GatewayInFront.start(KAFKA.cluster(), builder -> builder.intercept(chaos.spec()));
                KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all",
                                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2_000,
                                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000,
                                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 20,
                                ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "never")).get())
                    .cause()
                    .as("the error kafka-clients gives up with")
                    .isInstanceOf(RetriableException.class);
            assertThat(retries(producer)).as("batches the producer retried before giving up").isGreaterThan(1);
        }

        assertThat(Clients.endOffsets(KAFKA.cluster(), topic)).containsEntry(new TopicPartition(topic, 0), 0L);
    }

    @Test
    void latencyOnProduceDelaysEveryAcknowledgementByAtLeastTheMinimum() throws Exception {
        String topic = "chaos-slow";
        KAFKA.cluster().createTopic(topic, 1, 1);
        Duration latency = Duration.ofMillis(200);
        ChaosInterceptor chaos = ChaosInterceptor.builder().apis(Api.PRODUCE)
                .latency(1.0, latency, latency)
                .errors(0, Errors.NOT_LEADER_OR_FOLLOWER)
                .dropRate(0)
                .seed(SEED)
                .build();
        try (GatewayInFront gateway = GatewayInFront.start(KAFKA.cluster(), builder -> builder.intercept(chaos.spec()));
                KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 3; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, "k", "slow-" + i)).get();
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("send %s until acknowledged", i)
                        .isGreaterThanOrEqualTo(latency);
            }
        }
        assertThat(Clients.readAll(KAFKA.cluster(), topic)).extracting(ConsumerRecord::value)
                .containsExactly("slow-0", "slow-1", "slow-2");
    }

    @Test
    void aConsumerReadsEveryRecordThroughHalfItsFetchesFailing() throws Exception {
        String topic = "chaos-flaky-fetches";
        KAFKA.cluster().createTopic(topic, 1, 1);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> direct = Clients.producer(KAFKA.cluster().clientProperties(),
                Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < 30; i++) {
                sent.add("value-" + i);
                direct.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get();
            }
        }
        ChaosInterceptor chaos = ChaosInterceptor.builder().apis(Api.FETCH)
                .errors(0.5, Errors.NOT_LEADER_OR_FOLLOWER, Errors.REQUEST_TIMED_OUT)
                .latency(0, Duration.ZERO, Duration.ZERO)
                .dropRate(0)
                .seed(SEED)
                .build();
        AtomicInteger failedFetches = new AtomicInteger();
        // Registered before chaos, it sees chaos's error responses on their way back.
        InterceptorSpec countFailures = InterceptorSpec.on(Api.FETCH).name("count-failed-fetches").use(chain -> chain
                .proceed().thenApply(response -> {
                    FetchResponseData fetch = response.body(Api.FETCH);
                    if (fetch.errorCode() != Errors.NONE.code() || fetch.responses().stream()
                            .flatMap(data -> data.partitions().stream())
                            .anyMatch(partition -> partition.errorCode() != Errors.NONE.code())) {
                        failedFetches.incrementAndGet();
                    }
                    return response;
                }));
        List<String> consumed = new ArrayList<>();
        try (GatewayInFront gateway = GatewayInFront.start(KAFKA.cluster(),
                        builder -> builder.intercept(countFailures).intercept(chaos.spec()));
                KafkaConsumer<String, String> consumer = consumer(gateway, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 3,
                        ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 1, ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1))) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumed.size() < sent.size() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(record -> consumed.add(record.value()));
            }
        }
        assertThat(consumed).as("every record once, in order").containsExactlyElementsOf(sent);
        assertThat(failedFetches).as("fetches chaos answered with an error").hasPositiveValue();
    }

    @Test
    void droppingEveryFetchStopsAConsumerWhichReconnectsWhileTheGatewayServesOtherClients() throws Exception {
        String topic = "chaos-dropped-fetches";
        KAFKA.cluster().createTopic(topic, 1, 1);
        ChaosInterceptor chaos = ChaosInterceptor.builder().apis(Api.FETCH)
                .dropRate(1.0)
                .errors(0, Errors.NOT_LEADER_OR_FOLLOWER)
                .latency(0, Duration.ZERO, Duration.ZERO)
                .seed(SEED)
                .build();
        ConnectionCounter connections = new ConnectionCounter();
        try (GatewayInFront gateway = GatewayInFront.start(KAFKA.cluster(),
                        builder -> builder.intercept(chaos.spec()).eventListener(connections));
                KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()),
                        Map.of(ProducerConfig.ACKS_CONFIG, "all"));
                KafkaConsumer<String, String> consumer = consumer(gateway, Map.of())) {
            producer.send(new ProducerRecord<>(topic, "k", "before")).get();
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(consumer.assignment());

            List<ConsumerRecord<String, String>> consumed = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (connections.dropped.get() < 3 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(consumed::add);
            }
            // A connection is dropped at its first Fetch: three drops, three connections, two reconnections.
            assertThat(connections.dropped).as("fetch connections dropped by chaos").hasValueGreaterThanOrEqualTo(3);
            assertThat(consumed).as("records the consumer got").isEmpty();

            RecordMetadata after = producer.send(new ProducerRecord<>(topic, "k", "during")).get();
            assertThat(after.offset()).as("a producer on the same gateway is served meanwhile").isEqualTo(1);
        }
    }

    private static KafkaConsumer<String, String> consumer(GatewayInFront gateway, Map<String, Object> settings) {
        Map<String, Object> config = gateway.clientConfig(KAFKA.cluster());
        config.putAll(settings);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "chaos-fetcher");
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MS_CONFIG, 20);
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 100);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(config);
    }

    /** The producer's {@code record-retry-total}: how many times it retried a batch. */
    private static double retries(KafkaProducer<?, ?> producer) {
        return producer.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals("producer-metrics")
                        && metric.getKey().name().equals("record-retry-total"))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .findFirst()
                .orElseThrow(() -> new AssertionError("producer metric record-retry-total not found"));
    }

    /** Counts the connections chaos dropped. */
    private static final class ConnectionCounter implements GatewayEventListener {
        final AtomicInteger dropped = new AtomicInteger();

        @Override
        public void connectionRejected(ConnectionContext connection, String reason) {
            if (reason.contains("chaos: dropped the connection")) {
                dropped.incrementAndGet();
            }
        }
    }
}
