package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.testkit.KafkaCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Real kafka-clients for the tests against a broker: producers through the gateway, readers straight from the broker. */
final class Clients {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private Clients() {}

    /** A String producer from {@code base} (bootstrap and security) with {@code settings} on top. */
    static KafkaProducer<String, String> producer(Map<String, Object> base, Map<String, Object> settings) {
        Map<String, Object> config = new HashMap<>(base);
        config.putAll(settings);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(config);
    }

    /**
     * Every record of {@code topic}, read straight from the broker (not through a gateway), once
     * there are as many as the partitions' end offsets say: each record once, duplicates included.
     */
    static List<ConsumerRecord<String, String>> readAll(KafkaCluster kafka, String topic) throws Exception {
        Map<TopicPartition, Long> ends = endOffsets(kafka, topic);
        long expected = ends.values().stream().mapToLong(Long::longValue).sum();
        Map<String, Object> config = kafka.clientProperties();
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.assign(ends.keySet());
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** The end offset of every partition of {@code topic}, asked of the broker directly. */
    static Map<TopicPartition, Long> endOffsets(KafkaCluster kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int partition = 0; partition < partitions; partition++) {
                latest.put(new TopicPartition(topic, partition), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get().forEach((partition, info) -> ends.put(partition, info.offset()));
            return ends;
        }
    }
}
