package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.Wire.GATEWAY;
import static dev.sluice.gateway.routing.Wire.upstreamHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/** Dispatch, the change report and the edges of the rewriter; per-API behaviour has its own tests. */
class BrokerAddressRewriterTest {

    private static final short METADATA_V12 = 12;

    @Test
    void rewrittenApisAreExactlyThoseWhoseResponsesNameBrokers() {
        assertThat(BrokerAddressRewriter.rewrittenApis()).isEqualTo(EnumSet.of(
                ApiKeys.METADATA, ApiKeys.FIND_COORDINATOR, ApiKeys.DESCRIBE_CLUSTER,
                ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE));
    }

    @Test
    void carriesBrokerAddressesAnswersByApiKeyAndByWireId() {
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses(ApiKeys.METADATA)).isTrue();
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses(ApiKeys.FETCH.id)).isTrue();
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses(ApiKeys.API_VERSIONS)).isFalse();
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses(ApiKeys.DESCRIBE_QUORUM.id)).isFalse();
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses((short) 10_000)).isFalse();
        assertThat(BrokerAddressRewriter.carriesBrokerAddresses((short) -1)).isFalse();
    }

    @Test
    void responsesOfOtherApisAreLeftAlone() {
        ApiVersionsResponseData response = new ApiVersionsResponseData().setThrottleTimeMs(5);

        assertThat(BrokerAddressRewriter.rewrite(response, (short) 3, GATEWAY)).isFalse();
        assertThat(BrokerAddressRewriter.brokersIn(response, (short) 3)).isEmpty();
    }

    @Test
    void describeQuorumControllerListenersAreDeliberatelyLeftAlone() {
        DescribeQuorumResponseData response = new DescribeQuorumResponseData();
        DescribeQuorumResponseData.Node controller = new DescribeQuorumResponseData.Node().setNodeId(1);
        controller.listeners().add(new DescribeQuorumResponseData.Listener()
                .setName("CONTROLLER").setHost("controller-1.internal").setPort(9093));
        response.nodes().add(controller);
        DescribeQuorumResponseData before = response.duplicate();

        boolean changed = BrokerAddressRewriter.rewrite(response, (short) 2, upstream -> new HostPort("gw", 1));

        assertThat(changed).isFalse();
        assertThat(response).isEqualTo(before);
        assertThat(BrokerAddressRewriter.brokersIn(response, (short) 2)).isEmpty();
    }

    @Test
    void rewriteReportsNoChangeWhenTheMappingKnowsNoBroker() {
        MetadataResponseData response = metadata(broker(7, 9092));
        MetadataResponseData before = response.duplicate();

        assertThat(BrokerAddressRewriter.rewrite(response, METADATA_V12, upstream -> null)).isFalse();
        assertThat(response).isEqualTo(before);
    }

    @Test
    void rewriteReportsNoChangeWhenTheAddressIsAlreadyTheAdvertisedOne() {
        MetadataResponseData response = metadata(broker(1, 9092));
        HostPort same = new HostPort(upstreamHost(1), 9092);

        assertThat(BrokerAddressRewriter.rewrite(response, METADATA_V12, upstream -> same)).isFalse();
    }

    @Test
    void rewriteReportsAChangeOfThePortAlone() {
        MetadataResponseData response = metadata(broker(1, 9092));

        boolean changed = BrokerAddressRewriter.rewrite(
                response, METADATA_V12, upstream -> new HostPort(upstreamHost(1), 9999));

        assertThat(changed).isTrue();
        assertThat(response.brokers().find(1).port()).isEqualTo(9999);
    }

    @Test
    void mappingSeesTheBrokerAsTheUpstreamDescribesIt() {
        MetadataResponseData response = metadata(broker(1, 9092).setRack("rack-a"));
        List<BrokerNode> seen = new ArrayList<>();

        BrokerAddressRewriter.rewrite(response, METADATA_V12, upstream -> {
            seen.add(upstream);
            return null;
        });

        assertThat(seen).containsExactly(new BrokerNode(1, upstreamHost(1), 9092, "rack-a"));
    }

    @Test
    void entriesWithoutAValidNodeOrPortNameNoBrokerAndAreLeftAlone() {
        MetadataResponseData response = metadata(broker(-1, 9092), broker(2, -5), broker(3, 70_000));
        MetadataResponseData before = response.duplicate();

        assertThat(BrokerAddressRewriter.brokersIn(response, METADATA_V12)).isEmpty();
        assertThat(BrokerAddressRewriter.rewrite(response, METADATA_V12, GATEWAY)).isFalse();
        assertThat(response).isEqualTo(before);
    }

    @Test
    void fromRoutingAdvertisesWhatTheRoutingStrategyPlanned() {
        PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                .advertisedHost("lb.example.com")
                .bootstrapPort(9092)
                .build();
        MetadataResponseData response = metadata(broker(100, 9092), broker(200, 9092));
        routing.plan(BrokerAddressRewriter.brokersIn(response, METADATA_V12).subList(0, 1));

        BrokerAddressRewriter.rewrite(response, METADATA_V12, AddressMapping.fromRouting(routing));

        assertThat(response.brokers()).extracting("nodeId", "host", "port").containsExactly(
                tuple(100, "lb.example.com", 9093),
                tuple(200, upstreamHost(200), 9092));
    }

    @Test
    void rewriteRejectsARequestOfARewrittenApi() {
        assertThatThrownBy(() -> BrokerAddressRewriter.rewrite(new MetadataRequestData(), METADATA_V12, GATEWAY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected a MetadataResponseData")
                .hasMessageContaining("MetadataRequestData");
    }

    @Test
    void rewriteRejectsAVersionTheResponseDoesNotSupport() {
        assertThatThrownBy(() -> BrokerAddressRewriter.brokersIn(new MetadataResponseData(), (short) 99))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("MetadataResponseData supports versions 0.." + MetadataResponseData.HIGHEST_SUPPORTED_VERSION + ", not 99");
    }

    @Test
    void rewrittenApisCannotBeModified() {
        Set<ApiKeys> apis = BrokerAddressRewriter.rewrittenApis();

        assertThatThrownBy(() -> apis.add(ApiKeys.DESCRIBE_QUORUM)).isInstanceOf(UnsupportedOperationException.class);
    }

    private static MetadataResponseData metadata(MetadataResponseBroker... brokers) {
        MetadataResponseData response = new MetadataResponseData();
        for (MetadataResponseBroker broker : brokers) {
            response.brokers().add(broker);
        }
        return response;
    }

    private static MetadataResponseBroker broker(int id, int port) {
        return new MetadataResponseBroker().setNodeId(id).setHost(upstreamHost(id)).setPort(port);
    }
}
