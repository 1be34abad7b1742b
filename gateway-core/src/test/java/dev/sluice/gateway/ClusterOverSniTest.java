package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SNI deployment end to end: real kafka-clients producer, consumer and admin reach a 3-broker
 * cluster through one TLS port, knowing one bootstrap host name and one CA, and every address they
 * learn is a broker host name on that port. The same gateway serves plaintext port-per-broker
 * listeners beside it, whose clients are told plaintext addresses.
 */
class ClusterOverSniTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(3);

    @TempDir
    static Path certificates;

    private static final Map<String, Set<String>> SERVER_NAMES_BY_ROLE = new ConcurrentHashMap<>();
    private static SniGateway sni;
    private static int plaintextPort;

    @BeforeAll
    static void startGateway() {
        plaintextPort = FreePorts.block(GatewayHarness.PORTS);
        sni = SniGateway.start(KAFKA.bootstrapServers(), certificates, tls -> tls, builder -> builder
                .routing(PortPerBrokerRouting.builder()
                        .advertisedHost("127.0.0.1")
                        .bootstrapPort(plaintextPort)
                        .maxBrokers(GatewayHarness.PORTS - 1)
                        .build())
                .intercept(InterceptorSpec.on(Api.METADATA).name("server-name-recorder").use(chain -> {
                    ListenerSpec listener = chain.connection().listener();
                    String role = listener.isBootstrap() ? "bootstrap" : "broker " + listener.brokerId().getAsInt();
                    SERVER_NAMES_BY_ROLE.computeIfAbsent(role, r -> ConcurrentHashMap.newKeySet())
                            .add(String.valueOf(chain.connection().tlsServerName()));
                    return chain.proceed();
                })));
    }

    @AfterAll
    static void stopGateway() {
        if (sni != null) {
            sni.close();
        }
    }

    @Test
    void producerConsumerAndAdminLearnOnlySniHostNamesOnTheOnePort() throws Exception {
        String topic = "sni-traffic";
        try (Admin admin = Admin.create(sni.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3))).all().get();
            Collection<Node> nodes = admin.describeCluster().nodes().get();
            assertThat(nodes).extracting(Node::id)
                    .containsExactlyInAnyOrderElementsOf(KAFKA.cluster().brokerIds());
            assertThat(nodes).allSatisfy(node -> assertThat(node.host()).isEqualTo("broker-" + node.id() + ".kafka.test"));
            assertThat(nodes).allSatisfy(node -> assertThat(node.port()).isEqualTo(sni.port));
            Node controller = admin.describeCluster().controller().get();
            assertThat(sni.isSniAddress(controller.host(), controller.port())).as("controller %s", controller).isTrue();
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            for (TopicPartitionInfo partition : description.partitions()) {
                assertThat(sni.isSniAddress(partition.leader().host(), partition.leader().port()))
                        .as("leader of %s", partition).isTrue();
            }
        }

        Map<String, Object> producerConfig = sni.clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        int count = 300;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
            }
            producer.flush();
            assertThat(ClientMetadata.nodesKnownTo(producer))
                    .isNotEmpty()
                    .allSatisfy(node -> assertThat(sni.isSniAddress(node.host(), node.port())).as("%s", node).isTrue());
        }

        Map<String, Object> consumerConfig = sni.clientConfig();
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "sni-readers");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        Map<String, String> consumed = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumed.size() < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    consumed.put(record.key(), record.value());
                }
            }
            consumer.commitSync();
            assertThat(ClientMetadata.nodesKnownTo(consumer))
                    .isNotEmpty()
                    .allSatisfy(node -> assertThat(sni.isSniAddress(node.host(), node.port())).as("%s", node).isTrue());
        }
        assertThat(consumed).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(consumed).containsEntry("key-" + i, "value-" + i);
        }

        // Interceptors see what the server name chose, and the name itself.
        assertThat(SERVER_NAMES_BY_ROLE.get("bootstrap")).contains(SniGateway.BOOTSTRAP_HOST);
        List<String> brokerRoles = new ArrayList<>(SERVER_NAMES_BY_ROLE.keySet());
        brokerRoles.remove("bootstrap");
        assertThat(brokerRoles).isNotEmpty();
        for (String role : brokerRoles) {
            String id = role.substring("broker ".length());
            assertThat(SERVER_NAMES_BY_ROLE.get(role)).containsOnly("broker-" + id + ".kafka.test");
        }
    }

    @Test
    void megabyteFetchAnswersReachATlsConsumerWhileTheyStillArrive() throws Exception {
        String topic = "sni-large-fetches";
        try (Admin admin = Admin.create(sni.clientConfig())) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 3))).all().get();
        }
        Map<String, Object> producerConfig = sni.clientConfig();
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        int count = 1_500;
        String filler = "z".repeat(2_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, i + ":" + filler));
            }
            producer.flush();
        }
        long streamedBefore = sni.streamedResponses();

        Map<String, Object> consumerConfig = sni.clientConfig();
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            consumer.seekToBeginning(List.of(new TopicPartition(topic, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
        }

        // About 1 MiB per answer, decrypted and re-encrypted piece by piece; every record intact.
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(records.get(i).key()).isEqualTo("key-" + i);
            assertThat(records.get(i).value()).isEqualTo(i + ":" + filler);
        }
        assertThat(sni.streamedResponses() - streamedBefore).as("Fetch answers streamed").isPositive();
    }

    @Test
    void plaintextClientsOfTheSameGatewayAreToldPlaintextAddresses() throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + plaintextPort);
        try (Admin plain = Admin.create(config); Admin tls = Admin.create(sni.clientConfig())) {
            Collection<Node> plainNodes = plain.describeCluster().nodes().get();
            Collection<Node> tlsNodes = tls.describeCluster().nodes().get();
            assertThat(plainNodes).allSatisfy(node -> {
                assertThat(node.host()).isEqualTo("127.0.0.1");
                assertThat(node.port()).isBetween(plaintextPort + 1, plaintextPort + GatewayHarness.PORTS - 1);
            });
            assertThat(tlsNodes).allSatisfy(node -> assertThat(sni.isSniAddress(node.host(), node.port())).isTrue());
            assertThat(plainNodes.stream().map(Node::id).collect(Collectors.toSet()))
                    .isEqualTo(tlsNodes.stream().map(Node::id).collect(Collectors.toSet()));
        }
        assertThat(sni.gateway.bootstrapAddresses()).extracting(Object::toString)
                .containsExactly(sni.bootstrapServers(), "127.0.0.1:" + plaintextPort);
    }
}
