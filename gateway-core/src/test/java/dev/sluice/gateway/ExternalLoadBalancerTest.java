package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import dev.sluice.gateway.testkit.TcpBalancer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.stream.IntStream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External load balancing: three gateway nodes on 127.0.0.11, .12 and .13, all advertising the
 * balancer's host 127.0.0.10 with the same port plan ({@link PortPerBrokerRouting.PortPlan#BROKER_ID}),
 * behind a {@link TcpBalancer} on 127.0.0.10, in front of three real brokers. Clients see only the
 * balancer in metadata, and an idempotent producer keeps being acknowledged when the node carrying
 * most of its connections is closed, with every acknowledged record consumed exactly once.
 *
 * <p>The tests run in order: the second one closes a node for good.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExternalLoadBalancerTest {

    private static final Logger LOG = LoggerFactory.getLogger(ExternalLoadBalancerTest.class);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(3);

    private static final int PORTS = 8;
    private static final int PARTITIONS = 6;
    private static final String BALANCER_HOST = "127.0.0.10";
    private static final List<String> HOSTS = List.of("127.0.0.11", "127.0.0.12", "127.0.0.13");
    private static final Map<String, Gateway> GATEWAYS = new HashMap<>();
    private static TcpBalancer balancer;
    private static int bootstrapPort;

    @BeforeAll
    static void startNodesBehindTheBalancer() {
        bootstrapPort = FreePorts.block(PORTS);
        for (int i = 0; i < HOSTS.size(); i++) {
            String host = HOSTS.get(i);
            Gateway gateway = Gateway.builder()
                    .name("ext-gw-" + (i + 1))
                    .upstream(KAFKA.bootstrapServers())
                    .bindAddress(host)
                    .ioThreads(1)
                    .startupTimeout(Duration.ofSeconds(30))
                    .routing(PortPerBrokerRouting.builder()
                            .advertisedHost(BALANCER_HOST)
                            .bootstrapPort(bootstrapPort)
                            .maxBrokers(PORTS - 1)
                            .portPlan(PortPerBrokerRouting.PortPlan.BROKER_ID)
                            .build())
                    .build();
            GATEWAYS.put(host, gateway);
            gateway.start().toCompletableFuture().join();
        }
        List<Integer> ports = IntStream.range(bootstrapPort, bootstrapPort + PORTS).boxed().toList();
        balancer = TcpBalancer.start(BALANCER_HOST, ports, HOSTS);
    }

    @AfterAll
    static void stopNodesAndBalancer() {
        try {
            if (balancer != null) {
                balancer.close();
            }
        } finally {
            GATEWAYS.values().forEach(Gateway::close);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .as("threads of the TcpBalancer after close()")
                .noneMatch(thread -> thread.getName().startsWith("tcp-balancer-"));
    }

    @Test
    @Order(1)
    void metadataAdvertisesOnlyTheBalancerHostWhicheverNodeAnswers() throws Exception {
        for (int client = 0; client < 2 * HOSTS.size(); client++) {
            try (Admin admin = Admin.create(config("ext-lb-admin-" + client))) {
                List<Node> nodes = List.copyOf(admin.describeCluster().nodes().get());
                assertThat(nodes).hasSize(3).allSatisfy(node -> {
                    assertThat(node.host()).isEqualTo(BALANCER_HOST);
                    assertThat(node.port()).isBetween(bootstrapPort + 1, bootstrapPort + PORTS - 1);
                });
                assertThat(nodes.stream().map(Node::port).distinct()).hasSize(3);
            }
        }
        // Round robin over 6+ connections: every node answered some of them, and told the same story.
        assertThat(HOSTS).allSatisfy(host -> assertThat(balancer.totalConnectionsTo(host)).isPositive());
    }

    @Test
    @Order(2)
    void producerKeepsBeingAcknowledgedWhenItsBusiestNodeIsClosedAndNoRecordIsLostOrDoubled() throws Exception {
        String topic = "external-lb";
        try (Admin admin = Admin.create(config("ext-lb-topic-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 3))).all().get();
        }
        Map<String, Object> producerConfig = config("ext-lb-producer");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        ContinuousProducer producer = new ContinuousProducer(topic, producerConfig);
        try {
            Eventually.until(Duration.ofSeconds(30), () -> "200 acks before the stop, have " + producer.acked.size(),
                    () -> producer.acked.size() >= 200);

            String victim = HOSTS.stream()
                    .max(Comparator.comparingInt(balancer::connectionsTo))
                    .orElseThrow();
            int victimConnections = balancer.connectionsTo(victim);
            assertThat(victimConnections).as("connections relayed to %s", victim).isPositive();
            double closesBefore = producer.connectionCloses();

            long closing = System.nanoTime();
            GATEWAYS.get(victim).close();
            long closed = System.nanoTime();
            int ackedAtClose = producer.acked.size();
            int[] partitionAcksAtClose = producer.partitionAcks();

            Eventually.until(Duration.ofSeconds(60), () -> "an ack on every partition after closing " + victim
                    + ", acks per partition " + Arrays.toString(producer.partitionAcks()) + " vs "
                    + Arrays.toString(partitionAcksAtClose),
                    () -> IntStream.range(0, PARTITIONS)
                            .allMatch(p -> producer.partitionAcks()[p] > partitionAcksAtClose[p]));
            long everyPartition = System.nanoTime();
            Eventually.until(Duration.ofSeconds(60), () -> "1000 more acks after closing " + victim + ", have "
                    + (producer.acked.size() - ackedAtClose), () -> producer.acked.size() >= ackedAtClose + 1_000);
            long thousandMore = System.nanoTime();
            Eventually.until(Duration.ofSeconds(10), () -> "no connection relayed to the closed node, have "
                    + balancer.connectionsTo(victim), () -> balancer.connectionsTo(victim) == 0);
            assertThat(producer.connectionCloses()).as("the producer's connection closes: it used the closed node")
                    .isGreaterThan(closesBefore);

            LOG.info("Closed {} ({} of the balancer's connections) in {} ms; every partition acked again {} ms"
                    + " later, 1000 more acks {} ms later", victim, victimConnections, millis(closing, closed),
                    millis(closed, everyPartition), millis(closed, thousandMore));
        } finally {
            producer.stop();
        }
        assertThat(producer.failures).as("sends that failed").isEmpty();
        assertThat(producer.acked).hasSize(producer.sent);

        Map<String, Integer> consumed = consumeEverything(topic);
        assertThat(consumed.keySet()).as("consumed keys").isEqualTo(producer.acked);
        assertThat(consumed.entrySet()).as("keys consumed more than once")
                .filteredOn(entry -> entry.getValue() > 1).isEmpty();
        LOG.info("{} records acknowledged, each consumed exactly once", producer.acked.size());
    }

    /** Reads the topic from the start, through the balancer, up to the end offsets it has now. */
    private static Map<String, Integer> consumeEverything(String topic) throws Exception {
        Map<String, Object> consumerConfig = config("ext-lb-consumer");
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "ext-lb-readers");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS)
                .mapToObj(p -> new TopicPartition(topic, p)).toList();
        Map<TopicPartition, Long> end = new HashMap<>();
        try (Admin admin = Admin.create(config("ext-lb-offsets-admin"))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            admin.listOffsets(latest).all().get().forEach((tp, info) -> end.put(tp, info.offset()));
        }
        Map<String, Integer> seen = new HashMap<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            Eventually.until(Duration.ofSeconds(60), () -> "reading to the end offsets " + end + ", read "
                    + seen.size(), () -> {
                        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                            seen.merge(record.key(), 1, Integer::sum);
                        }
                        return consumer.assignment().size() == PARTITIONS
                                && partitions.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
                    });
        }
        return seen;
    }

    private static long millis(long from, long to) {
        return TimeUnit.NANOSECONDS.toMillis(to - from);
    }

    private static Map<String, Object> config(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, BALANCER_HOST + ":" + bootstrapPort);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /**
     * One producer sending keys {@code k0, k1, ...} from a background thread, at most 64 records in
     * flight, recording which keys were acknowledged and which sends failed.
     */
    private static final class ContinuousProducer {
        final Set<String> acked = ConcurrentHashMap.newKeySet();
        final Queue<Exception> failures = new ConcurrentLinkedQueue<>();
        private final AtomicIntegerArray perPartition = new AtomicIntegerArray(PARTITIONS);
        private final Semaphore inFlight = new Semaphore(64);
        private final KafkaProducer<String, String> producer;
        private final Thread sender;
        private volatile boolean running = true;
        int sent;

        ContinuousProducer(String topic, Map<String, Object> config) {
            this.producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
            this.sender = new Thread(() -> send(topic), "ext-lb-producer");
            sender.setDaemon(true);
            sender.start();
        }

        private void send(String topic) {
            try {
                while (running) {
                    if (!inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                        continue;
                    }
                    String key = "k" + sent++;
                    producer.send(new ProducerRecord<>(topic, key, "v-" + key), (metadata, error) -> {
                        inFlight.release();
                        if (error != null) {
                            failures.add(error);
                        } else {
                            acked.add(key);
                            perPartition.incrementAndGet(metadata.partition());
                        }
                    });
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }

        /** The producer's {@code connection-close-total} metric. */
        double connectionCloses() {
            return producer.metrics().entrySet().stream()
                    .filter(e -> e.getKey().group().equals("producer-metrics")
                            && e.getKey().name().equals("connection-close-total"))
                    .mapToDouble(e -> ((Number) e.getValue().metricValue()).doubleValue())
                    .sum();
        }

        int[] partitionAcks() {
            int[] counts = new int[PARTITIONS];
            for (int p = 0; p < PARTITIONS; p++) {
                counts[p] = perPartition.get(p);
            }
            return counts;
        }

        /** Stops sending, waits for every outstanding send to complete, and closes the producer. */
        void stop() throws InterruptedException {
            running = false;
            sender.join(TimeUnit.SECONDS.toMillis(35));
            assertThat(sender.isAlive()).as("producer thread still running").isFalse();
            producer.flush();
            producer.close(Duration.ofSeconds(30));
        }
    }
}
