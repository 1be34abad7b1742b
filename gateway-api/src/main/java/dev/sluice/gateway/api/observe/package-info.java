/**
 * Observing a gateway without changing what flows through it: {@link
 * dev.sluice.gateway.api.observe.GatewayEventListener}, to bind to a host's metrics and logs.
 */
@NullMarked
package dev.sluice.gateway.api.observe;

import org.jspecify.annotations.NullMarked;
