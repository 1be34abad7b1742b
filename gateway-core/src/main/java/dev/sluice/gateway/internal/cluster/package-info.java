/**
 * What the gateway knows about the upstream cluster: the broker registry fed by the cluster monitor
 * and by the responses flowing through, and the listener manager that keeps one server socket per
 * entry of the routing strategy's plan.
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 */
@NullMarked
package dev.sluice.gateway.internal.cluster;

import org.jspecify.annotations.NullMarked;
