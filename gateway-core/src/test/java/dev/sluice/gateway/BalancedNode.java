package dev.sluice.gateway;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.routing.BalancedRouting;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import java.time.Duration;

/**
 * One node of a test gateway cluster without a load balancer: bound to its node's host (127.0.0.x),
 * broker ports by broker id after {@code bootstrapPort}, {@link BalancedRouting} over a membership.
 */
final class BalancedNode {

    private BalancedNode() {}

    /**
     * A node, not started.
     *
     * @param joins whether the gateway joins (and on shutdown leaves) {@code membership} itself
     */
    static GatewayBuilder builder(String upstream, Membership membership, GatewayNode self, int bootstrapPort,
            int ports, boolean joins) {
        GatewayBuilder builder = Gateway.builder()
                .name(self.nodeId())
                .upstream(upstream)
                .bindAddress(self.advertisedHost())
                .ioThreads(1)
                .startupTimeout(Duration.ofSeconds(30))
                .routing(BalancedRouting.builder()
                        .ports(PortPerBrokerRouting.builder()
                                .advertisedHost(self.advertisedHost())
                                .bootstrapPort(bootstrapPort)
                                .maxBrokers(ports - 1)
                                .portPlan(PortPerBrokerRouting.PortPlan.BROKER_ID)
                                .build())
                        .membership(membership)
                        .build());
        return joins ? builder.membership(membership, self) : builder;
    }

    /** A node, started. */
    static Gateway start(String upstream, Membership membership, GatewayNode self, int bootstrapPort, int ports,
            boolean joins) {
        Gateway gateway = builder(upstream, membership, self, bootstrapPort, ports, joins).build();
        gateway.start().toCompletableFuture().join();
        return gateway;
    }
}
