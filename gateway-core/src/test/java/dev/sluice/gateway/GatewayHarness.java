package dev.sluice.gateway;

import dev.sluice.gateway.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.Node;

/** A gateway in front of a test cluster, on loopback, advertising {@code 127.0.0.1}. */
final class GatewayHarness implements AutoCloseable {

    static final String ADVERTISED_HOST = "127.0.0.1";
    static final int PORTS = 8;

    final Gateway gateway;
    final int bootstrapPort;

    private GatewayHarness(Gateway gateway, int bootstrapPort) {
        this.gateway = gateway;
        this.bootstrapPort = bootstrapPort;
    }

    static GatewayHarness start(KafkaCluster kafka) {
        return start(kafka, builder -> { });
    }

    static GatewayHarness start(KafkaCluster kafka, Consumer<GatewayBuilder> customize) {
        return start(kafka.bootstrapServers(), customize);
    }

    static GatewayHarness start(String upstreamBootstrapServers, Consumer<GatewayBuilder> customize) {
        int port = FreePorts.block(PORTS);
        GatewayBuilder builder = Gateway.builder()
                .name("test-gw")
                .upstream(upstreamBootstrapServers)
                .bindAddress(ADVERTISED_HOST)
                .ioThreads(2)
                .startupTimeout(Duration.ofSeconds(30))
                .routing(PortPerBrokerRouting.builder()
                        .advertisedHost(ADVERTISED_HOST)
                        .bootstrapPort(port)
                        .maxBrokers(PORTS - 1)
                        .build());
        customize.accept(builder);
        Gateway gateway = builder.build();
        gateway.start().toCompletableFuture().join();
        return new GatewayHarness(gateway, port);
    }

    String bootstrapServers() {
        return ADVERTISED_HOST + ":" + bootstrapPort;
    }

    /** Client properties that point at the gateway (plus the cluster's security settings). */
    Map<String, Object> clientConfig(KafkaCluster kafka) {
        return clientConfig(kafka.clientProperties());
    }

    /** {@code clusterProperties} (security settings and such) pointed at the gateway. */
    Map<String, Object> clientConfig(Map<String, Object> clusterProperties) {
        Map<String, Object> config = new HashMap<>(clusterProperties);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return config;
    }

    boolean isGatewayAddress(String host, int port) {
        return ADVERTISED_HOST.equals(host) && port >= bootstrapPort && port < bootstrapPort + PORTS;
    }

    void assertGatewayNode(Node node) {
        assertThat(isGatewayAddress(node.host(), node.port()))
                .as("address of node %s is a gateway address (bootstrap %s)", node, bootstrapServers())
                .isTrue();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
