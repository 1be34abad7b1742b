package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ProduceRequestsTest {

    private static final short[] ACKS = {0, 1, -1};
    private static final String LONG_CLIENT_ID = "producer-é-" + "x".repeat(300);
    private static final List<String> CLIENT_IDS = Arrays.asList(null, "", LONG_CLIENT_ID);
    private static final List<String> TRANSACTIONAL_IDS = Arrays.asList(null, "", "txn-1", "t".repeat(200));

    static Stream<Short> produceVersions() {
        return KafkaWire.versions(ApiKeys.PRODUCE);
    }

    private static ProduceRequestData produce(short version, short acks, String transactionalId) {
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData();
        if (version >= 13) {
            topic.setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ"));
        } else {
            topic.setName("orders");
        }
        for (int p = 0; p < 3; p++) {
            topic.partitionData().add(new ProduceRequestData.PartitionProduceData()
                    .setIndex(p)
                    .setRecords(MemoryRecords.withRecords(Compression.NONE,
                            new SimpleRecord(("k" + p).getBytes(StandardCharsets.UTF_8), new byte[100]))));
        }
        ProduceRequestData data = new ProduceRequestData()
                .setAcks(acks)
                .setTimeoutMs(30_000)
                .setTransactionalId(transactionalId);
        data.topicData().add(topic);
        return data;
    }

    private static List<RawTaggedField> headerTags(short version) {
        return ApiKeys.PRODUCE.requestHeaderVersion(version) >= 2
                ? List.of(new RawTaggedField(3, new byte[] {1, 2, 3}), new RawTaggedField(200, new byte[130]))
                : List.of();
    }

    private static int headerLength(short version, String clientId) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.PRODUCE.id).setRequestApiVersion(version).setClientId(clientId);
        header.unknownTaggedFields().addAll(headerTags(version));
        return 4 + header.size(new ObjectSerializationCache(), ApiKeys.PRODUCE.requestHeaderVersion(version));
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void acksIsFoundForEveryCombinationOfClientIdTransactionalIdAndAcks(short version) {
        int cases = 0;
        for (String clientId : CLIENT_IDS) {
            for (String transactionalId : TRANSACTIONAL_IDS) {
                for (short acks : ACKS) {
                    ByteBuf frame = KafkaWire.requestFrame(ApiKeys.PRODUCE, version, 77, clientId,
                            headerTags(version), produce(version, acks, transactionalId));
                    try {
                        String what = "v" + version + " acks=" + acks + " client_id=" + abbreviate(clientId)
                                + " transactional_id=" + abbreviate(transactionalId);
                        assertThat(Headers.requestBodyStart(frame, ApiKeys.PRODUCE, version)).as(what)
                                .isEqualTo(headerLength(version, clientId));
                        assertThat(ProduceRequests.acks(frame, version)).as(what).isEqualTo(acks);
                        assertThat(Frames.apiKey(frame)).isEqualTo(ApiKeys.PRODUCE.id);
                        assertThat(Frames.apiVersion(frame)).isEqualTo(version);
                        assertThat(Frames.requestCorrelationId(frame)).isEqualTo(77);
                        cases++;
                    } finally {
                        frame.release();
                    }
                }
            }
        }
        assertThat(cases).isEqualTo(CLIENT_IDS.size() * TRANSACTIONAL_IDS.size() * ACKS.length);
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void acksIsReadRelativeToTheFrameStartInsideALargerBuffer(short version) {
        ByteBuf frame = KafkaWire.requestFrame(ApiKeys.PRODUCE, version, 1, "c", headerTags(version),
                produce(version, (short) -1, "txn"));
        ByteBuf cumulation = KafkaWire.ALLOC.buffer();
        try {
            cumulation.writeBytes(new byte[] {9, 9, 9, 0, 0, 0, 1}).writeBytes(frame, frame.readerIndex(), frame.readableBytes());
            cumulation.readerIndex(7);
            assertThat(Headers.requestBodyStart(cumulation, ApiKeys.PRODUCE, version))
                    .isEqualTo(7 + headerLength(version, "c"));
            assertThat(ProduceRequests.acks(cumulation, version)).isEqualTo((short) -1);
            ByteBuf slice = cumulation.slice(7, frame.readableBytes());
            assertThat(ProduceRequests.acks(slice, version)).isEqualTo((short) -1);
        } finally {
            frame.release();
            cumulation.release();
        }
    }

    @ParameterizedTest(name = "Produce v{0}")
    @MethodSource("produceVersions")
    void everyTruncationBeforeTheEndOfAcksIsCorrupt(short version) {
        for (String transactionalId : TRANSACTIONAL_IDS) {
            ByteBuf frame = KafkaWire.requestFrame(ApiKeys.PRODUCE, version, 1, "client-é", headerTags(version),
                    produce(version, (short) 1, transactionalId));
            try {
                int acksEnd = acksEnd(version, "client-é", transactionalId);
                List<Integer> accepted = new ArrayList<>();
                for (int length = 0; length < acksEnd; length++) {
                    try {
                        ProduceRequests.acks(frame.slice(0, length), version);
                        accepted.add(length);
                    } catch (CorruptFrameException expected) {
                        // every truncation must end up here
                    }
                }
                assertThat(accepted).as("v%d truncations of %d bytes read without error", version, acksEnd).isEmpty();
                assertThat(ProduceRequests.acks(frame.slice(0, acksEnd), version)).isEqualTo((short) 1);
            } finally {
                frame.release();
            }
        }
    }

    /** Index just past {@code acks}, computed from the header and transactional id sizes. */
    private static int acksEnd(short version, String clientId, String transactionalId) {
        int txnBytes = transactionalId == null ? 0 : transactionalId.getBytes(StandardCharsets.UTF_8).length;
        int txnField = version >= 9
                ? Varints.sizeOfUnsignedVarint(transactionalId == null ? 0 : txnBytes + 1) + txnBytes
                : 2 + txnBytes;
        return headerLength(version, clientId) + txnField + 2;
    }

    @Test
    void aTransactionalIdLongerThanTheFrameIsCorrupt() {
        for (short version : new short[] {3, 8}) {
            ByteBuf frame = handMade(version, buf -> buf.writeShort(Short.MAX_VALUE).writeBytes(new byte[10]));
            assertCorrupt(frame, version);
        }
        for (short version : new short[] {9, ApiKeys.PRODUCE.latestVersion(true)}) {
            ByteBuf frame = handMade(version, buf -> {
                Varints.writeUnsignedVarint(buf, 1_000_000);
                buf.writeBytes(new byte[10]);
            });
            assertCorrupt(frame, version);
        }
    }

    @Test
    void aClientIdLongerThanTheFrameIsCorrupt() {
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        frame.writeInt(0).writeShort(ApiKeys.PRODUCE.id).writeShort(3).writeInt(1).writeShort(500).writeBytes(new byte[20]);
        frame.setInt(0, frame.readableBytes() - 4);
        assertCorrupt(frame, (short) 3);
    }

    @Test
    void aHeaderTaggedFieldCountLargerThanTheFrameIsCorrupt() {
        short version = 9;
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        frame.writeInt(0).writeShort(ApiKeys.PRODUCE.id).writeShort(version).writeInt(1).writeShort(-1);
        Varints.writeUnsignedVarint(frame, Integer.MAX_VALUE);
        frame.writeBytes(new byte[10]);
        frame.setInt(0, frame.readableBytes() - 4);
        assertCorrupt(frame, version);
    }

    @Test
    void aVarintLongerThanFiveBytesIsCorrupt() {
        short version = 9;
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        frame.writeInt(0).writeShort(ApiKeys.PRODUCE.id).writeShort(version).writeInt(1).writeShort(-1).writeByte(0);
        frame.writeBytes(new byte[] {(byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, (byte) 0x81, 0x01, 0, 1});
        frame.setInt(0, frame.readableBytes() - 4);
        assertThatThrownBy(() -> ProduceRequests.acks(frame, version))
                .isInstanceOf(CorruptFrameException.class).hasMessageContaining("longer than 5 bytes");
        frame.release();
    }

    private interface BodyWriter {
        void write(ByteBuf buf);
    }

    /** A Produce request frame with client id "c", an empty header tagged section where flexible, and the given body. */
    private static ByteBuf handMade(short version, BodyWriter body) {
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        frame.writeInt(0).writeShort(ApiKeys.PRODUCE.id).writeShort(version).writeInt(1).writeShort(1).writeByte('c');
        if (ApiKeys.PRODUCE.requestHeaderVersion(version) >= 2) {
            frame.writeByte(0);
        }
        body.write(frame);
        frame.setInt(0, frame.readableBytes() - 4);
        return frame;
    }

    private static void assertCorrupt(ByteBuf frame, short version) {
        try {
            assertThatThrownBy(() -> ProduceRequests.acks(frame, version)).isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    private static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 12 ? "\"" + s.substring(0, 12) + "...\"(" + s.length() + ")" : "\"" + s + "\"";
    }

    @Test
    void produceVersionsCoverBothRequestHeaderLayouts() {
        List<Short> headerVersions = new ArrayList<>();
        produceVersions().forEach(v -> headerVersions.add(ApiKeys.PRODUCE.requestHeaderVersion(v)));
        assertThat(headerVersions).contains((short) 1, (short) 2);
    }
}
