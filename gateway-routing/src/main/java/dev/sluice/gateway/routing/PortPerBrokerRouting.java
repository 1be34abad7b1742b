package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.internal.BrokerIds;
import dev.sluice.gateway.routing.internal.AddressTable;
import dev.sluice.gateway.routing.internal.PortAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Port-per-broker routing: one bootstrap port, plus one port per broker, all on one advertised host
 * (typically a load balancer or the gateway's own DNS name).
 *
 * <pre>
 *   client ──► lb.example.com:9092  bootstrap   ──► any broker
 *   client ──► lb.example.com:9093  broker 100  ──► kafka-100.internal:9092
 *   client ──► lb.example.com:9094  broker 200  ──► kafka-200.internal:9092
 *   client ──► lb.example.com:9095  broker 300  ──► kafka-300.internal:9092
 * </pre>
 *
 * <h2>Port plan</h2>
 * Broker ports come from the range {@code [firstBrokerPort, firstBrokerPort + maxBrokers)}.
 * <ul>
 *   <li>Sparse ids get <em>dense</em> ports: ids 100, 200, 300 get 9093, 9094, 9095. Brokers that are
 *       new in the same {@link #plan} call are served in ascending id order, each taking the lowest
 *       free port.
 *   <li>A broker keeps its port for as long as it is in the broker set passed to {@code plan}.
 *   <li>A broker missing from a {@code plan} call loses its port; a later new broker may take it.
 *   <li>{@link Builder#brokerPort(int, int)} pins a broker to a port, inside or outside the range.
 *       A pinned port inside the range is never given to another broker.
 *   <li>When the range has no free port for a new broker, {@code plan} throws a {@link
 *       GatewayException} naming {@code maxBrokers}, and the previous plan stays in effect.
 * </ul>
 *
 * <h2>Threading</h2>
 * {@link #plan} is serialised (it also locks, so a stray concurrent call is safe). {@link
 * #advertisedAddress} and {@link #bootstrapAddress} are lock-free and allocation-free: every plan
 * publishes an immutable snapshot through a {@code volatile} field, which readers binary-search.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>By default ports depend on the order in which brokers were seen. Several gateway nodes
 *       behind one load balancer, or balancing among themselves, MUST agree: use {@link
 *       PortPlan#BROKER_ID} or {@link Builder#brokerPort pins}, or a port may mean broker 100 on one
 *       node and broker 200 on another.
 *   <li>A freed port MAY be reused at once. A client holding stale metadata can then reach the new
 *       broker on the old port; Kafka clients recover (NOT_LEADER errors trigger a metadata refresh),
 *       but pin brokers whose ids are known in advance to avoid the detour.
 * </ul>
 *
 * <pre>{@code
 * RoutingStrategy routing = PortPerBrokerRouting.builder()
 *         .advertisedHost("kafka.example.com")
 *         .bootstrapPort(9092)          // broker ports then default to 9093..9156
 *         .brokerPort(1, 9200)          // optional pin
 *         .build();
 * }</pre>
 */
public final class PortPerBrokerRouting implements RoutingStrategy {

    private static final Logger log = LoggerFactory.getLogger(PortPerBrokerRouting.class);

    private final String advertisedHost;
    private final HostPort bootstrapAddress;
    private final int firstBrokerPort;
    private final int maxBrokers;
    private final Map<Integer, Integer> pins;
    private final Object planLock = new Object();
    private final PortAllocator allocator; // guarded by planLock
    private volatile AddressTable table = AddressTable.empty();

    private PortPerBrokerRouting(Builder builder, int firstBrokerPort, int maxBrokers) {
        this.advertisedHost = Objects.requireNonNull(builder.advertisedHost);
        this.bootstrapAddress = new HostPort(advertisedHost, builder.bootstrapPort);
        this.firstBrokerPort = firstBrokerPort;
        this.maxBrokers = maxBrokers;
        this.pins = Map.copyOf(builder.pins);
        this.allocator = new PortAllocator(firstBrokerPort, maxBrokers, pins, builder.portPlan == PortPlan.BROKER_ID);
    }

    /** How broker ports are chosen; see {@link Builder#portPlan}. */
    public enum PortPlan {
        /**
         * Dense ports in the order brokers were seen (ids 100, 200, 300 get the first three ports);
         * a broker keeps its port while it is in the cluster. Depends on this node's history.
         */
        DISCOVERY_ORDER,
        /**
         * {@code firstBrokerPort + id mod maxBrokers}: a function of the broker set alone, the same
         * on every gateway node whenever it started, and a broker's port never changes unless a
         * broker whose id is equal to it modulo {@code maxBrokers} joins (then the larger id takes the
         * next free port, the same on every node, and a warning names them: pin those). The plan for
         * several gateway nodes.
         */
        BROKER_ID
    }

    /** Starts a builder; {@link Builder#advertisedHost} and {@link Builder#bootstrapPort} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns the bootstrap listener first, then one broker listener per distinct broker id, in
     * ascending id order.
     *
     * @throws GatewayException when a new broker needs a port and the range has none free; the
     *     previous plan then stays in effect
     */
    @Override
    public List<ListenerSpec> plan(Collection<BrokerNode> brokers) {
        Objects.requireNonNull(brokers, "brokers");
        int[] ids = BrokerIds.distinctSorted(brokers);
        synchronized (planLock) {
            int[] ports = allocator.assign(ids);
            if (allocator.collisions() > 0) {
                log.warn("{} of brokers {} share a port slot (ids equal modulo maxBrokers={}) and took the next"
                        + " free port; pin them with brokerPort(id, port) so that their ports cannot shift",
                        allocator.collisions(), Arrays.toString(ids), maxBrokers);
            }
            AddressTable previous = table;
            HostPort[] addresses = new HostPort[ids.length];
            List<ListenerSpec> listeners = new ArrayList<>(ids.length + 1);
            listeners.add(ListenerSpec.bootstrap(bootstrapAddress.port()));
            for (int i = 0; i < ids.length; i++) {
                addresses[i] = new HostPort(advertisedHost, ports[i]);
                listeners.add(ListenerSpec.broker(ports[i], ids[i]));
            }
            AddressTable next = AddressTable.of(ids, addresses);
            table = next;
            logChanges(previous, next);
            return List.copyOf(listeners);
        }
    }

    /** {@inheritDoc} Lock-free and allocation-free. */
    @Override
    public @Nullable HostPort advertisedAddress(int brokerId) {
        return table.find(brokerId);
    }

    @Override
    public HostPort bootstrapAddress() {
        return bootstrapAddress;
    }

    @Override
    public String toString() {
        return "PortPerBrokerRouting{bootstrap=" + bootstrapAddress + ", brokerPorts=" + firstBrokerPort + ".."
                + (firstBrokerPort + maxBrokers - 1) + ", pins=" + pins + ", plan=" + table + "}";
    }

    private static void logChanges(AddressTable previous, AddressTable next) {
        for (int i = 0; i < next.size(); i++) {
            if (previous.find(next.idAt(i)) == null) {
                log.info("Broker {} is advertised as {}", next.idAt(i), next.addressAt(i));
            }
        }
        for (int i = 0; i < previous.size(); i++) {
            if (next.find(previous.idAt(i)) == null) {
                log.info("Broker {} left the plan; {} is free", previous.idAt(i), previous.addressAt(i));
            }
        }
    }

    /**
     * Configures a {@link PortPerBrokerRouting}. Fails fast: a setter rejects an invalid value with
     * {@link IllegalArgumentException} and a repeated or conflicting setting with {@link
     * IllegalStateException}; {@link #build} rejects settings that contradict each other with a
     * {@link GatewayException}. Every message quotes the offending values.
     *
     * <p>Not thread-safe; use from one thread, then share the built strategy.
     */
    public static final class Builder {

        private static final int UNSET = -1;
        private static final int DEFAULT_MAX_BROKERS = 64;

        private @Nullable String advertisedHost;
        private int bootstrapPort = UNSET;
        private int firstBrokerPort = UNSET;
        private int maxBrokers = UNSET;
        private final Map<Integer, Integer> pins = new LinkedHashMap<>();
        private PortPlan portPlan = PortPlan.DISCOVERY_ORDER;

        private Builder() {}

        /**
         * How unpinned brokers get their ports. Default {@link PortPlan#DISCOVERY_ORDER}; gateway
         * clusters (several nodes behind one load balancer, or {@code BalancedRouting}) need every
         * node to agree, which {@link PortPlan#BROKER_ID} gives without coordination.
         */
        public Builder portPlan(PortPlan plan) {
            this.portPlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * The host clients must use to reach the gateway (required): a DNS name or an IP literal
         * (IPv6 without brackets), without a port.
         */
        public Builder advertisedHost(String host) {
            Objects.requireNonNull(host, "host");
            if (advertisedHost != null) {
                throw new IllegalStateException("advertisedHost was already set to '" + advertisedHost + "'");
            }
            if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException(
                        "advertisedHost must be a host name without spaces, was '" + host + "'");
            }
            if (host.startsWith("[")) {
                throw new IllegalArgumentException(
                        "advertisedHost must be written without brackets (e.g. ::1), was '" + host + "'");
            }
            if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
                throw new IllegalArgumentException("advertisedHost must not include a port, was '" + host
                        + "'; set ports with bootstrapPort and firstBrokerPort");
            }
            this.advertisedHost = host;
            return this;
        }

        /** The port of the bootstrap listener (required). */
        public Builder bootstrapPort(int port) {
            checkUnset("bootstrapPort", bootstrapPort);
            this.bootstrapPort = checkPort("bootstrapPort", port);
            return this;
        }

        /** The first port of the broker range; defaults to {@code bootstrapPort + 1}. */
        public Builder firstBrokerPort(int port) {
            checkUnset("firstBrokerPort", firstBrokerPort);
            this.firstBrokerPort = checkPort("firstBrokerPort", port);
            return this;
        }

        /** How many ports the broker range has, and so how many unpinned brokers it can serve; defaults to 64. */
        public Builder maxBrokers(int count) {
            checkUnset("maxBrokers", maxBrokers);
            if (count < 1 || count > 65_535) {
                throw new IllegalArgumentException("maxBrokers must be in 1..65535, was " + count);
            }
            this.maxBrokers = count;
            return this;
        }

        /**
         * Pins broker {@code brokerId} to {@code port}. The port may lie inside the broker range (it is
         * then reserved for this broker) or outside it; it must not be the bootstrap port or another
         * pin's port.
         */
        public Builder brokerPort(int brokerId, int port) {
            if (brokerId < 0) {
                throw new IllegalArgumentException("brokerId must be >= 0, was " + brokerId);
            }
            checkPort("brokerPort", port);
            Integer existing = pins.get(brokerId);
            if (existing != null) {
                throw new IllegalStateException("broker " + brokerId + " is already pinned to port " + existing);
            }
            for (Map.Entry<Integer, Integer> pin : pins.entrySet()) {
                if (pin.getValue() == port) {
                    throw new IllegalStateException("cannot pin broker " + brokerId + " to port " + port
                            + ": it is already pinned to broker " + pin.getKey());
                }
            }
            pins.put(brokerId, port);
            return this;
        }

        /**
         * Builds the strategy.
         *
         * @throws GatewayException when a required setting is missing, the broker range runs past port
         *     65535 or contains the bootstrap port, or a pin takes the bootstrap port
         */
        public PortPerBrokerRouting build() {
            if (advertisedHost == null) {
                throw new GatewayException("advertisedHost is required: the host clients use to reach the"
                        + " gateway, e.g. a load balancer name");
            }
            if (bootstrapPort == UNSET) {
                throw new GatewayException("bootstrapPort is required");
            }
            int first = firstBrokerPort == UNSET ? bootstrapPort + 1 : firstBrokerPort;
            int count = maxBrokers == UNSET ? DEFAULT_MAX_BROKERS : maxBrokers;
            int last = first + count - 1;
            String range = first + ".." + last + " (firstBrokerPort=" + first + ", maxBrokers=" + count + ")";
            if (last > 65_535) {
                throw new GatewayException("broker port range " + range + " runs past port 65535");
            }
            if (bootstrapPort >= first && bootstrapPort <= last) {
                throw new GatewayException("broker port range " + range + " contains bootstrapPort=" + bootstrapPort);
            }
            for (Map.Entry<Integer, Integer> pin : pins.entrySet()) {
                if (pin.getValue() == bootstrapPort) {
                    throw new GatewayException("brokerPort(" + pin.getKey() + ", " + pin.getValue()
                            + ") collides with bootstrapPort=" + bootstrapPort);
                }
            }
            return new PortPerBrokerRouting(this, first, count);
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
