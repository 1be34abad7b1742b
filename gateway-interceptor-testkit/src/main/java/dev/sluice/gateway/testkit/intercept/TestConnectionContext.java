package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.AttributeKey;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A {@link ConnectionContext} whose identity the test sets: who the client is, as the gateway would
 * have learnt it from the protocol and TLS. Also useful alone, to test an {@code InterceptorSpec}'s
 * {@code when(...)} predicate.
 *
 * <pre>{@code
 * InterceptorTester tester = InterceptorTester.builder(spec)
 *         .connection(c -> c.clientId("billing").saslPrincipal("alice").authenticated(true))
 *         .build();
 * tester.connection().context().saslPrincipal("bob");      // re-authenticated as bob
 * assertThat(spec.appliesTo(new TestConnectionContext().saslPrincipal("alice"))).isTrue();
 * }</pre>
 *
 * <p>Defaults: id 1, gateway name {@code "test-gateway"}, the bootstrap listener on port 9092, a
 * loopback client address, no client id, software, TLS or SASL identity, not authenticated. Unlike
 * the gateway, the tester never changes identity on its own, with one exception: the client id of a
 * connection's first request fills {@link #clientId()} when the test left it unset, as the gateway
 * reads it.
 *
 * <p>Setters return {@code this}; accessors follow {@link ConnectionContext}. Not thread-safe: use it
 * on the test's thread, as interceptors use a context on the connection's event loop.
 */
public final class TestConnectionContext implements ConnectionContext {

    private long id = 1;
    private String gatewayName = "test-gateway";
    private ListenerSpec listener = ListenerSpec.bootstrap(9092);
    private InetSocketAddress remoteAddress = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50_000);
    private @Nullable String clientId;
    private @Nullable String clientSoftwareName;
    private @Nullable String clientSoftwareVersion;
    private @Nullable String tlsPrincipal;
    private @Nullable String tlsServerName;
    private @Nullable String saslMechanism;
    private @Nullable String saslPrincipal;
    private boolean authenticated;
    private final Map<AttributeKey<?>, Object> attributes = new HashMap<>();

    @Override
    public long id() {
        return id;
    }

    public TestConnectionContext id(long id) {
        this.id = id;
        return this;
    }

    @Override
    public String gatewayName() {
        return gatewayName;
    }

    public TestConnectionContext gatewayName(String gatewayName) {
        this.gatewayName = Objects.requireNonNull(gatewayName, "gatewayName");
        return this;
    }

    @Override
    public ListenerSpec listener() {
        return listener;
    }

    public TestConnectionContext listener(ListenerSpec listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remoteAddress;
    }

    public TestConnectionContext remoteAddress(InetSocketAddress remoteAddress) {
        this.remoteAddress = Objects.requireNonNull(remoteAddress, "remoteAddress");
        return this;
    }

    @Override
    public @Nullable String clientId() {
        return clientId;
    }

    public TestConnectionContext clientId(@Nullable String clientId) {
        this.clientId = clientId;
        return this;
    }

    @Override
    public @Nullable String clientSoftwareName() {
        return clientSoftwareName;
    }

    @Override
    public @Nullable String clientSoftwareVersion() {
        return clientSoftwareVersion;
    }

    /** The client software, as ApiVersions v3+ names it. */
    public TestConnectionContext clientSoftware(@Nullable String name, @Nullable String version) {
        this.clientSoftwareName = name;
        this.clientSoftwareVersion = version;
        return this;
    }

    @Override
    public @Nullable String tlsPrincipal() {
        return tlsPrincipal;
    }

    public TestConnectionContext tlsPrincipal(@Nullable String tlsPrincipal) {
        this.tlsPrincipal = tlsPrincipal;
        return this;
    }

    @Override
    public @Nullable String tlsServerName() {
        return tlsServerName;
    }

    /** Sets the TLS server name (SNI) the client asked for. */
    public TestConnectionContext tlsServerName(@Nullable String tlsServerName) {
        this.tlsServerName = tlsServerName;
        return this;
    }

    @Override
    public @Nullable String saslMechanism() {
        return saslMechanism;
    }

    public TestConnectionContext saslMechanism(@Nullable String saslMechanism) {
        this.saslMechanism = saslMechanism;
        return this;
    }

    @Override
    public @Nullable String saslPrincipal() {
        return saslPrincipal;
    }

    public TestConnectionContext saslPrincipal(@Nullable String saslPrincipal) {
        this.saslPrincipal = saslPrincipal;
        return this;
    }

    @Override
    public boolean authenticated() {
        return authenticated;
    }

    public TestConnectionContext authenticated(boolean authenticated) {
        this.authenticated = authenticated;
        return this;
    }

    @Override
    public <T> @Nullable T attribute(AttributeKey<T> key) {
        Objects.requireNonNull(key, "key");
        return key.type().cast(attributes.get(key));
    }

    @Override
    public <T> @Nullable T setAttribute(AttributeKey<T> key, @Nullable T value) {
        Objects.requireNonNull(key, "key");
        Object previous = value == null ? attributes.remove(key) : attributes.put(key, key.type().cast(value));
        return key.type().cast(previous);
    }

    @Override
    public String toString() {
        return "test connection " + id + (clientId == null ? "" : " (" + clientId + ")");
    }
}
