package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Walking populated Fetch and Produce responses, records included, at every version. */
class StructureWalkerRecordsTest {

    private static final List<FetchResponseData.NodeEndpoint> FETCH_ENDPOINTS = List.of(
            new FetchResponseData.NodeEndpoint().setNodeId(1).setHost("broker-1.internal").setPort(9092).setRack("a"),
            new FetchResponseData.NodeEndpoint().setNodeId(2).setHost("broker-2.internal").setPort(9092));
    private static final List<ProduceResponseData.NodeEndpoint> PRODUCE_ENDPOINTS = List.of(
            new ProduceResponseData.NodeEndpoint().setNodeId(2).setHost("broker-2.internal").setPort(9093).setRack("b"));

    static Stream<Short> fetchVersions() {
        return KafkaWire.versions(ApiKeys.FETCH);
    }

    static Stream<Short> produceVersions() {
        return KafkaWire.versions(ApiKeys.PRODUCE);
    }

    @BeforeAll
    static void samplesHoldRealBatches() {
        assertThat(ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes()).isBetween(1 << 20, 2 << 20);
        assertThat(ResponseSamples.MEBIBYTE_OF_RECORDS.batches()).hasSize(4);
        RecordBatch gzip = ResponseSamples.GZIP_RECORDS.batches().iterator().next();
        assertThat(gzip.compressionType().name).isEqualTo("gzip");
    }

    private static void assertWalkIsExact(ApiKeys key, short version, ApiMessage message) {
        ByteBuf frame = KafkaWire.responseFrame(key, version, 42, message);
        try {
            // The frame is what kafka-clients itself reads back.
            assertThat(KafkaWire.<ApiMessage>readResponse(frame, key, version)).isEqualTo(message);
            StructureWalker walker = ResponseLayouts.walker(key, version);
            int bodyStart = Headers.responseBodyStart(frame, key, version);
            int end = frame.writerIndex();
            assertThat(walker.skipAll(frame, bodyStart, end)).as("%s v%d", key, version).isEqualTo(end);
            assertThatThrownBy(() -> walker.skipAll(frame, bodyStart, end - 1))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("fetchVersions")
    void walkingAFetchResponseWithAMebibyteOfRecordsIsExact(short version) {
        assertWalkIsExact(ApiKeys.FETCH, version,
                ResponseSamples.fetch(version, true, version >= 16 ? FETCH_ENDPOINTS : List.of()));
    }

    @ParameterizedTest(name = "Fetch v{0}")
    @MethodSource("fetchVersions")
    void walkingAFetchResponseWithoutRecordsIsExact(short version) {
        assertWalkIsExact(ApiKeys.FETCH, version, ResponseSamples.fetch(version, false, List.of()));
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void walkingAPopulatedProduceResponseIsExact(short version) {
        assertWalkIsExact(ApiKeys.PRODUCE, version,
                ResponseSamples.produce(version, version >= 10 ? PRODUCE_ENDPOINTS : List.of()));
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void walkingAnEmptyProduceResponseIsExact(short version) {
        assertWalkIsExact(ApiKeys.PRODUCE, version, new ProduceResponseData());
    }

    @Test
    void theTaggedSectionOfAFetchResponseIsFoundBehindItsRecords() {
        short version = ApiKeys.FETCH.latestVersion(true);
        FetchResponseData data = ResponseSamples.fetch(version, true, FETCH_ENDPOINTS);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, version, 1, data);
        try {
            StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
            int bodyStart = Headers.responseBodyStart(frame, ApiKeys.FETCH, version);
            int tagged = walker.offsetOf(frame, bodyStart, frame.writerIndex(), walker.taggedFieldsIndex());
            assertThat(tagged).isGreaterThan(bodyStart + ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes());
            // What follows is exactly the serialised top-level tagged section: one field, tag 0.
            FetchResponseData endpointsOnly = new FetchResponseData();
            FETCH_ENDPOINTS.forEach(e -> endpointsOnly.nodeEndpoints().add(e.duplicate()));
            ByteBuf expected = KafkaWire.responseFrame(ApiKeys.FETCH, version, 1, endpointsOnly);
            try {
                int expectedTagged = Headers.responseBodyStart(expected, ApiKeys.FETCH, version) + 4 + 2 + 4 + 1;
                assertThat(KafkaWire.bytes(frame.slice(tagged, frame.writerIndex() - tagged)))
                        .isEqualTo(KafkaWire.bytes(expected.slice(expectedTagged, expected.writerIndex() - expectedTagged)));
            } finally {
                expected.release();
            }
        } finally {
            frame.release();
        }
    }

    @Test
    void aRecordSetClaimingMoreBytesThanTheFrameHoldsIsCorrupt() {
        short version = ApiKeys.FETCH.latestVersion(true);
        FetchResponseData data = ResponseSamples.fetch(version, true, List.of());
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, version, 1, data);
        try {
            StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
            int bodyStart = Headers.responseBodyStart(frame, ApiKeys.FETCH, version);
            // Cut the frame inside the mebibyte of records: the walk must notice, not run on.
            int cut = bodyStart + ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes() / 2;
            assertThatThrownBy(() -> walker.skipAll(frame, bodyStart, cut))
                    .isInstanceOf(CorruptFrameException.class)
                    .hasMessageContaining("exceeds");
        } finally {
            frame.release();
        }
    }

    @Test
    void recordsAreSkippedWithoutBeingParsed() {
        // Garbage where the records are: a walk that only reads lengths does not care.
        short version = ApiKeys.FETCH.latestVersion(true);
        FetchResponseData data = ResponseSamples.fetch(version, false, List.of());
        data.responses().get(0).partitions().get(0).setRecords(MemoryRecords.readableRecords(
                ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 2, 3})));
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, version, 1, data);
        try {
            int bodyStart = Headers.responseBodyStart(frame, ApiKeys.FETCH, version);
            assertThat(ResponseLayouts.walker(ApiKeys.FETCH, version).skipAll(frame, bodyStart, frame.writerIndex()))
                    .isEqualTo(frame.writerIndex());
        } finally {
            frame.release();
        }
    }
}
