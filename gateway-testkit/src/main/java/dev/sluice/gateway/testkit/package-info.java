/**
 * Test support for code built on Sluice: real Apache Kafka brokers inside the test JVM, and Netty
 * buffer leaks that fail the build instead of scrolling past in a log.
 *
 * <h2>Real brokers</h2>
 *
 * <p>{@link dev.sluice.gateway.testkit.KafkaCluster} starts KRaft brokers in-process with Apache
 * Kafka's own test kit ({@code org.apache.kafka:kafka-test-common-runtime}). One broker runs as a
 * combined broker+controller node; two or more brokers get one separate controller node. By default
 * the cluster is <em>production-like</em>: the latest production metadata version and feature levels,
 * and no unstable API versions, so clients negotiate what they would meet in the field.
 * {@link dev.sluice.gateway.testkit.KafkaClusterExtension} wraps it as a JUnit Jupiter extension
 * that starts the cluster before all tests of a class and closes it after them:
 *
 * <pre>{@code
 * class ProxyRoundTripTest {
 *     @RegisterExtension
 *     static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);
 *
 *     @Test
 *     void recordsSurviveTheProxy() {
 *         String upstream = KAFKA.bootstrapServers();
 *         // start a gateway in front of `upstream`, produce and consume through it
 *     }
 * }
 * }</pre>
 *
 * <h2>Leaks fail the build</h2>
 *
 * <p>{@link dev.sluice.gateway.testkit.NettyLeakDetection} is a JUnit Jupiter extension, registered
 * through {@code META-INF/services}, that turns every leak Netty's {@code ResourceLeakDetector}
 * reports into a failure of the test class that was running. A consuming module enables it with one
 * line in {@code src/test/resources/junit-platform.properties}:
 *
 * <pre>
 * junit.jupiter.extensions.autodetection.enabled=true
 * </pre>
 *
 * <p>and runs its tests with {@code -Dio.netty.leakDetection.level=paranoid} (Sluice's parent POM
 * does).
 *
 * <h2>Version coupling</h2>
 *
 * <p>Kafka's test kit is not a supported Kafka API. The types of kafka-clients that appear here
 * ({@code Admin}) follow the kafka-clients version of the build; the in-process broker always has
 * the same version as kafka-clients (4.3.1 at the time of writing). For a broker of another version,
 * or a TLS listener, run the broker as a child JVM instead (see the project's TESTING notes).
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.testkit;

import org.jspecify.annotations.NullMarked;
