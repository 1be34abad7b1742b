package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** Three brokers and a separate controller, started directly (not through the extension) to time it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaClusterThreeBrokerTest {

    private static KafkaCluster kafka;

    @BeforeAll
    static void startCluster() {
        long started = System.nanoTime();
        kafka = KafkaCluster.builder().brokers(3).build().start();
        System.out.printf("3 brokers + 1 controller started in %d ms%n", millisSince(started));
    }

    @AfterAll
    static void closeCluster() {
        long closing = System.nanoTime();
        kafka.close();
        System.out.printf("3 brokers + 1 controller closed in %d ms%n", millisSince(closing));
    }

    @Test
    @Order(1)
    void describeClusterListsThreeBrokers() throws Exception {
        try (Admin admin = kafka.admin()) {
            Collection<Node> nodes = admin.describeCluster().nodes().get();

            assertThat(nodes).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
        }
        assertThat(kafka.brokerIds()).containsExactly(0, 1, 2);
        assertThat(kafka.bootstrapServers().split(",")).hasSize(3);
    }

    @Test
    @Order(2)
    void topicWithReplicationFactorThreeIsReplicatedOnEveryBroker() throws Exception {
        kafka.createTopic("replicated", 3, 3);

        TopicDescription topic = describe("replicated");
        assertThat(topic.partitions()).hasSize(3).allSatisfy(p -> {
            assertThat(p.replicas()).extracting(Node::id).containsExactlyInAnyOrder(0, 1, 2);
            assertThat(p.isr()).hasSize(3);
        });
        Clients.produce(kafka.clientProperties(), "replicated", "k", "v");
    }

    @Test
    @Order(3)
    void leadershipMovesOffAStoppedBrokerAndTheBrokerRejoinsOnRestart() throws Exception {
        kafka.createTopic("failover", 1, 3);
        int leader = describe("failover").partitions().get(0).leader().id();

        long stopping = System.nanoTime();
        kafka.shutdownBroker(leader);
        System.out.printf("controlled shutdown of broker %d took %d ms%n", leader, millisSince(stopping));

        assertThat(kafka.runningBrokerIds()).doesNotContain(leader).hasSize(2);
        TopicPartitionInfo afterStop = describe("failover").partitions().get(0);
        assertThat(afterStop.leader().id()).isNotEqualTo(leader);
        Clients.produce(kafka.clientProperties(), "failover", "k", "written while broker " + leader + " was down");

        long restarting = System.nanoTime();
        kafka.startBroker(leader);
        System.out.printf("restart of broker %d took %d ms%n", leader, millisSince(restarting));

        assertThat(kafka.runningBrokerIds()).containsExactly(0, 1, 2);
        Clients.awaitPartitions(kafka::admin, "failover", p -> p.isr().size() == 3,
                "broker " + leader + " back in the ISR");
        assertThat(Clients.consume(kafka.clientProperties(), "failover", "failover-group", 1)).hasSize(1);
    }

    @Test
    @Order(4)
    void brokerControlRejectsUnknownAndRepeatedRequests() {
        assertThatThrownBy(() -> kafka.shutdownBroker(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No broker with id 7; broker ids are [0, 1, 2]");
        assertThatThrownBy(() -> kafka.startBroker(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Broker 1 is running; shutdownBroker(1) first");
    }

    private static TopicDescription describe(String topic) throws Exception {
        return Clients.describe(kafka::admin, topic);
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
