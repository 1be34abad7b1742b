package dev.sluice.gateway.testkit;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.jspecify.annotations.Nullable;

/**
 * Real Apache Kafka brokers (KRaft), each in a child JVM of its own, with node ids of your choosing
 * and the power to kill a broker abruptly and start it again. Use {@link KafkaCluster} (brokers
 * inside the test JVM) unless a test needs what only separate processes give:
 *
 * <ul>
 *   <li><b>Chosen node ids</b>, such as sparse ids {@code 100, 200, 300} (Kafka's in-JVM test kit
 *       always numbers brokers {@code 0..n-1}).
 *   <li><b>Abrupt death</b>: {@link #killBroker} is {@code SIGKILL}. The broker closes no socket
 *       cleanly, hands over no leadership, tells the controller nothing; the controller fences it
 *       only when its session times out. {@link #stopBroker} is the graceful {@code SIGTERM}.
 * </ul>
 *
 * <h2>Layout</h2>
 *
 * <pre>
 *   test JVM ──child──┬── controller 3000   CONTROLLER://127.0.0.1:p0   (never killed by the API)
 *                     ├── broker 100        PLAINTEXT, advertised localhost:p1
 *                     ├── broker 200        PLAINTEXT, advertised localhost:p2
 *                     └── broker 300        PLAINTEXT, advertised localhost:p3
 *                                           [SSL, advertised localhost:t3  with ForkedKafkaClusterBuilder#tls]
 *                                           [SASL_PLAINTEXT, localhost:s3  with ForkedKafkaClusterBuilder#saslPlain]
 *                                           [NAME (PLAINTEXT), bound to r3, advertised where the caller says,
 *                                                              with ForkedKafkaClusterBuilder#advertisedListener]
 * </pre>
 *
 * <p>There is always one separate controller, also for a single broker, so that killing a broker
 * never kills the quorum (and because three <em>combined</em> nodes were seen to hang on close).
 * Its node id is 3000, or the next free id above it if a broker has 3000: see {@link
 * #controllerId()}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Storage and start.</b> {@link #start()} formats each node's directory with a new
 *       cluster id (what {@code kafka-storage format -t <id> -c server.properties} does, so the
 *       latest <em>production</em> metadata version), starts all nodes in parallel and returns once
 *       every broker lists every broker as registered and unfenced. Each condition is checked by
 *       asking <em>each</em> running broker for its own metadata, not just any one of them.
 *   <li><b>Defaults</b> as for {@link KafkaCluster}: replication factors of the internal topics are
 *       the broker count, {@code transaction.state.log.min.isr} and the share-state min ISR are
 *       {@code min(2, n)}, {@code group.initial.rebalance.delay.ms=0}, {@code
 *       unstable.api.versions.enable=false} and {@code unstable.feature.versions.enable=false};
 *       heartbeats every 500 ms with a 3 s session, so a killed
 *       broker is fenced about 3 s after its death. {@code log.cleaner.dedupe.buffer.size} is
 *       4 MiB instead of 128 MiB of heap per broker. {@link ForkedKafkaClusterBuilder#brokerProperty} overrides any of
 *       them, for the controller too.
 *   <li><b>Listeners.</b> PLAINTEXT, bound to {@code 127.0.0.1} on ports free at {@link
 *       #start()}, advertised as {@code localhost:PORT}. A broker keeps its ports across restarts.
 *       With {@link ForkedKafkaClusterBuilder#tls} every broker also has a listener named {@code SSL} (security
 *       protocol SSL, no client authentication), likewise bound and advertised, serving the given
 *       certificate: see {@link #tlsBootstrapServers()} and {@link #tlsClientProperties()}. With
 *       {@link ForkedKafkaClusterBuilder#saslPlain} every broker also has a listener named {@code SASL_PLAINTEXT}
 *       with the PLAIN mechanism and the given users: see {@link #saslBootstrapServers()} and
 *       {@link #saslClientProperties}. With {@link ForkedKafkaClusterBuilder#advertisedListener}
 *       every broker also has a PLAINTEXT listener of the given name, likewise bound, but
 *       advertised at the caller's address for that broker, for a relay in front of it: see {@link
 *       #listenerPort}. The controller, inter-broker traffic, {@link #admin()} and
 *       {@link #createTopic} stay on PLAINTEXT, which has no authorizer.
 *   <li><b>Processes.</b> The same {@code java} binary and {@code java.class.path} as the test JVM,
 *       {@code -Xmx512m}, serial GC, C1 only, no bytecode verification (see the measurements in
 *       the source); logging at WARN ({@link ForkedKafkaClusterBuilder#logLevel}), written with the JVM's stdout and
 *       stderr to {@code output.log} in the node's directory. Failure messages quote its last lines.
 *   <li><b>No orphans.</b> {@link #close()} kills every process and deletes every directory. A JVM
 *       shutdown hook does the same if the test forgets; if the test JVM itself is killed, each
 *       node notices within a second or so that its parent is gone, deletes its directory and halts.
 *   <li><b>Lifecycle.</b> {@link #start()} once, {@link #close()} once (further calls do nothing).
 *       A closed cluster cannot be started again; build a new one.
 * </ul>
 *
 * <h2>Threading and ownership</h2>
 *
 * <p>All methods are thread-safe; lifecycle and broker control are serialised, and block for as
 * long as they wait. The cluster owns its processes and its temporary directory. An {@link Admin}
 * from {@link #admin()} belongs to the caller, who closes it.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (ForkedKafkaCluster kafka = ForkedKafkaCluster.builder().brokerIds(100, 200, 300).build().start()) {
 *     kafka.createTopic("orders", 6, 3);
 *     kafka.killBroker(200);          // SIGKILL; returns once the process is gone
 *     kafka.awaitBrokerFenced(200);   // ~3 s later no broker lists it any more
 *     kafka.startBroker(200);         // same id, port and data; returns once every broker lists it
 * }
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li><b>Cost.</b> Each node is a JVM of about 140 MB resident and 45 (controller) to 80
 *       (broker) threads. Three brokers and a controller take 5 to 13 s to start on two busy cores
 *       (4 JVMs, about 10 s of CPU), a restarted broker 2.5 to 4 s; hence {@link
 *       ForkedKafkaClusterBuilder#startTimeout}, two minutes by default. Start one cluster per test class, not per
 *       test.
 *   <li>The broker's version is the version of {@code kafka_2.13} on the test class path. The class
 *       path must be a class path: a test run on the module path does not pass Kafka's classes on.
 *   <li>After {@link #killBroker}, clients and every broker still believe the dead broker is alive
 *       until the controller fences it; that window is the point of killing. Call {@link
 *       #awaitBrokerFenced} to wait it out.
 *   <li>The controller cannot be stopped or killed through this API.
 *   <li>{@link #stopBroker} is graceful only where {@code Process.destroy()} sends {@code SIGTERM}
 *       (Linux, macOS); on Windows it terminates the JVM as abruptly as {@link #killBroker}.
 *   <li>Find stray nodes with {@code pgrep -f sluice.testkit.node}.
 * </ul>
 */
