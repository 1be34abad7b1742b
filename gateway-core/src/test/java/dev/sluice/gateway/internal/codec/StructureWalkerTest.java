package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.types.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StructureWalkerTest {

    private static final int SAMPLES_PER_VERSION = 4;

    static Stream<Arguments> everyResponseSchema() {
        return Stream.of(ApiKeys.values()).flatMap(key -> KafkaWire.versions(key)
                .filter(v -> v < key.messageType.responseSchemas().length && key.messageType.responseSchemas()[v] != null)
                .map(v -> Arguments.of(key, v)));
    }

    @Test
    void everyApiKeyHasResponseSchemasForItsSupportedVersions() {
        assertThat(everyResponseSchema().count())
                .isEqualTo(Stream.of(ApiKeys.values()).flatMap(KafkaWire::versions).count());
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyResponseSchema")
    void walkingADefaultResponseLandsExactlyAtItsEnd(ApiKeys key, short version) {
        ByteBuf frame = KafkaWire.responseFrame(key, version, 1, key.messageType.newResponse());
        try {
            int bodyStart = Headers.responseBodyStart(frame, key, version);
            int end = frame.writerIndex();
            StructureWalker walker = ResponseLayouts.walker(key, version);
            assertThat(walker.skipAll(frame, bodyStart, end)).isEqualTo(end);
            List<Integer> acceptedTruncations = new ArrayList<>();
            for (int limit = bodyStart; limit < end; limit++) {
                try {
                    walker.skipAll(frame, bodyStart, limit);
                    acceptedTruncations.add(limit);
                } catch (CorruptFrameException expected) {
                    // every cut must end up here
                }
            }
            assertThat(acceptedTruncations).as("cuts of a %d-byte frame walked without error", end).isEmpty();
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyResponseSchema")
    void walkingPopulatedResponsesLandsExactlyAtTheirEnd(ApiKeys key, short version) {
        Schema schema = key.messageType.responseSchemas()[version];
        StructureWalker walker = ResponseLayouts.walker(key, version);
        for (int seed = 0; seed < SAMPLES_PER_VERSION; seed++) {
            ByteBuffer body = new SchemaSamples(seed * 1_000L + key.id * 31L + version).serialize(schema);
            // The sample is a valid message: kafka-clients' generated class reads all of it.
            ApiMessage decoded = key.messageType.newResponse();
            ByteBuffer check = body.duplicate();
            decoded.read(new ByteBufferAccessor(check), version);
            assertThat(check.remaining()).as("sample of %s v%d read by kafka-clients", key, version).isZero();

            ByteBuf frame = KafkaWire.responseFrame(key, version, 1, body);
            try {
                int bodyStart = Headers.responseBodyStart(frame, key, version);
                int end = frame.writerIndex();
                assertThat(walker.skipAll(frame, bodyStart, end)).as("%s v%d seed %d", key, version, seed)
                        .isEqualTo(end);
                assertThatThrownBy(() -> walker.skipAll(frame, bodyStart, end - 1))
                        .isInstanceOf(CorruptFrameException.class);
                // Field by field agrees with the whole walk.
                int index = bodyStart;
                for (int field = 0; field < schema.numFields(); field++) {
                    assertThat(walker.offsetOf(frame, bodyStart, end, field)).isEqualTo(index);
                    index = walker.skipField(frame, index, end, field);
                }
                assertThat(index).isEqualTo(end);
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void taggedFieldsIndexIsTheLastFieldOfFlexibleVersionsOnly() {
        StructureWalker fetch12 = ResponseLayouts.walker(ApiKeys.FETCH, (short) 12);
        StructureWalker fetch11 = ResponseLayouts.walker(ApiKeys.FETCH, (short) 11);
        assertThat(fetch12.taggedFieldsIndex())
                .isEqualTo(ApiKeys.FETCH.messageType.responseSchemas()[12].numFields() - 1);
        assertThat(fetch11.taggedFieldsIndex()).isEqualTo(-1);
        assertThat(fetch12.fieldIndex("responses")).isEqualTo(3);
        assertThat(fetch12.fieldIndex("no_such_field")).isEqualTo(-1);
    }

    @Test
    void walkersAreCachedPerKeyAndVersion() {
        assertThat(ResponseLayouts.walker(ApiKeys.FETCH, (short) 17))
                .isSameAs(ResponseLayouts.walker(ApiKeys.FETCH, (short) 17))
                .isNotSameAs(ResponseLayouts.walker(ApiKeys.FETCH, (short) 16));
    }

    @Test
    void versionsWithoutASchemaAreRefused() {
        assertThatThrownBy(() -> ResponseLayouts.walker(ApiKeys.PRODUCE, (short) 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PRODUCE v0");
        short beyond = (short) (ApiKeys.FETCH.latestVersion(true) + 1);
        assertThatThrownBy(() -> ResponseLayouts.walker(ApiKeys.FETCH, beyond))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ResponseLayouts.walker(ApiKeys.FETCH, (short) -1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ hostile input

    /** A Fetch v11 body with one topic of one partition, except for the declared counts and lengths given. */
    private static ByteBuf fetchV11(int topicCount, int partitionCount, int nameLength, int recordsLength) {
        ByteBuf body = KafkaWire.ALLOC.buffer();
        body.writeInt(0).writeShort(0).writeInt(0); // throttle_time_ms, error_code, session_id
        body.writeInt(topicCount);
        body.writeShort(nameLength).writeBytes(new byte[Math.max(0, Math.min(nameLength, 3))]);
        body.writeInt(partitionCount);
        // partition_index, error_code, high_watermark, last_stable_offset, log_start_offset, null aborted_transactions
        body.writeInt(0).writeShort(0).writeLong(0).writeLong(0).writeLong(0).writeInt(-1);
        body.writeInt(-1); // preferred_read_replica
        body.writeInt(recordsLength).writeZero(16);
        return body;
    }

    @Test
    void theHandMadeFetchBodyIsValidWhenNothingLies() {
        ByteBuf body = fetchV11(1, 1, 3, 16);
        try {
            assertThat(ResponseLayouts.walker(ApiKeys.FETCH, (short) 11).skipAll(body, 0, body.writerIndex()))
                    .isEqualTo(body.writerIndex());
        } finally {
            body.release();
        }
    }

    private static void assertCorruptWithoutAllocating(ApiKeys key, short version, ByteBuf body, String message) {
        StructureWalker walker = ResponseLayouts.walker(key, version);
        try {
            // First call warms up class loading and the exception path; the second is measured.
            assertThatThrownBy(() -> walker.skipAll(body, 0, body.writerIndex()))
                    .isInstanceOf(CorruptFrameException.class).hasMessageContaining(message);
            long before = allocatedBytes();
            assertThatThrownBy(() -> walker.skipAll(body, 0, body.writerIndex()))
                    .isInstanceOf(CorruptFrameException.class);
            assertThat(allocatedBytes() - before).as("bytes allocated while rejecting").isLessThan(256 * 1024);
        } finally {
            body.release();
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void anArrayCountLargerThanTheRemainingBytesIsCorrupt() {
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(Integer.MAX_VALUE, 1, 3, 0), "array elements");
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(1, 1_000_000, 3, 0), "array elements");
    }

    @Test
    void aCompactArrayCountLargerThanTheRemainingBytesIsCorrupt() {
        ByteBuf body = KafkaWire.ALLOC.buffer();
        body.writeInt(0).writeShort(0).writeInt(0);
        Varints.writeUnsignedVarint(body, Integer.MAX_VALUE);
        body.writeZero(30);
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 18, body, "array elements");
    }

    @Test
    void aStringLengthPastTheEndIsCorrupt() {
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(1, 1, Short.MAX_VALUE, 0), "exceeds");
    }

    @Test
    void aNegativeStringLengthOtherThanNullIsCorrupt() {
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(1, 1, -2, 0), "declared length -2");
    }

    @Test
    void aRecordsLengthPastTheEndIsCorrupt() {
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(1, 1, 3, Integer.MAX_VALUE), "exceeds");
        assertCorruptWithoutAllocating(ApiKeys.FETCH, (short) 11, fetchV11(1, 1, 3, -5), "declared length -5");
    }

    @Test
    void aCompactBytesLengthPastTheEndIsCorrupt() {
        // SaslAuthenticate v2: error_code, error_message (compact nullable), auth_bytes (compact bytes), ...
        ByteBuf body = KafkaWire.ALLOC.buffer();
        body.writeShort(0).writeByte(0);
        Varints.writeUnsignedVarint(body, -1); // 2^32 - 1: length 2^32 - 2, unsigned
        body.writeZero(20);
        assertCorruptWithoutAllocating(ApiKeys.SASL_AUTHENTICATE, (short) 2, body, "exceeds");
    }

    @Test
    void aTaggedFieldCountOrSizePastTheEndIsCorrupt() {
        ByteBuf count = KafkaWire.ALLOC.buffer();
        count.writeInt(0).writeShort(0); // Heartbeat v4: throttle_time_ms, error_code, tagged fields
        Varints.writeUnsignedVarint(count, 1_000_000);
        count.writeZero(8);
        assertCorruptWithoutAllocating(ApiKeys.HEARTBEAT, (short) 4, count, "tagged fields");

        ByteBuf size = KafkaWire.ALLOC.buffer();
        size.writeInt(0).writeShort(0).writeByte(1).writeByte(9);
        Varints.writeUnsignedVarint(size, 5_000);
        size.writeZero(8);
        assertCorruptWithoutAllocating(ApiKeys.HEARTBEAT, (short) 4, size, "exceeds");
    }

    @Test
    void aVarintThatNeverEndsIsCorrupt() {
        ByteBuf body = KafkaWire.ALLOC.buffer();
        body.writeInt(0).writeShort(0);
        body.writeBytes(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80});
        assertCorruptWithoutAllocating(ApiKeys.HEARTBEAT, (short) 4, body, "varint runs past the end");
    }
}
