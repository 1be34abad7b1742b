/**
 * Gateway membership: which Sluice nodes currently form one gateway cluster.
 *
 * <p>Several gateway nodes can serve one Kafka cluster as a single gateway. Each node describes
 * itself as a {@link dev.sluice.gateway.api.membership.GatewayNode} (id, advertised host, listener
 * ports, optional rack) and takes part in a {@link dev.sluice.gateway.api.membership.Membership},
 * which knows the set of alive nodes and tells {@linkplain
 * dev.sluice.gateway.api.membership.MembershipListener listeners} when it changes. The routing layer
 * uses that set to decide, per client, which node to advertise for each broker
 * ({@code dev.sluice.gateway.routing.NodeMapping}).
 *
 * <ul>
 *   <li>{@code dev.sluice.gateway.membership.StaticMembership} (gateway-core): the host manages the list itself
 *       (configuration, its own discovery) and calls {@code update} when it changes.
 *   <li>Hosts can plug in their own {@link dev.sluice.gateway.api.membership.Membership} backed by
 *       Kubernetes endpoints, Consul, and the like.
 * </ul>
 *
 * <pre>{@code
 * GatewayNode self = new GatewayNode("gw-1", "gw-1.example.com", List.of(9092, 9093, 9094), "eu-west-1a");
 * StaticMembership membership = StaticMembership.of(peersFromConfig);
 * membership.join(self).toCompletableFuture().join();
 * try (Membership.Registration r = membership.addListener(alive -> log.info("cluster is now {}", alive))) {
 *     ...
 * }
 * membership.leave();
 * }</pre>
 *
 * <p>This package has no dependency on Netty or kafka-clients. Every type is null-hostile unless a
 * parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.api.membership;

import org.jspecify.annotations.NullMarked;
