package dev.sluice.gateway;

import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import dev.sluice.gateway.testkit.KafkaCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real kafka-clients producers, consumers and admin clients through a gateway, one real broker. */
class ClientTrafficTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1));

    @Test
    void recordsProducedWithEveryAcksSettingAndCompressionCodecAreConsumed() throws Exception {
        String topic = "traffic-acks";
        createTopic(topic, 3);
        // acks=all first: a broker that is not yet the leader of a just-created partition drops an
        // acks=0 batch (and closes the connection) without telling anyone, as Kafka allows; acked
        // batches first mean every leader is in place before the fire-and-forget ones.
        List<String> acksSettings = List.of("all", "1", "0");
        List<String> codecs = List.of("none", "gzip", "snappy", "lz4", "zstd");
        Map<String, Integer> expected = new HashMap<>();
        for (String acks : acksSettings) {
            for (String codec : codecs) {
                Map<String, Object> config = producerConfig();
                config.put(ProducerConfig.ACKS_CONFIG, acks);
                config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
                if (!"all".equals(acks)) {
                    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false);
                }
                String key = "acks=" + acks + ",codec=" + codec;
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                    for (int i = 0; i < 20; i++) {
                        producer.send(new ProducerRecord<>(topic, key, "value-" + i + "-" + "x".repeat(200)));
                    }
                    producer.flush();
                    assertThat(ClientMetadata.nodesKnownTo(producer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
                }
                expected.put(key, 20);
            }
        }
        Map<String, Integer> seen = new HashMap<>();
        for (ConsumerRecord<String, String> record : consumeAll(topic, "acks-reader", 300, "read_uncommitted")) {
            seen.merge(record.key(), 1, Integer::sum);
        }
        assertThat(seen).isEqualTo(expected);
    }

    @Test
    void consumerGroupCommitsOffsetsAndANewMemberResumesFromThem() throws Exception {
        String topic = "traffic-groups";
        createTopic(topic, 1);
        produce(topic, 10);
        Map<String, Object> config = consumerConfig("resume-group", "read_uncommitted");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 4);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        long firstRun;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> got = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
            consumer.commitSync();
            firstRun = got.size();
            assertThat(firstRun).isBetween(1L, 4L);
            assertThat(ClientMetadata.nodesKnownTo(consumer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of("resume-group"))
                    .describedGroups().get("resume-group").get();
            GATEWAY.harness().assertGatewayNode(group.coordinator());
            long committed = admin.listConsumerGroupOffsets("resume-group").partitionsToOffsetAndMetadata().get()
                    .values().iterator().next().offset();
            assertThat(committed).isEqualTo(firstRun);
        }
        List<ConsumerRecord<String, String>> rest = consumeAll(topic, "resume-group", (int) (10 - firstRun), "read_uncommitted");
        assertThat(rest).hasSize((int) (10 - firstRun));
        assertThat(rest.get(0).offset()).isEqualTo(firstRun);
    }

    @Test
    void transactionsCommitAndAbortThroughTheGateway() throws Exception {
        String topic = "traffic-transactions";
        createTopic(topic, 2);
        Map<String, Object> config = producerConfig();
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "gateway-tx");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, "aborted", "a" + i));
            }
            producer.abortTransaction();
            producer.beginTransaction();
            for (int i = 0; i < 7; i++) {
                producer.send(new ProducerRecord<>(topic, "committed", "c" + i));
            }
            producer.commitTransaction();
        }
        List<ConsumerRecord<String, String>> committed = consumeAll(topic, "tx-reader", 7, "read_committed");
        assertThat(committed).hasSize(7).allSatisfy(r -> assertThat(r.key()).isEqualTo("committed"));
    }

    @Test
    void adminClientsSeeOnlyGatewayAddresses() throws Exception {
        String topic = "traffic-admin";
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1))).all().get();
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            assertThat(description.partitions()).hasSize(4);
            for (TopicPartitionInfo partition : description.partitions()) {
                GATEWAY.harness().assertGatewayNode(partition.leader());
                partition.replicas().forEach(GATEWAY.harness()::assertGatewayNode);
            }
            DescribeClusterResult cluster = admin.describeCluster();
            assertThat(cluster.nodes().get()).hasSize(1).allSatisfy(GATEWAY.harness()::assertGatewayNode);
            GATEWAY.harness().assertGatewayNode(cluster.controller().get());
            assertThat(admin.listTopics().names().get()).contains(topic);
        }
    }

    @Test
    void megabyteFetchResponsesReachTheConsumerWhileTheyStillArriveAndEveryRecordChecksOut() throws Exception {
        String topic = "traffic-large-fetches";
        createTopic(topic, 2);
        int count = 3_000;
        String filler = "y".repeat(2_000);
        Map<String, Object> producer = producerConfig();
        producer.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        try (KafkaProducer<String, String> out = new KafkaProducer<>(producer)) {
            for (int i = 0; i < count; i++) {
                out.send(new ProducerRecord<>(topic, i % 2, "k" + i, i + ":" + filler));
            }
            out.flush();
        }
        ProxyRuntime runtime = Objects.requireNonNull(GATEWAY.gateway().runtime());
        long streamedBefore = runtime.streamedResponses();

        // Default fetch sizes: up to 1 MiB per partition and 50 MiB per response, so the consumer
        // reading from the start gets answers of about 2 MiB, far more than one socket read.
        List<ConsumerRecord<String, String>> records = consumeAll(topic, "large-fetch-reader", count, "read_uncommitted");

        assertThat(records).hasSize(count);
        assertThat(records).allSatisfy(r -> assertThat(r.value()).isEqualTo(r.key().substring(1) + ":" + filler));
        assertThat(records.stream().map(ConsumerRecord::key).distinct().count()).isEqualTo(count);
        assertThat(runtime.streamedResponses() - streamedBefore).as("Fetch responses streamed").isPositive();
    }

    private void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
    }

    private void produce(String topic, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i)).get();
            }
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        return config;
    }

    private Map<String, Object> consumerConfig(String group, String isolation) {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    private List<ConsumerRecord<String, String>> consumeAll(String topic, String group, int expected, String isolation) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group, isolation))) {
            consumer.subscribe(Set.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // One more short poll: anything beyond the expected count is a failure too.
            consumer.poll(Duration.ofMillis(300)).forEach(records::add);
            consumer.commitSync();
            List<Node> nodes = ClientMetadata.nodesKnownTo(consumer);
            assertThat(nodes).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        return records;
    }
}
