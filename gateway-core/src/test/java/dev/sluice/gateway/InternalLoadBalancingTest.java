package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.membership.StaticMembership;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three gateway nodes without a load balancer, on 127.0.0.1, .2 and .3 with the same port plan, in
 * front of three real brokers: each client is told, per broker, one node's host and the broker's
 * port, the mapping differs between clients, and a node taken out of the membership is no longer
 * advertised. Real clients produce and consume across the nodes.
 */
class InternalLoadBalancingTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(3);

    private static final int PORTS = 8;
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");
    private static final List<Gateway> GATEWAYS = new ArrayList<>();
    private static final List<GatewayNode> NODES = new ArrayList<>();
    private static StaticMembership membership;
    private static int bootstrapPort;

    @BeforeAll
    static void startNodes() {
        bootstrapPort = FreePorts.block(PORTS);
        for (int i = 0; i < HOSTS.size(); i++) {
            NODES.add(new GatewayNode("gw-" + (i + 1), HOSTS.get(i), List.of(bootstrapPort), null));
        }
        membership = StaticMembership.of(NODES);
        for (GatewayNode node : NODES) {
            GATEWAYS.add(BalancedNode.start(KAFKA.bootstrapServers(), membership, node, bootstrapPort, PORTS, false));
        }
    }

    @AfterAll
    static void stopNodes() {
        GATEWAYS.forEach(Gateway::close);
    }

    @Test
    void everyNodeHasTheSamePortPlan() {
        List<String> first = GATEWAYS.get(0).openListeners().stream().map(Object::toString).toList();
        for (Gateway gateway : GATEWAYS) {
            assertThat(gateway.openListeners().stream().map(Object::toString).toList()).isEqualTo(first);
        }
    }

    @Test
    void clientsAreToldDifferentBalancedMappingsOverTheNodes() throws Exception {
        Map<String, Integer> perHost = new TreeMap<>();
        Set<Map<Integer, String>> mappings = new HashSet<>();
        for (int client = 0; client < 24; client++) {
            Map<Integer, String> mapping = new TreeMap<>();
            try (Admin admin = Admin.create(config(HOSTS.get(client % 3), "lb-client-" + client))) {
                for (Node node : admin.describeCluster().nodes().get()) {
                    assertThat(HOSTS).contains(node.host());
                    assertThat(node.port()).isBetween(bootstrapPort + 1, bootstrapPort + PORTS - 1);
                    perHost.merge(node.host(), 1, Integer::sum);
                    mapping.put(node.id(), node.host());
                }
            }
            mappings.add(mapping);
        }
        // 24 clients x 3 brokers = 72 assignments over 3 nodes: 24 each on average.
        assertThat(perHost.keySet()).containsExactlyElementsOf(HOSTS);
        assertThat(perHost.values()).allSatisfy(count -> assertThat(count).isBetween(12, 36));
        assertThat(mappings).hasSizeGreaterThan(3);
    }

    @Test
    void recordsProducedAndConsumedAcrossTheNodesArriveOnce() throws Exception {
        String topic = "balanced";
        try (Admin admin = Admin.create(config(HOSTS.get(0), "balanced-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3))).all().get();
        }
        Map<String, Object> producerConfig = config(HOSTS.get(1), "balanced-producer");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        int count = 300;
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "k" + i, "v" + i));
            }
            producer.flush();
            assertThat(ClientMetadata.nodesKnownTo(producer)).allSatisfy(node -> assertThat(HOSTS).contains(node.host()));
        }
        Map<String, Object> consumerConfig = config(HOSTS.get(2), "balanced-consumer");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "balanced-readers");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    seen.merge(record.key(), 1, Integer::sum);
                }
            }
        }
        assertThat(seen).hasSize(count);
        assertThat(seen.values()).containsOnly(1);
    }

    @Test
    void aNodeTakenOutOfTheMembershipIsNoLongerAdvertised() throws Exception {
        membership.update(NODES.subList(0, 2));
        try {
            for (int client = 0; client < 12; client++) {
                try (Admin admin = Admin.create(config(HOSTS.get(client % 2), "after-leave-" + client))) {
                    Collection<Node> nodes = admin.describeCluster().nodes().get();
                    assertThat(nodes).isNotEmpty().allSatisfy(node -> assertThat(node.host()).isNotEqualTo("127.0.0.3"));
                }
            }
        } finally {
            membership.update(NODES);
        }
    }

    @Test
    void aNodeThatJoinsIsAdvertisedAndLeavesFirstWhenItShutsDown() throws Exception {
        GatewayNode fourth = new GatewayNode("gw-4", "127.0.0.4", List.of(bootstrapPort), null);
        Gateway gateway = BalancedNode.builder(KAFKA.bootstrapServers(), membership, fourth, bootstrapPort, PORTS, true)
                .build();
        try {
            gateway.start().toCompletableFuture().join();
            assertThat(membership.alive()).contains(fourth);
            Set<String> hosts = new HashSet<>();
            for (int client = 0; client < 12 && !hosts.contains("127.0.0.4"); client++) {
                try (Admin admin = Admin.create(config("127.0.0.4", "joined-" + client))) {
                    admin.describeCluster().nodes().get().forEach(node -> hosts.add(node.host()));
                }
            }
            assertThat(hosts).contains("127.0.0.4");
        } finally {
            gateway.shutdown(Duration.ofMillis(500)).toCompletableFuture().join();
        }
        assertThat(membership.alive()).doesNotContain(fourth).containsExactlyInAnyOrderElementsOf(NODES);
        try (Admin admin = Admin.create(config(HOSTS.get(0), "after-gw-4"))) {
            assertThat(admin.describeCluster().nodes().get())
                    .allSatisfy(node -> assertThat(node.host()).isNotEqualTo("127.0.0.4"));
        }
    }

    private static Map<String, Object> config(String host, String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, host + ":" + bootstrapPort);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }
}
