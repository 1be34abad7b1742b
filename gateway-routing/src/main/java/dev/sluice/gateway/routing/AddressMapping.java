package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Tells the {@link BrokerAddressRewriter} which address clients must see for an upstream broker.
 *
 * <p>Called once per broker entry of a rewritten response, on the thread that rewrites it (an event
 * loop): it MUST be fast, MUST NOT block and SHOULD NOT throw (an exception propagates out of the
 * rewrite, and the message is then partly rewritten).
 *
 * <h2>Pitfalls</h2>
 * Returning {@code null} leaves the entry as it is, which shows the client the <em>real</em> broker
 * address. Learn the brokers of a response first ({@link BrokerAddressRewriter#brokersIn}), plan
 * them, and only then rewrite, so that the mapping knows every broker it is asked about.
 *
 * <pre>{@code
 * AddressMapping mapping = AddressMapping.fromRouting(routing);
 * AddressMapping fixed = upstream -> new HostPort("gateway.example.com", 9092);
 * }</pre>
 */
@FunctionalInterface
public interface AddressMapping {

    /**
     * The address clients must use for {@code upstreamBroker}, or {@code null} to leave the entry
     * unchanged.
     *
     * @param upstreamBroker the broker as the response names it: id, real host and port, and rack
     *     ({@code null} for entries that carry none, such as FindCoordinator's)
     */
    @Nullable HostPort advertisedAddress(BrokerNode upstreamBroker);

    /**
     * A mapping that asks {@code routing} for the broker's id: {@code
     * routing.advertisedAddress(upstreamBroker.id())}.
     */
    static AddressMapping fromRouting(RoutingStrategy routing) {
        Objects.requireNonNull(routing, "routing");
        return upstreamBroker -> routing.advertisedAddress(upstreamBroker.id());
    }
}
