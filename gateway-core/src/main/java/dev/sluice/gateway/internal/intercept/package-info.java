/**
 * The interceptor runtime: the chain engine that runs registered interceptors over a request and its
 * response, and the error responses it answers failures with. Netty-free, so that the test kit's
 * network-less harness runs the very same engine.
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 */
@NullMarked
package dev.sluice.gateway.internal.intercept;

import org.jspecify.annotations.NullMarked;
