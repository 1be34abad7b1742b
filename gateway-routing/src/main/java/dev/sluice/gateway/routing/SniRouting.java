package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.internal.BrokerIds;
import dev.sluice.gateway.routing.internal.BrokerHostPattern;
import dev.sluice.gateway.routing.internal.SniHostNames;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SNI routing: one TLS port serves the whole cluster, and the host name a client asks for in its TLS
 * ClientHello (the server name, SNI) says which broker it means.
 *
 * <pre>
 *   client ──► bootstrap.gw.example.com:443  ─┐                             ┌─► bootstrap  ──► any broker
 *   client ──► broker-100.gw.example.com:443 ─┼─► load balancer ─► gateway ─┼─► broker 100 ──► kafka-100.internal
 *   client ──► broker-200.gw.example.com:443 ─┘   (TLS passthrough)  :9443  └─► broker 200 ──► kafka-200.internal
 * </pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>{@link #plan} always returns one listener, {@link ListenerSpec#serverNameRouted
 *       serverNameRouted(listenPort)}, whatever the brokers; it records their ids.
 *   <li>{@link #advertisedAddress} gives broker {@code id} the address {@code (brokerHost(id),
 *       advertisedPort)}, for as long as the id is in the last plan; {@link #bootstrapAddress} is
 *       {@code (bootstrapHost, advertisedPort)}.
 *   <li>{@link #routeServerName} turns the bootstrap host into a bootstrap route and a broker host of
 *       a planned broker into that broker's route; it refuses ({@code null}) everything else: no
 *       server name, an unknown name, a broker that is not in the last plan, a non-canonical id
 *       ({@code broker-007}), a port other than {@code listenPort}. Names match ignoring the case of
 *       ASCII letters and one trailing dot.
 * </ul>
 *
 * <h2>Certificates and DNS</h2>
 * The gateway terminates TLS, so its certificate MUST cover the bootstrap name and every broker
 * name. A wildcard such as {@code *.gw.example.com} covers {@code bootstrap.gw.example.com} and
 * {@code broker-100.gw.example.com}, but a wildcard covers exactly one label: not {@code
 * gw.example.com} itself, nor {@code broker-100.eu.gw.example.com}. Keep the bootstrap host and the
 * broker pattern one label below the same parent, or list each name in the certificate.
 *
 * <p>DNS MUST resolve the bootstrap name and every broker name to the gateway, or to the load
 * balancer in front of it (typically one wildcard record). A load balancer in front MUST pass TLS
 * through (TCP mode): if it terminates TLS, the gateway sees no server name. Its port is the one to
 * set as {@link Builder#advertisedPort}.
 *
 * <h2>Threading</h2>
 * {@link #plan} is serialised (it also locks, so a stray concurrent call is safe). {@link
 * #advertisedAddress}, {@link #bootstrapAddress} and {@link #routeServerName} are lock-free and
 * allocation-free, and never throw whatever the server name: every plan publishes an immutable
 * snapshot through a {@code volatile} field, which readers binary-search.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A client that sends no server name is refused. Clients send none when told an IP address or
 *       a name without a dot, which is why hosts must be DNS names with at least two labels.
 *   <li>Several gateway nodes behind one load balancer route alike only if they use the same
 *       settings; unlike port-per-broker routing, there is no history to keep in step.
 * </ul>
 *
 * <pre>{@code
 * RoutingStrategy routing = SniRouting.builder()
 *         .listenPort(9443)                                       // the port the gateway binds
 *         .advertisedPort(443)                                    // optional: the load balancer's port
 *         .bootstrapHost("bootstrap.gw.example.com")
 *         .brokerHostPattern("broker-$(nodeId).gw.example.com")
 *         .build();
 * }</pre>
 */
public final class SniRouting implements RoutingStrategy {

    /** The placeholder that {@link Builder#brokerHostPattern} contains once, where the node id goes. */
    public static final String NODE_ID_PLACEHOLDER = BrokerHostPattern.PLACEHOLDER;

    private static final Logger log = LoggerFactory.getLogger(SniRouting.class);

    private final int listenPort;
    private final String bootstrapHost;
    private final BrokerHostPattern pattern;
    private final HostPort bootstrapAddress;
    private final ListenerSpec bootstrapRoute;
    private final List<ListenerSpec> listeners;
    private final Object planLock = new Object();
    private volatile Snapshot snapshot = Snapshot.EMPTY;

    private SniRouting(int listenPort, int advertisedPort, String bootstrapHost, BrokerHostPattern pattern) {
        this.listenPort = listenPort;
        this.bootstrapHost = bootstrapHost;
        this.pattern = pattern;
        this.bootstrapAddress = new HostPort(bootstrapHost, advertisedPort);
        this.bootstrapRoute = ListenerSpec.bootstrap(listenPort);
        this.listeners = List.of(ListenerSpec.serverNameRouted(listenPort));
    }

    /**
     * Starts a builder; {@link Builder#listenPort}, {@link Builder#bootstrapHost} and {@link
     * Builder#brokerHostPattern} are required.
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Records the ids of {@code brokers} (duplicates count once) and returns the one listener,
     * {@code serverNameRouted(listenPort)}. Brokers missing from the call stop being advertised and
     * routed as soon as it returns.
     */
    @Override
    public List<ListenerSpec> plan(Collection<BrokerNode> brokers) {
        Objects.requireNonNull(brokers, "brokers");
        int[] ids = BrokerIds.distinctSorted(brokers);
        HostPort[] addresses = new HostPort[ids.length];
        ListenerSpec[] routes = new ListenerSpec[ids.length];
        for (int i = 0; i < ids.length; i++) {
            addresses[i] = new HostPort(pattern.hostOf(ids[i]), bootstrapAddress.port());
            routes[i] = ListenerSpec.broker(listenPort, ids[i]);
        }
        Snapshot next = new Snapshot(ids, addresses, routes);
        synchronized (planLock) {
            Snapshot previous = snapshot;
            snapshot = next;
            logChanges(previous, next);
        }
        return listeners;
    }

    /** {@inheritDoc} Lock-free and allocation-free. */
    @Override
    public @Nullable HostPort advertisedAddress(int brokerId) {
        Snapshot current = snapshot;
        int index = current.indexOf(brokerId);
        return index >= 0 ? current.addresses[index] : null;
    }

    @Override
    public HostPort bootstrapAddress() {
        return bootstrapAddress;
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns {@code bootstrap(listenPort)} for the bootstrap host, {@code broker(listenPort, id)}
     * for the host of a broker in the last plan, and {@code null} for anything else, including a
     * {@code port} other than {@code listenPort}. Matching ignores the case of ASCII letters and one
     * trailing dot; a non-ASCII character never matches (not even the Kelvin sign for a 'k'), and a
     * name longer than 253 characters is refused without being read. Lock-free, allocation-free, and
     * never throws.
     */
    @Override
    public @Nullable ListenerSpec routeServerName(@Nullable String serverName, int port) {
        if (serverName == null || port != listenPort) {
            return null;
        }
        int length = serverName.length();
        if (length > 0 && serverName.charAt(length - 1) == '.') {
            length--;
        }
        if (length == 0 || length > SniHostNames.MAX_LENGTH) {
            return null;
        }
        if (length == bootstrapHost.length() && SniHostNames.matchesLowerCase(serverName, 0, bootstrapHost)) {
            return bootstrapRoute;
        }
        int id = pattern.nodeIdOf(serverName, length);
        if (id < 0) {
            return null;
        }
        Snapshot current = snapshot;
        int index = current.indexOf(id);
        return index >= 0 ? current.routes[index] : null;
    }

    /**
     * The host name of broker {@code nodeId}, in lower case: the pattern with the id in place of
     * {@link #NODE_ID_PLACEHOLDER}, whether or not the broker is planned.
     *
     * @throws IllegalArgumentException when {@code nodeId} is negative
     */
    public String brokerHost(int nodeId) {
        return pattern.hostOf(nodeId);
    }

    /** The local port the gateway binds. */
    public int listenPort() {
        return listenPort;
    }

    /** The port clients are told, in every advertised address; {@link #listenPort} unless set. */
    public int advertisedPort() {
        return bootstrapAddress.port();
    }

    /** The host clients bootstrap from, in lower case. */
    public String bootstrapHost() {
        return bootstrapHost;
    }

    /** The broker host pattern, in lower case, with the {@link #NODE_ID_PLACEHOLDER} as given. */
    public String brokerHostPattern() {
        return pattern.toString();
    }

    /**
     * For logs, e.g. {@code SniRouting{listenPort=9443, bootstrap=bootstrap.gw.example.com:443,
     * brokers=broker-$(nodeId).gw.example.com:443, plan=[1, 100]}}.
     */
    @Override
    public String toString() {
        return "SniRouting{listenPort=" + listenPort + ", bootstrap=" + bootstrapAddress + ", brokers=" + pattern
                + ":" + bootstrapAddress.port() + ", plan=" + snapshot + "}";
    }

    private static void logChanges(Snapshot previous, Snapshot next) {
        for (int i = 0; i < next.ids.length; i++) {
            if (previous.indexOf(next.ids[i]) < 0) {
                log.info("Broker {} is advertised and routed as {}", next.ids[i], next.addresses[i]);
            }
        }
        for (int i = 0; i < previous.ids.length; i++) {
            if (next.indexOf(previous.ids[i]) < 0) {
                log.info("Broker {} left the plan; {} is no longer routed", previous.ids[i], previous.addresses[i]);
            }
        }
    }

    /** The brokers of one plan: ids ascending, with each one's address and route at the same index. */
    private static final class Snapshot {

        static final Snapshot EMPTY = new Snapshot(new int[0], new HostPort[0], new ListenerSpec[0]);

        final int[] ids;
        final HostPort[] addresses;
        final ListenerSpec[] routes;

        Snapshot(int[] ids, HostPort[] addresses, ListenerSpec[] routes) {
            this.ids = ids;
            this.addresses = addresses;
            this.routes = routes;
        }

        int indexOf(int id) {
            return Arrays.binarySearch(ids, id);
        }

        @Override
        public String toString() {
            StringJoiner text = new StringJoiner(", ", "[", "]");
            for (int id : ids) {
                text.add(Integer.toString(id));
            }
            return text.toString();
        }
    }

    /**
     * Configures an {@link SniRouting}. Fails fast: a setter rejects an invalid value with {@link
     * IllegalArgumentException} and a repeated setting with {@link IllegalStateException}; {@link
     * #build} rejects missing or contradicting settings with a {@link GatewayException}, as {@link
     * PortPerBrokerRouting.Builder} does. Every message quotes the offending values.
     *
     * <p>Host names must be DNS names that a TLS client sends as its server name: ASCII letters,
     * digits and hyphens in labels of 1 to 63 characters that neither start nor end with a hyphen,
     * at least two labels, at most 253 characters, no trailing dot, and not IP addresses (SNI carries
     * host names only; write internationalised names in their {@code xn--} form). They are kept in
     * lower case.
     *
     * <p>Not thread-safe; use from one thread, then share the built strategy.
     */
    public static final class Builder {

        private static final int UNSET = -1;

        private int listenPort = UNSET;
        private int advertisedPort = UNSET;
        private @Nullable String bootstrapHost;
        private @Nullable BrokerHostPattern pattern;

        private Builder() {}

        /** The local TLS port the gateway binds for the whole cluster (required). */
        public Builder listenPort(int port) {
            checkUnset("listenPort", listenPort);
            this.listenPort = checkPort("listenPort", port);
            return this;
        }

        /**
         * The port clients are told in every address, when it differs from {@link #listenPort}: say 443
         * on a TLS-passthrough load balancer that forwards to the gateway's 9443. Defaults to {@code
         * listenPort}.
         */
        public Builder advertisedPort(int port) {
            checkUnset("advertisedPort", advertisedPort);
            this.advertisedPort = checkPort("advertisedPort", port);
            return this;
        }

        /** The host name clients bootstrap from (required), such as {@code bootstrap.gw.example.com}. */
        public Builder bootstrapHost(String host) {
            Objects.requireNonNull(host, "host");
            if (bootstrapHost != null) {
                throw new IllegalStateException("bootstrapHost was already set to '" + bootstrapHost + "'");
            }
            String problem = SniHostNames.problem(host);
            if (problem != null) {
                throw new IllegalArgumentException("bootstrapHost '" + host + "' is not a valid host name: " + problem);
            }
            this.bootstrapHost = host.toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * The broker host names (required): a host name with {@value SniRouting#NODE_ID_PLACEHOLDER}
         * exactly once, where the broker's node id goes, such as {@code
         * broker-$(nodeId).gw.example.com}. The placeholder must lie inside one label; it may be the
         * whole label ({@code $(nodeId).brokers.gw.example.com}) but not the last one.
         *
         * @throws IllegalArgumentException when the placeholder is missing or repeated, or some node id
         *     would give an invalid host name (checked with the longest, 2147483647)
         */
        public Builder brokerHostPattern(String hostPattern) {
            Objects.requireNonNull(hostPattern, "hostPattern");
            if (pattern != null) {
                throw new IllegalStateException("brokerHostPattern was already set to '" + pattern + "'");
            }
            this.pattern = BrokerHostPattern.parse(hostPattern);
            return this;
        }

        /**
         * Builds the strategy.
         *
         * @throws GatewayException when a required setting is missing, or the bootstrap host looks
         *     like a broker host (it has the pattern's shape), which would make names ambiguous
         */
        public SniRouting build() {
            if (listenPort == UNSET) {
                throw new GatewayException("listenPort is required: the TLS port the gateway binds");
            }
            if (bootstrapHost == null) {
                throw new GatewayException("bootstrapHost is required: the host name clients bootstrap from,"
                        + " e.g. bootstrap.gw.example.com");
            }
            if (pattern == null) {
                throw new GatewayException("brokerHostPattern is required: the broker host names, with "
                        + NODE_ID_PLACEHOLDER + " where the node id goes, e.g. broker-" + NODE_ID_PLACEHOLDER
                        + ".gw.example.com");
            }
            if (pattern.resembles(bootstrapHost)) {
                throw new GatewayException("bootstrapHost '" + bootstrapHost + "' matches brokerHostPattern '"
                        + pattern + "': a client could not tell the bootstrap host from a broker's");
            }
            return new SniRouting(listenPort, advertisedPort == UNSET ? listenPort : advertisedPort, bootstrapHost,
                    pattern);
        }

        private static void checkUnset(String name, int current) {
            if (current != UNSET) {
                throw new IllegalStateException(name + " was already set to " + current);
            }
        }

        private static int checkPort(String name, int port) {
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(name + " must be in 1..65535, was " + port);
            }
            return port;
        }
    }
}
