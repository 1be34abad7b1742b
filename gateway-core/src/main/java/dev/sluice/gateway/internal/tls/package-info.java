/**
 * TLS contexts for the gateway's listeners and upstream connections, built from the public {@code
 * dev.sluice.gateway.tls} settings and rebuilt when their files change.
 *
 * <p>{@link dev.sluice.gateway.internal.tls.TlsContexts} reads the files once per build and builds
 * from those bytes; {@link dev.sluice.gateway.internal.tls.ReloadableSslContext} holds the context
 * for new connections and swaps it when the content changed and the new one builds.
 *
 * <p>Internal: not part of Sluice's public API; may change in any release.
 */
@NullMarked
package dev.sluice.gateway.internal.tls;

import org.jspecify.annotations.NullMarked;
