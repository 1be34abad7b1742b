package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.Route;
import dev.sluice.gateway.internal.tls.UpstreamTlsConnector;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every proxied connection of one gateway shares: settings, the broker registry, the response
 * processors, and the set of open client channels (for draining and connection limits).
 *
 * <p>Thread-safe; one instance per gateway.
 */
public final class ProxyRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyRuntime.class);
    private static final int MAX_SHARED_SOFTWARE_STRINGS = 1024;
    private static final int MAX_SHARED_SOFTWARE_STRING_LENGTH = 64;

    final ProxyConfig config;
    final BrokerRegistry registry;
    final DecodedApis decoded = DecodedApis.standard();
    final ApiVersionsFilter apiVersions = new ApiVersionsFilter(decoded);
    final ResponseProcessors processors;
    final Class<? extends SocketChannel> channelType;
    /**
     * One receive buffer allocator for every upstream channel (each channel gets its own small
     * handle), not one per channel as Netty's default: idle connections are counted in bytes.
     */
    final CompactRecvByteBufAllocator upstreamReceiveAllocator = new CompactRecvByteBufAllocator();
    final WriteBufferWaterMark upstreamWaterMark;
    final List<InterceptorSpec> interceptors;
    final GuardedListener listener;
    final @Nullable UpstreamTlsConnector upstreamTls;
    private final boolean[] interceptedKeys;
    private final AtomicLong connectionIds = new AtomicLong();
    private final ChannelGroup clients;
    private final LongAdder accepted = new LongAdder();
    private final LongAdder upstreamAttempts = new LongAdder();
    private final LongAdder upstreamReadPauses = new LongAdder();
    private final LongAdder streamedResponses = new LongAdder();
    private final ConcurrentHashMap<String, String> clientSoftware = new ConcurrentHashMap<>();

    public ProxyRuntime(ProxyConfig config, BrokerRegistry registry, Class<? extends SocketChannel> channelType,
            ChannelGroup clients, List<InterceptorSpec> interceptors, GatewayEventListener listener,
            @Nullable UpstreamTlsConnector upstreamTls) {
        this.config = config;
        this.upstreamWaterMark = new WriteBufferWaterMark(config.writeBufferLowWaterMark(),
                config.writeBufferHighWaterMark());
        this.upstreamTls = upstreamTls;
        this.registry = registry;
        this.processors = new ResponseProcessors(registry, apiVersions);
        this.channelType = channelType;
        this.clients = clients;
        this.interceptors = List.copyOf(interceptors);
        this.listener = new GuardedListener(listener);
        this.interceptedKeys = new boolean[Short.MAX_VALUE + 1];
        for (InterceptorSpec spec : this.interceptors) {
            for (ApiKeys key : spec.apis()) {
                interceptedKeys[key.id] = true;
            }
        }
    }

    /** Whether any interceptor registered for {@code apiKey}: the one check on the pass-through path. */
    boolean intercepted(short apiKey) {
        return apiKey >= 0 && interceptedKeys[apiKey];
    }

    /**
     * A client software name or version as an earlier connection reported it, if one did: a fleet of
     * clients reports a handful, which every connection then shares. Keeps a bounded number of short
     * strings; any other value is returned as is.
     */
    String sharedClientSoftware(String value) {
        String shared = clientSoftware.get(value);
        if (shared != null) {
            return shared;
        }
        if (value.length() > MAX_SHARED_SOFTWARE_STRING_LENGTH
                || clientSoftware.size() >= MAX_SHARED_SOFTWARE_STRINGS) {
            return value;
        }
        shared = clientSoftware.putIfAbsent(value, value);
        return shared != null ? shared : value;
    }

    long nextConnectionId() {
        return connectionIds.incrementAndGet();
    }

    /** The child handler for connections accepted on {@code listener} of {@code route}. */
    public ChannelHandler clientInitializer(Route route, ListenerSpec listener) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                accept(ch, route, listener);
            }
        };
    }

    private void accept(SocketChannel ch, Route route, ListenerSpec spec) {
        accepted.increment();
        clients.add(ch);
        SessionContext context = new SessionContext(nextConnectionId(), config.gatewayName(), route, spec,
                ch.remoteAddress());
        int open = clients.size();
        if (open > config.maxConnections()) {
            String reason = open - 1 + " client connections open, the limit is " + config.maxConnections();
            LOG.warn("Refusing connection from {}: {}", ch.remoteAddress(), reason);
            listener.connectionRejected(context, reason);
            ch.close();
            return;
        }
        if (route.usesTls()) {
            TlsAcceptor.install(this, ch, context); // the session starts once the handshake succeeded
        } else {
            startSession(ch, context);
        }
    }

    /** Pairs an accepted (and, on a TLS listener, handshaken) client channel with an upstream one. */
    void startSession(Channel ch, SessionContext context) {
        ProxySession session = new ProxySession(this, ch, context);
        ch.pipeline().addLast("session", session.clientHandler());
        session.connectUpstream();
    }

    /** Counts a connection attempt to a broker on behalf of a client. */
    void upstreamConnectionAttempted() {
        upstreamAttempts.increment();
    }

    /** Counts a broker connection whose reads stopped because its client could take no more. */
    void upstreamReadPaused() {
        upstreamReadPauses.increment();
    }

    /** Counts a response passed to its client while it was still arriving. */
    void responseStreamed() {
        streamedResponses.increment();
    }

    /** Responses passed to their clients while still arriving from the broker (cut-through). */
    public long streamedResponses() {
        return streamedResponses.sum();
    }

    /** Streamed Fetch responses whose node endpoints were left out: the rewritten ones did not fit. */
    public long nodeEndpointsDropped() {
        return processors.nodeEndpointsDropped();
    }

    /** How often a client that could take no more bytes made the gateway stop reading its broker. */
    public long upstreamReadPauses() {
        return upstreamReadPauses.sum();
    }

    /** Connections to brokers the data path has tried to open since start (the monitor's excluded). */
    public long upstreamConnectionAttempts() {
        return upstreamAttempts.sum();
    }

    /** Responses whose KIP-951 node endpoints were rewritten so far. */
    public long nodeEndpointRewrites() {
        return processors.nodeEndpointRewrites();
    }

    /** Client connections accepted since start, refused ones included. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Client connections open now, refused ones included until they have closed. */
    public int openConnections() {
        return clients.size();
    }

    /** Every open client channel, refused ones included until they have closed. */
    public ChannelGroup clients() {
        return clients;
    }

    static String describe(Channel channel) {
        return String.valueOf(channel.remoteAddress());
    }
}
