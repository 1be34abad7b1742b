package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.testkit.KafkaCluster;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A broker that advertises its unstable API versions too (the kit's testing metadata version), and
 * KIP-932 share groups (ShareFetch, ShareAcknowledge) through the GATEWAY.harness().
 */
class ShareAndUnstableVersionsTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1).productionLike(false));

    @Test
    void producersAndConsumersWorkAgainstABrokerWithUnstableApiVersions() throws Exception {
        String topic = "unstable-versions";
        createTopic(topic);
        produce(topic, 25);
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "unstable-reader");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        int seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen < 25 && System.nanoTime() < deadline) {
                seen += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(ClientMetadata.nodesKnownTo(consumer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        assertThat(seen).isEqualTo(25);
    }

    @Test
    void shareGroupConsumersFetchAndAcknowledgeThroughTheGateway() throws Exception {
        String topic = "shared-work";
        String group = "share-workers";
        createTopic(topic);
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            ConfigResource groupConfig = new ConfigResource(ConfigResource.Type.GROUP, group);
            admin.incrementalAlterConfigs(Map.of(groupConfig, List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        }
        produce(topic, 30);
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        Set<String> values = new HashSet<>();
        try (KafkaShareConsumer<String, String> consumer = new KafkaShareConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
            while (values.size() < 30 && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                consumer.commitSync();
            }
            assertThat(ClientMetadata.nodesKnownTo(consumer)).allSatisfy(GATEWAY.harness()::assertGatewayNode);
        }
        assertThat(values).hasSize(30);
    }

    private static void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }
    }

    private static void produce(String topic, int count) throws Exception {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }
}
