package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One broker with a listener {@code RELAY} advertised at {@code 127.0.0.1:R}, where a {@link
 * PortForwarder} relays to the listener's bound port: what a TCP relay in front of a broker needs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForkedKafkaClusterAdvertisedListenerTest {
    private static final int BROKER_ID = 4;
    private static int relayPort;
    private static ForkedKafkaCluster kafka;
    private static PortForwarder relay;

    @BeforeAll
    static void start() throws Exception {
        relayPort = FreePorts.block(1);
        kafka = ForkedKafkaCluster.builder().brokerIds(BROKER_ID)
                .advertisedListener("RELAY", id -> InetSocketAddress.createUnresolved("127.0.0.1", relayPort))
                .build().start();
        relay = PortForwarder.start(relayPort, kafka.listenerPort(BROKER_ID, "RELAY"));
        kafka.createTopic("relayed", 1, 1);
    }

    @AfterAll
    static void close() throws Exception {
        if (relay != null) {
            relay.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void clientOfTheBoundPortIsToldTheAdvertisedAddressAndFollowsIt() throws Exception {
        int bound = kafka.listenerPort(BROKER_ID, "RELAY");
        assertThat(bound).isNotIn(relayPort, kafka.listenerPort(BROKER_ID, "PLAINTEXT"));
        int acceptedBefore = relay.accepted();

        assertThat(describeCluster("127.0.0.1:" + bound)).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo(BROKER_ID);
            assertThat(node.host()).isEqualTo("127.0.0.1");
            assertThat(node.port()).isEqualTo(relayPort);
        });
        assertThat(relay.accepted()).as("connections through the relay").isGreaterThan(acceptedBefore);
    }

    @Test
    void clientOfPlaintextStillSeesLocalhost() throws Exception {
        assertThat(describeCluster(kafka.bootstrapServers())).singleElement().satisfies(node -> {
            assertThat(node.host()).isEqualTo("localhost");
            assertThat(node.port()).isEqualTo(kafka.listenerPort(BROKER_ID, "PLAINTEXT"));
        });
        assertThat(kafka.brokerAddress(BROKER_ID)).isEqualTo("localhost:" + kafka.listenerPort(BROKER_ID, "PLAINTEXT"));
    }

    @Test
    void producerAndConsumerWorkThroughTheRelay() throws Exception {
        Map<String, Object> relayed = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + relayPort);

        Clients.produce(relayed, "relayed", "k", "through the relay");

        assertThat(Clients.consume(relayed, "relayed", "relay-group", 1))
                .extracting(ConsumerRecord::value).containsExactly("through the relay");
    }

    @Test
    void listenerPortNamesTheListenersItKnows() {
        assertThatThrownBy(() -> kafka.listenerPort(BROKER_ID, "SSL"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No listener named 'SSL'; the brokers' listeners are [PLAINTEXT, RELAY]");
        assertThatThrownBy(() -> kafka.listenerPort(5, "RELAY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("No broker with id 5; broker ids are [4]");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void restartedBrokerKeepsItsBoundPortAndAdvertisedAddress() throws Exception {
        int bound = kafka.listenerPort(BROKER_ID, "RELAY");

        kafka.stopBroker(BROKER_ID);
        kafka.startBroker(BROKER_ID);

        assertThat(kafka.listenerPort(BROKER_ID, "RELAY")).isEqualTo(bound);
        assertThat(describeCluster("127.0.0.1:" + relayPort)).singleElement()
                .satisfies(node -> assertThat(node.host() + ":" + node.port()).isEqualTo("127.0.0.1:" + relayPort));
    }

    private static Collection<Node> describeCluster(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000))) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }
}
