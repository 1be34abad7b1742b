package dev.sluice.gateway.api.observe;

import dev.sluice.gateway.api.intercept.ConnectionContext;

/**
 * Hears what a gateway does, to bind it to the host's metrics library or logs. Separate from
 * interceptors: a listener observes, it never changes traffic.
 *
 * <p>Every method has a no-op default: implement those you need.
 *
 * <pre>{@code
 * GatewayEventListener metrics = new GatewayEventListener() {
 *     public void requestCompleted(ConnectionContext c, short apiKey, short apiVersion,
 *             int requestBytes, int responseBytes, long latencyNanos) {
 *         latencyTimer(apiKey).record(latencyNanos, TimeUnit.NANOSECONDS);
 *     }
 * };
 * Gateway.builder()...eventListener(metrics)...
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Methods are called on the connection's event loop, for every request: they MUST be fast and
 *       MUST NOT block. Hand anything slow to another thread.
 *   <li>They MUST NOT throw. An exception is caught and logged, and the call is not repeated; it
 *       never affects traffic.
 *   <li>Arguments are primitives and the connection's context, so that a listener on the hot path
 *       allocates nothing the gateway did not already have. The {@link ConnectionContext} is valid
 *       only during the call.
 * </ul>
 */
public interface GatewayEventListener {

    /** A listener that ignores every event. */
    static GatewayEventListener noop() {
        return NoopListener.INSTANCE;
    }

    /**
     * A client connection was accepted (and counted against the connection limit). On a TLS listener
     * this is after the handshake succeeded, so the connection's TLS facts are known; a connection
     * refused during its handshake is reported by {@link #connectionRejected} alone.
     */
    default void connectionOpened(ConnectionContext connection) {}

    /** A client connection closed, after {@code requests} requests and the bytes given. */
    default void connectionClosed(ConnectionContext connection, long requests, long bytesIn, long bytesOut) {}

    /**
     * The client got the response to a request.
     *
     * @param apiKey the request's API key id (vendor keys included, so a {@code short}, not an enum)
     * @param latencyNanos from the request's last byte read to its response's handover to the socket
     */
    default void requestCompleted(ConnectionContext connection, short apiKey, short apiVersion, int requestBytes,
            int responseBytes, long latencyNanos) {}

    /**
     * An interceptor failed a request (threw, completed exceptionally, or timed out); the client got
     * an error response.
     */
    default void interceptorFailed(ConnectionContext connection, String interceptor, short apiKey, short apiVersion,
            Throwable cause) {}

    /**
     * The gateway closed a client connection on purpose: limits, a corrupt stream, an interceptor's
     * wish, or a refused TLS handshake (unknown or missing server name, untrusted certificate, an
     * oversized ClientHello, the handshake deadline, plaintext on a TLS port).
     */
    default void connectionRejected(ConnectionContext connection, String reason) {}
}
