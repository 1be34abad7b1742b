package dev.sluice.gateway.examples;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A routing strategy that does what {@code delegate} does and remembers the broker ids of the last
 * {@link #plan}, so that the demo can tell which host names are in use once the gateway serves (an
 * SNI strategy's single listener does not say).
 *
 * <p>Thread-safe as far as the delegate is: {@link #plan} publishes an immutable list through a
 * {@code volatile} field; the other methods only delegate, so the data path costs one call more.
 */
final class PlanRecordingRouting implements RoutingStrategy {

    private final RoutingStrategy delegate;
    private volatile List<Integer> brokerIds = List.of();

    PlanRecordingRouting(RoutingStrategy delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** The distinct broker ids of the last plan, ascending; empty before the first. */
    List<Integer> brokerIds() {
        return brokerIds;
    }

    @Override
    public List<ListenerSpec> plan(Collection<BrokerNode> brokers) {
        List<ListenerSpec> listeners = delegate.plan(brokers);
        TreeSet<Integer> ids = new TreeSet<>();
        for (BrokerNode broker : brokers) {
            ids.add(broker.id());
        }
        brokerIds = List.copyOf(ids);
        return listeners;
    }

    @Override
    public @Nullable HostPort advertisedAddress(int brokerId) {
        return delegate.advertisedAddress(brokerId);
    }

    @Override
    public @Nullable HostPort advertisedAddress(int brokerId, String clientKey) {
        return delegate.advertisedAddress(brokerId, clientKey);
    }

    @Override
    public HostPort bootstrapAddress() {
        return delegate.bootstrapAddress();
    }

    @Override
    public @Nullable ListenerSpec routeServerName(@Nullable String serverName, int port) {
        return delegate.routeServerName(serverName, port);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
