/**
 * The Sluice SPI: the contracts a host implements or configures, and the value types they speak in.
 *
 * <p>This package has no dependency on Netty or on kafka-clients. Its types describe brokers
 * ({@link dev.sluice.gateway.api.BrokerNode}), addresses ({@link dev.sluice.gateway.api.HostPort})
 * and routing ({@link dev.sluice.gateway.api.RoutingStrategy}, {@link
 * dev.sluice.gateway.api.ListenerSpec}); the runtime that uses them lives in {@code gateway-core},
 * the shipped routing strategies in {@code gateway-routing}.
 *
 * <p>Every type is null-hostile unless a parameter or return value says {@code @Nullable}.
 */
@NullMarked
package dev.sluice.gateway.api;

import org.jspecify.annotations.NullMarked;
