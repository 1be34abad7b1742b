package dev.sluice.gateway.routing;

import static dev.sluice.gateway.routing.Wire.GATEWAY;
import static dev.sluice.gateway.routing.Wire.UNKNOWN_TAG;
import static dev.sluice.gateway.routing.Wire.roundTrip;
import static dev.sluice.gateway.routing.Wire.upstreamHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** FindCoordinator answers with one top-level node up to v3 and with a batch of coordinators from v4. */
class FindCoordinatorAddressRewriteTest {

    static Stream<Short> singleVersions() {
        return Wire.versions(new FindCoordinatorResponseData()).filter(v -> v < Coordinator.LOWEST_SUPPORTED_VERSION);
    }

    static Stream<Short> batchedVersions() {
        return Wire.versions(new FindCoordinatorResponseData()).filter(v -> v >= Coordinator.LOWEST_SUPPORTED_VERSION);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("singleVersions")
    void singleCoordinatorIsAdvertisedAtTheGateway(short version) {
        FindCoordinatorResponseData decoded = roundTrip(single(version, 2), version);

        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        FindCoordinatorResponseData sent = roundTrip(decoded, version);

        assertThat(changed).isTrue();
        assertThat(sent.nodeId()).isEqualTo(2);
        assertThat(sent.host()).isEqualTo("gw.example.com");
        assertThat(sent.port()).isEqualTo(19_002);
        if (Wire.flexible(ApiKeys.FIND_COORDINATOR, version)) {
            assertThat(sent.unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        }
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("singleVersions")
    void singleCoordinatorErrorIsLeftAlone(short version) {
        FindCoordinatorResponseData error = new FindCoordinatorResponseData()
                .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                .setNodeId(-1)
                .setHost("")
                .setPort(-1);
        FindCoordinatorResponseData decoded = roundTrip(error, version);

        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, upstream -> Wire.gatewayAddressOf(1));

        assertThat(changed).isFalse();
        assertThat(BrokerAddressRewriter.brokersIn(decoded, version)).isEmpty();
        assertThat(roundTrip(decoded, version)).isEqualTo(roundTrip(error, version));
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("singleVersions")
    void singleCoordinatorWithAnErrorIsLeftAloneEvenWhenItNamesANode(short version) {
        FindCoordinatorResponseData error = single(version, 2).setErrorCode(Errors.NOT_COORDINATOR.code());
        FindCoordinatorResponseData decoded = roundTrip(error, version);

        assertThat(BrokerAddressRewriter.rewrite(decoded, version, GATEWAY)).isFalse();
        assertThat(BrokerAddressRewriter.brokersIn(decoded, version)).isEmpty();
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("singleVersions")
    void singleCoordinatorIsReportedWithoutRack(short version) {
        FindCoordinatorResponseData decoded = roundTrip(single(version, 2), version);

        assertThat(BrokerAddressRewriter.brokersIn(decoded, version)).containsExactly(Wire.upstream(2, null));
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("batchedVersions")
    void batchedCoordinatorsAreAdvertisedAtTheGatewayExceptErrors(short version) {
        FindCoordinatorResponseData decoded = roundTrip(batched(), version);

        boolean changed = BrokerAddressRewriter.rewrite(decoded, version, GATEWAY);
        FindCoordinatorResponseData sent = roundTrip(decoded, version);

        assertThat(changed).isTrue();
        assertThat(sent.coordinators())
                .extracting("key", "nodeId", "host", "port", "errorCode")
                .containsExactly(
                        tuple("group-a", 1, "gw.example.com", 19_001, Errors.NONE.code()),
                        tuple("group-b", 1, "gw.example.com", 19_001, Errors.NONE.code()),
                        tuple("group-c", 3, "gw.example.com", 19_003, Errors.NONE.code()),
                        tuple("group-d", 77, upstreamHost(77), 9092, Errors.NONE.code()),
                        tuple("group-e", -1, "", -1, Errors.COORDINATOR_NOT_AVAILABLE.code()),
                        tuple("group-f", 2, upstreamHost(2), 9092, Errors.NOT_COORDINATOR.code()));
        assertThat(sent.coordinators().get(0).unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
        assertThat(sent.unknownTaggedFields()).containsExactly(UNKNOWN_TAG);
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("batchedVersions")
    void batchedVersionsLeaveTheUnusedTopLevelNodeAtItsDefault(short version) {
        FindCoordinatorResponseData decoded = roundTrip(batched(), version);

        BrokerAddressRewriter.rewrite(decoded, version, upstream -> Wire.gatewayAddressOf(1));

        assertThat(decoded.host()).isEqualTo(new FindCoordinatorResponseData().host());
        assertThat(decoded.port()).isEqualTo(new FindCoordinatorResponseData().port());
    }

    @ParameterizedTest(name = "v{0}")
    @MethodSource("batchedVersions")
    void brokersInListsEveryAnsweredCoordinatorWithoutRack(short version) {
        FindCoordinatorResponseData decoded = roundTrip(batched(), version);

        assertThat(BrokerAddressRewriter.brokersIn(decoded, version))
                .containsExactly(Wire.upstream(1, null), Wire.upstream(1, null), Wire.upstream(3, null),
                        Wire.upstream(77, null));
    }

    private static FindCoordinatorResponseData single(short version, int nodeId) {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData()
                .setNodeId(nodeId)
                .setHost(upstreamHost(nodeId))
                .setPort(9092);
        if (Wire.flexible(ApiKeys.FIND_COORDINATOR, version)) {
            response.unknownTaggedFields().add(UNKNOWN_TAG);
        }
        return response;
    }

    private static FindCoordinatorResponseData batched() {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData().setCoordinators(List.of(
                coordinator("group-a", 1),
                coordinator("group-b", 1),
                coordinator("group-c", 3),
                coordinator("group-d", 77),
                new Coordinator()
                        .setKey("group-e")
                        .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                        .setNodeId(-1)
                        .setHost("")
                        .setPort(-1),
                coordinator("group-f", 2).setErrorCode(Errors.NOT_COORDINATOR.code())));
        response.unknownTaggedFields().add(UNKNOWN_TAG);
        return response;
    }

    private static Coordinator coordinator(String key, int nodeId) {
        Coordinator coordinator = new Coordinator()
                .setKey(key)
                .setNodeId(nodeId)
                .setHost(upstreamHost(nodeId))
                .setPort(9092);
        coordinator.unknownTaggedFields().add(UNKNOWN_TAG);
        return coordinator;
    }
}
