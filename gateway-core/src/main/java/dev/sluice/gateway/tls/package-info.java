/**
 * TLS settings for a gateway: {@link dev.sluice.gateway.tls.ServerTls} for what clients connect to
 * (downstream), {@link dev.sluice.gateway.tls.UpstreamTls} for the gateway's connections to the
 * brokers, and the value types they are made of.
 *
 * <pre>
 *   Kafka client ──TLS (ServerTls: KeyMaterial, ClientAuth, clientTrust)──▶ gateway
 *   gateway      ──TLS (UpstreamTls: TrustMaterial, optional KeyMaterial)──▶ brokers
 * </pre>
 *
 * <p>Everything here is an immutable, thread-safe value; builders validate each setting at once and
 * throw {@link java.lang.IllegalArgumentException} quoting the bad value. Files are named here and
 * read by the gateway: when it starts, and again whenever their content changes (see {@code
 * reloadInterval}), so certificates can be rotated without a restart. No Netty type appears in this
 * package.
 */
@NullMarked
package dev.sluice.gateway.tls;

import org.jspecify.annotations.NullMarked;
