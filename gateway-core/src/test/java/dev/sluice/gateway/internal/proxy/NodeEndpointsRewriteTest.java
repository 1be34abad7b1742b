package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.CorruptFrameException;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.KafkaWire;
import dev.sluice.gateway.internal.codec.ResponseSamples;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NodeEndpointsRewriteTest {

    /** An endpoint as a broker names it; {@code extraTag} adds an unknown tagged field to it. */
    record Endpoint(int id, String host, int port, String rack, boolean extraTag) {
        Endpoint advertised() {
            return new Endpoint(id, StubRouting.HOST, StubRouting.advertised(id).port(), rack, extraTag);
        }
    }

    private static final List<Endpoint> REAL = List.of(
            new Endpoint(1, "broker-1.internal", 9092, "rack-a", true),
            new Endpoint(2, "broker-2.internal", 9093, null, false),
            new Endpoint(300, "10.0.0.3", 9094, "rack-c", false));
    private static final List<RawTaggedField> HEADER_TAGS = List.of(new RawTaggedField(4, new byte[] {1, 2, 3}));
    private static final RawTaggedField TOP_LEVEL_TAG = new RawTaggedField(20, new byte[] {9, 8, 7, 6});
    private static final RawTaggedField ENDPOINT_TAG = new RawTaggedField(5, new byte[] {42});
    private static final int CORRELATION_ID = 0x5eed;

    private final BrokerRegistry registry = StubRouting.registry();
    private final ProxySession session = StubRouting.session(registry);
    private final BrokerArrayProcessor processor = BrokerArrayProcessor.nodeEndpoints(registry);

    static Stream<Arguments> versionsWithNodeEndpoints() {
        return Stream.of(
                KafkaWire.versionsFrom(ApiKeys.FETCH, ResponseProcessors.FETCH_NODE_ENDPOINTS_VERSION)
                        .map(v -> Arguments.of(ApiKeys.FETCH, v)),
                KafkaWire.versionsFrom(ApiKeys.PRODUCE, ResponseProcessors.PRODUCE_NODE_ENDPOINTS_VERSION)
                        .map(v -> Arguments.of(ApiKeys.PRODUCE, v)),
                KafkaWire.versions(ApiKeys.SHARE_FETCH).map(v -> Arguments.of(ApiKeys.SHARE_FETCH, v)),
                KafkaWire.versions(ApiKeys.SHARE_ACKNOWLEDGE).map(v -> Arguments.of(ApiKeys.SHARE_ACKNOWLEDGE, v)))
                .flatMap(s -> s);
    }

    @Test
    void everyVersionOfTheFourApisIsCovered() {
        assertThat(versionsWithNodeEndpoints().count()).isEqualTo(
                (ApiKeys.FETCH.latestVersion(true) - 16 + 1) + (ApiKeys.PRODUCE.latestVersion(true) - 10 + 1)
                        + KafkaWire.versions(ApiKeys.SHARE_FETCH).count()
                        + KafkaWire.versions(ApiKeys.SHARE_ACKNOWLEDGE).count());
    }

    // ------------------------------------------------------------------ responses

    private static ApiMessage response(ApiKeys key, short version, List<Endpoint> endpoints, boolean records) {
        ApiMessage message = switch (key) {
            case FETCH -> {
                FetchResponseData data = ResponseSamples.fetch(version, records, List.of());
                endpoints.forEach(e -> data.nodeEndpoints().add(tagged(new FetchResponseData.NodeEndpoint()
                        .setNodeId(e.id).setHost(e.host).setPort(e.port).setRack(e.rack), e.extraTag)));
                yield data;
            }
            case PRODUCE -> {
                ProduceResponseData data = ResponseSamples.produce(version, List.of());
                endpoints.forEach(e -> data.nodeEndpoints().add(tagged(new ProduceResponseData.NodeEndpoint()
                        .setNodeId(e.id).setHost(e.host).setPort(e.port).setRack(e.rack), e.extraTag)));
                yield data;
            }
            case SHARE_FETCH -> shareFetch(version, endpoints);
            case SHARE_ACKNOWLEDGE -> shareAcknowledge(version, endpoints);
            default -> throw new IllegalArgumentException(key.toString());
        };
        message.unknownTaggedFields().add(TOP_LEVEL_TAG);
        return message;
    }

    private static <T extends Message> T tagged(T endpoint, boolean extra) {
        if (extra) {
            endpoint.unknownTaggedFields().add(ENDPOINT_TAG);
        }
        return endpoint;
    }

    private static ShareFetchResponseData shareFetch(short version, List<Endpoint> endpoints) {
        ShareFetchResponseData data = new ShareFetchResponseData().setThrottleTimeMs(1).setErrorMessage("partial");
        if (version >= 2) {
            data.setAcquisitionLockTimeoutMs(30_000);
        }
        ShareFetchResponseData.ShareFetchableTopicResponse topic = new ShareFetchResponseData.ShareFetchableTopicResponse()
                .setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA"));
        for (int p = 0; p < 2; p++) {
            topic.partitions().add(new ShareFetchResponseData.PartitionData()
                    .setPartitionIndex(p)
                    .setErrorCode(p == 1 ? Errors.NOT_LEADER_OR_FOLLOWER.code() : Errors.NONE.code())
                    .setCurrentLeader(new ShareFetchResponseData.LeaderIdAndEpoch().setLeaderId(2).setLeaderEpoch(4))
                    .setRecords(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(new byte[] {1}, new byte[500])))
                    .setAcquiredRecords(List.of(new ShareFetchResponseData.AcquiredRecords()
                            .setFirstOffset(0).setLastOffset(0).setDeliveryCount((short) 1))));
        }
        data.responses().add(topic);
        endpoints.forEach(e -> data.nodeEndpoints().add(tagged(new ShareFetchResponseData.NodeEndpoint()
                .setNodeId(e.id).setHost(e.host).setPort(e.port).setRack(e.rack), e.extraTag)));
        return data;
    }

    private static ShareAcknowledgeResponseData shareAcknowledge(short version, List<Endpoint> endpoints) {
        ShareAcknowledgeResponseData data = new ShareAcknowledgeResponseData().setThrottleTimeMs(2);
        if (version >= 2) {
            data.setAcquisitionLockTimeoutMs(15_000);
        }
        ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse topic =
                new ShareAcknowledgeResponseData.ShareAcknowledgeTopicResponse()
                        .setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAABA"));
        topic.partitions().add(new ShareAcknowledgeResponseData.PartitionData()
                .setPartitionIndex(3)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                .setErrorMessage("moved")
                .setCurrentLeader(new ShareAcknowledgeResponseData.LeaderIdAndEpoch().setLeaderId(1).setLeaderEpoch(8)));
        data.responses().add(topic);
        endpoints.forEach(e -> data.nodeEndpoints().add(tagged(new ShareAcknowledgeResponseData.NodeEndpoint()
                .setNodeId(e.id).setHost(e.host).setPort(e.port).setRack(e.rack), e.extraTag)));
        return data;
    }

    private static List<Endpoint> advertised(List<Endpoint> endpoints) {
        return endpoints.stream().map(Endpoint::advertised).toList();
    }

    private static ByteBuf frame(ApiKeys key, short version, ApiMessage message) {
        return KafkaWire.responseFrame(key, version, CORRELATION_ID, HEADER_TAGS, message);
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void nodeEndpointsAreRewrittenToTheRoutingsAddressesAndNothingElseChanges(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, response(key, version, REAL, false));
        ApiMessage expected = response(key, version, advertised(REAL), false);
        ByteBuf expectedFrame = frame(key, version, expected);
        Object result = processor.process(session, frame, key, version);
        try {
            assertThat(result).isInstanceOf(ByteBuf.class).isNotSameAs(frame);
            ByteBuf out = (ByteBuf) result;
            // Byte for byte what kafka-clients writes for the rewritten message: header (and its
            // tagged fields), size prefix, every other field and every unknown tagged field.
            assertThat(KafkaWire.bytes(out)).isEqualTo(KafkaWire.bytes(expectedFrame));
            assertThat(KafkaWire.<ApiMessage>readResponse(out, key, version)).isEqualTo(expected);
            assertThat(KafkaWire.readResponseHeader(out, key, version).correlationId()).isEqualTo(CORRELATION_ID);
            assertThat(KafkaWire.readResponseHeader(out, key, version).unknownTaggedFields())
                    .containsExactlyElementsOf(HEADER_TAGS);
        } finally {
            ((ByteBuf) result).release();
            expectedFrame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void theBrokersNamedInEndpointsAreLearnedWithTheirRealAddresses(ApiKeys key, short version) {
        Object result = processor.process(session, frame(key, version, response(key, version, REAL, false)), key, version);
        ((ByteBuf) result).release();
        assertThat(registry.broker(1)).isEqualTo(new BrokerNode(1, "broker-1.internal", 9092, "rack-a"));
        assertThat(registry.broker(300)).isEqualTo(new BrokerNode(300, "10.0.0.3", 9094, "rack-c"));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void responsesWithoutNodeEndpointsAreForwardedAsTheSameBuffer(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, response(key, version, List.of(), true));
        byte[] before = KafkaWire.bytes(frame);
        try {
            assertThat(processor.process(session, frame, key, version)).isSameAs(frame);
            assertThat(frame.refCnt()).isEqualTo(1);
            assertThat(KafkaWire.bytes(frame)).isEqualTo(before);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void endpointsThatAlreadyNameTheGatewayLeaveTheFrameAlone(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, response(key, version, advertised(REAL), false));
        try {
            assertThat(processor.process(session, frame, key, version)).isSameAs(frame);
            assertThat(frame.refCnt()).isEqualTo(1);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void anEndpointTheRoutingCannotPlaceFailsClosedAndLeavesTheFrameToTheCaller(ApiKeys key, short version) {
        List<Endpoint> endpoints = List.of(REAL.get(0), new Endpoint(StubRouting.UNROUTED_ID, "hidden.internal", 9092, null, false));
        ByteBuf frame = frame(key, version, response(key, version, endpoints, false));
        byte[] before = KafkaWire.bytes(frame);
        try {
            assertThatThrownBy(() -> processor.process(session, frame, key, version))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("no address for broker " + StubRouting.UNROUTED_ID);
            assertThat(frame.refCnt()).isEqualTo(1);
            assertThat(KafkaWire.bytes(frame)).isEqualTo(before);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versionsWithNodeEndpoints")
    void endpointsRunningPastTheEndOfTheFrameAreCorrupt(ApiKeys key, short version) {
        ApiMessage message = response(key, version, REAL, false);
        message.unknownTaggedFields().clear(); // the endpoints are then at the very end of the frame
        ByteBuf frame = frame(key, version, message);
        try {
            // Drop the last bytes: for Produce/Fetch the tagged value, for the share APIs the
            // top-level tagged section and the end of the endpoint array.
            frame.writerIndex(frame.writerIndex() - 3);
            assertThatThrownBy(() -> processor.process(session, frame, key, version))
                    .isInstanceOf(CorruptFrameException.class);
            assertThat(frame.refCnt()).isEqualTo(1);
        } finally {
            frame.release();
        }
    }

    @Test
    void aFetchResponseWithAMebibyteOfRecordsIsRewrittenAroundTheRecordsWithoutCopyingThem() {
        short version = ApiKeys.FETCH.latestVersion(true);
        ByteBuf frame = frame(ApiKeys.FETCH, version, response(ApiKeys.FETCH, version, REAL, true));
        ApiMessage expected = response(ApiKeys.FETCH, version, advertised(REAL), true);
        ByteBuf expectedFrame = frame(ApiKeys.FETCH, version, expected);
        frame.retain(); // one reference for the test, to look at the memory the result shares
        ByteBuf out = (ByteBuf) processor.process(session, frame, ApiKeys.FETCH, version);
        try {
            assertThat(out.readableBytes()).isGreaterThan(ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes());
            assertThat(KafkaWire.bytes(out)).isEqualTo(KafkaWire.bytes(expectedFrame));
            assertThat(KafkaWire.<FetchResponseData>readResponse(out, ApiKeys.FETCH, version)).isEqualTo(expected);
            // The records are in the untouched prefix, which is the original memory, not a copy.
            assertThat(frame.refCnt()).as("the processor released its reference; the result holds slices").isGreaterThan(1);
            int inRecords = Headers.responseBodyStart(frame, ApiKeys.FETCH, version) + 4096;
            byte original = frame.getByte(inRecords);
            frame.setByte(inRecords, ~original);
            assertThat(out.getByte(out.readerIndex() + inRecords - frame.readerIndex())).isEqualTo((byte) ~original);
        } finally {
            out.release();
            expectedFrame.release();
            assertThat(frame.release()).as("last reference released").isTrue();
        }
    }
}
