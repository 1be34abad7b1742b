package dev.sluice.gateway.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.metadata.BrokerState;
import org.apache.kafka.metadata.MetadataCache;
import org.jspecify.annotations.Nullable;

/**
 * Real Apache Kafka brokers (KRaft) running inside the test JVM, built on Kafka's own {@code
 * KafkaClusterTestKit}.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Layout.</b> One broker runs as a combined broker+controller node. Two or more brokers
 *       get one separate controller node (three <em>combined</em> nodes were seen to hang for
 *       minutes in {@code close()}). Broker node ids are {@code 0..n-1}, the controller's is 3000
 *       when separate; Kafka's kit does not let them be chosen.
 *   <li><b>Defaults.</b> {@code offsets.topic.replication.factor},
 *       {@code transaction.state.log.replication.factor} and the share-group state topic's
 *       replication factor are the broker count; {@code transaction.state.log.min.isr} is {@code
 *       min(2, brokers)}; {@code group.initial.rebalance.delay.ms=0}. Brokers heartbeat to the
 *       controller every 500 ms with a 3 s session ({@code broker.heartbeat.interval.ms}, {@code
 *       broker.session.timeout.ms}; Kafka's 2 s and 9 s would make a controlled shutdown take about
 *       2.5 s and a restart about 10 s). {@link Builder#brokerProperty} overrides any of them.
 *   <li><b>Production-like by default.</b> The cluster is formatted with {@code
 *       MetadataVersion.latestProduction()} and each production feature at its default level for
 *       it (as {@code kafka-storage format} does), with {@code unstable.api.versions.enable=false}
 *       and {@code unstable.feature.versions.enable=false}, so clients negotiate what they would
 *       with a released broker. {@code productionLike(false)} keeps the kit's defaults: the latest
 *       <em>testing</em> metadata version and unstable API versions advertised.
 *   <li><b>Listeners.</b> PLAINTEXT, or SASL_PLAINTEXT with PLAIN via {@link Builder#saslPlain()};
 *       the kit supports no other broker listener (no TLS).
 *   <li><b>Lifecycle.</b> {@link #start()} once, {@link #close()} once (further calls do nothing).
 *       A closed cluster cannot be started again; build a new one.
 * </ul>
 *
 * <h2>Threading and ownership</h2>
 *
 * <p>All methods are thread-safe; lifecycle and broker control are serialised. The cluster owns its
 * brokers, threads and temporary directories and releases them in {@link #close()}. An {@link
 * Admin} from {@link #admin()} belongs to the caller, who closes it.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * try (KafkaCluster kafka = KafkaCluster.builder().brokers(3).build().start()) {
 *     kafka.createTopic("orders", 6, 3);
 *     Map<String, Object> config = kafka.clientProperties();
 *     config.put(ProducerConfig.ACKS_CONFIG, "all");
 *     try (Producer<String, String> producer = new KafkaProducer<>(config, ser, ser)) {
 *         producer.send(new ProducerRecord<>("orders", "k", "v")).get();
 *     }
 *     kafka.shutdownBroker(0);  // controlled shutdown: leadership moves to 1 and 2
 *     kafka.startBroker(0);     // same node id, same port, same log directories
 * }
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li>Brokers run in the test JVM: they share its heap (about 300 MB for one broker, 400 MB for
 *       three) and its logging configuration. Keep broker logging at WARN.
 *   <li>{@link Builder#saslPlain()} makes Kafka's kit set the JVM-wide system property {@code
 *       java.security.auth.login.config} to a JAAS file of its own.
 *   <li>The broker's version is kafka-clients' version; it cannot be chosen.
 * </ul>
 */
public final class KafkaCluster implements AutoCloseable {

    /** How long {@link #createTopic}, {@link #shutdownBroker} and {@link #startBroker} wait. */
    public static final Duration AWAIT_TIMEOUT = Duration.ofSeconds(60);

