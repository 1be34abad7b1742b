package dev.sluice.gateway.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;

/**
 * A JUnit Jupiter extension that runs one {@link ForkedKafkaCluster} for a test class: started
 * before all its tests, closed after them. The counterpart of {@link KafkaClusterExtension} for
 * brokers in child JVMs.
 *
 * <pre>{@code
 * class GatewaySurvivesBrokerDeathTest {
 *     @RegisterExtension
 *     static final ForkedKafkaClusterExtension KAFKA = ForkedKafkaClusterExtension.brokerIds(100, 200, 300);
 *
 *     @Test
 *     void metadataDropsAKilledBroker() {
 *         KAFKA.cluster().killBroker(200);
 *         KAFKA.cluster().awaitBrokerFenced(200);
 *         // ...
 *         KAFKA.cluster().startBroker(200);
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
 *   <li>One field may serve several classes in turn: each class gets a fresh cluster from the same
 *       settings. Two classes running <em>concurrently</em> on the same instance are refused.
 *   <li>Tests share the cluster: a test that kills or stops a broker should start it again, or
 *       later tests see fewer brokers.
 * </ul>
 *
 * <p>Threading: JUnit calls the callbacks; {@link #cluster()} and {@link #bootstrapServers()} may be
 * called from any thread while a class runs.
 */
public final class ForkedKafkaClusterExtension extends PerClassClusterExtension<ForkedClusterSpec, ForkedKafkaCluster>
        implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

    private ForkedKafkaClusterExtension(ForkedClusterSpec spec) {
        super(spec, "forked Kafka cluster", s -> new ForkedKafkaCluster(s).start(), ForkedKafkaCluster::close);
    }

    /**
     * An extension for brokers with these node ids (1 to 16 distinct, non-negative) and one
     * controller.
     *
     * @throws IllegalArgumentException if the ids are out of range or repeated
     */
    public static ForkedKafkaClusterExtension brokerIds(int... ids) {
        return of(ForkedKafkaCluster.builder().brokerIds(ids));
    }

    /**
     * An extension for clusters configured by {@code builder}. The settings are captured now;
     * changing the builder later has no effect.
     */
    public static ForkedKafkaClusterExtension of(ForkedKafkaClusterBuilder builder) {
        return new ForkedKafkaClusterExtension(Objects.requireNonNull(builder, "builder").spec());
    }

    /**
     * Returns the running cluster.
     *
     * @throws IllegalStateException outside the test class the extension is registered on
     */
    public ForkedKafkaCluster cluster() {
        return runningCluster();
    }

    /** Shorthand for {@code cluster().bootstrapServers()}. */
    public String bootstrapServers() {
        return cluster().bootstrapServers();
    }
}
