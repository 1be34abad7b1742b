package dev.sluice.gateway.tls;

/**
 * Whether a TLS listener asks clients for a certificate (mutual TLS), and what happens without one.
 *
 * <table>
 *   <caption>What each mode does with a client</caption>
 *   <tr><th>Mode</th><th>No certificate</th><th>Certificate not trusted by {@link ServerTls#clientTrust()}</th></tr>
 *   <tr><td>{@link #NONE}</td><td>accepted</td><td>never asked for, never seen</td></tr>
 *   <tr><td>{@link #REQUESTED}</td><td>accepted, with no peer principal</td><td>handshake refused</td></tr>
 *   <tr><td>{@link #REQUIRED}</td><td>handshake refused</td><td>handshake refused</td></tr>
 * </table>
 *
 * <p>With TLS 1.3 the client learns of a refusal only after it has sent its certificate, as an alert
 * on its first read; with TLS 1.2 its handshake fails.
 */
public enum ClientAuth {
    /** No client certificate is asked for. The default. */
    NONE,
    /** A certificate is asked for; a client without one is accepted, one with an untrusted one refused. */
    REQUESTED,
    /** A trusted client certificate is required; any other client is refused during the handshake. */
    REQUIRED
}
