package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class PortPerBrokerRoutingTest {

    private static final String LB = "lb.example.com";

    @Test
    void sparseBrokerIdsGetDensePortsInAscendingIdOrder() {
        PortPerBrokerRouting routing = routing().build();

        List<ListenerSpec> plan = routing.plan(brokers(300, 100, 200));

        assertThat(plan).containsExactly(
                ListenerSpec.bootstrap(9092),
                ListenerSpec.broker(9093, 100),
                ListenerSpec.broker(9094, 200),
                ListenerSpec.broker(9095, 300));
        assertThat(routing.advertisedAddress(100)).isEqualTo(new HostPort(LB, 9093));
        assertThat(routing.advertisedAddress(300)).isEqualTo(new HostPort(LB, 9095));
    }

    @Test
    void bootstrapAddressIsTheAdvertisedHostAtTheBootstrapPort() {
        assertThat(routing().build().bootstrapAddress()).isEqualTo(new HostPort(LB, 9092));
    }

    @Test
    void emptyBrokerSetPlansOnlyTheBootstrapListener() {
        PortPerBrokerRouting routing = routing().build();

        assertThat(routing.plan(List.of())).containsExactly(ListenerSpec.bootstrap(9092));
        assertThat(routing.advertisedAddress(0)).isNull();
    }

    @Test
    void unknownBrokerHasNoAdvertisedAddress() {
        PortPerBrokerRouting routing = routing().build();
        routing.plan(brokers(1));

        assertThat(routing.advertisedAddress(2)).isNull();
    }

    @Test
    void brokerKeepsItsPortForAsLongAsItIsInTheBrokerSet() {
        PortPerBrokerRouting routing = routing().build();
        routing.plan(brokers(100, 200, 300));

        routing.plan(brokers(300, 50, 200, 100));

        assertThat(ports(routing, 50, 100, 200, 300)).isEqualTo(Map.of(50, 9096, 100, 9093, 200, 9094, 300, 9095));
    }

    @Test
    void brokerThatLeavesFreesItsPortForTheNextNewBrokerLowestFirst() {
        PortPerBrokerRouting routing = routing().build();
        routing.plan(brokers(1, 2, 3, 4));

        routing.plan(brokers(1, 4));
        assertThat(routing.advertisedAddress(2)).isNull();
        assertThat(routing.advertisedAddress(3)).isNull();

        routing.plan(brokers(1, 4, 8, 7));
        assertThat(ports(routing, 1, 4, 7, 8)).isEqualTo(Map.of(1, 9093, 4, 9096, 7, 9094, 8, 9095));
    }

    @Test
    void brokerNamedTwiceGetsOneListener() {
        PortPerBrokerRouting routing = routing().build();

        List<ListenerSpec> plan = routing.plan(List.of(
                new BrokerNode(5, "a.internal", 9092, null), new BrokerNode(5, "b.internal", 9092, null)));

        assertThat(plan).containsExactly(ListenerSpec.bootstrap(9092), ListenerSpec.broker(9093, 5));
    }

    @Test
    void pinnedPortInsideTheRangeIsReservedEvenWhileItsBrokerIsAbsent() {
        PortPerBrokerRouting routing = routing().brokerPort(200, 9093).build();

        routing.plan(brokers(100));
        assertThat(routing.advertisedAddress(100)).isEqualTo(new HostPort(LB, 9094));

        routing.plan(brokers(100, 200, 300));
        assertThat(ports(routing, 100, 200, 300)).isEqualTo(Map.of(100, 9094, 200, 9093, 300, 9095));
    }

    @Test
    void pinnedPortOutsideTheRangeDoesNotUseARangePort() {
        PortPerBrokerRouting routing = routing().maxBrokers(1).brokerPort(9, 9500).build();

        routing.plan(brokers(1, 9));

        assertThat(ports(routing, 1, 9)).isEqualTo(Map.of(1, 9093, 9, 9500));
    }

    @Test
    void exhaustedRangeFailsNamingMaxBrokersAndKeepsThePreviousPlan() {
        PortPerBrokerRouting routing = routing().maxBrokers(2).build();
        routing.plan(brokers(10, 20));

        assertThatThrownBy(() -> routing.plan(brokers(10, 20, 30)))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("broker 30")
                .hasMessageContaining("9093..9094")
                .hasMessageContaining("maxBrokers=2");

        assertThat(ports(routing, 10, 20)).isEqualTo(Map.of(10, 9093, 20, 9094));
        assertThat(routing.advertisedAddress(30)).isNull();
        assertThat(routing.plan(brokers(10, 30))).containsExactly(
                ListenerSpec.bootstrap(9092), ListenerSpec.broker(9093, 10), ListenerSpec.broker(9094, 30));
    }

    @Test
    void exhaustionMessageCountsPinsThatReserveRangePorts() {
        PortPerBrokerRouting routing = routing().maxBrokers(2).brokerPort(7, 9094).build();

        assertThatThrownBy(() -> routing.plan(brokers(1, 2)))
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("maxBrokers=2")
                .hasMessageContaining("1 of them reserved by brokerPort pins");
    }

    @Test
    void planIsImmutable() {
        List<ListenerSpec> plan = routing().build().plan(brokers(1));

        assertThatThrownBy(() -> plan.add(ListenerSpec.bootstrap(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void planRejectsNullBrokers() {
        List<BrokerNode> withNull = new ArrayList<>(brokers(1));
        withNull.add(null);

        assertThatThrownBy(() -> routing().build().plan(withNull))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("brokers must not contain null");
    }

    @Test
    void toStringShowsTheConfigurationAndThePlan() {
        PortPerBrokerRouting routing = routing().maxBrokers(3).build();
        routing.plan(brokers(100));

        assertThat(routing).hasToString(
                "PortPerBrokerRouting{bootstrap=lb.example.com:9092, brokerPorts=9093..9095, pins={},"
                        + " plan={100=lb.example.com:9093}}");
    }

    static PortPerBrokerRouting.Builder routing() {
        return PortPerBrokerRouting.builder().advertisedHost(LB).bootstrapPort(9092);
    }

    static List<BrokerNode> brokers(int... ids) {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(new BrokerNode(id, "kafka-" + id + ".internal", 9092, null));
        }
        return brokers;
    }

    private static Map<Integer, Integer> ports(PortPerBrokerRouting routing, int... ids) {
        Map<Integer, Integer> ports = new TreeMap<>();
        for (int id : ids) {
            HostPort address = routing.advertisedAddress(id);
            assertThat(address).as("address of broker %d", id).isNotNull();
            assertThat(address.host()).isEqualTo(LB);
            ports.put(id, address.port());
        }
        return ports;
    }
}
