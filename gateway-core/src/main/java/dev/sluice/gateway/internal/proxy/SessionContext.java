package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.ConnectionContext;
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
    private final ListenerSpec listener;
    private final InetSocketAddress remoteAddress;
    private @Nullable String clientId;
    private @Nullable String softwareName;
    private @Nullable String softwareVersion;
    private @Nullable String saslMechanism;
    private @Nullable String saslPrincipal;
    private boolean authenticated;
    private @Nullable Map<AttributeKey<?>, Object> attributes;

    SessionContext(long id, String gatewayName, ListenerSpec listener, InetSocketAddress remoteAddress) {
        this.id = id;
        this.gatewayName = gatewayName;
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

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    @Override
    public @Nullable String clientId() {
        return clientId;
    }

    void clientId(@Nullable String value) {
        this.clientId = value;
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
        return null; // TLS listeners come with the TLS work; plaintext connections have no certificate
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
