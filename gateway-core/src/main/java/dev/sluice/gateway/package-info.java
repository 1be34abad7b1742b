/**
 * The Sluice runtime's public entry point: {@link dev.sluice.gateway.Gateway}, built with {@link
 * dev.sluice.gateway.Gateway#builder()}.
 *
 * <p>Everything under {@code dev.sluice.gateway.internal} is implementation, free to change in any
 * release; the SPI types the builder takes live in {@code dev.sluice.gateway.api} (module {@code
 * gateway-api}) and the shipped routing strategies in {@code dev.sluice.gateway.routing} (module
 * {@code gateway-routing}).
 */
@NullMarked
package dev.sluice.gateway;

import org.jspecify.annotations.NullMarked;
