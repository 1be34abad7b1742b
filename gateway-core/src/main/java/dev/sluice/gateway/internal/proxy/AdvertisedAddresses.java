package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.AddressMapping;
import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * One routing strategy's answer for every broker a response names: the addresses of the route a
 * connection came in on, for the client the connection belongs to (its IP address and client id,
 * which strategies that spread clients over gateway nodes key on). Fails closed: a broker the strategy has no address for aborts the rewrite
 * (and closes the connection) rather than leak the broker's real address to the client.
 */
final class AdvertisedAddresses implements AddressMapping {

    private final RoutingStrategy strategy;
    private final SessionContext context;
    private @Nullable String clientKey;

    AdvertisedAddresses(RoutingStrategy strategy, SessionContext context) {
        this.strategy = strategy;
        this.context = context;
    }

    @Override
    public HostPort advertisedAddress(BrokerNode upstreamBroker) {
        HostPort address = strategy.advertisedAddress(upstreamBroker.id(), clientKey());
        if (address == null) {
            throw new GatewayException("routing has no address for broker " + upstreamBroker.id()
                    + "; refusing to pass its real address " + upstreamBroker.address() + " to the client");
        }
        return address;
    }

    /** The IP address and client id; fixed once the client id is known (with the first request). */
    private String clientKey() {
        String key = clientKey;
        if (key == null) {
            InetSocketAddress remote = context.remoteAddress();
            String host = remote.getAddress() != null ? remote.getAddress().getHostAddress() : remote.getHostString();
            String clientId = context.clientId();
            key = host + "/" + (clientId == null ? "" : clientId);
            if (clientId != null) {
                clientKey = key;
            }
        }
        return key;
    }
}
