package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.routing.BalancedRouting;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The gateway cluster options of the demo's command line: {@code --cluster-id} and its companions. */
class DemoClusterOptionsTest {

    @Test
    void clusterIdWithNodeIdMakesANodeWithInternalLoadBalancingAndTheDefaultSessionTimeout() {
        DemoOptions options = DemoOptions.parse("--cluster-id", "c1", "--node-id", "n1");

        assertThat(options.cluster()).isEqualTo(new ClusterOptions("c1", "n1", null, Duration.ofSeconds(10),
                ClusterOptions.Balancing.INTERNAL));
        assertThat(options.advertisedHost()).isEqualTo("localhost");
        assertThat(options.embedded()).as("the first node may start the embedded cluster").isTrue();
    }

    @Test
    void rackAndSessionTimeoutAreRead() {
        DemoOptions options = DemoOptions.parse("--bootstrap", "localhost:9092", "--cluster-id=edge.eu_1",
                "--node-id=gw-2", "--rack", "zone-a", "--membership-session-timeout", "3s", "--port", "9292");

        assertThat(options.cluster()).isEqualTo(new ClusterOptions("edge.eu_1", "gw-2", "zone-a",
                Duration.ofSeconds(3), ClusterOptions.Balancing.INTERNAL));
        assertThat(options.cluster().self("localhost", 9292))
                .isEqualTo(new GatewayNode("gw-2", "localhost", List.of(9292), "zone-a"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"1500ms, 1500", "3s, 3000", "2m, 120000"})
    void sessionTimeoutTakesMillisecondsSecondsOrMinutes(String text, long millis) {
        DemoOptions options = DemoOptions.parse("--cluster-id", "c1", "--node-id", "n1",
                "--membership-session-timeout", text);

        assertThat(options.cluster().sessionTimeout()).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void advertisedHostWithAClusterIdMeansAnExternalLoadBalancer() {
        DemoOptions options = DemoOptions.parse("--cluster-id", "c1", "--node-id", "n1",
                "--advertised-host", "kafka-lb.example.com");

        assertThat(options.cluster().balancing()).isEqualTo(ClusterOptions.Balancing.EXTERNAL);
        assertThat(DemoOptions.parse("--cluster-id", "c1", "--node-id", "n1", "--advertised-host", "localhost")
                .cluster().balancing()).as("given explicitly, even the default host").isEqualTo(ClusterOptions.Balancing.EXTERNAL);
    }

    @Test
    void aClusterNodePlansBrokerPortsByBrokerIdSoThatEveryNodeAgrees() {
        PortPerBrokerRouting routing = DemoOptions.parse("--cluster-id", "c1", "--node-id", "n1", "--port", "19192",
                "--max-brokers", "4").portPerBrokerRouting();

        // Seen in another order than by id: the ports still follow the ids.
        List<ListenerSpec> listeners = routing.plan(List.of(
                new BrokerNode(2, "kafka-2", 9092, null), new BrokerNode(0, "kafka-0", 9092, null)));

        assertThat(listeners).containsExactlyInAnyOrder(
                ListenerSpec.bootstrap(19192), ListenerSpec.broker(19193, 0), ListenerSpec.broker(19195, 2));
        assertThat(routing.advertisedAddress(2)).isEqualTo(new HostPort("localhost", 19195));
    }

    @Test
    void internalLoadBalancingBalancesOverTheMembershipWithThisNodeOnItsOwnPorts() {
        DemoOptions options = DemoOptions.parse("--bootstrap", "localhost:9092", "--cluster-id", "c1",
                "--node-id", "n2", "--port", "9292", "--rack", "zone-a");

        try (ClusterNode node = ClusterNode.of(options.cluster(), options.portPerBrokerRouting(), "localhost:9092")) {
            assertThat(node.routing()).isInstanceOf(BalancedRouting.class);
            assertThat(node.routing().bootstrapAddress()).isEqualTo(new HostPort("localhost", 9292));
            assertThat(node.self()).isEqualTo(new GatewayNode("n2", "localhost", List.of(9292), "zone-a"));
        }
    }

    @Test
    void externalLoadBalancingAdvertisesTheBalancersHostFromEveryNode() {
        DemoOptions options = DemoOptions.parse("--bootstrap", "localhost:9092", "--cluster-id", "c1",
                "--node-id", "n1", "--port", "19192", "--advertised-host", "kafka-lb.example.com");

        try (ClusterNode node = ClusterNode.of(options.cluster(), options.portPerBrokerRouting(), "localhost:9092")) {
            assertThat(node.routing()).isInstanceOf(PortPerBrokerRouting.class);
            assertThat(node.routing().bootstrapAddress()).isEqualTo(new HostPort("kafka-lb.example.com", 19192));
            assertThat(node.self()).isEqualTo(new GatewayNode("n1", "kafka-lb.example.com", List.of(19192), null));
        }
    }

    @Test
    void membersLineNamesEachNodeWithItsBootstrapPortAndRack() {
        assertThat(ClusterOptions.membersLine(List.of(
                new GatewayNode("n1", "localhost", List.of(9192), null),
                new GatewayNode("n2", "::1", List.of(9292), "zone-b"))))
                .isEqualTo("MEMBERS n1@localhost:9192,n2@[::1]:9292/zone-b");
        assertThat(ClusterOptions.membersLine(List.of())).isEqualTo("MEMBERS");
    }

    @Test
    void usageDocumentsTheClusterOptionsAndTheMembersLine() {
        String usage = DemoOptions.usage();

        assertThat(usage).contains("--cluster-id ID", "--node-id ID", "--rack RACK",
                "--membership-session-timeout DURATION", "Advanced", "MEMBERS n1@localhost:9192,n2@localhost:9292");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void theRecordRefusesSniRoutingTogetherWithAClusterNode() {
        ClusterOptions cluster = new ClusterOptions("c1", "n1", null, Duration.ofSeconds(10),
                ClusterOptions.Balancing.INTERNAL);
        SniOptions sni = new SniOptions("kafka.test", null, null, java.nio.file.Path.of("tls"));

        assertThatThrownBy(() -> new DemoOptions(null, 1, 9192, 64, "localhost", "0.0.0.0", sni, cluster, List.of(),
                false))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("--cluster-id with --sni-domain is not supported yet");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // arguments (space-separated)                                  | message contains
        "--cluster-id c1                                                | --cluster-id needs --node-id ID: each node of gateway cluster 'c1' needs an id of its own",
        "--node-id n1                                                   | --node-id is for a node of a gateway cluster and needs --cluster-id ID",
        "--rack zone-a                                                  | --rack is for a node of a gateway cluster and needs --cluster-id ID",
        "--membership-session-timeout 3s                                | --membership-session-timeout is for a node of a gateway cluster and needs --cluster-id ID",
        "--cluster-id c/1 --node-id n1                                  | --cluster-id: clusterId must be 1 to 200 letters, digits, '.', '_' or '-', was 'c/1'",
        "--cluster-id= --node-id n1                                     | --cluster-id: clusterId must be 1 to 200",
        "--cluster-id c1 --node-id n,1                                  | --node-id must be 1 to 200 letters, digits, '.', '_' or '-', was 'n,1'",
        "--cluster-id c1 --node-id=                                     | --node-id must be 1 to 200",
        "--cluster-id c1 --node-id n1 --rack r@1                        | --rack must be 1 to 200 letters, digits, '.', '_' or '-', was 'r@1'",
        "--cluster-id c1 --node-id n1 --membership-session-timeout 3    | --membership-session-timeout takes a whole number and a unit, ms, s or m (as in 3s), was '3'",
        "--cluster-id c1 --node-id n1 --membership-session-timeout PT3S | was 'PT3S'",
        "--cluster-id c1 --node-id n1 --membership-session-timeout 999ms | --membership-session-timeout must be between 1000ms and 1 h, was 999ms",
        "--cluster-id c1 --node-id n1 --membership-session-timeout 61m  | --membership-session-timeout must be between 1000ms and 1 h, was 3660s",
        "--cluster-id c1 --node-id n1 --cluster-id c2                   | --cluster-id is given twice ('c1' and 'c2')",
        "--cluster-id c1 --node-id n1 --sni-domain kafka.test --tls-generate tls | --cluster-id with --sni-domain is not supported yet",
    })
    void badClusterCommandLinesAreRejectedWithAMessageNamingTheOption(String arguments, String message) {
        assertThatThrownBy(() -> DemoOptions.parse(arguments.strip().split(" +")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }
}
