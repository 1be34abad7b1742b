/**
 * Memberships of gateway nodes that Sluice ships, implementing {@link
 * dev.sluice.gateway.api.membership.Membership}: {@link dev.sluice.gateway.membership.StaticMembership},
 * where the host supplies the list of nodes itself, and {@link
 * dev.sluice.gateway.membership.KafkaMembership}, where nodes find each other through a consumer group
 * on the upstream Kafka cluster.
 *
 * <pre>{@code
 * StaticMembership membership = StaticMembership.of(peersFromConfig);
 * membership.join(self).toCompletableFuture().join();
 * }</pre>
 */
@NullMarked
package dev.sluice.gateway.membership;

import org.jspecify.annotations.NullMarked;
