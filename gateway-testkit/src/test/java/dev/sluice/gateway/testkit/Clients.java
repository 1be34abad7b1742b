package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain kafka-clients round trips and topic checks for the fixture's tests. */
final class Clients {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private Clients() {}

    static RecordMetadata produce(Map<String, Object> clientProperties, String topic, String key, String value)
            throws Exception {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (Producer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** Consumes with a group from the earliest offset until {@code count} records arrived or the deadline passed. */
    static List<ConsumerRecord<String, String>> consume(
            Map<String, Object> clientProperties, String topic, String group, int count) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> received = new ArrayList<>();
        try (Consumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (received.size() < count && System.nanoTime() - deadline < 0) {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
            }
        }
        return received;
    }

    /** Describes one topic with a fresh {@link Admin} from {@code admins}. */
    static TopicDescription describe(Supplier<Admin> admins, String topic) throws Exception {
        try (Admin admin = admins.get()) {
            return admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
        }
    }

    /** Describes {@code topic} until every partition meets {@code condition}, failing after {@link #DEADLINE}. */
    static void awaitPartitions(Supplier<Admin> admins, String topic, Predicate<TopicPartitionInfo> condition,
            String what) {
        java.util.concurrent.atomic.AtomicReference<List<TopicPartitionInfo>> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        Await.until(DEADLINE, () -> what + "; partitions are " + last.get(), () -> {
            try {
                last.set(describe(admins, topic).partitions());
            } catch (Exception e) {
                throw new IllegalStateException("describeTopics failed", e);
            }
            return last.get().stream().allMatch(condition);
        });
    }
}
