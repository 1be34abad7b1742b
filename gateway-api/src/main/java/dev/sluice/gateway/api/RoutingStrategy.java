package dev.sluice.gateway.api;

import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides which listeners a gateway opens and which address it writes into every response that
 * names a broker.
 *
 * <p>The runtime tells the strategy about the brokers it knows ({@link #plan}), opens and closes
 * listeners to match the returned plan, and asks {@link #advertisedAddress} whenever it rewrites a
 * Metadata, FindCoordinator, DescribeCluster or KIP-951 {@code NodeEndpoints} answer. Sluice ships
 * two: {@code dev.sluice.gateway.routing.PortPerBrokerRouting} (one port per broker) and {@code
 * dev.sluice.gateway.routing.SniRouting} (one TLS port, the broker named by the TLS server name).
 *
 * <p>A gateway may serve several strategies side by side (say plaintext port-per-broker inside the
 * network and SNI outside): each answers for the connections that came in on its own listeners, so a
 * client is always told addresses of the kind it used. Their plans must not share a port.
 *
 * <h2>Threading</h2>
 * {@link #plan} is called by one thread at a time (the runtime serialises changes of the broker
 * set), but not always the same thread. {@link #advertisedAddress} and {@link #bootstrapAddress}
 * are called concurrently from every event loop, on the data path: they must be fast, must not
 * block and must see the effect of the last completed {@code plan} call.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A broker MUST keep its listener (and so its advertised address) for as long as it appears
 *       in the broker set: clients cache addresses across metadata refreshes.
 *   <li>A strategy MUST NOT derive a port from a node id as "base + id": ids are sparse (100, 200,
 *       300) and churn. A derivation must fold ids into its port range and resolve collisions.
 * </ul>
 */
public interface RoutingStrategy {

    /**
     * Returns the complete set of listeners the gateway must have open for the given brokers: the
     * bootstrap listener(s) and whatever the strategy needs to reach each broker.
     *
     * @param brokers every broker the gateway currently knows about (may be empty at start-up)
     * @return the listeners to have open; the runtime closes any not in the list
     */
    List<ListenerSpec> plan(Collection<BrokerNode> brokers);

    /**
     * The address a client must use to reach {@code brokerId}, or {@code null} when the broker is
     * not part of the current plan (the runtime then plans again with the broker included).
     */
    @Nullable HostPort advertisedAddress(int brokerId);

    /**
     * The address to tell one client for {@code brokerId}. Strategies that spread clients over
     * several gateway nodes (internal load balancing) override this; the default tells every client
     * {@link #advertisedAddress(int)}.
     *
     * <p>Same threading rules as {@link #advertisedAddress(int)}: concurrent, fast, non-blocking.
     *
     * @param clientKey who asks, the same on every connection of one client to any gateway node:
     *     the client's IP address and client id, {@code "10.1.2.3/orders-service"}
     */
    default @Nullable HostPort advertisedAddress(int brokerId, String clientKey) {
        return advertisedAddress(brokerId);
    }

    /** The address clients bootstrap from, as they should be told it. */
    HostPort bootstrapAddress();

    /**
     * Routes a connection that arrived on a {@linkplain ListenerSpec#isServerNameRouted() listener
     * routed by server name}: returns what it reaches, as a {@linkplain ListenerSpec#bootstrap
     * bootstrap} or {@linkplain ListenerSpec#broker broker} listener spec on the same port, or {@code
     * null} to refuse it. The gateway calls this during the TLS handshake, before it chooses a
     * certificate or opens any upstream connection; a refused connection is closed, never served by a
     * default.
     *
     * <p>Called concurrently from every event loop; must be fast and must not block. The default
     * refuses every name: strategies that plan no such listener need not override it.
     *
     * @param serverName the SNI host name the client sent, lower case, without a trailing dot; {@code
     *     null} when the client sent none
     * @param port the local port the connection arrived on
     */
    default @Nullable ListenerSpec routeServerName(@Nullable String serverName, int port) {
        return null;
    }
}