    /** The SASL/PLAIN super user Kafka's kit configures when {@link Builder#saslPlain()} is on. */
    public static final String SASL_ADMIN_USER = "plain-admin";

    /** The password of {@link #SASL_ADMIN_USER}. */
    public static final String SASL_ADMIN_PASSWORD = "plain-admin-secret";

    /** An ordinary SASL/PLAIN user of Kafka's kit; it has no ACLs, so it is denied by default. */
    public static final String SASL_USER = "plain-user1";

    /** The password of {@link #SASL_USER}. */
    public static final String SASL_USER_PASSWORD = "plain-user1-secret";

    private enum State { NEW, RUNNING, CLOSED }

    private final ClusterSpec spec;
    private final Set<Integer> stoppedBrokers = new HashSet<>();
    private State state = State.NEW;
    private @Nullable KafkaClusterTestKit kit;
    private @Nullable String bootstrapServers;

    KafkaCluster(ClusterSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
    }

    /** Returns a builder for a one-broker, production-like, PLAINTEXT cluster unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats and starts the nodes, then waits until every broker is ready to serve clients.
     *
     * @return this cluster, for chaining
     * @throws IllegalStateException if the cluster was already started or closed
     * @throws KafkaClusterException if the brokers could not start; the cluster is then closed
     */
    public synchronized KafkaCluster start() {
        if (state != State.NEW) {
            throw new IllegalStateException("start() called on a cluster that is " + state
                    + "; a KafkaCluster starts once, build a new one instead");
        }
        KafkaClusterTestKit started = null;
        try {
            started = spec.newTestKit();
            started.format();
            started.startup();
            started.waitForReadyBrokers();
            bootstrapServers = started.bootstrapServers();
            kit = started;
            state = State.RUNNING;
            return this;
        } catch (Exception e) {
            state = State.CLOSED;
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            KafkaClusterException failure = new KafkaClusterException("Could not start " + describe(), e);
            if (started != null) {
                try {
                    started.close();
                } catch (Exception closeFailure) {
                    failure.addSuppressed(closeFailure);
                }
            }
            throw failure;
        }
    }

    /** Returns {@code host:port,...} of every broker's client listener, including stopped ones. */
    public synchronized String bootstrapServers() {
        requireRunning("bootstrapServers()");
        return Objects.requireNonNull(bootstrapServers);
    }

    /** Returns the node ids of all brokers, stopped or not, ascending. The controller is not listed. */
    public synchronized List<Integer> brokerIds() {
        return List.copyOf(new TreeSet<>(runningKit("brokerIds()").brokers().keySet()));
    }

    /** Returns the node ids of the brokers not stopped with {@link #shutdownBroker}, ascending. */
    public synchronized List<Integer> runningBrokerIds() {
        List<Integer> ids = new ArrayList<>(brokerIds());
        ids.removeAll(stoppedBrokers);
        return List.copyOf(ids);
    }

    /**
     * Returns client settings that reach this cluster: {@code bootstrap.servers} and, with SASL, the
     * security settings of {@link #SASL_ADMIN_USER}. The map is new and mutable, for the caller to
     * extend with producer, consumer or admin settings.
     */
    public synchronized Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        if (spec.saslPlain()) {
            props.put(AdminClientConfig.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
            props.put("sasl.mechanism", "PLAIN");
            props.put("sasl.jaas.config", plainJaasConfig(SASL_ADMIN_USER, SASL_ADMIN_PASSWORD));
        }
        return props;
    }

    /**
     * Returns the {@code sasl.jaas.config} value for a PLAIN login, for clients that authenticate as
     * someone other than {@link #SASL_ADMIN_USER}.
     *
     * @param username the PLAIN user name, such as {@link #SASL_USER}
     * @param password its password
     * @return a {@code PlainLoginModule required ...;} line
     */
    public static String plainJaasConfig(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                + username + "\" password=\"" + password + "\";";
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
        awaitRunningBrokers(Topics.awaitedLeaders(name, partitions),
                cache -> hasLedPartitions(cache, name, partitions));
    }

