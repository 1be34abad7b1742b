package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewPartitionReassignment;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leadership moves and brokers come and go while clients run through the gateway; three real brokers. */
class BrokerChangesTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(3),
            builder -> builder
                .metadataRefreshInterval(Duration.ofMillis(300))
                .brokerRemovalDelay(Duration.ZERO));

    @Test
    void leaderChangeUnderLoadReturnsNodeEndpointsWithGatewayAddressesAndLosesNothing() throws Exception {
        String topic = "moving-leader";
        TopicPartition partition = new TopicPartition(topic, 0);
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, Map.of(0, List.of(0, 1, 2))))).all().get();
        }
        long rewritesBefore = GATEWAY.gateway().runtime().nodeEndpointRewrites();

        Map<String, Object> producerConfig = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, LongSerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, LongSerializer.class.getName());
        Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicReference<Throwable> producerError = new AtomicReference<>();
        try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(producerConfig)) {
            Thread load = new Thread(() -> {
                long n = 0;
                while (producing.get()) {
                    long value = n++;
                    producer.send(new ProducerRecord<>(topic, value, value), (metadata, error) -> {
                        if (error == null) {
                            acknowledged.add(value);
                        } else {
                            producerError.compareAndSet(null, error);
                        }
                    });
                    if (n % 50 == 0) {
                        producer.flush();
                    }
                }
                producer.flush();
            }, "produce-load");
            load.start();
            Eventually.until(Duration.ofSeconds(30), () -> "records acknowledged before the move", () -> acknowledged.size() > 500);

            try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
                admin.alterPartitionReassignments(Map.of(partition,
                        Optional.of(new NewPartitionReassignment(List.of(1, 2, 0))))).all().get();
                Eventually.until(Duration.ofSeconds(30), () -> "reassignment of " + partition + " to finish",
                        () -> admin.listPartitionReassignments().reassignments().get().isEmpty());
                admin.electLeaders(ElectionType.PREFERRED, Set.of(partition)).partitions().get();
                Eventually.until(Duration.ofSeconds(30), () -> "leader of " + partition + " to be broker 1",
                        () -> admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
                                .partitions().get(0).leader().id() == 1);
            }
            int atMove = acknowledged.size();
            Eventually.until(Duration.ofSeconds(30), () -> "records acknowledged after the move",
                    () -> acknowledged.size() > atMove + 500);
            producing.set(false);
            load.join();
            assertThat(ClientMetadata.nodesKnownTo(producer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        assertThat(producerError.get()).isNull();
        assertThat(GATEWAY.gateway().runtime().nodeEndpointRewrites())
                .as("produce responses carrying KIP-951 node endpoints were rewritten")
                .isGreaterThan(rewritesBefore);

        Map<String, Object> consumerConfig = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "moving-reader");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, LongDeserializer.class.getName());
        Set<Long> consumed = ConcurrentHashMap.newKeySet();
        int duplicates = 0;
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!consumed.containsAll(acknowledged) && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    if (!consumed.add(record.value())) {
                        duplicates++;
                    }
                }
            }
            assertThat(ClientMetadata.nodesKnownTo(consumer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        assertThat(consumed).containsAll(acknowledged);
        assertThat(duplicates).as("idempotent producer: no record written twice").isZero();
    }

    @Test
    void brokerListenersCloseWhenABrokerLeavesAndReopenOnTheSamePortWhenItReturns() {
        KafkaCluster kafka = GATEWAY.kafka();
        ListenerSpec listener = listenerOf(2).orElseThrow();
        kafka.shutdownBroker(2);
        try {
            Eventually.until(Duration.ofSeconds(30), () -> "listener of broker 2 to close, open: " + GATEWAY.gateway().openListeners(),
                    () -> listenerOf(2).isEmpty());
            assertThat(GATEWAY.gateway().openListeners()).hasSize(3);
        } finally {
            kafka.startBroker(2);
        }
        Eventually.until(Duration.ofSeconds(30), () -> "listener of broker 2 to reopen, open: " + GATEWAY.gateway().openListeners(),
                () -> listenerOf(2).isPresent());
        assertThat(listenerOf(2)).contains(listener);
    }

    private static Optional<ListenerSpec> listenerOf(int brokerId) {
        return GATEWAY.gateway().openListeners().stream()
                .filter(l -> l.brokerId().isPresent() && l.brokerId().getAsInt() == brokerId)
                .findFirst();
    }
}
