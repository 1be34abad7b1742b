package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.membership.StaticMembership;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A three-node gateway cluster without a load balancer survives losing nodes under load: while an
 * idempotent acks=all producer and a group consumer run without pause, one node stops abruptly (its
 * connections cut, then taken out of the membership, as a failure detector would), another leaves
 * gracefully, and
 * a node comes back. Every acknowledged record is consumed, exactly once (count and checksum), and
 * neither client is restarted.
 */
class GatewayClusterFailoverTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(3);

    private static final int PORTS = 8;
    private static final List<String> HOSTS = List.of("127.0.0.1", "127.0.0.2", "127.0.0.3");

    private final List<Gateway> running = new ArrayList<>();
    private int bootstrapPort;

    @AfterEach
    void stopNodes() {
        running.forEach(Gateway::close);
    }

    @Test
    void everyAcknowledgedRecordIsConsumedOnceThroughNodeLossesAndAReturn() throws Exception {
        bootstrapPort = FreePorts.block(PORTS);
        List<GatewayNode> nodes = new ArrayList<>();
        for (int i = 0; i < HOSTS.size(); i++) {
            nodes.add(new GatewayNode("gw-" + (i + 1), HOSTS.get(i), List.of(bootstrapPort), null));
        }
        // Each node has its own static membership, as separate processes would; the test is the
        // host that tells every node the alive set.
        List<StaticMembership> memberships = new ArrayList<>();
        for (int i = 0; i < HOSTS.size(); i++) {
            memberships.add(StaticMembership.of(nodes));
        }
        Gateway[] gateways = new Gateway[HOSTS.size()];
        for (int i = 0; i < HOSTS.size(); i++) {
            gateways[i] = startNode(memberships.get(i), nodes.get(i));
        }
        String topic = "failover";
        try (Admin admin = Admin.create(config("failover-admin"))) {
            admin.createTopics(List.of(new NewTopic(topic, 6, (short) 3))).all().get();
        }

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, Integer> consumed = new ConcurrentHashMap<>();
        AtomicBoolean producing = new AtomicBoolean(true);
        AtomicBoolean consuming = new AtomicBoolean(true);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        Thread producer = new Thread(() -> produce(topic, producing, acknowledged, sent, failure), "failover-producer");
        Thread consumer = new Thread(() -> consume(topic, consuming, consumed, failure), "failover-consumer");
        producer.start();
        consumer.start();

        awaitAcks(acknowledged, 200);
        // 1. Node 3 dies abruptly: its connections are cut without a drain; then its membership
        //    notices (a static membership has no failure detector: the test is it).
        gateways[2].close();
        running.remove(gateways[2]);
        memberships.forEach(m -> m.update(List.of(nodes.get(0), nodes.get(1))));
        awaitAcks(acknowledged, acknowledged.size() + 200);
        // 2. Node 2 leaves gracefully: the others stop advertising it, it leaves its own membership
        //    (so its own answers stop naming it) and drains with its listeners open, then closes.
        memberships.forEach(m -> m.update(List.of(nodes.get(0))));
        gateways[1].shutdown(Duration.ofSeconds(2)).toCompletableFuture().join();
        running.remove(gateways[1]);
        assertThat(memberships.get(1).alive()).extracting(GatewayNode::nodeId).doesNotContain("gw-2");
        awaitAcks(acknowledged, acknowledged.size() + 200);
        // 3. Node 3 comes back, with a fresh membership, and the others learn of it.
        StaticMembership returning = StaticMembership.of(List.of(nodes.get(0)));
        memberships.set(2, returning);
        gateways[2] = startNode(returning, nodes.get(2));
        memberships.forEach(m -> m.update(List.of(nodes.get(0), nodes.get(2))));
        assertThat(memberships.get(0).alive()).extracting(GatewayNode::nodeId).containsExactly("gw-1", "gw-3");
        awaitAcks(acknowledged, acknowledged.size() + 200);

        producing.set(false);
        producer.join(60_000);
        Eventually.until(Duration.ofSeconds(60),
                () -> "consumer to catch up: " + consumed.size() + " of " + acknowledged.size() + " acknowledged",
                () -> consumed.keySet().containsAll(acknowledged));
        consuming.set(false);
        consumer.join(60_000);
        assertThat(failure.get()).as("client failure").isNull();
        assertThat(consumed.values()).as("records consumed more than once").containsOnly(1);
        assertThat(checksum(consumed.keySet().stream().filter(acknowledged::contains).toList()))
                .isEqualTo(checksum(new ArrayList<>(acknowledged)));
        System.out.printf("failover: %d sent, %d acknowledged, %d consumed, %d duplicates%n", sent.get(),
                acknowledged.size(), consumed.size(), consumed.values().stream().filter(n -> n > 1).count());
        // Unacknowledged sends may have been written (acks lost with a node); none may be duplicated.
        assertThat(consumed.size()).isBetween(acknowledged.size(), (int) sent.get());
    }

    private Gateway startNode(StaticMembership membership, GatewayNode self) {
        Gateway gateway = BalancedNode.start(KAFKA.bootstrapServers(), membership, self, bootstrapPort, PORTS, true);
        running.add(gateway);
        return gateway;
    }

    private void produce(String topic, AtomicBoolean producing, Set<String> acknowledged, AtomicLong sent,
            AtomicReference<Throwable> failure) {
        Map<String, Object> config = config("failover-producer");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        config.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            long i = 0;
            while (producing.get()) {
                String key = "r-" + i++;
                sent.incrementAndGet();
                producer.send(new ProducerRecord<>(topic, key, key), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.add(key);
                    }
                });
                if (i % 50 == 0) {
                    producer.flush();
                }
            }
            producer.flush();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private void consume(String topic, AtomicBoolean consuming, Map<String, Integer> consumed,
            AtomicReference<Throwable> failure) {
        Map<String, Object> config = config("failover-consumer");
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "failover-readers");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (consuming.get()) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    consumed.merge(record.key(), 1, Integer::sum);
                }
            }
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }

    private Map<String, Object> config(String clientId) {
        Map<String, Object> config = new HashMap<>();
        StringBuilder bootstrap = new StringBuilder();
        for (String host : HOSTS) {
            bootstrap.append(bootstrap.length() == 0 ? "" : ",").append(host).append(':').append(bootstrapPort);
        }
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap.toString());
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(CommonClientConfigs.METADATA_MAX_AGE_CONFIG, 5_000);
        return config;
    }

    private static void awaitAcks(Set<String> acknowledged, int atLeast) {
        Eventually.until(Duration.ofSeconds(90), () -> atLeast + " acknowledged records, have " + acknowledged.size(),
                () -> acknowledged.size() >= atLeast);
    }

    private static long checksum(List<String> keys) {
        long sum = 0;
        for (String key : keys) {
            CRC32 crc = new CRC32();
            crc.update(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sum += crc.getValue();
        }
        return sum;
    }
}