    /**
     * Stops one broker with a controlled shutdown: it hands partition leadership to other in-sync
     * replicas, then closes its listener. Returns once the other running brokers see it as gone.
     * The controller keeps running, also in a one-broker (combined) cluster.
     *
     * @param brokerId one of {@link #brokerIds()}
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is already stopped
     */
    public synchronized void shutdownBroker(int brokerId) {
        BrokerServer broker = broker(brokerId);
        if (!stoppedBrokers.add(brokerId)) {
            throw new IllegalStateException("Broker " + brokerId + " is already stopped");
        }
        try {
            broker.shutdown();
        } catch (RuntimeException e) {
            throw new KafkaClusterException("Could not shut down broker " + brokerId, e);
        }
        awaitRunningBrokers("the running brokers to see broker " + brokerId + " leave",
                cache -> !cache.hasAliveBroker(brokerId));
    }

    /**
     * Starts a broker stopped with {@link #shutdownBroker} again, with the same node id, port and log
     * directories. Returns once it is {@code RUNNING} and every running broker sees it; it may still
     * be catching up on replicas it follows.
     *
     * @param brokerId a broker stopped with {@link #shutdownBroker}
     * @throws IllegalArgumentException if no broker has this id
     * @throws IllegalStateException if the broker is not stopped
     */
    public synchronized void startBroker(int brokerId) {
        BrokerServer broker = broker(brokerId);
        if (!stoppedBrokers.contains(brokerId)) {
            throw new IllegalStateException("Broker " + brokerId + " is running; shutdownBroker("
                    + brokerId + ") first");
        }
        try {
            broker.startup();
        } catch (RuntimeException e) {
            throw new KafkaClusterException("Could not restart broker " + brokerId, e);
        }
        stoppedBrokers.remove(brokerId);
        Await.until(AWAIT_TIMEOUT, () -> "broker " + brokerId + " to be RUNNING, is " + broker.brokerState(),
                () -> broker.brokerState() == BrokerState.RUNNING);
        awaitRunningBrokers("every running broker to see broker " + brokerId + " alive",
                cache -> cache.hasAliveBroker(brokerId));
    }

