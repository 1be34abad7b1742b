package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.FrameLimits;

/**
 * The per-connection settings of the data path, fixed when the gateway is built.
 *
 * @param clientLimits frame limits on requests from clients
 * @param upstreamLimits frame limits on responses from brokers
 * @param maxInFlightRequests requests of one client awaiting responses before the gateway stops
 *     reading from that client
 * @param maxConnections client connections the gateway accepts at once; more are closed on accept
 * @param connectTimeoutMillis how long opening an upstream connection may take
 * @param writeBufferLowWaterMark bytes queued for a peer below which reads resume
 * @param writeBufferHighWaterMark bytes queued for a peer above which the other side stops reading
 * @param gatewayName the gateway's name, for connection contexts and logs
 * @param interceptorTimeoutNanos how long one interceptor may take over a request; 0 for no limit
 */
public record ProxyConfig(
        FrameLimits clientLimits,
        FrameLimits upstreamLimits,
        int maxInFlightRequests,
        int maxConnections,
        int connectTimeoutMillis,
        int writeBufferLowWaterMark,
        int writeBufferHighWaterMark,
        String gatewayName,
        long interceptorTimeoutNanos) {}
