package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three brokers with sparse ids and a controller, each a child JVM, through the extension. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForkedKafkaClusterTest {

    private static final long CLASS_INITIALISED = System.nanoTime();

    @RegisterExtension
    static final ForkedKafkaClusterExtension KAFKA = ForkedKafkaClusterExtension.brokerIds(100, 200, 300);

    @BeforeAll
    static void reportStartTime() {
        System.out.printf("3 forked brokers + 1 controller started in %d ms%n", millisSince(CLASS_INITIALISED));
    }

    @Test
    @Order(1)
    void describeClusterListsExactlyTheChosenBrokerIds() throws Exception {
        try (Admin admin = KAFKA.cluster().admin()) {
            Collection<Node> nodes = admin.describeCluster().nodes().get();

            assertThat(nodes).extracting(Node::id).containsExactlyInAnyOrder(100, 200, 300);
            assertThat(nodes).extracting(Node::host).containsOnly("localhost");
        }
        assertThat(KAFKA.cluster().brokerIds()).containsExactly(100, 200, 300);
        assertThat(KAFKA.cluster().runningBrokerIds()).containsExactly(100, 200, 300);
        assertThat(KAFKA.cluster().controllerId()).isEqualTo(3000);
        assertThat(KAFKA.bootstrapServers()).matches("localhost:\\d+,localhost:\\d+,localhost:\\d+")
                .startsWith(KAFKA.cluster().brokerAddress(100));
    }

    @Test
    @Order(2)
    void recordsProducedThroughTheBrokersAreConsumedBack() throws Exception {
        KAFKA.cluster().createTopic("orders", 3, 3);

        for (int i = 0; i < 3; i++) {
            Clients.produce(KAFKA.cluster().clientProperties(), "orders", "key-" + i, "value-" + i);
        }
        List<ConsumerRecord<String, String>> received =
                Clients.consume(KAFKA.cluster().clientProperties(), "orders", "orders-group", 3);

        assertThat(received).extracting(ConsumerRecord::value).containsExactlyInAnyOrder("value-0", "value-1", "value-2");
        assertThat(Clients.describe(KAFKA.cluster()::admin, "orders").partitions()).allSatisfy(p ->
                assertThat(p.replicas()).extracting(Node::id).containsExactlyInAnyOrder(100, 200, 300));
    }

    @Test
    @Order(3)
    void killedBrokerIsFencedAndRejoinsWhenStartedAgain() throws Exception {
        KAFKA.cluster().createTopic("failover", 1, 3);

        long killing = System.nanoTime();
        KAFKA.cluster().killBroker(200);
        System.out.printf("kill of broker 200 took %d ms%n", millisSince(killing));
        assertThat(KAFKA.cluster().runningBrokerIds()).containsExactly(100, 300);

        awaitDescribedBrokers(ids -> !ids.contains(200), "describeCluster to drop broker 200");
        System.out.printf("broker 200 left describeCluster %d ms after the kill%n", millisSince(killing));
        KAFKA.cluster().awaitBrokerFenced(200);
        Clients.produce(KAFKA.cluster().clientProperties(), "failover", "k", "written while broker 200 was dead");

        long restarting = System.nanoTime();
        KAFKA.cluster().startBroker(200);
        System.out.printf("restart of broker 200 took %d ms%n", millisSince(restarting));

        assertThat(describedBrokers()).containsExactlyInAnyOrder(100, 200, 300);
        assertThat(KAFKA.cluster().runningBrokerIds()).containsExactly(100, 200, 300);
        Clients.awaitPartitions(KAFKA.cluster()::admin, "failover", p -> p.isr().size() == 3,
                "broker 200 back in the ISR");
        assertThat(Clients.consume(KAFKA.cluster().clientProperties(), "failover", "failover-group", 1))
                .extracting(ConsumerRecord::value).containsExactly("written while broker 200 was dead");
    }

    @Test
    @Order(4)
    void stoppedBrokerLeavesAtOnceAndKeepsItsAddress() throws Exception {
        String address = KAFKA.cluster().brokerAddress(300);

        long stopping = System.nanoTime();
        KAFKA.cluster().stopBroker(300);
        System.out.printf("graceful stop of broker 300 took %d ms%n", millisSince(stopping));

        assertThat(describedBrokers()).containsExactlyInAnyOrder(100, 200);
        KAFKA.cluster().startBroker(300);
        assertThat(describedBrokers()).containsExactlyInAnyOrder(100, 200, 300);
        assertThat(KAFKA.cluster().brokerAddress(300)).isEqualTo(address);
    }

    @Test
    @Order(5)
    void brokerControlRejectsUnknownIdsAndWrongStates() {
        assertThatThrownBy(() -> KAFKA.cluster().killBroker(7))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No broker with id 7; broker ids are [100, 200, 300]");
        assertThatThrownBy(() -> KAFKA.cluster().startBroker(100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("Broker 100 is running; killBroker(100) or stopBroker(100) first");
        assertThatThrownBy(() -> KAFKA.cluster().awaitBrokerFenced(100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Broker 100 is running and so will not be fenced");
        assertThatThrownBy(() -> KAFKA.cluster().start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a ForkedKafkaCluster starts once");
    }

    private static Set<Integer> describedBrokers() throws Exception {
        try (Admin admin = KAFKA.cluster().admin()) {
            return admin.describeCluster().nodes().get().stream().map(Node::id).collect(Collectors.toSet());
        }
    }

    private static void awaitDescribedBrokers(Predicate<Set<Integer>> condition, String what) {
        java.util.concurrent.atomic.AtomicReference<Set<Integer>> last = new java.util.concurrent.atomic.AtomicReference<>();
        Await.until(Duration.ofSeconds(30), () -> what + "; describeCluster lists " + last.get(), () -> {
            try {
                last.set(describedBrokers());
            } catch (Exception e) {
                throw new IllegalStateException("describeCluster failed", e);
            }
            return condition.test(last.get());
        });
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
