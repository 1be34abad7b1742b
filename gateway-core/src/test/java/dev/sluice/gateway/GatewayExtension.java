package dev.sluice.gateway;

import dev.sluice.gateway.testkit.KafkaCluster;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Kafka brokers and a gateway in front of them, for one test class: started before all its
 * tests, closed after. Declare it as a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1));
 * }</pre>
 */
final class GatewayExtension implements BeforeAllCallback, AfterAllCallback {

    private final KafkaClusterExtension kafka;
    private final Consumer<GatewayBuilder> customize;
    private GatewayHarness harness;

    private GatewayExtension(KafkaClusterExtension kafka, Consumer<GatewayBuilder> customize) {
        this.kafka = kafka;
        this.customize = customize;
    }

    static GatewayExtension over(KafkaCluster.Builder cluster) {
        return over(cluster, builder -> { });
    }

    static GatewayExtension over(KafkaCluster.Builder cluster, Consumer<GatewayBuilder> customize) {
        return new GatewayExtension(KafkaClusterExtension.of(cluster), customize);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka.beforeAll(context);
        harness = GatewayHarness.start(kafka.cluster(), customize);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            kafka.afterAll(context);
        }
    }

    KafkaCluster kafka() {
        return kafka.cluster();
    }

    GatewayHarness harness() {
        return harness;
    }

    Gateway gateway() {
        return harness.gateway;
    }
}
