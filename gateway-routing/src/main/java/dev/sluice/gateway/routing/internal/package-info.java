/**
 * The machinery behind {@code dev.sluice.gateway.routing}: the port allocator and the lock-free
 * address snapshot of port-per-broker routing, the host name rules and broker name pattern of SNI
 * routing, and the table of every place a Kafka response
 * carries a broker address ({@link dev.sluice.gateway.routing.internal.AddressSites}).
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 *
 * <pre>{@code
 * // Where the brokers of a Metadata response sit, and how to read and write them:
 * List<AddressSite<?, ?>> sites = AddressSites.of(ApiKeys.METADATA);
 * }</pre>
 */
@NullMarked
package dev.sluice.gateway.routing.internal;

import org.jspecify.annotations.NullMarked;
