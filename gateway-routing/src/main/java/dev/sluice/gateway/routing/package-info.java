/**
 * Routing strategies and broker address rewriting: how clients reach brokers through the gateway.
 *
 * <ul>
 *   <li>{@link dev.sluice.gateway.routing.PortPerBrokerRouting}: a {@link
 *       dev.sluice.gateway.api.RoutingStrategy} that gives every broker its own port on one
 *       advertised host, dense and stable whatever the broker ids.
 *   <li>{@link dev.sluice.gateway.routing.SniRouting}: a {@link
 *       dev.sluice.gateway.api.RoutingStrategy} that serves the whole cluster on one TLS port and
 *       routes each connection by the host name the client sends in its TLS handshake (SNI), such as
 *       {@code broker-100.gw.example.com}.
 *   <li>{@link dev.sluice.gateway.routing.BalancedRouting}: internal load balancing over several
 *       gateway nodes: each node's own port plan, and per client and broker the host of one alive
 *       node of a membership.
 *   <li>{@link dev.sluice.gateway.routing.NodeMapping}: which alive gateway node a client is told to
 *       use for each broker when no load balancer stands in front (rendezvous hashing salted per
 *       client, rack-aware, moving as few brokers as possible when nodes come and go).
 *   <li>{@link dev.sluice.gateway.routing.BrokerAddressRewriter}: finds the brokers a decoded
 *       response names (Metadata, FindCoordinator, DescribeCluster, and the {@code nodeEndpoints} of
 *       Produce, Fetch, ShareFetch and ShareAcknowledge) and replaces their addresses in place.
 *   <li>{@link dev.sluice.gateway.routing.AddressMapping}: the one-method SPI that tells the rewriter
 *       which address to advertise for an upstream broker.
 * </ul>
 *
 * <pre>{@code
 * PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
 *         .advertisedHost("kafka.example.com")
 *         .bootstrapPort(9092)
 *         .build();
 * routing.plan(BrokerAddressRewriter.brokersIn(metadata, version)); // Metadata names every live broker
 * BrokerAddressRewriter.rewrite(metadata, version, AddressMapping.fromRouting(routing));
 * }</pre>
 *
 * <p>This module has no Netty dependency: it is pure logic over kafka-clients' generated message
 * classes. Those classes are not a stable Kafka API; the types here that take them follow the
 * kafka-clients version Sluice is built with. Every type is null-hostile unless a parameter or
 * return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.routing;

import org.jspecify.annotations.NullMarked;
