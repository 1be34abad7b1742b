/**
 * The proxy data path: one client connection paired with one upstream connection on the same
 * event loop, the in-flight table that keeps responses in request order, and the response
 * processors that rewrite the few answers that must change.
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 */
@NullMarked
package dev.sluice.gateway.internal.proxy;

import org.jspecify.annotations.NullMarked;
