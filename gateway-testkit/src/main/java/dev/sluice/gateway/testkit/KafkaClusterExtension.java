package dev.sluice.gateway.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;

/**
 * A JUnit Jupiter extension that runs one {@link KafkaCluster} for a test class: started before all
 * its tests, closed after them.
 *
 * <pre>{@code
 * class ConsumerGroupThroughGatewayTest {
 *     @RegisterExtension
 *     static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(3);
 *
 *     @Test
 *     void groupRebalancesWhenBrokerLeaves() {
 *         KAFKA.cluster().createTopic("orders", 6, 3);
 *         // ...
 *         KAFKA.cluster().shutdownBroker(1);
 *     }
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Register it on a <b>static</b> field with {@code @RegisterExtension}. On an instance field
 *       JUnit never calls its before-all hook, and every test fails with a message saying so.
 *   <li>{@code @Nested} classes share the enclosing class's cluster; it is closed after the class
 *       that started it.
 *   <li>One field may serve several classes in turn (a static field on a shared base class): each
 *       class gets a fresh cluster from the same settings. Two classes running <em>concurrently</em>
 *       on the same instance are refused.
 * </ul>
 *
 * <p>Threading: JUnit calls the callbacks; {@link #cluster()} and {@link #bootstrapServers()} may be
 * called from any thread while a class runs.
 */
public final class KafkaClusterExtension extends PerClassClusterExtension<ClusterSpec, KafkaCluster>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private KafkaClusterExtension(ClusterSpec spec) {
        super(spec, "Kafka cluster", s -> new KafkaCluster(s).start(), KafkaCluster::close);
    }

    /** An extension for a production-like PLAINTEXT cluster of {@code count} brokers (1 to 16). */
    public static KafkaClusterExtension brokers(int count) {
        return of(KafkaCluster.builder().brokers(count));
    }

    /**
     * An extension for clusters configured by {@code builder}. The settings are captured now;
     * changing the builder later has no effect.
     *
     * @throws IllegalArgumentException if the builder's settings conflict
     */
    public static KafkaClusterExtension of(KafkaCluster.Builder builder) {
        return new KafkaClusterExtension(Objects.requireNonNull(builder, "builder").spec());
    }

    /**
     * Returns the running cluster.
     *
     * @throws IllegalStateException outside the test class the extension is registered on
     */
    public KafkaCluster cluster() {
        return runningCluster();
    }

    /** Shorthand for {@code cluster().bootstrapServers()}. */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