public final class ForkedKafkaCluster implements AutoCloseable {

    /** How long {@link #createTopic}, {@link #stopBroker}, {@link #killBroker} and {@link #awaitBrokerFenced} wait. */
    public static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);

    private static final Duration CLOSE_EXIT_TIMEOUT = Duration.ofSeconds(10);

    private enum State { NEW, RUNNING, CLOSED }

    private final ForkedClusterSpec spec;
    private State state = State.NEW;
    private @Nullable ForkedNodes nodes;

    ForkedKafkaCluster(ForkedClusterSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** Returns a builder for one broker with node id 0 unless told otherwise. */
    public static ForkedKafkaClusterBuilder builder() {
        return new ForkedKafkaClusterBuilder();
    }

    /**
     * Formats and starts every node in parallel, then waits until every broker lists every broker.
     *
     * @return this cluster, for chaining
     * @throws IllegalStateException if the cluster was already started or closed
     * @throws KafkaClusterException if a node exited or the brokers did not agree within {@link
     *     ForkedKafkaClusterBuilder#startTimeout}; the message quotes the nodes' last output lines, and the cluster is
     *     closed
     */
    public synchronized ForkedKafkaCluster start() {
        if (state != State.NEW) {
            throw new IllegalStateException("start() called on a cluster that is " + state
                    + "; a ForkedKafkaCluster starts once, build a new one instead");
        }
        state = State.RUNNING;
        try {
            ForkedNodes launched = ForkedNodes.launch(spec, describe());
            nodes = launched;
            Set<Integer> ids = launched.brokers().keySet();
            launched.awaitBrokers("every broker to list brokers " + ids, spec.startTimeout(), List.of(),
                    view -> view.brokerIds().containsAll(ids));
            return this;
        } catch (IOException | RuntimeException e) {
            KafkaClusterException failure = e instanceof KafkaClusterException k ? k
                    : new KafkaClusterException("Could not start " + describe(), e);
            try {
                close();
            } catch (RuntimeException closeFailure) {
                failure.addSuppressed(closeFailure);
            }
            throw failure;
        }
    }

    /**
     * Returns {@code localhost:port,...} of every broker's SSL listener, stopped or not, in
     * ascending id order.
     *
     * @throws IllegalStateException if the cluster was built without {@link ForkedKafkaClusterBuilder#tls}, or is not
     *     running
     */
    public synchronized String tlsBootstrapServers() {
        requireTls("tlsBootstrapServers()");
        return running("tlsBootstrapServers()").brokers().values().stream()
                .map(broker -> "localhost:" + broker.tlsPort()).collect(Collectors.joining(","));
    }

    /**
     * Returns client settings that reach this cluster over TLS: {@code bootstrap.servers} of {@link
     * #tlsBootstrapServers()}, {@code security.protocol=SSL}, trust in exactly the CA that issued
     * the brokers' certificate ({@code ssl.truststore.type=PEM}, {@code
     * ssl.truststore.certificates}), and host name verification ({@code
     * ssl.endpoint.identification.algorithm=https}, which is also kafka-clients' default). The map
     * is new and mutable; for mutual TLS add {@code ssl.keystore.type=PEM}, {@code
     * ssl.keystore.certificate.chain} and {@code ssl.keystore.key}.
     *
     * @throws IllegalStateException if the cluster was built without {@link ForkedKafkaClusterBuilder#tls}, or is not
     *     running
     */
    public Map<String, Object> tlsClientProperties() {
        IssuedCertificate certificate = requireTls("tlsClientProperties()");
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, tlsBootstrapServers());
        props.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SSL.name);
        props.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        props.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, certificate.caCertificatePem());
        props.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
        return props;
    }

    /**
     * Returns {@code localhost:port,...} of every broker's SASL_PLAINTEXT listener, stopped or not,
     * in ascending id order.
     *
     * @throws IllegalStateException if the cluster was built without {@link ForkedKafkaClusterBuilder#saslPlain}, or
     *     is not running
     */
    public synchronized String saslBootstrapServers() {
        requireSasl("saslBootstrapServers()");
        return running("saslBootstrapServers()").brokers().values().stream()
                .map(broker -> "localhost:" + broker.saslPort()).collect(Collectors.joining(","));
    }

    /**
     * Returns client settings that log in to this cluster with SASL/PLAIN: {@code
     * bootstrap.servers} of {@link #saslBootstrapServers()}, {@code security.protocol=SASL_PLAINTEXT},
     * {@code sasl.mechanism=PLAIN} and {@code sasl.jaas.config} of {@link
     * KafkaCluster#plainJaasConfig}. The map is new and mutable. The credentials are not checked
     * here: a wrong password fails the client's login, which is what a test of that wants.
     *
     * @throws IllegalStateException if the cluster was built without {@link ForkedKafkaClusterBuilder#saslPlain}, or
     *     is not running
     */
    public Map<String, Object> saslClientProperties(String user, String password) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        requireSasl("saslClientProperties()");
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslBootstrapServers());
        props.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SASL_PLAINTEXT.name);
        props.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        props.put(SaslConfigs.SASL_JAAS_CONFIG, KafkaCluster.plainJaasConfig(user, password));
        return props;
    }

    /**
     * Returns the port on {@code 127.0.0.1} that one broker's listener {@code listenerName} is bound
     * to, stopped or not; it stays the same across restarts. For a listener of {@link
     * ForkedKafkaClusterBuilder#advertisedListener} this is where a relay at the advertised address
     * forwards to; for {@code PLAINTEXT}, {@code SSL} and {@code SASL_PLAINTEXT} it is the port that
     * broker also advertises, with {@code localhost}.
     *
     * @throws IllegalArgumentException if no broker has this id, or the brokers have no listener
     *     of this name
     * @throws IllegalStateException if the cluster is not running
     */
    public synchronized int listenerPort(int brokerId, String listenerName) {
        Objects.requireNonNull(listenerName, "listenerName");
        int port = broker(brokerId, "listenerPort").listenerPort(listenerName);
        if (port == 0) {
            throw new IllegalArgumentException("No listener named '" + listenerName + "'; the brokers' listeners are "
                    + spec.brokerListenerNames());
        }
        return port;
    }

    /** Returns {@code localhost:port,...} of every broker, stopped or not, in ascending id order. */
    public synchronized String bootstrapServers() {
        return running("bootstrapServers()").brokers().values().stream()
                .map(ForkedKafkaCluster::address).collect(Collectors.joining(","));
    }

    /**
     * Returns {@code localhost:port} of one broker, as it advertises itself; the port stays the same
     * across restarts.
     *
     * @throws IllegalArgumentException if no broker has this id
     */
    public synchronized String brokerAddress(int brokerId) {
        return address(broker(brokerId, "brokerAddress"));
    }

    /** Returns the node ids of all brokers, stopped or not, ascending. The controller is not listed. */
    public synchronized List<Integer> brokerIds() {
        return List.copyOf(new TreeSet<>(spec.brokerIds()));
    }

    /** Returns the node ids of the brokers whose process is alive, ascending. */
    public synchronized List<Integer> runningBrokerIds() {
        return running("runningBrokerIds()").brokers().values().stream()
                .filter(ForkedNode::isRunning).map(ForkedNode::nodeId).toList();
    }

    /** Returns the controller's node id: 3000, or the next id above it that no broker has. */
    public int controllerId() {
        return spec.controllerId();
    }

    /**
     * Returns client settings that reach this cluster: {@code bootstrap.servers}. The map is new and
     * mutable, for the caller to extend with producer, consumer or admin settings.
     */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        return props;
    }

    /** Returns a new {@link Admin} for this cluster, built from {@link #clientProperties()}; the caller closes it. */
    public Admin admin() {
        return Admin.create(clientProperties());
    }

    /**
     * Creates a topic and returns once every running broker knows all its partitions and their
     * leaders, so the next produce or fetch to any broker finds it.
     *
     * @param name the topic name
     * @param partitions number of partitions, at least 1
     * @param replicationFactor replicas per partition, at least 1 and at most the running brokers
     * @throws IllegalArgumentException if {@code partitions} or {@code replicationFactor} is below 1
     * @throws KafkaClusterException if Kafka refused the topic (it exists, too few brokers, ...) or
     *     the brokers did not agree within {@link #AWAIT_TIMEOUT}
     */
    public void createTopic(String name, int partitions, int replicationFactor) {
        Topics.create(this::admin, name, partitions, replicationFactor, AWAIT_TIMEOUT);
        synchronized (this) {
            running("createTopic").awaitBrokers(Topics.awaitedLeaders(name, partitions), AWAIT_TIMEOUT,
                    List.of(name), view -> view.hasLedPartitions(name, partitions));
        }
    }

    /**
     * Kills one broker with {@code SIGKILL} and returns once its process has exited. Nothing else
     * waits: the controller fences the broker when its session expires ({@code
     * broker.session.timeout.ms}, 3 s by default), and until then the other brokers still list it.
     * See {@link #awaitBrokerFenced}.
     *
     * @param brokerId one of {@link #brokerIds()}
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is not running
     */
    public synchronized void killBroker(int brokerId) {
        running("killBroker").kill(runningBroker(brokerId, "killBroker"), AWAIT_TIMEOUT);
    }

    /**
     * Stops one broker gracefully with {@code SIGTERM}: a controlled shutdown that moves partition
     * leadership to other in-sync replicas first. Returns once the process has exited and no
     * running broker lists it.
     *
     * @param brokerId one of {@link #brokerIds()}
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is not running
     * @throws KafkaClusterException if it did not exit within {@link #AWAIT_TIMEOUT} (it is then
     *     killed) or the others kept listing it
     */
    public synchronized void stopBroker(int brokerId) {
        ForkedNodes processes = running("stopBroker");
        processes.stop(runningBroker(brokerId, "stopBroker"), AWAIT_TIMEOUT);
        processes.awaitBrokers("the running brokers to stop listing broker " + brokerId, AWAIT_TIMEOUT,
                List.of(), view -> !view.brokerIds().contains(brokerId));
    }

    /**
     * Starts a broker stopped or killed before, with the same node id, port and data directory.
     * Returns once every running broker, the restarted one included, lists it. After a kill this
     * includes waiting for the old session to expire, since the controller refuses a second
     * registration of a live broker.
     *
     * @param brokerId a broker stopped with {@link #stopBroker} or {@link #killBroker}
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is running
     * @throws KafkaClusterException if the broker exited or was not listed within {@link
     *     ForkedKafkaClusterBuilder#startTimeout}; the message quotes its last output lines
     */
    public synchronized void startBroker(int brokerId) {
        ForkedNode broker = broker(brokerId, "startBroker");
        if (broker.isRunning()) {
            throw new IllegalStateException("Broker " + brokerId + " is running; killBroker(" + brokerId
                    + ") or stopBroker(" + brokerId + ") first");
        }
        ForkedNodes processes = running("startBroker");
        processes.restart(broker);
        processes.awaitBrokers("every running broker to list broker " + brokerId, spec.startTimeout(),
                List.of(), view -> view.brokerIds().contains(brokerId));
    }

    /**
     * Returns once no running broker lists {@code brokerId} any more: after {@link #killBroker},
     * once the controller has fenced it and every broker has heard.
     *
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is running (a running broker stays unfenced)
     * @throws KafkaClusterException if a broker still lists it after {@link #AWAIT_TIMEOUT}
     */
    public synchronized void awaitBrokerFenced(int brokerId) {
        ForkedNode broker = broker(brokerId, "awaitBrokerFenced");
        if (broker.isRunning()) {
            throw new IllegalStateException("Broker " + brokerId + " is running and so will not be fenced; "
                    + "killBroker(" + brokerId + ") first");
        }
        running("awaitBrokerFenced").awaitBrokers("the running brokers to stop listing broker " + brokerId,
                AWAIT_TIMEOUT, List.of(), view -> !view.brokerIds().contains(brokerId));
    }

    /**
     * Kills every node, waits for them to exit and deletes the cluster's directory. Calling it again
     * does nothing.
     *
     * @throws KafkaClusterException if a process outlived {@code SIGKILL} or a file could not be
     *     deleted; everything else was still cleaned up
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        ForkedNodes closing = nodes;
        nodes = null;
        if (closing == null) {
            return;
        }
        List<String> problems = closing.destroy(CLOSE_EXIT_TIMEOUT);
        closing.removeShutdownHook();
        if (!problems.isEmpty()) {
            throw new KafkaClusterException(
                    "Could not close " + describe() + " cleanly: " + String.join("; ", problems));
        }
    }

    @Override
    public synchronized String toString() {
        return describe() + " (" + state + ")";
    }

    private String describe() {
        return "ForkedKafkaCluster[brokerIds=" + spec.brokerIds() + ", controllerId=" + spec.controllerId() + "]";
    }

    private static String address(ForkedNode broker) {
        return "localhost:" + broker.port();
    }

    private IssuedCertificate requireTls(String operation) {
        IssuedCertificate certificate = spec.tlsCertificate();
        if (certificate == null) {
            throw new IllegalStateException(operation + " needs a cluster built with tls(certificate), but "
                    + describe() + " has PLAINTEXT listeners only");
        }
        return certificate;
    }

    private void requireSasl(String operation) {
        if (!spec.saslPlain()) {
            throw new IllegalStateException(operation + " needs a cluster built with saslPlain(users), but "
                    + describe() + " has no SASL_PLAINTEXT listener");
        }
    }

    private ForkedNodes running(String operation) {
        ForkedNodes running = nodes;
        if (state != State.RUNNING || running == null) {
            throw new IllegalStateException(operation + " needs a running cluster, but it is " + state);
        }
        return running;
    }

    private ForkedNode broker(int brokerId, String operation) {
        ForkedNode broker = running(operation + "(" + brokerId + ")").brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker with id " + brokerId + "; broker ids are " + brokerIds());
        }
        return broker;
    }

    private ForkedNode runningBroker(int brokerId, String operation) {
        ForkedNode broker = broker(brokerId, operation);
        if (!broker.isRunning()) {
            throw new IllegalStateException(
                    "Broker " + brokerId + " is not running; startBroker(" + brokerId + ") first");
        }
        return broker;
    }
}
