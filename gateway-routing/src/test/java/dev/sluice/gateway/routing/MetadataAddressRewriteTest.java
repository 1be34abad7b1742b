package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.Wire.GATEWAY;
import static dev.sluice.gateway.routing.Wire.UNKNOWN_TAG;
import static dev.sluice.gateway.routing.Wire.roundTrip;
import static dev.sluice.gateway.routing.Wire.upstreamHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MetadataAddressRewriteTest {

    static Stream<Short> versions() {
        return Wire.versions(new MetadataResponseData());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void metadataResponseAdvertisesGatewayAddressesOfKnownBrokers(short version) {
        MetadataResponseData decoded = roundTrip(upstreamMetadata(version), version);

        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        MetadataResponseData sent = roundTrip(decoded, version);

        assertThat(changed).isTrue();
        assertThat(sent.brokers())
                .extracting("nodeId", "host", "port", "rack")
                .containsExactly(
                        tuple(1, "gw.example.com", 19_001, rack("a", version)),
                        tuple(3, "gw.example.com", 19_003, rack("c", version)),
                        tuple(99, upstreamHost(99), 9092, rack("z", version)));
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void metadataRewriteKeepsEveryOtherFieldIncludingUnknownTaggedFields(short version) {
        MetadataResponseData decoded = roundTrip(upstreamMetadata(version), version);
        MetadataResponseData expected = roundTrip(upstreamMetadata(version), version);
        expected.brokers().find(1).setHost("gw.example.com").setPort(19_001);
        expected.brokers().find(3).setHost("gw.example.com").setPort(19_003);

        BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        MetadataResponseData sent = roundTrip(decoded, version);

        assertThat(sent).isEqualTo(roundTrip(expected, version));
        if (Wire.flexible(ApiKeys.METADATA, version)) {
            assertThat(sent.unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
            assertThat(sent.brokers().find(1).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("versions")
    void brokersInListsEveryMetadataBrokerAsUpstreamDescribesIt(short version) {
        MetadataResponseData decoded = roundTrip(upstreamMetadata(version), version);

        assertThat(BrokerAddressRewriter.brokersIn(decoded, version))
                .containsExactly(
                        Wire.upstream(1, rack("a", version)),
                        Wire.upstream(3, rack("c", version)),
                        Wire.upstream(99, rack("z", version)));
    }

    private static MetadataResponseData upstreamMetadata(short version) {
        boolean flexible = Wire.flexible(ApiKeys.METADATA, version);
        MetadataResponseData response = new MetadataResponseData();
        for (int[] broker : new int[][] {{1, 'a'}, {3, 'c'}, {99, 'z'}}) {
            MetadataResponseBroker entry = new MetadataResponseBroker()
                    .setNodeId(broker[0])
                    .setHost(upstreamHost(broker[0]))
                    .setPort(9092)
                    .setRack(rack(String.valueOf((char) broker[1]), version));
            if (flexible) {
                entry.unknownTaggedFields().add(UNKNOWN_TAG);
            }
            response.brokers().add(entry);
        }
        if (version >= 1) {
            response.setControllerId(3);
        }
        if (version >= 2) {
            response.setClusterId("cluster-1");
        }
        response.topics().add(new MetadataResponseTopic()
                .setName("orders")
                .setPartitions(List.of(new MetadataResponsePartition()
                        .setPartitionIndex(0)
                        .setLeaderId(1)
                        .setReplicaNodes(List.of(1, 3))
                        .setIsrNodes(List.of(1, 3)))));
        if (flexible) {
            response.unknownTaggedFields().add(UNKNOWN_TAG);
        }
        return response;
    }

    /** Racks exist from v1. */
    private static @Nullable String rack(String name, short version) {
        return version >= 1 ? "rack-" + name : null;
    }
}
