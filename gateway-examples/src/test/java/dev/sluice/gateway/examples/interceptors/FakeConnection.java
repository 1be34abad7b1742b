package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A connection of gateway {@code gw-test} from {@code 10.1.2.3:40000}, with the identity given. */
record FakeConnection(@Nullable String clientId, @Nullable String saslPrincipal, @Nullable String tlsPrincipal,
        Map<AttributeKey<?>, Object> attributes) implements ConnectionContext {

    static final InetSocketAddress REMOTE = InetSocketAddress.createUnresolved("10.1.2.3", 40_000);

    static FakeConnection of(@Nullable String clientId, @Nullable String saslPrincipal) {
        return new FakeConnection(clientId, saslPrincipal, null, new HashMap<>());
    }

    @Override
    public long id() {
        return 7;
    }

    @Override
    public String gatewayName() {
        return "gw-test";
    }

    @Override
    public ListenerSpec listener() {
        return ListenerSpec.bootstrap(9192);
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return REMOTE;
    }

    @Override
    public @Nullable String clientSoftwareName() {
        return null;
    }

    @Override
    public @Nullable String clientSoftwareVersion() {
        return null;
    }

    @Override
    public @Nullable String tlsServerName() {
        return null;
    }

    @Override
    public @Nullable String saslMechanism() {
        return saslPrincipal == null ? null : "PLAIN";
    }

    @Override
    public boolean authenticated() {
        return saslPrincipal != null;
    }

    @Override
    public <T> @Nullable T attribute(AttributeKey<T> key) {
        return key.type().cast(attributes.get(key));
    }

    @Override
    public <T> @Nullable T setAttribute(AttributeKey<T> key, @Nullable T value) {
        return key.type().cast(value == null ? attributes.remove(key) : attributes.put(key, value));
    }
}
