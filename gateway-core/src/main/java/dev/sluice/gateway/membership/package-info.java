/**
 * Memberships of gateway nodes that Sluice ships, implementing {@link
 * dev.sluice.gateway.api.membership.Membership}: {@link dev.sluice.gateway.membership.StaticMembership},
 * where the host supplies the list of nodes itself.
 *
 * <pre>{@code
 * StaticMembership membership = StaticMembership.of(peersFromConfig);
 * membership.join(self).toCompletableFuture().join();
 * }</pre>
 */
@NullMarked
package dev.sluice.gateway.membership;

import org.jspecify.annotations.NullMarked;
