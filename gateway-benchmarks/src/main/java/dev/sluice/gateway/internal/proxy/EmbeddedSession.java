package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.FrameLimits;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.function.IntFunction;

/**
 * A real {@link ProxySession} between two embedded channels, the data path without sockets, for the
 * benchmarks that drive whole requests through it. Not thread-safe; close it in the trial's tear-down.
 */
final class EmbeddedSession implements AutoCloseable {

    final EmbeddedChannel client = new EmbeddedChannel();
    final EmbeddedChannel upstream = new EmbeddedChannel();
    private final ByteBuf[] responses;
    private int nextUpstreamId;

    /**
     * @param interceptors what the session's gateway intercepts
     * @param maxRequests the most requests one {@link #roundTrip} may carry
     */
    EmbeddedSession(List<InterceptorSpec> interceptors, int maxRequests) {
        ProxyConfig config = new ProxyConfig(FrameLimits.unauthenticated(100 << 20),
                FrameLimits.unauthenticated(100 << 20), 1024, 10, 1000, 256 << 10, 1 << 20, "bench", 0);
        BrokerRegistry registry = BenchmarkFixtures.registry(BenchmarkFixtures.brokers(3));
        ProxySession session = newSession(registry, config, interceptors, client);
        client.pipeline().addLast(session.clientHandler());
        session.attachUpstream(upstream);
        responses = new ByteBuf[maxRequests];
    }

    /** A session of the registry's first route on {@code client}, with nothing attached yet. */
    static ProxySession newSession(BrokerRegistry registry, ProxyConfig config, List<InterceptorSpec> interceptors,
            EmbeddedChannel client) {
        ProxyRuntime runtime = new ProxyRuntime(config, registry, NioSocketChannel.class,
                new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE), interceptors, GatewayEventListener.noop(),
                null);
        return new ProxySession(runtime, client, new SessionContext(1, "bench", registry.routes().get(0),
                ListenerSpec.bootstrap(9092), new InetSocketAddress("127.0.0.1", 40000)));
    }

    /**
     * Sends {@code requests} (a retained duplicate: the caller keeps them) from the client, answers
     * every request the broker side got with {@code response} of its correlation id, and returns how
     * many answers reached the client (all released).
     */
    int roundTrip(ByteBuf requests, IntFunction<ByteBuf> response) {
        client.writeInbound(requests.retainedDuplicate());
        int forwarded = 0;
        ByteBuf out;
        while ((out = upstream.readOutbound()) != null) {
            out.release();
            forwarded++;
        }
        for (int i = 0; i < forwarded; i++) {
            responses[i] = response.apply(nextUpstreamId++);
        }
        for (int i = 0; i < forwarded; i++) {
            upstream.writeInbound(responses[i]);
        }
        int answered = 0;
        while ((out = client.readOutbound()) != null) {
            out.release();
            answered++;
        }
        return answered;
    }

    /** The correlation id the broker side must answer next, taken. */
    int takeUpstreamId() {
        return nextUpstreamId++;
    }

    @Override
    public void close() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }
}
