package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.Wire.GATEWAY;
import static dev.sluice.gateway.routing.Wire.UNKNOWN_TAG;
import static dev.sluice.gateway.routing.Wire.roundTrip;
import static dev.sluice.gateway.routing.Wire.upstreamHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.stream.Stream;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class DescribeClusterAddressRewriteTest {

    static Stream<Short> versions() {
        return Wire.versions(new DescribeClusterResponseData());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void describeClusterResponseAdvertisesGatewayAddressesOfKnownBrokers(short version) {
        DescribeClusterResponseData decoded = roundTrip(upstreamCluster(version), version);

        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        DescribeClusterResponseData sent = roundTrip(decoded, version);

        assertThat(changed).isTrue();
        assertThat(sent.brokers())
                .extracting("brokerId", "host", "port", "rack")
                .containsExactly(
                        tuple(2, "gw.example.com", 19_002, "rack-b"),
                        tuple(3, "gw.example.com", 19_003, null),
                        tuple(42, upstreamHost(42), 9092, "rack-x"));
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void describeClusterRewriteKeepsEveryOtherFieldIncludingUnknownTaggedFields(short version) {
        DescribeClusterResponseData decoded = roundTrip(upstreamCluster(version), version);
        DescribeClusterResponseData expected = roundTrip(upstreamCluster(version), version);
        expected.brokers().find(2).setHost("gw.example.com").setPort(19_002);
        expected.brokers().find(3).setHost("gw.example.com").setPort(19_003);

        BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        DescribeClusterResponseData sent = roundTrip(decoded, version);

        assertThat(sent).isEqualTo(roundTrip(expected, version));
        assertThat(Wire.flexible(ApiKeys.DESCRIBE_CLUSTER, version)).isTrue();
        assertThat(sent.unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        assertThat(sent.brokers().find(2).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void brokersInListsEveryDescribedBroker(short version) {
        DescribeClusterResponseData decoded = roundTrip(upstreamCluster(version), version);

        assertThat(BrokerAddressRewriter.brokersIn(decoded, version))
                .containsExactly(Wire.upstream(2, "rack-b"), Wire.upstream(3, null), Wire.upstream(42, "rack-x"));
    }

    private static DescribeClusterResponseData upstreamCluster(short version) {
        DescribeClusterResponseData response = new DescribeClusterResponseData()
                .setClusterId("cluster-1")
                .setControllerId(2);
        response.brokers().add(broker(2, "rack-b").setIsFenced(version >= 2));
        response.brokers().add(broker(3, null));
        response.brokers().add(broker(42, "rack-x"));
        response.unknownTaggedFields().add(UNKNOWN_TAG);
        return response;
    }

    private static DescribeClusterBroker broker(int id, @Nullable String rack) {
        DescribeClusterBroker broker = new DescribeClusterBroker()
                .setBrokerId(id)
                .setHost(upstreamHost(id))
                .setPort(9092)
                .setRack(rack);
        broker.unknownTaggedFields().add(UNKNOWN_TAG);
        return broker;
    }
}
