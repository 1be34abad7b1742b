package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.Wire.GATEWAY;
import static dev.sluice.gateway.routing.Wire.UNKNOWN_TAG;
import static dev.sluice.gateway.routing.Wire.roundTrip;
import static dev.sluice.gateway.routing.Wire.upstreamHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.assertj.core.groups.Tuple;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@code NodeEndpoints} leader hints of Produce (KIP-951, v10+), Fetch (KIP-951, v16+),
 * ShareFetch and ShareAcknowledge (KIP-932). Each test runs over every version of the response; in
 * versions without the field there is nothing to rewrite.
 */
class NodeEndpointsAddressRewriteTest {

    private static final Tuple REWRITTEN_1 = tuple(1, "gw.example.com", 19_001, "rack-a");
    private static final Tuple UNKNOWN_99 = tuple(99, upstreamHost(99), 9092, null);

    static Stream<Short> produceVersions() {
        return Wire.versions(new ProduceResponseData());
    }

    static Stream<Short> fetchVersions() {
        return Wire.versions(new FetchResponseData());
    }

    static Stream<Short> shareFetchVersions() {
        return Wire.versions(new ShareFetchResponseData());
    }

    static Stream<Short> shareAcknowledgeVersions() {
        return Wire.versions(new ShareAcknowledgeResponseData());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("produceVersions")
    void produceLeaderHintsAdvertiseTheGateway(short version) {
        ProduceResponseData upstream = new ProduceResponseData();
        boolean hasEndpoints = version >= ProduceResponseData.NodeEndpoint.LOWEST_SUPPORTED_VERSION;
        if (hasEndpoints) {
            upstream.nodeEndpoints().add(produceEndpoint(1, "rack-a"));
            upstream.nodeEndpoints().add(produceEndpoint(99, null));
        }
        tagIfFlexible(upstream, ApiKeys.PRODUCE, version);

        ProduceResponseData sent = rewriteAndResend(upstream, version, hasEndpoints);

        assertThat(sent.nodeEndpoints()).extracting("nodeId", "host", "port", "rack")
                .containsExactlyElementsOf(hasEndpoints ? List.of(REWRITTEN_1, UNKNOWN_99) : List.of());
        if (hasEndpoints) {
            assertThat(sent.nodeEndpoints().find(1).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("fetchVersions")
    void fetchLeaderHintsAdvertiseTheGateway(short version) {
        FetchResponseData upstream = new FetchResponseData();
        boolean hasEndpoints = version >= FetchResponseData.NodeEndpoint.LOWEST_SUPPORTED_VERSION;
        if (hasEndpoints) {
            upstream.nodeEndpoints().add(fetchEndpoint(1, "rack-a"));
            upstream.nodeEndpoints().add(fetchEndpoint(99, null));
        }
        tagIfFlexible(upstream, ApiKeys.FETCH, version);

        FetchResponseData sent = rewriteAndResend(upstream, version, hasEndpoints);

        assertThat(sent.nodeEndpoints()).extracting("nodeId", "host", "port", "rack")
                .containsExactlyElementsOf(hasEndpoints ? List.of(REWRITTEN_1, UNKNOWN_99) : List.of());
        if (hasEndpoints) {
            assertThat(sent.nodeEndpoints().find(1).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("shareFetchVersions")
    void shareFetchLeaderHintsAdvertiseTheGateway(short version) {
        ShareFetchResponseData upstream = new ShareFetchResponseData();
        upstream.nodeEndpoints().add(shareFetchEndpoint(1, "rack-a"));
        upstream.nodeEndpoints().add(shareFetchEndpoint(99, null));
        tagIfFlexible(upstream, ApiKeys.SHARE_FETCH, version);

        ShareFetchResponseData sent = rewriteAndResend(upstream, version, true);

        assertThat(sent.nodeEndpoints()).extracting("nodeId", "host", "port", "rack")
                .containsExactly(REWRITTEN_1, UNKNOWN_99);
        assertThat(sent.nodeEndpoints().find(1).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("shareAcknowledgeVersions")
    void shareAcknowledgeLeaderHintsAdvertiseTheGateway(short version) {
        ShareAcknowledgeResponseData upstream = new ShareAcknowledgeResponseData();
        upstream.nodeEndpoints().add(shareAcknowledgeEndpoint(1, "rack-a"));
        upstream.nodeEndpoints().add(shareAcknowledgeEndpoint(99, null));
        tagIfFlexible(upstream, ApiKeys.SHARE_ACKNOWLEDGE, version);

        ShareAcknowledgeResponseData sent = rewriteAndResend(upstream, version, true);

        assertThat(sent.nodeEndpoints()).extracting("nodeId", "host", "port", "rack")
                .containsExactly(REWRITTEN_1, UNKNOWN_99);
        assertThat(sent.nodeEndpoints().find(1).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("fetchVersions")
    void fetchWithoutLeaderHintsIsNotChanged(short version) {
        FetchResponseData decoded = roundTrip(new FetchResponseData().setThrottleTimeMs(7), version);

        assertThat(BrokerAddressRewriter.rewrite(decoded, version, GATEWAY)).isFalse();
        assertThat(BrokerAddressRewriter.brokersIn(decoded, version)).isEmpty();
    }

    /** Decodes, rewrites, re-encodes and decodes again, checking the rewrite reported what it did. */
    private static <M extends ApiMessage> M rewriteAndResend(M upstream, short version, boolean expectChange) {
        M decoded = roundTrip(upstream, version);
        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        M sent = roundTrip(decoded, version);
        assertThat(changed).as("changed").isEqualTo(expectChange);
        if (Wire.flexible(ApiKeys.forId(upstream.apiKey()), version)) {
            assertThat(sent.unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        }
        return sent;
    }

    private static void tagIfFlexible(ApiMessage message, ApiKeys apiKey, short version) {
        if (Wire.flexible(apiKey, version)) {
            message.unknownTaggedFields().add(UNKNOWN_TAG);
        }
    }

    private static ProduceResponseData.NodeEndpoint produceEndpoint(int id, @Nullable String rack) {
        ProduceResponseData.NodeEndpoint endpoint = new ProduceResponseData.NodeEndpoint()
                .setNodeId(id).setHost(upstreamHost(id)).setPort(9092).setRack(rack);
        endpoint.unknownTaggedFields().add(UNKNOWN_TAG);
        return endpoint;
    }

    private static FetchResponseData.NodeEndpoint fetchEndpoint(int id, @Nullable String rack) {
        FetchResponseData.NodeEndpoint endpoint = new FetchResponseData.NodeEndpoint()
                .setNodeId(id).setHost(upstreamHost(id)).setPort(9092).setRack(rack);
        endpoint.unknownTaggedFields().add(UNKNOWN_TAG);
        return endpoint;
    }

    private static ShareFetchResponseData.NodeEndpoint shareFetchEndpoint(int id, @Nullable String rack) {
        ShareFetchResponseData.NodeEndpoint endpoint = new ShareFetchResponseData.NodeEndpoint()
                .setNodeId(id).setHost(upstreamHost(id)).setPort(9092).setRack(rack);
        endpoint.unknownTaggedFields().add(UNKNOWN_TAG);
        return endpoint;
    }

    private static ShareAcknowledgeResponseData.NodeEndpoint shareAcknowledgeEndpoint(int id, @Nullable String rack) {
        ShareAcknowledgeResponseData.NodeEndpoint endpoint = new ShareAcknowledgeResponseData.NodeEndpoint()
                .setNodeId(id).setHost(upstreamHost(id)).setPort(9092).setRack(rack);
        endpoint.unknownTaggedFields().add(UNKNOWN_TAG);
        return endpoint;
    }
}
