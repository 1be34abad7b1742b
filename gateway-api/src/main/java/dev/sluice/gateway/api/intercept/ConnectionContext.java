package dev.sluice.gateway.api.intercept;

import dev.sluice.gateway.api.ListenerSpec;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One client connection as the gateway knows it: who the client is (as far as the protocol has
 * told), where it came in, and per-connection state that interceptors share.
 *
 * <p>Identity fills in as the connection goes: the client id with the connection's first request
 * (clients keep one per connection; each request's own is {@link KafkaRequest#clientId()}), the client software with ApiVersions v3+, the SASL mechanism with SaslHandshake, the SASL
 * principal with the first SaslAuthenticate (PLAIN and SCRAM usernames; other mechanisms leave it
 * {@code null}), and {@link #authenticated()} once the broker has accepted the authentication.
 * On a TLS listener, the TLS facts are known before the first request: the server name the client
 * asked for (SNI) and, with client authentication, the subject of the client certificate the gateway
 * verified.
 *
 * <p>Threading: read it and change attributes on the connection's event loop (in an interceptor or a
 * stage callback of its chain). Event listeners may read it from the same thread only.
 */
public interface ConnectionContext {

    /** A number unique among this gateway's connections, for logs and correlation. */
    long id();

    /** The name of the gateway ({@code GatewayBuilder#name}). */
    String gatewayName();

    /**
     * The listener the client connected to: the bootstrap port or the port of one broker. On a
     * listener {@linkplain ListenerSpec#isServerNameRouted() routed by server name} it is what the
     * server name chose, a bootstrap or broker listener on that port.
     */
    ListenerSpec listener();

    /** The client's address. */
    InetSocketAddress remoteAddress();

    /** The client id of the connection's first request, or {@code null} when it carried none. */
    @Nullable String clientId();

    /** {@code client_software_name} from ApiVersions v3+, or {@code null}. */
    @Nullable String clientSoftwareName();

    /** {@code client_software_version} from ApiVersions v3+, or {@code null}. */
    @Nullable String clientSoftwareVersion();

    /**
     * The subject of the client certificate the gateway verified, as an RFC 2253 distinguished name
     * ({@code CN=alice,O=Example}, the form Kafka's own principal builder starts from), or {@code
     * null} on plaintext listeners, without client authentication, or when a client authentication
     * was only requested and the client sent no certificate.
     */
    @Nullable String tlsPrincipal();

    /**
     * The host name the client asked for in its TLS ClientHello (SNI), lower case, or {@code null} on
     * plaintext listeners and when the client sent none. The default returns {@code null}, for
     * implementations (test fakes) written before it existed.
     */
    default @Nullable String tlsServerName() {
        return null;
    }

    /** The SASL mechanism the client asked for, or {@code null} before SaslHandshake. */
    @Nullable String saslMechanism();

    /** The SASL username (PLAIN and SCRAM), or {@code null}. */
    @Nullable String saslPrincipal();

    /** Whether the broker has accepted the client's SASL authentication. */
    boolean authenticated();

    /** The value stored under {@code key}, or {@code null}. */
    <T> @Nullable T attribute(AttributeKey<T> key);

    /** Stores {@code value} under {@code key} (removes it when {@code null}); returns the previous value. */
    <T> @Nullable T setAttribute(AttributeKey<T> key, @Nullable T value);
}
