package dev.sluice.gateway.api.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GatewayNodeTest {

    @Test
    void keepsWhatItIsGiven() {
        GatewayNode node = new GatewayNode("gw-1", "gw-1.example.com", List.of(9092, 9093), "eu-west-1a");

        assertThat(node.nodeId()).isEqualTo("gw-1");
        assertThat(node.advertisedHost()).isEqualTo("gw-1.example.com");
        assertThat(node.listenerPorts()).containsExactly(9092, 9093);
        assertThat(node.rack()).isEqualTo("eu-west-1a");
    }

    @Test
    void rackMayBeAbsentAndPortsEmpty() {
        GatewayNode node = new GatewayNode("gw-1", "10.0.0.5", List.of(), null);

        assertThat(node.rack()).isNull();
        assertThat(node.listenerPorts()).isEmpty();
    }

    @Test
    void listenerPortsAreCopiedAndImmutable() {
        List<Integer> ports = new ArrayList<>(List.of(9092));
        GatewayNode node = new GatewayNode("gw-1", "h", ports, null);

        ports.add(9093);

        assertThat(node.listenerPorts()).containsExactly(9092);
        assertThatThrownBy(() -> node.listenerPorts().add(1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void blankNodeIdIsRefused() {
        assertThatThrownBy(() -> new GatewayNode(" ", "h", List.of(9092), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nodeId must not be blank");
    }

    @Test
    void blankAdvertisedHostIsRefusedNamingTheNode() {
        assertThatThrownBy(() -> new GatewayNode("gw-1", "", List.of(9092), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("advertisedHost of node 'gw-1' must not be blank");
    }

    @Test
    void blankRackIsRefusedBecauseNullMeansNoRack() {
        assertThatThrownBy(() -> new GatewayNode("gw-1", "h", List.of(9092), "  "))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rack of node 'gw-1' must be null (no rack) or not blank");
    }

    @Test
    void portsOutsideTheTcpRangeAreRefusedWithTheirPosition() {
        assertThatThrownBy(() -> new GatewayNode("gw-1", "h", List.of(9092, 0), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("listenerPorts[1] of node 'gw-1' must be in 1..65535, was 0");
        assertThatThrownBy(() -> new GatewayNode("gw-1", "h", List.of(65_536), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 65536");
        assertThat(new GatewayNode("gw-1", "h", List.of(1, 65_535), null).listenerPorts()).containsExactly(1, 65_535);
    }

    @Test
    void nullsAreRefusedByName() {
        assertThatThrownBy(() -> new GatewayNode(null, "h", List.of(), null)).hasMessage("nodeId");
        assertThatThrownBy(() -> new GatewayNode("gw-1", null, List.of(), null)).hasMessage("advertisedHost");
        assertThatThrownBy(() -> new GatewayNode("gw-1", "h", null, null)).hasMessage("listenerPorts");
        assertThatThrownBy(() -> new GatewayNode("gw-1", "h", Arrays.asList(9092, null), null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("listenerPorts[1] of node 'gw-1' is null");
    }

    @Test
    void equalDescriptionsAreEqual() {
        assertThat(new GatewayNode("gw-1", "h", new ArrayList<>(List.of(9092)), "a"))
                .isEqualTo(new GatewayNode("gw-1", "h", List.of(9092), "a"))
                .isNotEqualTo(new GatewayNode("gw-1", "h", List.of(9092), "b"));
    }
}
