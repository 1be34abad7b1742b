package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.testkit.ForkedKafkaCluster;
import dev.sluice.gateway.testkit.ForkedKafkaClusterExtension;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Brokers with sparse node ids (100, 200, 300), each a real Kafka in its own JVM, killed and restarted. */
class SparseBrokerIdsTest {

    @RegisterExtension
    static final ForkedKafkaClusterExtension KAFKA = ForkedKafkaClusterExtension.brokerIds(100, 200, 300);

    @Test
    void sparseIdsGetDensePortsAndCarryTraffic() throws Exception {
        try (GatewayHarness gateway = GatewayHarness.start(KAFKA.bootstrapServers(), b -> { })) {
            assertThat(brokerPorts(gateway)).isEqualTo(Map.of(
                    100, gateway.bootstrapPort + 1, 200, gateway.bootstrapPort + 2, 300, gateway.bootstrapPort + 3));
            Map<String, Object> config = gateway.clientConfig(KAFKA.cluster().clientProperties());
            try (Admin admin = Admin.create(config)) {
                admin.createTopics(List.of(new NewTopic("sparse", 3, (short) 3))).all().get();
                Collection<Node> nodes = admin.describeCluster().nodes().get();
                assertThat(nodes).extracting(Node::id).containsExactlyInAnyOrder(100, 200, 300);
                nodes.forEach(gateway::assertGatewayNode);
            }
            config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            config.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("sparse", "k" + i, "v" + i)).get();
                }
            }
            config.put(ConsumerConfig.GROUP_ID_CONFIG, "sparse-reader");
            config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            int seen = 0;
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
                consumer.subscribe(List.of("sparse"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (seen < 30 && System.nanoTime() < deadline) {
                    seen += consumer.poll(Duration.ofMillis(200)).count();
                }
            }
            assertThat(seen).isEqualTo(30);
        }
    }

    @Test
    void aKilledBrokerLosesItsListenerAndGetsTheSamePortBackWhenItReturns() {
        ForkedKafkaCluster kafka = KAFKA.cluster();
        try (GatewayHarness gateway = GatewayHarness.start(KAFKA.bootstrapServers(), b -> b
                .metadataRefreshInterval(Duration.ofMillis(300))
                .brokerRemovalDelay(Duration.ZERO))) {
            int port = brokerPorts(gateway).get(300);
            kafka.killBroker(300);
            try {
                Eventually.until(Duration.ofSeconds(30), () -> "listener of broker 300 to close, open: "
                        + gateway.gateway.openListeners(), () -> !brokerPorts(gateway).containsKey(300));
            } finally {
                kafka.startBroker(300);
            }
            Eventually.until(Duration.ofSeconds(30), () -> "listener of broker 300 to reopen, open: "
                    + gateway.gateway.openListeners(), () -> brokerPorts(gateway).containsKey(300));
            assertThat(brokerPorts(gateway)).containsEntry(300, port);
        }
    }

    @Test
    void aBrokerFirstNamedInAClientsAnswerIsListenedOnBeforeTheClientLearnsItsAddress() throws Exception {
        ForkedKafkaCluster kafka = KAFKA.cluster();
        kafka.killBroker(200);
        kafka.awaitBrokerFenced(200);
        // The gateway's own discovery runs once, at start, while broker 200 is away.
        try (GatewayHarness gateway = GatewayHarness.start(KAFKA.bootstrapServers(), b -> b
                .metadataRefreshInterval(Duration.ofHours(1))
                .maxInFlightRequestsPerConnection(1))) {
            assertThat(brokerPorts(gateway)).containsOnlyKeys(100, 300);
            kafka.startBroker(200);

            try (Admin admin = Admin.create(gateway.clientConfig(kafka.clientProperties()))) {
                Eventually.until(Duration.ofSeconds(30), () -> "clients to see broker 200",
                        () -> admin.describeCluster().nodes().get().stream().anyMatch(n -> n.id() == 200));
                Node broker200 = admin.describeCluster().nodes().get().stream().filter(n -> n.id() == 200)
                        .findFirst().orElseThrow();
                gateway.assertGatewayNode(broker200);
                assertThat(brokerPorts(gateway)).containsKey(200);
                // A request only broker 200 can answer, on the port the client was just told about.
                var configs = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "200")))
                        .all().get();
                assertThat(configs).hasSize(1);
            }
        }
    }

    private static Map<Integer, Integer> brokerPorts(GatewayHarness gateway) {
        return gateway.gateway.openListeners().stream().filter(l -> !l.isBootstrap())
                .collect(Collectors.toMap(l -> l.brokerId().getAsInt(), ListenerSpec::port));
    }
}
