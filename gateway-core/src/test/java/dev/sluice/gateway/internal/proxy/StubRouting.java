package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.ListenerManager;
import io.netty.bootstrap.ServerBootstrap;
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
        ListenerManager listeners = new ListenerManager(new ServerBootstrap(), "127.0.0.1", spec -> {
            throw new AssertionError("the test routing plans no listener, yet " + spec + " was bound");
        });
        return new BrokerRegistry(new StubRouting(), listeners, 0, System::nanoTime, List.of());
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
