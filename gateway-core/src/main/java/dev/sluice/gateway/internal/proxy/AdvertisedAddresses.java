package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.routing.AddressMapping;

/**
 * The routing strategy's answer for every broker a response names. Fails closed: a broker the
 * strategy has no address for aborts the rewrite (and closes the connection) rather than leak the
 * broker's real address to the client.
 */
final class AdvertisedAddresses implements AddressMapping {

    private final BrokerRegistry registry;

    AdvertisedAddresses(BrokerRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HostPort advertisedAddress(BrokerNode upstreamBroker) {
        HostPort address = registry.strategy().advertisedAddress(upstreamBroker.id());
        if (address == null) {
            throw new GatewayException("routing has no address for broker " + upstreamBroker.id()
                    + "; refusing to pass its real address " + upstreamBroker.address() + " to the client");
        }
        return address;
    }
}
