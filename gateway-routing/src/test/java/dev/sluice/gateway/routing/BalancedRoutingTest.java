package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.membership.MembershipListener;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

class BalancedRoutingTest {

    private static final List<BrokerNode> BROKERS = List.of(
            new BrokerNode(1, "kafka-1", 9092, "a"), new BrokerNode(2, "kafka-2", 9092, "b"),
            new BrokerNode(3, "kafka-3", 9092, "c"));
    private static final GatewayNode GW1 = new GatewayNode("gw-1", "gw-1.internal", List.of(9092), null);
    private static final GatewayNode GW2 = new GatewayNode("gw-2", "gw-2.internal", List.of(9092), null);
    private static final GatewayNode GW3 = new GatewayNode("gw-3", "gw-3.internal", List.of(9092), null);

    /** A membership the test sets by hand; listeners are told synchronously. */
    private static final class HandMembership implements Membership {
        private volatile Set<GatewayNode> alive = Set.of();
        private final List<MembershipListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

        void set(GatewayNode... nodes) {
            alive = Set.of(nodes);
            listeners.forEach(l -> l.membersChanged(alive));
        }

        @Override
        public CompletionStage<Void> join(GatewayNode self) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public Set<GatewayNode> alive() {
            return alive;
        }

        @Override
        public Registration addListener(MembershipListener listener) {
            listeners.add(listener);
            listener.membersChanged(alive);
            return () -> listeners.remove(listener);
        }

        @Override
        public CompletionStage<Void> leave() {
            return CompletableFuture.completedFuture(null);
        }
    }

    private static BalancedRouting routing(HandMembership membership) {
        BalancedRouting routing = BalancedRouting.builder()
                .ports(PortPerBrokerRouting.builder().advertisedHost("gw-1.internal").bootstrapPort(9092).build())
                .membership(membership)
                .build();
        routing.plan(BROKERS);
        return routing;
    }

    @Test
    void beforeAnyNodeIsAliveEveryBrokerMapsToThisNode() {
        BalancedRouting routing = routing(new HandMembership());
        for (BrokerNode broker : BROKERS) {
            assertThat(routing.advertisedAddress(broker.id(), "10.0.0.1/app"))
                    .isEqualTo(routing.advertisedAddress(broker.id()))
                    .extracting(HostPort::host).isEqualTo("gw-1.internal");
        }
        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("gw-1.internal", 9092));
    }

    @Test
    void clientsAreSpreadOverTheAliveNodesOnTheBrokersOwnPorts() {
        HandMembership membership = new HandMembership();
        membership.set(GW1, GW2, GW3);
        BalancedRouting routing = routing(membership);
        Map<String, Integer> perHost = new HashMap<>();
        Set<String> distinctMappings = new HashSet<>();
        for (int client = 0; client < 3_000; client++) {
            StringBuilder mapping = new StringBuilder();
            for (BrokerNode broker : BROKERS) {
                HostPort address = routing.advertisedAddress(broker.id(), "10.0.0.1/client-" + client);
                assertThat(address.port()).isEqualTo(routing.advertisedAddress(broker.id()).port());
                perHost.merge(address.host(), 1, Integer::sum);
                mapping.append(address.host()).append(',');
            }
            distinctMappings.add(mapping.toString());
        }
        assertThat(perHost.keySet()).containsExactlyInAnyOrder("gw-1.internal", "gw-2.internal", "gw-3.internal");
        assertThat(perHost.values()).allSatisfy(count -> assertThat(count).isBetween(2_700, 3_300));
        assertThat(distinctMappings).hasSizeGreaterThan(20);
    }

    @Test
    void aNodeThatLeavesIsNoLongerAdvertisedAndOnlyItsBrokersMove() {
        HandMembership membership = new HandMembership();
        membership.set(GW1, GW2, GW3);
        BalancedRouting routing = routing(membership);
        Map<String, HostPort> before = new HashMap<>();
        for (int client = 0; client < 500; client++) {
            for (BrokerNode broker : BROKERS) {
                before.put(client + "/" + broker.id(), routing.advertisedAddress(broker.id(), "c" + client));
            }
        }
        membership.set(GW1, GW2);
        for (int client = 0; client < 500; client++) {
            for (BrokerNode broker : BROKERS) {
                HostPort now = routing.advertisedAddress(broker.id(), "c" + client);
                HostPort was = before.get(client + "/" + broker.id());
                assertThat(now.host()).isNotEqualTo("gw-3.internal");
                if (!was.host().equals("gw-3.internal")) {
                    assertThat(now).isEqualTo(was);
                }
            }
        }
    }

    @Test
    void nodesOnOneHostWithOtherPortRangesAreToldWithTheirOwnPorts() {
        HandMembership membership = new HandMembership();
        GatewayNode self = new GatewayNode("gw-1", "gw.local", List.of(9092), null);
        GatewayNode other = new GatewayNode("gw-2", "gw.local", List.of(19092), null);
        membership.set(self, other);
        BalancedRouting routing = BalancedRouting.builder()
                .ports(PortPerBrokerRouting.builder().advertisedHost("gw.local").bootstrapPort(9092).build())
                .membership(membership)
                .build();
        routing.plan(BROKERS);
        Set<Integer> ports = new HashSet<>();
        for (int client = 0; client < 200; client++) {
            for (BrokerNode broker : BROKERS) {
                int own = routing.advertisedAddress(broker.id()).port();
                int told = routing.advertisedAddress(broker.id(), "c" + client).port();
                assertThat(told).isIn(own, own + 10_000);
                ports.add(told - own);
            }
        }
        assertThat(ports).containsExactlyInAnyOrder(0, 10_000);
    }

    @Test
    void closingStopsFollowingTheMembership() {
        HandMembership membership = new HandMembership();
        BalancedRouting routing = routing(membership);
        routing.close();
        membership.set(GW2);
        assertThat(routing.advertisedAddress(1, "c").host()).isEqualTo("gw-1.internal");
    }

    @Test
    void requiredSettingsAreChecked() {
        assertThatThrownBy(() -> BalancedRouting.builder().membership(new HandMembership()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("ports");
        assertThatThrownBy(() -> BalancedRouting.builder()
                .ports(PortPerBrokerRouting.builder().advertisedHost("h").bootstrapPort(9092).build()).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("membership");
    }
}
