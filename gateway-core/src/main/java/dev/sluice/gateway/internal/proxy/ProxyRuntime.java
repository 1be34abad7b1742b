package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.FrameDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
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

    final ProxyConfig config;
    final BrokerRegistry registry;
    final DecodedApis decoded = DecodedApis.standard();
    final ApiVersionsFilter apiVersions = new ApiVersionsFilter(decoded);
    final ResponseProcessors processors;
    final Class<? extends SocketChannel> channelType;
    private final ChannelGroup clients;
    private final AtomicInteger connections = new AtomicInteger();
    private final LongAdder accepted = new LongAdder();

    public ProxyRuntime(ProxyConfig config, BrokerRegistry registry,
            Class<? extends SocketChannel> channelType, ChannelGroup clients) {
        this.config = config;
        this.registry = registry;
        this.processors = new ResponseProcessors(registry, apiVersions);
        this.channelType = channelType;
        this.clients = clients;
    }

    /** The child handler for connections accepted on {@code listener}. */
    public ChannelHandler clientInitializer(ListenerSpec listener) {
        return new ChannelInitializer<SocketChannel>() {
            @Override
            protected void initChannel(SocketChannel ch) {
                accept(ch, listener);
            }
        };
    }

    private void accept(SocketChannel ch, ListenerSpec listener) {
        accepted.increment();
        int open = connections.incrementAndGet();
        ch.closeFuture().addListener(f -> connections.decrementAndGet());
        if (open > config.maxConnections()) {
            LOG.warn("Refusing connection from {}: {} client connections open, the limit is {}",
                    ch.remoteAddress(), open - 1, config.maxConnections());
            ch.close();
            return;
        }
        clients.add(ch);
        ProxySession session = new ProxySession(this, ch, listener);
        FrameDecoder decoder = new FrameDecoder(config.clientLimits(), true, "client");
        ch.pipeline().addLast("frames", decoder);
        ch.pipeline().addLast("session", session.clientHandler(decoder));
        session.connectUpstream();
    }

    /** Responses whose KIP-951 node endpoints were rewritten so far. */
    public long nodeEndpointRewrites() {
        return processors.nodeEndpointRewrites();
    }

    /** Client connections accepted since start, refused ones included. */
    public long acceptedConnections() {
        return accepted.sum();
    }

    /** Client connections open now. */
    public int openConnections() {
        return connections.get();
    }

    /** Every open client channel. */
    public ChannelGroup clients() {
        return clients;
    }

    static String describe(Channel channel) {
        return String.valueOf(channel.remoteAddress());
    }
}
