package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.internal.cluster.Route;
import java.net.InetSocketAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ConnectionContext} of one proxied connection: identity as the session learns it, and
 * attributes. Written and read on the connection's event loop only.
 */
final class SessionContext implements ConnectionContext {

    private final long id;
    private final String gatewayName;
    private final Route route;
    private ListenerSpec listener;
    private final InetSocketAddress remoteAddress;
    private @Nullable String tlsServerName;
    private @Nullable String tlsPrincipal;
    private @Nullable String clientId;
    private @Nullable String softwareName;
    private @Nullable String softwareVersion;
    private @Nullable String saslMechanism;
    private @Nullable String saslPrincipal;
    private boolean clientIdKnown;
    private boolean authenticated;
    private @Nullable Map<AttributeKey<?>, Object> attributes;

    SessionContext(long id, String gatewayName, Route route, ListenerSpec listener, InetSocketAddress remoteAddress) {
        this.id = id;
        this.gatewayName = gatewayName;
        this.route = route;
        this.listener = listener;
        this.remoteAddress = remoteAddress;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public String gatewayName() {
        return gatewayName;
    }

    @Override
    public ListenerSpec listener() {
        return listener;
    }

    /** The route whose listener the client came in on: its addresses are the ones the client is told. */
    Route route() {
        return route;
    }

    /**
     * Records what the TLS handshake established: the listener the connection now stands for (on a
     * listener routed by server name, the one the server name chose), the server name and the
     * verified client certificate's subject.
     */
    void tlsEstablished(ListenerSpec routedListener, @Nullable String serverName, @Nullable String principal) {
        this.listener = routedListener;
        this.tlsServerName = serverName;
        this.tlsPrincipal = principal;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public @Nullable String clientId() {
        return clientId;
    }

    /** Records the client id of the first request; {@code null} when it sent none. */
    void clientId(@Nullable String value) {
        this.clientId = value;
        this.clientIdKnown = true;
    }

    /** Whether {@link #clientId(String)} has been recorded. */
    boolean clientIdKnown() {
        return clientIdKnown;
    }

    @Override
    public @Nullable String clientSoftwareName() {
        return softwareName;
    }

    @Override
    public @Nullable String clientSoftwareVersion() {
        return softwareVersion;
    }

    void clientSoftware(String name, String version) {
        this.softwareName = name;
        this.softwareVersion = version;
    }

    @Override
    public @Nullable String tlsPrincipal() {
        return tlsPrincipal;
    }

    @Override
    public @Nullable String tlsServerName() {
        return tlsServerName;
    }

    @Override
    public @Nullable String saslMechanism() {
        return saslMechanism;
    }

    void saslMechanism(String mechanism) {
        this.saslMechanism = mechanism;
    }

    @Override
    public @Nullable String saslPrincipal() {
        return saslPrincipal;
    }

    void saslPrincipal(@Nullable String principal) {
        this.saslPrincipal = principal;
    }

    @Override
    public boolean authenticated() {
        return authenticated;
    }

    void authenticated(boolean value) {
        this.authenticated = value;
    }

    @Override
    public <T> @Nullable T attribute(AttributeKey<T> key) {
        Objects.requireNonNull(key, "key");
        return attributes == null ? null : key.type().cast(attributes.get(key));
    }

    @Override
    public <T> @Nullable T setAttribute(AttributeKey<T> key, @Nullable T value) {
        Objects.requireNonNull(key, "key");
        if (value == null) {
            return attributes == null ? null : key.type().cast(attributes.remove(key));
        }
        if (attributes == null) {
            attributes = new IdentityHashMap<>(4);
        }
        return key.type().cast(attributes.put(key, key.type().cast(value)));
    }

    @Override
    public String toString() {
        return "connection " + id + " from " + remoteAddress + (clientId == null ? "" : " (" + clientId + ")");
    }
}
