package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.membership.StaticMembership;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaCluster;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rack awareness end to end: the brokers' rack comes from their own Metadata ({@code broker.rack}),
 * and every client is told the gateway node of that rack while one is alive, the others when none is.
 */
class RackAwareBalancingTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA =
            KafkaClusterExtension.of(KafkaCluster.builder().brokers(1).brokerProperty("broker.rack", "rack-a"));

    private static final int PORTS = 4;
    private static final List<Gateway> GATEWAYS = new ArrayList<>();
    private static final List<GatewayNode> NODES = List.of(
            new GatewayNode("gw-a", "127.0.0.21", List.of(), "rack-a"),
            new GatewayNode("gw-b1", "127.0.0.22", List.of(), "rack-b"),
            new GatewayNode("gw-b2", "127.0.0.23", List.of(), "rack-b"));
    private static StaticMembership membership;
    private static int bootstrapPort;

    @BeforeAll
    static void startNodes() {
        bootstrapPort = FreePorts.block(PORTS);
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
    void everyClientIsToldTheGatewayNodeOfTheBrokersRackWhileOneIsAlive() throws Exception {
        for (int client = 0; client < 10; client++) {
            assertThat(hostsToldTo("rack-client-" + client, "127.0.0.22")).containsOnly("127.0.0.21");
        }
        membership.update(NODES.subList(1, 3));
        try {
            List<String> told = new ArrayList<>();
            for (int client = 0; client < 10; client++) {
                told.addAll(hostsToldTo("fallback-client-" + client, "127.0.0.22"));
            }
            assertThat(told).doesNotContain("127.0.0.21").contains("127.0.0.22", "127.0.0.23");
        } finally {
            membership.update(NODES);
        }
    }

    private static List<String> hostsToldTo(String clientId, String via) throws Exception {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, via + ":" + bootstrapPort);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        try (Admin admin = Admin.create(config)) {
            return admin.describeCluster().nodes().get().stream().map(Node::host).toList();
        }
    }
}
