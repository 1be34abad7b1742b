package dev.sluice.gateway;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.ClusterMonitor.PlainCredentials;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.proxy.ProxyConfig;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.UpstreamTls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Gateway}. Obtain one with {@link Gateway#builder()}.
 *
 * <p>Two settings are required: {@link #upstream} and at least one {@link #routing}. Every limit has a default
 * in the spirit of Kafka's own (listed on each setter) and can be changed. Setters validate their
 * argument at once and throw {@link IllegalArgumentException} quoting the bad value; {@link #build()}
 * checks the combination.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .name("edge")
 *     .upstream("kafka:9092")
 *     .routing(PortPerBrokerRouting.builder().advertisedHost("gw.example.com").bootstrapPort(19092).build())
 *     .maxFrameBytes(50 * 1024 * 1024)
 *     .build();
 * }</pre>
 *
 * <p>TLS: {@link #routing(RoutingStrategy, ServerTls)} terminates TLS on a route's listeners, and
 * {@link #upstreamTls} speaks TLS to the brokers. Routes can be combined, for example plaintext
 * port-per-broker inside the network and SNI routing outside:
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .upstream("kafka-1.internal:9093")
 *     .upstreamTls(UpstreamTls.trusting(Path.of("/etc/kafka/ca.pem")))
 *     .routing(PortPerBrokerRouting.builder().advertisedHost("10.0.0.5").bootstrapPort(9092).build())
 *     .routing(SniRouting.builder()
 *             .listenPort(9443)
 *             .bootstrapHost("bootstrap.gw.example.com")
 *             .brokerHostPattern("broker-$(nodeId).gw.example.com")
 *             .build(),
 *         ServerTls.builder(KeyMaterial.pem(Path.of("/etc/gw/cert.pem"), Path.of("/etc/gw/key.pem"))).build())
 *     .build();
 * }</pre>
 *
 * <p>Not thread-safe; the gateway it builds is.
 */
public final class GatewayBuilder {

    /** Kafka's {@code socket.request.max.bytes} default. */
    public static final int DEFAULT_MAX_FRAME_BYTES = 100 * 1024 * 1024;
    /** Kafka's {@code sasl.server.max.receive.size} default. */
    public static final int DEFAULT_MAX_FRAME_BYTES_BEFORE_AUTHENTICATION = 512 * 1024;

    private String name = "sluice";
    private final List<HostPort> upstream = new ArrayList<>();
    private final List<GatewaySettings.RouteSettings> routes = new ArrayList<>();
    private @Nullable UpstreamTls upstreamTls;
    private GatewaySettings.@Nullable MembershipSettings membership;
    private String bindAddress = "0.0.0.0";
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int maxFrameBytesBeforeAuthentication = DEFAULT_MAX_FRAME_BYTES_BEFORE_AUTHENTICATION;
    private boolean clientsAuthenticate;
    private int maxInFlightRequests = 128;
    private int maxConnections = 10_000;
    private Duration upstreamConnectTimeout = Duration.ofSeconds(10);
    private Duration upstreamRequestTimeout = Duration.ofSeconds(30);
    private Duration metadataRefreshInterval = Duration.ofSeconds(30);
    private Duration brokerRemovalDelay = Duration.ofMinutes(1);
    private Duration startupTimeout = Duration.ofSeconds(60);
    private int ioThreads = Runtime.getRuntime().availableProcessors();
    private int writeBufferLowWaterMark = 256 * 1024;
    private int writeBufferHighWaterMark = 1024 * 1024;
    private @Nullable PlainCredentials upstreamPlain;
    private final List<InterceptorSpec> interceptors = new ArrayList<>();
    private GatewayEventListener eventListener = GatewayEventListener.noop();
    private boolean eventListenerSet;
    private Duration interceptorTimeout = Duration.ofSeconds(30);

    GatewayBuilder() {}

    /** A name for logs and thread names ({@code <name>-io-1}). Default {@code sluice}. */
    public GatewayBuilder name(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }

    /**
     * The upstream cluster's bootstrap servers, {@code HOST:PORT[,HOST:PORT...]}. Used to discover
     * the brokers; after that the gateway connects to brokers at the addresses they advertise.
     * Required. Replaces earlier calls.
     */
    public GatewayBuilder upstream(String bootstrapServers) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        List<HostPort> parsed = new ArrayList<>();
        for (String part : bootstrapServers.split(",")) {
            if (!part.isBlank()) {
                parsed.add(HostPort.parse(part));
            }
        }
        if (parsed.isEmpty()) {
            throw new IllegalArgumentException("no bootstrap server in '" + bootstrapServers + "'");
        }
        upstream.clear();
        upstream.addAll(parsed);
        return this;
    }

    /** The upstream cluster's bootstrap servers. Required. Replaces earlier calls. */
    public GatewayBuilder upstream(List<HostPort> bootstrapServers) {
        if (Objects.requireNonNull(bootstrapServers, "bootstrapServers").isEmpty()) {
            throw new IllegalArgumentException("at least one bootstrap server is required");
        }
        upstream.clear();
        upstream.addAll(List.copyOf(bootstrapServers));
        return this;
    }

    /**
     * Adds a plaintext route: how listeners are laid out and which addresses answers advertise to the
     * clients that come in on them. At least one route is required; call again (here or with {@link
     * #routing(RoutingStrategy, ServerTls)}) to serve several side by side. Their listeners must not
     * share a port; each client is told the addresses of the route it came in on.
     */
    public GatewayBuilder routing(RoutingStrategy routing) {
        return addRoute(routing, null);
    }

    /**
     * Adds a route whose listeners terminate TLS with {@code tls}: the certificate must cover every
     * host name the strategy advertises. A strategy that routes by server name (SNI), such as {@code
     * SniRouting}, needs this form.
     */
    public GatewayBuilder routing(RoutingStrategy routing, ServerTls tls) {
        return addRoute(routing, Objects.requireNonNull(tls, "tls"));
    }

    private GatewayBuilder addRoute(RoutingStrategy routing, @Nullable ServerTls tls) {
        Objects.requireNonNull(routing, "routing");
        for (GatewaySettings.RouteSettings route : routes) {
            if (route.strategy() == routing) {
                throw new IllegalArgumentException("routing " + routing + " is already added; a strategy serves one route");
            }
        }
        routes.add(new GatewaySettings.RouteSettings(routing, tls));
        return this;
    }

    /**
     * Makes this gateway one node of a gateway cluster: {@link Gateway#start()} joins {@code
     * membership} as {@code self} once its listeners are open and the brokers are known (the start
     * completes when the node is a member), and {@link Gateway#shutdown(Duration)} leaves it first,
     * so the other nodes stop advertising this one, then drains its connections with its listeners
     * still open (clients with stale metadata still get in, and are told the other nodes), then
     * closes. Pair it with a routing that follows the same membership, such as {@code
     * BalancedRouting}. Default: no membership.
     */
    public GatewayBuilder membership(Membership membership, GatewayNode self) {
        this.membership = new GatewaySettings.MembershipSettings(Objects.requireNonNull(membership, "membership"),
                Objects.requireNonNull(self, "self"));
        return this;
    }

    /**
     * Speaks TLS to the brokers, on the gateway's own connection and every client's. The brokers'
     * advertised listener must be a TLS one, and its certificate must match the advertised host
     * names while hostname verification is on (the default). Default: plaintext.
     */
    public GatewayBuilder upstreamTls(UpstreamTls tls) {
        this.upstreamTls = Objects.requireNonNull(tls, "tls");
        return this;
    }

    /** The local address listeners bind. Default {@code 0.0.0.0} (every interface). */
    public GatewayBuilder bindAddress(String bindAddress) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isBlank()) {
            throw new IllegalArgumentException("bindAddress must not be blank");
        }
        this.bindAddress = bindAddress;
        return this;
    }

    /**
     * The largest frame accepted from a client (after authentication) or a broker. A larger
     * declared size closes the connection before anything is buffered. Default 100 MiB.
     */
    public GatewayBuilder maxFrameBytes(int bytes) {
        this.maxFrameBytes = positive("maxFrameBytes", bytes);
        return this;
    }

    /**
     * The largest frame accepted from a client that has not authenticated yet, when {@link
     * #clientsAuthenticate(boolean) clients authenticate}. Default 512 KiB.
     */
    public GatewayBuilder maxFrameBytesBeforeAuthentication(int bytes) {
        this.maxFrameBytesBeforeAuthentication = positive("maxFrameBytesBeforeAuthentication", bytes);
        return this;
    }

    /**
     * Whether clients authenticate with SASL (passed through to the brokers). When {@code true}, a
     * client's frames are held to {@link #maxFrameBytesBeforeAuthentication} until a broker has
     * accepted its authentication. Default {@code false}.
     */
    public GatewayBuilder clientsAuthenticate(boolean clientsAuthenticate) {
        this.clientsAuthenticate = clientsAuthenticate;
        return this;
    }

    /**
     * Requests of one connection awaiting a response before the gateway stops reading that
     * connection (backpressure, not an error). Default 128.
     */
    public GatewayBuilder maxInFlightRequestsPerConnection(int requests) {
        this.maxInFlightRequests = positive("maxInFlightRequestsPerConnection", requests);
        return this;
    }

    /** Client connections open at once; more are closed as they are accepted. Default 10,000. */
    public GatewayBuilder maxConnections(int connections) {
        this.maxConnections = positive("maxConnections", connections);
        return this;
    }

    /** How long opening a connection to a broker may take. Default 10 s. */
    public GatewayBuilder upstreamConnectTimeout(Duration timeout) {
        this.upstreamConnectTimeout = positive("upstreamConnectTimeout", timeout);
        return this;
    }

    /** How long the gateway's own requests to the cluster (broker discovery) may take. Default 30 s. */
    public GatewayBuilder upstreamRequestTimeout(Duration timeout) {
        this.upstreamRequestTimeout = positive("upstreamRequestTimeout", timeout);
        return this;
    }

    /** How often the gateway asks the cluster for its brokers. Default 30 s. */
    public GatewayBuilder metadataRefreshInterval(Duration interval) {
        this.metadataRefreshInterval = positive("metadataRefreshInterval", interval);
        return this;
    }

    /**
     * How long a broker must be missing from the cluster before its listener closes and its port
     * may serve another broker. Covers rolling restarts. Default 1 min; zero closes at once.
     */
    public GatewayBuilder brokerRemovalDelay(Duration delay) {
        Objects.requireNonNull(delay, "brokerRemovalDelay");
        if (delay.isNegative()) {
            throw new IllegalArgumentException("brokerRemovalDelay must not be negative, was " + delay);
        }
        this.brokerRemovalDelay = delay;
        return this;
    }

    /** How long {@link Gateway#start()} keeps trying to reach the upstream cluster. Default 60 s. */
    public GatewayBuilder startupTimeout(Duration timeout) {
        this.startupTimeout = positive("startupTimeout", timeout);
        return this;
    }

    /** Threads serving connections. Default: the number of available processors. */
    public GatewayBuilder ioThreads(int threads) {
        this.ioThreads = positive("ioThreads", threads);
        return this;
    }

    /**
     * Bytes queued for writing to one peer above which the gateway stops reading from the other
     * side, and below which it resumes. Defaults 1 MiB and 256 KiB.
     */
    public GatewayBuilder writeBufferWaterMarks(int lowBytes, int highBytes) {
        positive("writeBufferWaterMarks low", lowBytes);
        positive("writeBufferWaterMarks high", highBytes);
        if (lowBytes > highBytes) {
            throw new IllegalArgumentException("low water mark " + lowBytes + " is above high water mark " + highBytes);
        }
        this.writeBufferLowWaterMark = lowBytes;
        this.writeBufferHighWaterMark = highBytes;
        return this;
    }

    /**
     * Adds an interceptor. Interceptors run in the order they are added on requests, and in reverse
     * on responses. Requests of API keys no interceptor names are never decoded.
     *
     * <pre>{@code
     * builder.intercept(InterceptorSpec.on(Api.CREATE_TOPICS).use(new TopicNamingPolicy()));
     * }</pre>
     */
    public GatewayBuilder intercept(InterceptorSpec spec) {
        Objects.requireNonNull(spec, "spec");
        for (InterceptorSpec existing : interceptors) {
            if (existing == spec) {
                throw new IllegalArgumentException("interceptor " + spec.name() + " is already registered");
            }
        }
        interceptors.add(spec);
        return this;
    }

    /**
     * How long one interceptor may take over a request before the client gets REQUEST_TIMED_OUT for
     * it (the interceptor's late result is then ignored). Default 30 s.
     */
    public GatewayBuilder interceptorTimeout(Duration timeout) {
        this.interceptorTimeout = positive("interceptorTimeout", timeout);
        return this;
    }

    /** Receives the gateway's events (connections, requests, interceptor failures). Default: none. */
    public GatewayBuilder eventListener(GatewayEventListener listener) {
        Objects.requireNonNull(listener, "listener");
        if (eventListenerSet) {
            throw new IllegalStateException("an event listener is already set (" + eventListener.getClass().getName()
                    + "); combine several in one listener of your own");
        }
        this.eventListener = listener;
        this.eventListenerSet = true;
        return this;
    }

    /**
     * SASL/PLAIN credentials for the gateway's <em>own</em> connection to the cluster (broker
     * discovery), for clusters whose listener requires SASL. The principal needs only to describe
     * the cluster. Client connections are not affected: clients authenticate themselves, through the
     * gateway. Default: none (the gateway's own connection does not authenticate).
     */
    public GatewayBuilder upstreamSaslPlain(String username, String password) {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (username.isEmpty()) {
            throw new IllegalArgumentException("username must not be empty");
        }
        this.upstreamPlain = new PlainCredentials(username, password);
        return this;
    }

    /**
     * Builds the gateway (not started).
     *
     * @throws IllegalStateException when a required setting is missing or settings conflict
     */
    public Gateway build() {
        if (upstream.isEmpty()) {
            throw new IllegalStateException("upstream(...) is required: the cluster's bootstrap servers");
        }
        if (routes.isEmpty()) {
            throw new IllegalStateException("routing(...) is required, e.g. PortPerBrokerRouting.builder()...build()");
        }
        if (maxFrameBytesBeforeAuthentication > maxFrameBytes) {
            throw new IllegalStateException("maxFrameBytesBeforeAuthentication (" + maxFrameBytesBeforeAuthentication
                    + ") must not exceed maxFrameBytes (" + maxFrameBytes + ")");
        }
        ProxyConfig proxy = new ProxyConfig(
                new FrameLimits(maxFrameBytes, maxFrameBytesBeforeAuthentication, clientsAuthenticate),
                FrameLimits.unauthenticated(maxFrameBytes),
                maxInFlightRequests,
                maxConnections,
                (int) Math.min(Integer.MAX_VALUE, upstreamConnectTimeout.toMillis()),
                writeBufferLowWaterMark,
                writeBufferHighWaterMark,
                name,
                interceptorTimeout.toNanos());
        return new Gateway(new GatewaySettings(name, List.copyOf(upstream), List.copyOf(routes), bindAddress, proxy,
                ioThreads, upstreamRequestTimeout, metadataRefreshInterval, brokerRemovalDelay, startupTimeout,
                upstreamPlain, upstreamTls, List.copyOf(interceptors), eventListener, membership));
    }

    private static int positive(String what, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }

    private static Duration positive(String what, Duration value) {
        Objects.requireNonNull(value, what);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(what + " must be positive, was " + value);
        }
        return value;
    }
}
