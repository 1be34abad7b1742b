package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.types.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The resumable walk agrees with the whole-frame walk however the frame is cut into pieces. */
class StructureCursorTest {

    private static final int SAMPLES_PER_VERSION = 2;
    private static final int CUTS_PER_FIELD = 3;

    static Stream<Arguments> everyResponseSchema() {
        return StructureWalkerTest.everyResponseSchema();
    }

    /**
     * Feeds {@code frame} to a cursor in random pieces of 1 to {@code maxPiece} bytes, as {@code
     * ResponseStream} does: each piece preceded by the bytes the previous one left unparsed. Returns
     * the offset at which the cursor stopped.
     */
    static int walkInPieces(StructureCursor cursor, ByteBuf frame, int frameLength, Random random, int maxPiece) {
        int to = 0;
        while (true) {
            int from = to;
            to = Math.min(frameLength, to + 1 + random.nextInt(maxPiece));
            int windowFrom = Math.min(cursor.offset(), from);
            assertThat(from - windowFrom).as("bytes carried over").isLessThanOrEqualTo(StructureCursor.MAX_CARRY);
            if (cursor.advance(frame, frame.readerIndex() + windowFrom, windowFrom, to)) {
                return cursor.offset();
            }
            assertThat(to).as("the cursor asked for more after the last byte").isLessThan(frameLength);
        }
    }

    private static boolean flexibleHeader(ApiKeys key, short version) {
        return key.responseHeaderVersion(version) >= 1;
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyResponseSchema")
    void everyTopLevelFieldIsFoundWhereTheWholeWalkFindsIt(ApiKeys key, short version) {
        Schema schema = key.messageType.responseSchemas()[version];
        StructureWalker walker = ResponseLayouts.walker(key, version);
        Random random = new Random(key.id * 131L + version);
        for (int seed = 0; seed < SAMPLES_PER_VERSION; seed++) {
            ByteBuffer body = new SchemaSamples(seed * 7_000L + key.id * 17L + version).serialize(schema);
            ByteBuf frame = KafkaWire.responseFrame(key, version, 1, body);
            try {
                int start = frame.readerIndex();
                int length = frame.readableBytes();
                int bodyStart = Headers.responseBodyStart(frame, key, version);
                for (int field = 0; field <= walker.fieldCount(); field++) {
                    int expected = walker.offsetOf(frame, bodyStart, frame.writerIndex(), field) - start;
                    for (int cut = 0; cut < CUTS_PER_FIELD; cut++) {
                        int maxPiece = cut == 0 ? 1 : cut == 1 ? 7 : 64;
                        StructureCursor cursor = walker.cursor(length, flexibleHeader(key, version), field);
                        assertThat(walkInPieces(cursor, frame, length, random, maxPiece))
                                .as("%s v%d seed %d field %d, pieces of up to %d bytes", key, version, seed, field, maxPiece)
                                .isEqualTo(expected);
                    }
                }
            } finally {
                frame.release();
            }
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyResponseSchema")
    void aFrameThatEndsInsideItsStructureIsCorrupt(ApiKeys key, short version) {
        Schema schema = key.messageType.responseSchemas()[version];
        StructureWalker walker = ResponseLayouts.walker(key, version);
        ByteBuf frame = KafkaWire.responseFrame(key, version, 1, new SchemaSamples(key.id).serialize(schema));
        try {
            int shorter = frame.readableBytes() - 1;
            if (shorter <= Frames.MIN_RESPONSE_FRAME) {
                return; // nothing but the header: no structure to cut
            }
            StructureCursor cursor = walker.cursor(shorter, flexibleHeader(key, version), walker.fieldCount());
            assertThatThrownBy(() -> walkInPieces(cursor, frame, shorter, new Random(version), 9))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void recordsAreSteppedOverByTheirLengthBeforeTheirBytesArrive() {
        short version = ApiKeys.FETCH.latestVersion(true);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, version, 1,
                ResponseSamples.fetch(version, true, java.util.List.of()));
        try {
            int length = frame.readableBytes();
            StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
            StructureCursor cursor = walker.cursor(length, true, walker.taggedFieldsIndex());
            // The first 256 bytes reach the first record set's length: the walk jumps past its end.
            assertThat(cursor.advance(frame, frame.readerIndex(), 0, 256)).isFalse();
            assertThat(cursor.offset()).isGreaterThan(ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes() / 2);
            // Pieces wholly inside the records cost nothing and need no carried bytes.
            int inside = cursor.offset() - 100_000;
            assertThat(cursor.advance(frame, frame.readerIndex() + inside, inside, inside + 50_000)).isFalse();
            int expected = walker.offsetOf(frame, Headers.responseBodyStart(frame, ApiKeys.FETCH, version),
                    frame.writerIndex(), walker.taggedFieldsIndex()) - frame.readerIndex();
            assertThat(walkInPieces(cursor, frame, length, new Random(1), 65_536)).isEqualTo(expected);
        } finally {
            frame.release();
        }
    }

    @Test
    void lyingCountsAndLengthsAreCorruptBeforeTheirBytesArrive() {
        // Fetch v11 (fixed-width counts): one topic declaring a million partitions in a 60-byte frame.
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        frame.writeInt(56).writeInt(1); // size, correlation id
        frame.writeInt(0).writeShort(0).writeInt(0).writeInt(1); // throttle, error, session, one topic
        frame.writeShort(3).writeBytes(new byte[] {'a', 'b', 'c'}).writeInt(1_000_000);
        frame.writeZero(60 - frame.writerIndex());
        try {
            StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, (short) 11);
            StructureCursor cursor = walker.cursor(60, false, walker.fieldCount());
            assertThatThrownBy(() -> cursor.advance(frame, 0, 0, 40))
                    .isInstanceOf(CorruptFrameException.class).hasMessageContaining("1000000 array elements");
            StructureCursor records = walker.cursor(60, false, walker.fieldCount());
            frame.setInt(29, 1); // one partition, whose fields run past the 60 bytes
            assertThatThrownBy(() -> walkInPieces(records, frame, 60, new Random(3), 5))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void bytesThatDoNotContinueTheWalkAreRefused() {
        StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, (short) 11);
        StructureCursor cursor = walker.cursor(100, false, walker.fieldCount());
        ByteBuf buf = KafkaWire.ALLOC.buffer(100).writeZero(100);
        try {
            assertThatThrownBy(() -> cursor.advance(buf, 0, 20, 40)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> cursor.advance(buf, 0, 0, 101)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> walker.cursor(100, false, walker.fieldCount() + 1))
                    .isInstanceOf(IllegalArgumentException.class);
        } finally {
            buf.release();
        }
    }
}
