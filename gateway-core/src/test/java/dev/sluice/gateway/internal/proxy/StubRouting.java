package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.ListenerManager;
import dev.sluice.gateway.internal.cluster.Route;
import dev.sluice.gateway.internal.codec.FrameLimits;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A routing strategy that plans no listener (so no socket is ever bound) and advertises
 * {@code gateway.test:(30000 + id)} for every broker id below {@link #UNROUTED_ID}, and nothing
 * for the others.
 */
final class StubRouting implements RoutingStrategy {

    static final String HOST = "gateway.test";
    static final int UNROUTED_ID = 1_000;

    static HostPort advertised(int brokerId) {
        return new HostPort(HOST, 30_000 + brokerId);
    }

    /** A registry over this routing whose listener manager must never bind anything. */
    static BrokerRegistry registry() {
        ListenerManager listeners = new ListenerManager(new ServerBootstrap(), "127.0.0.1", (route, spec) -> {
            throw new AssertionError("the test routing plans no listener, yet " + spec + " was bound");
        });
        return new BrokerRegistry(List.of(Route.plaintext("stub", new StubRouting())), listeners, 0, System::nanoTime, List.of());
    }

    /**
     * A session of the registry's (only) route on an unconnected embedded channel: what response
     * processors need to know which addresses a client is told.
     */
    static ProxySession session(BrokerRegistry registry) {
        ProxyConfig config = new ProxyConfig(FrameLimits.unauthenticated(1 << 20), FrameLimits.unauthenticated(1 << 20),
                5, 10, 1_000, 32 * 1024, 64 * 1024, "test", 0);
        ProxyRuntime runtime = new ProxyRuntime(config, registry, NioSocketChannel.class,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), List.of(), GatewayEventListener.noop(), null);
        return new ProxySession(runtime, new EmbeddedChannel(), new SessionContext(1, "test",
                registry.routes().get(0), ListenerSpec.bootstrap(9092), new InetSocketAddress("127.0.0.1", 1)));
    }

    @Override
    public List<ListenerSpec> plan(Collection<BrokerNode> brokers) {
        return List.of();
    }

    @Override
    public @Nullable HostPort advertisedAddress(int brokerId) {
        return brokerId < UNROUTED_ID ? advertised(brokerId) : null;
    }

    @Override
    public HostPort bootstrapAddress() {
        return advertised(0);
    }
}