    /** Stops every node and deletes the cluster's directories. Calling it again does nothing. */
    @Override
    public synchronized void close() {
        KafkaClusterTestKit running = kit;
        state = State.CLOSED;
        kit = null;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new KafkaClusterException("Could not close " + describe() + " cleanly", e);
            }
        }
    }

    @Override
    public synchronized String toString() {
        return describe() + (state == State.RUNNING ? " at " + bootstrapServers : " (" + state + ")");
    }

    private String describe() {
        return "KafkaCluster[brokers=" + spec.brokers() + ", productionLike=" + spec.productionLike()
                + ", saslPlain=" + spec.saslPlain() + "]";
    }

    private void requireRunning(String operation) {
        if (state != State.RUNNING) {
            throw new IllegalStateException(operation + " needs a running cluster, but it is " + state);
        }
    }

    private KafkaClusterTestKit runningKit(String operation) {
        requireRunning(operation);
        return Objects.requireNonNull(kit);
    }

    private BrokerServer broker(int brokerId) {
        Map<Integer, BrokerServer> brokers = runningKit("broker control").brokers();
        BrokerServer broker = brokers.get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException(
                    "No broker with id " + brokerId + "; broker ids are " + new TreeSet<>(brokers.keySet()));
        }
        return broker;
    }

    private void awaitRunningBrokers(String what, Predicate<MetadataCache> condition) {
        Map<Integer, BrokerServer> running;
        synchronized (this) {
            running = new LinkedHashMap<>(runningKit("awaiting brokers").brokers());
            running.keySet().removeAll(stoppedBrokers);
        }
        Await.until(AWAIT_TIMEOUT, () -> what, () -> running.values().stream()
                .allMatch(broker -> condition.test(broker.metadataCache())));
    }

    private static boolean hasLedPartitions(MetadataCache cache, String topic, int partitions) {
        if (!cache.numPartitions(topic).equals(Optional.of(partitions))) {
            return false;
        }
        for (int p = 0; p < partitions; p++) {
            if (cache.getLeaderAndIsr(topic, p).filter(l -> l.leader() >= 0).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Describes a {@link KafkaCluster} to build. Each setting may be given once; a second call, an
     * out-of-range value or a conflict fails at once with a message quoting the values.
     *
     * <pre>{@code
     * KafkaCluster kafka = KafkaCluster.builder()
     *         .brokers(3)
     *         .productionLike(false)                    // unstable API versions too
     *         .brokerProperty("log.segment.bytes", "1048576")
     *         .build();
     * }</pre>
     *
     * <p>Not thread-safe; {@link #build()} may be called more than once, each time for a new,
     * independent cluster.
     */
    public static final class Builder {
        private int brokers = 1;
        private boolean brokersSet;
        private boolean productionLike = true;
        private boolean productionLikeSet;
        private boolean saslPlain;
        private final Map<String, String> brokerProperties = new LinkedHashMap<>();

        private Builder() {}

        /** Number of brokers, 1 to 16; default 1. Two or more add one separate controller node. */
        public Builder brokers(int count) {
            if (brokersSet) {
                throw new IllegalStateException("brokers was already set to " + brokers + ", cannot set " + count);
            }
            if (count < 1 || count > ClusterSpec.MAX_BROKERS) {
                throw new IllegalArgumentException(
                        "brokers must be between 1 and " + ClusterSpec.MAX_BROKERS + ", was " + count);
            }
            brokers = count;
            brokersSet = true;
            return this;
        }

        /**
         * {@code true} (the default): latest production metadata version and features, no unstable
         * API versions. {@code false}: the kit's defaults, with the latest testing metadata version
         * and unstable API versions advertised.
         */
        public Builder productionLike(boolean enabled) {
            if (productionLikeSet) {
                throw new IllegalStateException(
                        "productionLike was already set to " + productionLike + ", cannot set " + enabled);
            }
            productionLike = enabled;
            productionLikeSet = true;
            return this;
        }

        /**
         * Makes the broker listener SASL_PLAINTEXT with the PLAIN mechanism and a {@code
         * StandardAuthorizer} that denies what no ACL allows; {@link #SASL_ADMIN_USER} is a super
         * user. The controller listener uses SASL_PLAINTEXT too (with a PLAINTEXT controller
         * listener the authorizer would refuse the brokers' registration).
         */
        public Builder saslPlain() {
            if (saslPlain) {
                throw new IllegalStateException("saslPlain() was already called");
            }
            saslPlain = true;
            return this;
        }

        /**
         * Sets a broker (and controller) configuration property, overriding this class's defaults.
         * Listener, node id, quorum and directory settings belong to the kit and are refused.
         */
        public Builder brokerProperty(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (ClusterSpec.RESERVED_PROPERTIES.contains(key)) {
                throw new IllegalArgumentException("brokerProperty('" + key + "', '" + value
                        + "') is managed by the Kafka test kit and cannot be overridden");
            }
            String previous = brokerProperties.putIfAbsent(key, value);
            if (previous != null) {
                throw new IllegalStateException("brokerProperty('" + key + "') was already set to '"
                        + previous + "', cannot set '" + value + "'");
            }
            return this;
        }

        /**
         * Returns a new, not yet started cluster.
         *
         * @throws IllegalArgumentException if the settings conflict, e.g. {@code productionLike(true)}
         *     with {@code brokerProperty("unstable.api.versions.enable", "true")}
         */
        public KafkaCluster build() {
            return new KafkaCluster(spec());
        }

        ClusterSpec spec() {
            return new ClusterSpec(brokers, productionLike, saslPlain, brokerProperties);
        }
    }
}
