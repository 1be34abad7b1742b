package dev.sluice.gateway.testkit;

import dev.sluice.gateway.testkit.ForkedClusterSpec.AdvertisedListener;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * Describes a {@link ForkedKafkaCluster} to build. Each setting may be given once; a second
 * call, an out-of-range value or a reserved property fails at once with a message quoting the
 * values.
 *
 * <pre>{@code
 * ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
 *         .brokerIds(100, 200, 300)
 *         .brokerProperty("log.segment.bytes", "1048576")
 *         .build();
 * }</pre>
 *
 * <p>Not thread-safe; {@link #build()} may be called more than once, each time for a new,
 * independent cluster.
 */
public final class ForkedKafkaClusterBuilder {

    private List<Integer> brokerIds = List.of(0);
    private boolean brokerIdsSet;
    private Duration startTimeout = ForkedClusterSpec.DEFAULT_START_TIMEOUT;
    private boolean startTimeoutSet;
    private String logLevel = "WARN";
    private boolean logLevelSet;
    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private @Nullable IssuedCertificate tlsCertificate;
    private Map<String, String> saslUsers = Map.of();
    private final Map<String, IntFunction<InetSocketAddress>> advertisedListeners = new LinkedHashMap<>();

    ForkedKafkaClusterBuilder() {}

    /**
     * The brokers' node ids: 1 to 16 distinct, non-negative ids, in any order; default {@code 0}.
     * The controller takes 3000, or the next id above it that no broker has.
     */
    public ForkedKafkaClusterBuilder brokerIds(int... ids) {
        Objects.requireNonNull(ids, "ids");
        List<Integer> list = new ArrayList<>();
        for (int id : ids) {
            list.add(id);
        }
        if (brokerIdsSet) {
            throw new IllegalStateException("brokerIds was already set to " + brokerIds + ", cannot set " + list);
        }
        ForkedClusterSpec.checkBrokerIds(list);
        brokerIds = List.copyOf(list);
        brokerIdsSet = true;
        return this;
    }

    /**
     * Sets a configuration property of every node (brokers and controller), overriding this
     * class's defaults. Roles, node ids, listeners, quorum and directories belong to the
     * fixture and are refused.
     */
    public ForkedKafkaClusterBuilder brokerProperty(String key, String value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        ForkedClusterSpec.checkProperty(key, value);
        String previous = brokerProperties.putIfAbsent(key, value);
        if (previous != null) {
            throw new IllegalStateException("brokerProperty('" + key + "') was already set to '"
                    + previous + "', cannot set '" + value + "'");
        }
        return this;
    }

    /**
     * How long {@link ForkedKafkaCluster#start()} and {@link ForkedKafkaCluster#startBroker}
     * wait for JVMs to come up; default two minutes. A start usually takes seconds, but JVMs
     * starting side by side on two busy cores can take far longer.
     */
    public ForkedKafkaClusterBuilder startTimeout(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (startTimeoutSet) {
            throw new IllegalStateException(
                    "startTimeout was already set to " + startTimeout + ", cannot set " + timeout);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, was " + timeout);
        }
        startTimeout = timeout;
        startTimeoutSet = true;
        return this;
    }

    /**
     * The nodes' root log level: {@code ERROR}, {@code WARN} (the default), {@code INFO},
     * {@code DEBUG} or {@code TRACE}, for SLF4J's simple binding, log4j2 or logback, whichever the
     * class path brings. At INFO a broker writes about 1 MB per test; use it to debug one.
     */
    public ForkedKafkaClusterBuilder logLevel(String level) {
        Objects.requireNonNull(level, "level");
        if (logLevelSet) {
            throw new IllegalStateException("logLevel was already set to " + logLevel + ", cannot set " + level);
        }
        ForkedClusterSpec.checkLogLevel(level);
        logLevel = level;
        logLevelSet = true;
        return this;
    }

    /**
     * Gives every broker a second listener, {@code SSL}, that serves {@code brokerCertificate}
     * and is advertised as {@code localhost:PORT}. For clients that verify host names its
     * subject alternative names must cover {@code localhost} (and {@code 127.0.0.1} for
     * clients that connect by address); the controller and inter-broker traffic stay on
     * PLAINTEXT. No client authentication by default; {@code brokerProperty("ssl.client.auth",
     * "required")} asks for mutual TLS.
     *
     * <pre>{@code
     * TestCertificateAuthority ca = TestCertificateAuthority.create("Test CA");
     * ForkedKafkaCluster.builder().tls(ca.issueServerCertificate("localhost", "127.0.0.1")).build();
     * }</pre>
     *
     * @param brokerCertificate a server certificate with its key, e.g. from {@link
     *     dev.sluice.gateway.testkit.tls.TestCertificateAuthority#issueServerCertificate}
     */
    public ForkedKafkaClusterBuilder tls(IssuedCertificate brokerCertificate) {
        Objects.requireNonNull(brokerCertificate, "brokerCertificate");
        if (tlsCertificate != null) {
            throw new IllegalStateException(
                    "tls was already set to " + tlsCertificate + ", cannot set " + brokerCertificate);
        }
        tlsCertificate = brokerCertificate;
        return this;
    }

    /**
     * Gives every broker another listener, {@code SASL_PLAINTEXT}, advertised as {@code
     * localhost:PORT}, that accepts the PLAIN mechanism for exactly these users. The users live
     * in the listener's own JAAS setting ({@code
     * listener.name.sasl_plaintext.plain.sasl.jaas.config}), so nothing JVM-wide is involved
     * and KIP-368 re-authentication works: {@code brokerProperty("connections.max.reauth.ms",
     * "2000")} makes clients re-authenticate every 1.7 to 1.9 s (85 to 95 % of the session).
     * <b>Pitfall:</b> a broker re-authenticates a connection at most once a second ({@code
     * KafkaChannel.MIN_REAUTH_INTERVAL_ONE_SECOND_NANOS}) and answers an earlier SaslHandshake
     * with {@code ILLEGAL_SASL_STATE}, which the client reports as "Unexpected handshake request
     * with client mechanism PLAIN, enabled mechanisms are []"; so {@code 1000} fails from the
     * second re-authentication on. Stay at 2000 or above. There is no authorizer, so every
     * user may do everything; the controller and inter-broker traffic stay on PLAINTEXT.
     *
     * <pre>{@code
     * ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
     *         .saslPlain(Map.of("alice", "alice-secret")).build().start();
     * Map<String, Object> alice = kafka.saslClientProperties("alice", "alice-secret");
     * }</pre>
     *
     * @param usersToPasswords at least one user; names of letters, digits, {@code . _ -};
     *     passwords non-empty, without quotes, backslashes or control characters
     */
    public ForkedKafkaClusterBuilder saslPlain(Map<String, String> usersToPasswords) {
        Objects.requireNonNull(usersToPasswords, "usersToPasswords");
        if (!saslUsers.isEmpty()) {
            throw new IllegalStateException("saslPlain was already set for users " + new TreeSet<>(saslUsers.keySet())
                    + ", cannot set " + new TreeSet<>(usersToPasswords.keySet()));
        }
        if (usersToPasswords.isEmpty()) {
            throw new IllegalArgumentException("saslPlain needs at least one user");
        }
        usersToPasswords.forEach(ForkedClusterSpec::checkSaslUser);
        saslUsers = Map.copyOf(usersToPasswords);
        return this;
    }

    /**
     * Gives every broker another listener, named {@code name}, of security protocol PLAINTEXT:
     * bound to {@code 127.0.0.1} on a port that is free at {@link ForkedKafkaCluster#start()}
     * ({@link ForkedKafkaCluster#listenerPort}), and advertised at {@code
     * advertisedAddress.apply(brokerId)}. A client that bootstraps from this listener is told, in
     * Metadata, FindCoordinator and DescribeCluster, the advertised addresses only; so a TCP relay
     * or load balancer at those addresses that forwards to the bound ports keeps every connection
     * of its clients. The fixture neither listens on nor checks the advertised addresses. The
     * controller and inter-broker traffic stay on PLAINTEXT. May be called for several names;
     * their listeners follow the SSL and SASL_PLAINTEXT ones in the order of the calls.
     *
     * <pre>{@code
     * int relayPort = FreePorts.block(1);
     * ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
     *         .advertisedListener("RELAY", brokerId -> InetSocketAddress.createUnresolved("127.0.0.1", relayPort))
     *         .build().start();
     * int backend = kafka.listenerPort(0, "RELAY"); // the relay on relayPort forwards to 127.0.0.1:backend
     * }</pre>
     *
     * @param name upper-case letters, digits and underscores; not {@code PLAINTEXT}, {@code SSL},
     *     {@code SASL_PLAINTEXT}, {@code SASL_SSL} or {@code CONTROLLER}
     * @param advertisedAddress called by {@link #build()} once for each broker id; its host string
     *     ({@link InetSocketAddress#getHostString()}, never resolved here) and port, 1 to 65535, are
     *     what the broker advertises. {@link InetSocketAddress#createUnresolved} makes one without a
     *     DNS look-up
     * @throws IllegalArgumentException if the name is malformed or reserved
     * @throws IllegalStateException if a listener of this name was already added
     */
    public ForkedKafkaClusterBuilder advertisedListener(String name, IntFunction<InetSocketAddress> advertisedAddress) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(advertisedAddress, "advertisedAddress");
        ForkedClusterSpec.checkListenerName(name);
        if (advertisedListeners.putIfAbsent(name, advertisedAddress) != null) {
            throw new IllegalStateException("advertisedListener('" + name + "') was already added");
        }
        return this;
    }

    /**
     * Returns a new, not yet started cluster.
     *
     * @throws IllegalArgumentException if an {@link #advertisedListener} function gave a broker no
     *     address, or one that cannot be advertised
     */
    public ForkedKafkaCluster build() {
        return new ForkedKafkaCluster(spec());
    }

    ForkedClusterSpec spec() {
        List<AdvertisedListener> listeners = new ArrayList<>();
        advertisedListeners.forEach((name, advertisedAddress) -> {
            Map<Integer, InetSocketAddress> addresses = new TreeMap<>();
            for (int id : brokerIds) {
                addresses.put(id, ForkedClusterSpec.checkAdvertisedAddress(name, id, advertisedAddress.apply(id)));
            }
            listeners.add(new AdvertisedListener(name, addresses));
        });
        return new ForkedClusterSpec(
                brokerIds, brokerProperties, startTimeout, logLevel, tlsCertificate, saslUsers, listeners);
    }
}
