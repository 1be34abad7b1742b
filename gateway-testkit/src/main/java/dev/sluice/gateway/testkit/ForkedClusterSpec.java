package dev.sluice.gateway.testkit;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Locale;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link ForkedKafkaCluster} should look like, validated once, and the {@code
 * server.properties} of each of its nodes. The only place that knows which Kafka settings the
 * forked nodes are wired with.
 *
 * @param brokerIds broker node ids in the order given, distinct, non-negative, 1 to {@link #MAX_BROKERS}
 * @param brokerProperties user settings for every node, applied after (and so over) the defaults
 * @param startTimeout how long {@link ForkedKafkaCluster#start()} waits for every broker
 * @param logLevel the nodes' root log level, one of {@link #LOG_LEVELS}
 * @param tlsCertificate the brokers' certificate for an additional SSL listener, or null for none
 * @param saslUsers SASL/PLAIN users and their passwords for an additional SASL_PLAINTEXT listener;
 *     empty for none
 * @param advertisedListeners additional PLAINTEXT listeners advertised at given addresses, in the
 *     order given; empty for none
 */
record ForkedClusterSpec(
        List<Integer> brokerIds, Map<String, String> brokerProperties, Duration startTimeout, String logLevel,
        @Nullable IssuedCertificate tlsCertificate, Map<String, String> saslUsers,
        List<AdvertisedListener> advertisedListeners) {

    static final int MAX_BROKERS = 16;

    /** The controller's node id unless a broker already has it. */
    static final int PREFERRED_CONTROLLER_ID = 3000;

    static final Duration DEFAULT_START_TIMEOUT = Duration.ofMinutes(2);

    /** The name (and security protocol) of the brokers' first listener, which every broker has. */
    static final String PLAINTEXT_LISTENER = "PLAINTEXT";

    /** The name of the controller's listener. */
    static final String CONTROLLER_LISTENER = "CONTROLLER";

    /** The name (and security protocol) of the brokers' TLS listener. */
    static final String TLS_LISTENER = "SSL";

    /** The name (and security protocol) of the brokers' SASL/PLAIN listener. */
    static final String SASL_LISTENER = "SASL_PLAINTEXT";

    /**
     * Names an {@link AdvertisedListener} cannot have: the fixture's own listeners, and Kafka's
     * security protocol names, which would read as the listener's protocol.
     */
    static final Set<String> RESERVED_LISTENER_NAMES =
            Set.of(PLAINTEXT_LISTENER, TLS_LISTENER, SASL_LISTENER, "SASL_SSL", CONTROLLER_LISTENER);

    /** What a listener name may contain: Kafka upper-cases names, and uses them in property keys. */
    private static final Pattern LISTENER_NAME = Pattern.compile("[A-Z0-9_]+");

    /** What an advertised host may contain: the host part of Kafka's own listener syntax. */
    private static final Pattern ADVERTISED_HOST = Pattern.compile("[0-9A-Za-z%._:-]+");

    /** What a SASL/PLAIN user name may contain: it becomes the JAAS option name {@code user_NAME}. */
    private static final Pattern SASL_USER_NAME = Pattern.compile("[A-Za-z0-9._-]+");

    /**
     * The password of the brokers' PKCS12 key store, written by {@link ForkedNodes}; the store holds
     * a test key that is also in memory, so the password protects nothing and need not be secret.
     */
    static final String KEY_STORE_PASSWORD = "sluice-test";

    static final List<String> LOG_LEVELS = List.of("ERROR", "WARN", "INFO", "DEBUG", "TRACE");

    ForkedClusterSpec {
        brokerIds = List.copyOf(Objects.requireNonNull(brokerIds, "brokerIds"));
        brokerProperties = Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
        Objects.requireNonNull(startTimeout, "startTimeout");
        checkBrokerIds(brokerIds);
        for (Map.Entry<String, String> e : brokerProperties.entrySet()) {
            checkProperty(e.getKey(), e.getValue());
        }
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, was " + startTimeout);
        }
        checkLogLevel(Objects.requireNonNull(logLevel, "logLevel"));
        saslUsers = Map.copyOf(Objects.requireNonNull(saslUsers, "saslUsers"));
        saslUsers.forEach(ForkedClusterSpec::checkSaslUser);
        advertisedListeners = List.copyOf(Objects.requireNonNull(advertisedListeners, "advertisedListeners"));
        checkAdvertisedListeners(advertisedListeners, brokerIds);
    }

    /**
     * A broker listener of security protocol PLAINTEXT, bound to a port the fixture chooses and
     * advertised at an address the caller chooses, per broker.
     *
     * @param name the listener name, see {@link #checkListenerName}
     * @param addresses the advertised address of every broker, by broker id
     */
    record AdvertisedListener(String name, Map<Integer, InetSocketAddress> addresses) {

        AdvertisedListener {
            Objects.requireNonNull(name, "name");
            addresses = Map.copyOf(Objects.requireNonNull(addresses, "addresses"));
        }

        /** {@code host:port} of one broker, {@code [host]:port} for an IPv6 literal, as Kafka's listener syntax wants. */
        String endpoint(int brokerId) {
            InetSocketAddress address = Objects.requireNonNull(addresses.get(brokerId), () -> name + " of " + brokerId);
            String host = address.getHostString();
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
        }
    }

    /**
     * Refuses a name that Kafka would not take as a listener name, or that the fixture's own
     * listeners or a security protocol already have.
     */
    static void checkListenerName(String name) {
        if (!LISTENER_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("listener name must match " + LISTENER_NAME.pattern()
                    + " (upper-case letters, digits, underscores), was '" + name + "'");
        }
        if (RESERVED_LISTENER_NAMES.contains(name)) {
            throw new IllegalArgumentException("listener name '" + name + "' is reserved; reserved are "
                    + new TreeSet<>(RESERVED_LISTENER_NAMES));
        }
    }

    /**
     * Refuses what would not survive the trip into {@code advertised.listeners}, and port 0, which
     * no client can connect to.
     *
     * @return {@code address}
     */
    static InetSocketAddress checkAdvertisedAddress(String listener, int brokerId, @Nullable InetSocketAddress address) {
        if (address == null) {
            throw new IllegalArgumentException("advertisedListener('" + listener + "') gave no address for broker "
                    + brokerId);
        }
        if (!ADVERTISED_HOST.matcher(address.getHostString()).matches() || address.getPort() == 0) {
            throw new IllegalArgumentException("advertisedListener('" + listener + "') gave broker " + brokerId
                    + " the address " + address.getHostString() + ":" + address.getPort()
                    + "; the host must match " + ADVERTISED_HOST.pattern() + " and the port be in 1..65535");
        }
        return address;
    }

    private static void checkAdvertisedListeners(List<AdvertisedListener> listeners, List<Integer> brokerIds) {
        Set<String> names = new HashSet<>();
        for (AdvertisedListener listener : listeners) {
            checkListenerName(listener.name());
            if (!names.add(listener.name())) {
                throw new IllegalArgumentException("listener name '" + listener.name() + "' is given twice");
            }
            if (!listener.addresses().keySet().equals(Set.copyOf(brokerIds))) {
                throw new IllegalArgumentException("advertisedListener('" + listener.name() + "') has addresses for "
                        + new TreeSet<>(listener.addresses().keySet()) + ", but the brokers are " + brokerIds);
            }
            listener.addresses().forEach((id, address) -> checkAdvertisedAddress(listener.name(), id, address));
        }
    }

    /**
     * Refuses what would not survive the trip into a JAAS line in {@code server.properties}: a user
     * name becomes the option name {@code user_NAME}, a password a quoted JAAS value.
     */
    static void checkSaslUser(String user, String password) {
        if (!SASL_USER_NAME.matcher(user).matches()) {
            throw new IllegalArgumentException("SASL user name must match " + SASL_USER_NAME.pattern()
                    + ", was '" + user + "'");
        }
        if (password.isEmpty() || password.chars().anyMatch(c -> c == '"' || c == '\\' || c < ' ')) {
            throw new IllegalArgumentException("SASL password of '" + user
                    + "' must be non-empty, without quotes, backslashes or control characters");
        }
    }

    static void checkLogLevel(String level) {
        if (!LOG_LEVELS.contains(level)) {
            throw new IllegalArgumentException("logLevel must be one of " + LOG_LEVELS + ", was '" + level + "'");
        }
    }

    static void checkBrokerIds(List<Integer> ids) {
        if (ids.isEmpty() || ids.size() > MAX_BROKERS) {
            throw new IllegalArgumentException(
                    "brokerIds must name 1 to " + MAX_BROKERS + " brokers, got " + ids);
        }
        Set<Integer> seen = new HashSet<>();
        for (int id : ids) {
            if (id < 0) {
                throw new IllegalArgumentException("brokerIds must be non-negative, got " + ids);
            }
            if (!seen.add(id)) {
                throw new IllegalArgumentException("brokerIds must be distinct, got " + ids + " (" + id + " twice)");
            }
        }
    }

    static void checkProperty(String key, String value) {
        if (ClusterSpec.RESERVED_PROPERTIES.contains(key)) {
            throw new IllegalArgumentException("brokerProperty('" + key + "', '" + value
                    + "') is managed by ForkedKafkaCluster and cannot be overridden");
        }
    }

    /** 3000, or the first id above it that no broker has. */
    int controllerId() {
        int id = PREFERRED_CONTROLLER_ID;
        while (brokerIds.contains(id)) {
            id++;
        }
        return id;
    }

    /**
     * {@link BrokerDefaults} sized to the broker count, stable versions only (the nodes are always
     * formatted production-like), then the user's properties on top.
     */
    Map<String, String> tunedProperties() {
        Map<String, String> props = BrokerDefaults.sizedTo(brokerIds.size());
        BrokerDefaults.stableVersionsOnly(props);
        // The log cleaner allocates this on the heap at startup: Kafka's 128 MiB per broker buys nothing in tests.
        props.put("log.cleaner.dedupe.buffer.size", Integer.toString(4 * 1024 * 1024));
        props.putAll(brokerProperties);
        return props;
    }

    /** True if the brokers get an SSL listener besides PLAINTEXT. */
    boolean tls() {
        return tlsCertificate != null;
    }

    /** True if the brokers get a SASL_PLAINTEXT listener with the PLAIN mechanism. */
    boolean saslPlain() {
        return !saslUsers.isEmpty();
    }

    /** The names of every broker's listeners, in the order of {@code listeners}: PLAINTEXT first. */
    List<String> brokerListenerNames() {
        List<String> names = new ArrayList<>(List.of(PLAINTEXT_LISTENER));
        if (tls()) {
            names.add(TLS_LISTENER);
        }
        if (saslPlain()) {
            names.add(SASL_LISTENER);
        }
        advertisedListeners.forEach(listener -> names.add(listener.name()));
        return names;
    }

    /**
     * The {@code server.properties} of the broker {@code brokerId}.
     *
     * @param ports the listeners' ports; {@link ListenerPorts#tls()} is ignored unless {@link
     *     #tls()}, {@link ListenerPorts#sasl()} unless {@link #saslPlain()}; {@link
     *     ListenerPorts#advertised()} must have the port of every {@link #advertisedListeners()}
     * @param keyStore the PKCS12 key store of {@link #tlsCertificate}, protected by {@link
     *     #KEY_STORE_PASSWORD}; required if {@link #tls()}
     */
    Map<String, String> brokerConfig(
            int brokerId, ListenerPorts ports, int controllerPort, Path dataDir, @Nullable Path keyStore) {
        int port = ports.plaintext();
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker");
        props.put("node.id", Integer.toString(brokerId));
        props.put("listeners", PLAINTEXT_LISTENER + "://127.0.0.1:" + port);
        props.put("advertised.listeners", PLAINTEXT_LISTENER + "://localhost:" + port);
        props.put("inter.broker.listener.name", PLAINTEXT_LISTENER);
        putQuorum(props, controllerPort, dataDir);
        // PLAINTEXT stays first: BrokerProbe and inter-broker traffic use it.
        if (tls()) {
            Objects.requireNonNull(keyStore, "keyStore");
            addListener(props, TLS_LISTENER, "SSL", ports.tls(), "localhost:" + ports.tls());
            // A key store file rather than ssl.keystore.type=PEM: PEM text in a properties file needs
            // every line break escaped, a file path does not (forward slashes work on Windows too).
            props.put("ssl.keystore.type", "PKCS12");
            props.put("ssl.keystore.location", keyStore.toAbsolutePath().toString().replace('\\', '/'));
            props.put("ssl.keystore.password", KEY_STORE_PASSWORD);
            props.put("ssl.key.password", KEY_STORE_PASSWORD);
        }
        if (saslPlain()) {
            addListener(props, SASL_LISTENER, "SASL_PLAINTEXT", ports.sasl(), "localhost:" + ports.sasl());
            String prefix = "listener.name." + SASL_LISTENER.toLowerCase(Locale.ROOT) + ".";
            props.put(prefix + "sasl.enabled.mechanisms", "PLAIN");
            // Listener-scoped JAAS: no java.security.auth.login.config file, no JVM-wide state.
            props.put(prefix + "plain.sasl.jaas.config", plainServerJaasConfig());
            props.put("sasl.enabled.mechanisms", "PLAIN");
        }
        for (AdvertisedListener listener : advertisedListeners) {
            Integer listenerPort = ports.advertised().get(listener.name());
            if (listenerPort == null) {
                throw new IllegalArgumentException("no port for listener " + listener.name() + " in " + ports);
            }
            addListener(props, listener.name(), "PLAINTEXT", listenerPort, listener.endpoint(brokerId));
        }
        props.putAll(tunedProperties());
        return props;
    }

    /** {@code PlainLoginModule required user_NAME="PASSWORD" ...;} sorted by name: the broker's PLAIN user table. */
    String plainServerJaasConfig() {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required");
        new TreeMap<>(saslUsers).forEach((user, password) ->
                jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }

    private static void addListener(
            Map<String, String> props, String name, String protocol, int port, String advertisedEndpoint) {
        props.put("listeners", props.get("listeners") + "," + name + "://127.0.0.1:" + port);
        props.put("advertised.listeners", props.get("advertised.listeners") + "," + name + "://" + advertisedEndpoint);
        props.put("listener.security.protocol.map", props.get("listener.security.protocol.map") + "," + name + ":" + protocol);
    }

    /** The {@code server.properties} of the controller. */
    Map<String, String> controllerConfig(int controllerPort, Path dataDir) {
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "controller");
        props.put("node.id", Integer.toString(controllerId()));
        props.put("listeners", CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        putQuorum(props, controllerPort, dataDir);
        props.putAll(tunedProperties());
        return props;
    }

    private void putQuorum(Map<String, String> props, int controllerPort, Path dataDir) {
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map",
                CONTROLLER_LISTENER + ":PLAINTEXT," + PLAINTEXT_LISTENER + ":PLAINTEXT");
        // A static quorum of one voter: `kafka-storage format` then needs neither --standalone nor
        // --initial-controllers.
        props.put("controller.quorum.voters", controllerId() + "@127.0.0.1:" + controllerPort);
        props.put("log.dirs", dataDir.toString());
    }
}
