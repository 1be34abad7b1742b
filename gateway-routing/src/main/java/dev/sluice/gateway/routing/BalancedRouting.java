package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Internal load balancing: several gateway nodes, no load balancer in front. Every node opens the
 * same port plan (a {@link PortPerBrokerRouting} of its own, on its own host), and each client is
 * told, per broker, the host of one alive gateway node and that broker's port: a {@link NodeMapping}
 * of the membership's alive nodes, salted with the client (its IP address and client id), so clients
 * spread over the nodes, brokers prefer a gateway node of their rack, and a node joining or leaving
 * moves as few brokers as possible.
 *
 * <pre>
 *   client A ──► gw-1:9093 (broker 1)    client B ──► gw-3:9093 (broker 1)
 *   client A ──► gw-2:9094 (broker 2)    client B ──► gw-1:9094 (broker 2)
 * </pre>
 *
 * <pre>{@code
 * RoutingStrategy routing = BalancedRouting.builder()
 *         .ports(PortPerBrokerRouting.builder()
 *                 .advertisedHost("gw-1.internal")          // this node's host
 *                 .bootstrapPort(9092)
 *                 .portPlan(PortPerBrokerRouting.PortPlan.BROKER_ID)   // the same plan on every node
 *                 .build())
 *         .membership(membership)   // the host joins it with this node's GatewayNode
 *         .build();
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The bootstrap address, and the address told to a caller that names no client, are this
 *       node's own (the port plan's advertised host).
 *   <li>The mapping follows the membership: a change is in force for the next answer. Clients learn
 *       it when they next refresh their metadata (at once after a connection error, else within
 *       their {@code metadata.max.age.ms}).
 *   <li>While the membership has no alive node (before this node joined), every broker is mapped
 *       to this node.
 * </ul>
 *
 * <h2>Threading</h2>
 * {@link #plan} is serialised by the gateway; {@link #advertisedAddress(int, String)} is called
 * concurrently from every event loop and reads two volatile snapshots. Membership changes are
 * applied on the membership's notification thread.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Every node MUST have the same port plan, or "node N, port P" names different brokers on
 *       different nodes: use {@link PortPerBrokerRouting.PortPlan#BROKER_ID} (or the same pins on
 *       every node); the default plan follows each node's discovery order.
 *   <li>Each node's {@link GatewayNode#advertisedHost()} must be reachable by clients. A node's
 *       {@link GatewayNode#listenerPorts()} start with its bootstrap port: broker ports keep their
 *       offset from the bootstrap port on every node, so nodes on one host can use different
 *       ranges (9092.. and 19092..), and nodes on different hosts the same one.
 * </ul>
 */
public final class BalancedRouting implements RoutingStrategy, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BalancedRouting.class);

    private final PortPerBrokerRouting ports;
    private final Membership.Registration registration;
    private volatile @Nullable NodeMapping mapping;
    private volatile Map<Integer, BrokerNode> brokers = Map.of();

    private BalancedRouting(PortPerBrokerRouting ports, Membership membership) {
        this.ports = ports;
        this.registration = membership.addListener(this::membersChanged);
    }

    /** Starts a builder; {@link Builder#ports} and {@link Builder#membership} are required. */
    public static Builder builder() {
        return new Builder();
    }

    private void membersChanged(Set<GatewayNode> alive) {
        NodeMapping next = alive.isEmpty() ? null : NodeMapping.of(alive);
        mapping = next;
        LOG.info("Gateway nodes now {}", next == null ? "none (brokers map to this node)" : next.alive());
    }

    @Override
    public List<ListenerSpec> plan(Collection<BrokerNode> known) {
        List<ListenerSpec> plan = ports.plan(known);
        Map<Integer, BrokerNode> byId = new HashMap<>();
        for (BrokerNode broker : known) {
            byId.put(broker.id(), broker);
        }
        brokers = Map.copyOf(byId);
        return plan;
    }

    /** This node's address for {@code brokerId}: for callers that name no client. */
    @Override
    public @Nullable HostPort advertisedAddress(int brokerId) {
        return ports.advertisedAddress(brokerId);
    }

    /** The host of the gateway node {@code clientKey} is mapped to for this broker, with the broker's port. */
    @Override
    public @Nullable HostPort advertisedAddress(int brokerId, String clientKey) {
        HostPort own = ports.advertisedAddress(brokerId);
        NodeMapping current = mapping;
        BrokerNode broker = brokers.get(brokerId);
        if (own == null || current == null || broker == null) {
            return own;
        }
        GatewayNode node = current.nodeFor(broker, clientKey);
        int port = own.port();
        if (!node.listenerPorts().isEmpty()) {
            // The node's bootstrap port first; broker ports keep their offset from it on every node.
            port = node.listenerPorts().get(0) + own.port() - ports.bootstrapAddress().port();
        }
        if (port < 1 || port > 65_535) {
            return own; // a node description that cannot be right; never advertise an impossible port
        }
        return node.advertisedHost().equals(own.host()) && port == own.port()
                ? own : new HostPort(node.advertisedHost(), port);
    }

    @Override
    public HostPort bootstrapAddress() {
        return ports.bootstrapAddress();
    }

    /** Stops following the membership (the membership itself is the host's to leave). */
    @Override
    public void close() {
        registration.close();
    }

    @Override
    public String toString() {
        return "BalancedRouting{ports=" + ports + ", nodes=" + mapping + "}";
    }

    /** Builds a {@link BalancedRouting}. Not thread-safe. */
    public static final class Builder {
        private @Nullable PortPerBrokerRouting ports;
        private @Nullable Membership membership;

        private Builder() {}

        /** This node's port plan; its advertised host is this node's. Required. */
        public Builder ports(PortPerBrokerRouting ports) {
            this.ports = Objects.requireNonNull(ports, "ports");
            return this;
        }

        /** The gateway nodes to spread clients over. Required. */
        public Builder membership(Membership membership) {
            this.membership = Objects.requireNonNull(membership, "membership");
            return this;
        }

        /**
         * Builds the strategy and starts following the membership.
         *
         * @throws IllegalStateException when a required setting is missing
         */
        public BalancedRouting build() {
            if (ports == null) {
                throw new IllegalStateException("ports(...) is required: this node's PortPerBrokerRouting");
            }
            if (membership == null) {
                throw new IllegalStateException("membership(...) is required");
            }
            return new BalancedRouting(ports, membership);
        }
    }
}
