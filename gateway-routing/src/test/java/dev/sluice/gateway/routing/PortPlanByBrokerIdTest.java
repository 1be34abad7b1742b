package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.routing.PortPerBrokerRouting.PortPlan;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link PortPlan#BROKER_ID}: the port plan as a function of the broker set, so that gateway nodes
 * that saw brokers in different orders, or started at different times, agree.
 */
class PortPlanByBrokerIdTest {

    private static PortPerBrokerRouting routing() {
        return PortPerBrokerRouting.builder()
                .advertisedHost("gw.internal")
                .bootstrapPort(9092)
                .maxBrokers(16)
                .portPlan(PortPlan.BROKER_ID)
                .build();
    }

    private static List<BrokerNode> brokers(int... ids) {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(new BrokerNode(id, "kafka-" + id, 9092, null));
        }
        return brokers;
    }

    @Test
    void aBrokersPortIsItsIdFoldedIntoTheRange() {
        PortPerBrokerRouting routing = routing();
        routing.plan(brokers(0, 1, 2, 100, 200, 300));
        assertThat(routing.advertisedAddress(0)).isEqualTo(new HostPort("gw.internal", 9093));
        assertThat(routing.advertisedAddress(2)).isEqualTo(new HostPort("gw.internal", 9095));
        assertThat(routing.advertisedAddress(100)).isEqualTo(new HostPort("gw.internal", 9093 + 100 % 16));
        assertThat(routing.advertisedAddress(300)).isEqualTo(new HostPort("gw.internal", 9093 + 300 % 16));
    }

    @Test
    void nodesWithDifferentHistoriesAgree() {
        PortPerBrokerRouting early = routing();
        early.plan(brokers(3));
        early.plan(brokers(3, 7));
        early.plan(brokers(1, 3, 7));
        PortPerBrokerRouting late = routing();
        List<BrokerNode> shuffled = brokers(7, 1, 3);
        Collections.shuffle(shuffled, new Random(1));
        late.plan(shuffled);
        for (int id : new int[] {1, 3, 7}) {
            assertThat(late.advertisedAddress(id)).isEqualTo(early.advertisedAddress(id));
        }
    }

    @Test
    void aBrokerKeepsItsPortWhenOthersComeAndGo() {
        PortPerBrokerRouting routing = routing();
        routing.plan(brokers(1, 2, 3));
        HostPort two = routing.advertisedAddress(2);
        routing.plan(brokers(2, 3));
        routing.plan(brokers(0, 2, 3, 4, 5));
        assertThat(routing.advertisedAddress(2)).isEqualTo(two);
    }

    @Test
    void idsEqualModuloTheRangeTakeTheNextFreePortTheSameWayEverywhere() {
        PortPerBrokerRouting a = routing();
        PortPerBrokerRouting b = routing();
        List<ListenerSpec> planA = a.plan(brokers(1, 17, 33));
        List<ListenerSpec> planB = b.plan(brokers(33, 1, 17));
        assertThat(planA).isEqualTo(planB);
        assertThat(a.advertisedAddress(1).port()).isEqualTo(9094);
        assertThat(a.advertisedAddress(17).port()).isEqualTo(9095);
        assertThat(a.advertisedAddress(33).port()).isEqualTo(9096);
    }

    @Test
    void pinsStillWin() {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                .advertisedHost("gw.internal")
                .bootstrapPort(9092)
                .maxBrokers(16)
                .portPlan(PortPlan.BROKER_ID)
                .brokerPort(5, 9200)
                .build();
        routing.plan(brokers(5, 6));
        assertThat(routing.advertisedAddress(5).port()).isEqualTo(9200);
        assertThat(routing.advertisedAddress(6).port()).isEqualTo(9093 + 6);
    }
}
