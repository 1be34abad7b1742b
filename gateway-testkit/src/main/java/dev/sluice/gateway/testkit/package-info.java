/**
 * Test support for code built on Sluice: real Apache Kafka brokers inside the test JVM or in child
 * JVMs, and Netty buffer leaks that fail the build instead of scrolling past in a log.
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
 * <h2>A load balancer</h2>
 *
 * <p>{@link dev.sluice.gateway.testkit.TcpBalancer} is a plain TCP load balancer for tests of
 * gateway clusters behind one: it listens on a set of ports and relays each connection to the same
 * port of one backend host in turn, skipping hosts that refuse.
 *
 * <h2>Brokers in child JVMs</h2>
 *
 * <p>{@link dev.sluice.gateway.testkit.ForkedKafkaCluster} runs each broker, and one controller, as
 * a JVM of its own, started from the test JVM's class path. It costs more (about 140 MB and a few
 * seconds per node) but gives what in-process brokers cannot: broker node ids of the test's choosing
 * (such as {@code 100, 200, 300}) and a broker killed with {@code SIGKILL} and started again. {@link
 * dev.sluice.gateway.testkit.ForkedKafkaClusterExtension} is its JUnit Jupiter extension:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ForkedKafkaClusterExtension KAFKA = ForkedKafkaClusterExtension.brokerIds(100, 200, 300);
 *
 * @Test
 * void gatewayDropsADeadBroker() {
 *     KAFKA.cluster().killBroker(200);
 *     KAFKA.cluster().awaitBrokerFenced(200);
 *     // ...
 * }
 * }</pre>
 *
 * <h2>TLS</h2>
 *
 * <p>{@link dev.sluice.gateway.testkit.tls} generates a CA, server certificates (wildcards, IP
 * addresses) and client certificates in memory. {@code ForkedKafkaCluster.builder().tls(cert)}
 * gives each forked broker an {@code SSL} listener beside PLAINTEXT; {@link
 * dev.sluice.gateway.testkit.ForkedKafkaCluster#tlsClientProperties()} returns client settings that
 * trust the CA and verify host names. The in-process {@link dev.sluice.gateway.testkit.KafkaCluster}
 * has no TLS listener: Kafka's test kit supports PLAINTEXT and SASL_PLAINTEXT only.
 *
 * <h2>SASL and re-authentication</h2>
 *
 * <p>{@code ForkedKafkaCluster.builder().saslPlain(Map.of("alice", "secret"))} gives each forked
 * broker a {@code SASL_PLAINTEXT} listener with PLAIN and a listener-scoped JAAS user table; {@link
 * dev.sluice.gateway.testkit.ForkedKafkaCluster#saslClientProperties} logs in as one of the users.
 * For KIP-368 re-authentication set {@code connections.max.reauth.ms} to 2000 ms or more: any
 * Kafka broker refuses a re-authentication less than a second after the previous one, and clients
 * re-authenticate at 85 to 95 % of the session, so 1000 ms fails from the second round on.
 *
 * <h2>A relay in front of the brokers</h2>
 *
 * <p>{@code ForkedKafkaCluster.builder().advertisedListener("RELAY", id -> address)} gives each
 * forked broker one more PLAINTEXT listener, bound to a free port of the kit's choosing ({@link
 * dev.sluice.gateway.testkit.ForkedKafkaCluster#listenerPort}) and advertised at the address the
 * test gives for that broker: a TCP relay or load balancer at that address, forwarding to the bound
 * port, keeps every connection of clients that bootstrap through it. Nothing listens at the
 * advertised address until the test starts its relay.
 *
 * <pre>{@code
 * int relayPort = FreePorts.block(1);
 * ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
 *         .advertisedListener("RELAY", id -> InetSocketAddress.createUnresolved("127.0.0.1", relayPort))
 *         .build().start();
 * // relay 127.0.0.1:relayPort -> 127.0.0.1:kafka.listenerPort(0, "RELAY"); clients bootstrap from the relay
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
 * the same version as kafka-clients (4.3.1 at the time of writing), and so does a forked broker,
 * which runs the {@code kafka_2.13} classes of the test class path. A broker of another version, or
 * a TLS listener on the in-process broker, is not supported yet (see the project's TESTING notes).
 * BouncyCastle (1.86) is used only to generate certificates, never registered as a provider.
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.testkit;

import org.jspecify.annotations.NullMarked;
