package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.AddressMapping;

/**
 * One routing strategy's answer for every broker a response names: the addresses of the route a
 * connection came in on. Fails closed: a broker the strategy has no address for aborts the rewrite
 * (and closes the connection) rather than leak the broker's real address to the client.
 */
final class AdvertisedAddresses implements AddressMapping {

    private final RoutingStrategy strategy;

    AdvertisedAddresses(RoutingStrategy strategy) {
        this.strategy = strategy;
    }

    @Override
    public HostPort advertisedAddress(BrokerNode upstreamBroker) {
        HostPort address = strategy.advertisedAddress(upstreamBroker.id());
        if (address == null) {
            throw new GatewayException("routing has no address for broker " + upstreamBroker.id()
                    + "; refusing to pass its real address " + upstreamBroker.address() + " to the client");
        }
        return address;
    }
}
