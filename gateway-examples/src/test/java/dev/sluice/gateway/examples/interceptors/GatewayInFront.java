package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.GatewayBuilder;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;

/**
 * A gateway named {@value #NAME} on {@value #HOST} in front of a test cluster, with the interceptors
 * (and anything else) {@code customize} adds. Cheap to start: tests that need another configuration
 * start another one in front of the same cluster.
 */
final class GatewayInFront implements AutoCloseable {

    static final String NAME = "examples-gw";
    static final String HOST = "127.0.0.1";
    private static final int PORTS = 4;

    private final Gateway gateway;
    private final int bootstrapPort;

    private GatewayInFront(Gateway gateway, int bootstrapPort) {
        this.gateway = gateway;
        this.bootstrapPort = bootstrapPort;
    }

    static GatewayInFront start(KafkaCluster kafka, Consumer<GatewayBuilder> customize) {
        int port = FreePorts.block(PORTS);
        GatewayBuilder builder = Gateway.builder()
                .name(NAME)
                .upstream(kafka.bootstrapServers())
                .bindAddress(HOST)
                .ioThreads(2)
                .startupTimeout(Duration.ofSeconds(30))
                .routing(PortPerBrokerRouting.builder()
                        .advertisedHost(HOST)
                        .bootstrapPort(port)
                        .maxBrokers(PORTS - 1)
                        .build());
        customize.accept(builder);
        Gateway gateway = builder.build();
        try {
            gateway.start().toCompletableFuture().join();
        } catch (RuntimeException e) {
            gateway.close();
            throw e;
        }
        return new GatewayInFront(gateway, port);
    }

    Gateway gateway() {
        return gateway;
    }

    int bootstrapPort() {
        return bootstrapPort;
    }

    /** The cluster's client settings (security included), pointed at the gateway; a new mutable map. */
    Map<String, Object> clientConfig(KafkaCluster kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + bootstrapPort);
        return config;
    }

    @Override
    public void close() {
        gateway.close();
    }
}
