package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortPerBrokerRoutingBuilderTest {

    @Test
    void advertisedHostIsRequired() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().bootstrapPort(9092).build())
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("advertisedHost is required");
    }

    @Test
    void bootstrapPortIsRequired() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("lb").build())
                .isInstanceOf(GatewayException.class)
                .hasMessage("bootstrapPort is required");
    }

    @Test
    void brokerRangeDefaultsToTheSixtyFourPortsAfterTheBootstrapPort() {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder().advertisedHost("lb").bootstrapPort(9092).build();

        assertThat(routing.toString()).contains("brokerPorts=9093..9156");
    }

    @Test
    void ipv6LiteralIsAnAdvertisedHost() {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder().advertisedHost("fd00::1").bootstrapPort(9092).build();

        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("fd00::1", 9092));
    }

    @Test
    void advertisedHostRejectsBlankSpacesBracketsAndPorts() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("  "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was '  '");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("lb example"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'lb example'");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("[::1]"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without brackets");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("lb:9092"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not include a port, was 'lb:9092'");
    }

    @Test
    void portsOutsideTheTcpRangeAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().bootstrapPort(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bootstrapPort must be in 1..65535, was 0");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().firstBrokerPort(65_536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("firstBrokerPort must be in 1..65535, was 65536");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().maxBrokers(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxBrokers must be in 1..65535, was 0");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().brokerPort(1, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("brokerPort must be in 1..65535, was -1");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().brokerPort(-1, 9000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("brokerId must be >= 0, was -1");
    }

    @Test
    void repeatedSettingsFailQuotingTheFirstValue() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("a").advertisedHost("b"))
                .isInstanceOf(IllegalStateException.class).hasMessage("advertisedHost was already set to 'a'");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().bootstrapPort(9092).bootstrapPort(9093))
                .isInstanceOf(IllegalStateException.class).hasMessage("bootstrapPort was already set to 9092");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().maxBrokers(3).maxBrokers(4))
                .isInstanceOf(IllegalStateException.class).hasMessage("maxBrokers was already set to 3");
    }

    @Test
    void conflictingPinsFail() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().brokerPort(1, 9100).brokerPort(1, 9101))
                .isInstanceOf(IllegalStateException.class).hasMessage("broker 1 is already pinned to port 9100");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().brokerPort(1, 9100).brokerPort(2, 9100))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot pin broker 2 to port 9100: it is already pinned to broker 1");
    }

    @Test
    void pinOnTheBootstrapPortFails() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder()
                        .advertisedHost("lb").bootstrapPort(9092).brokerPort(4, 9092).build())
                .isInstanceOf(GatewayException.class)
                .hasMessage("brokerPort(4, 9092) collides with bootstrapPort=9092");
    }

    @Test
    void brokerRangeContainingTheBootstrapPortFails() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder()
                        .advertisedHost("lb").bootstrapPort(9092).firstBrokerPort(9090).build())
                .isInstanceOf(GatewayException.class)
                .hasMessage("broker port range 9090..9153 (firstBrokerPort=9090, maxBrokers=64) contains bootstrapPort=9092");
    }

    @Test
    void brokerRangeRunningPastTheLastPortFails() {
        assertThatThrownBy(() -> PortPerBrokerRouting.builder()
                        .advertisedHost("lb").bootstrapPort(9092).firstBrokerPort(65_500).build())
                .isInstanceOf(GatewayException.class)
                .hasMessage("broker port range 65500..65563 (firstBrokerPort=65500, maxBrokers=64) runs past port 65535");
        assertThatThrownBy(() -> PortPerBrokerRouting.builder().advertisedHost("lb").bootstrapPort(65_535).build())
                .isInstanceOf(GatewayException.class)
                .hasMessageContaining("firstBrokerPort=65536");
    }

    @Test
    void brokerRangeMayLieBelowTheBootstrapPort() {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                .advertisedHost("lb").bootstrapPort(9092).firstBrokerPort(9000).maxBrokers(92).build();

        assertThat(routing.plan(PortPerBrokerRoutingTest.brokers(7)))
                .isEqualTo(List.of(ListenerSpec.bootstrap(9092), ListenerSpec.broker(9000, 7)));
    }
}
