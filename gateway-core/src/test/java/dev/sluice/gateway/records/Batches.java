package dev.sluice.gateway.records;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.Readable;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.jspecify.annotations.Nullable;

/**
 * Real record batches, built with kafka-clients' own writer, and helpers to compare what comes out
 * of a rewrite with what went in. Independent of the code under test.
 */
final class Batches {

    static final long PRODUCER_ID = 4_242L;
    static final short PRODUCER_EPOCH = 7;
    static final int PARTITION_LEADER_EPOCH = 3;
    static final long FIRST_TIMESTAMP = 1_700_000_000_000L;

    /** How the producer that wrote a batch was configured. */
    enum Producer {
        PLAIN, IDEMPOTENT, TRANSACTIONAL
    }

    /** Every codec kafka-clients supports. */
    enum Codec {
        NONE(Compression.NONE),
        GZIP(Compression.gzip().build()),
        SNAPPY(Compression.snappy().build()),
        LZ4(Compression.lz4().build()),
        ZSTD(Compression.zstd().build());

        final Compression compression;

        Codec(Compression compression) {
            this.compression = compression;
        }
    }

    private Batches() {}

    /**
     * {@code count} records: keys {@code key-i} (null for the second), values {@code value-i}
     * (a tombstone for the third), one header {@code h=i} (none for the fourth), timestamps one
     * millisecond apart.
     */
    static SimpleRecord[] records(int first, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            int n = first + i;
            byte[] key = i == 1 ? null : utf8("key-" + n);
            byte[] value = i == 2 ? null : utf8("value-" + n + "-" + "x".repeat(n % 7 * 10));
            Header[] headers = i == 3 ? new Header[0] : new Header[] {new RecordHeader("h", utf8(String.valueOf(n)))};
            records[i] = new SimpleRecord(FIRST_TIMESTAMP + n, key, value, headers);
        }
        return records;
    }

    /** One v2 batch at {@code baseOffset}; idempotent and transactional batches start at sequence {@code baseSequence}. */
    static MemoryRecords batch(Codec codec, Producer producer, long baseOffset, int baseSequence,
            SimpleRecord... records) {
        return switch (producer) {
            case PLAIN -> MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset, codec.compression,
                    TimestampType.CREATE_TIME, records);
            case IDEMPOTENT -> MemoryRecords.withIdempotentRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset,
                    codec.compression, PRODUCER_ID, PRODUCER_EPOCH, baseSequence, PARTITION_LEADER_EPOCH, records);
            case TRANSACTIONAL -> MemoryRecords.withTransactionalRecords(RecordBatch.MAGIC_VALUE_V2, baseOffset,
                    codec.compression, PRODUCER_ID, PRODUCER_EPOCH, baseSequence, PARTITION_LEADER_EPOCH, records);
        };
    }

    /** A v2 batch with log append time {@code appendTime}, as a broker configured for it writes. */
    static MemoryRecords logAppendTimeBatch(Codec codec, long baseOffset, long appendTime, SimpleRecord... records) {
        var builder = MemoryRecords.builder(ByteBuffer.allocate(1024), RecordBatch.MAGIC_VALUE_V2, codec.compression,
                TimestampType.LOG_APPEND_TIME, baseOffset, appendTime);
        for (SimpleRecord record : records) {
            builder.append(record);
        }
        return builder.build();
    }

    /** A legacy batch of message format {@code magic} (0 or 1); such batches carry no headers. */
    static MemoryRecords legacyBatch(byte magic, Codec codec, long baseOffset, int count) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(FIRST_TIMESTAMP + i, utf8("legacy-key-" + i), utf8("legacy-value-" + i));
        }
        return MemoryRecords.withRecords(magic, baseOffset, codec.compression,
                magic == RecordBatch.MAGIC_VALUE_V0 ? TimestampType.NO_TIMESTAMP_TYPE : TimestampType.CREATE_TIME,
                records);
    }

    /** A control batch with a COMMIT transaction marker at {@code offset}. */
    static MemoryRecords commitMarker(long offset) {
        return MemoryRecords.withEndTransactionMarker(offset, FIRST_TIMESTAMP + 999, PARTITION_LEADER_EPOCH,
                PRODUCER_ID, PRODUCER_EPOCH, new EndTransactionMarker(ControlRecordType.COMMIT, 0));
    }

    /** The batches one after the other, as a partition's records. */
    static MemoryRecords concat(MemoryRecords... parts) {
        return concat(List.of(parts), new byte[0]);
    }

    /** The batches one after the other, then {@code trailing} bytes (a partial batch). */
    static MemoryRecords concat(List<MemoryRecords> parts, byte[] trailing) {
        int size = trailing.length;
        for (MemoryRecords part : parts) {
            size += part.sizeInBytes();
        }
        ByteBuffer all = ByteBuffer.allocate(size);
        for (MemoryRecords part : parts) {
            all.put(part.buffer());
        }
        all.put(trailing);
        return MemoryRecords.readableRecords(all.flip());
    }

    /**
     * {@code message} written at {@code version} and read back from a direct buffer, as the gateway
     * decodes it from a Netty frame (records then are views of direct memory).
     */
    static <T extends ApiMessage> T roundTrip(T message, short version, BiFunction<Readable, Short, T> reader) {
        ByteBuffer heap = MessageUtil.toByteBufferAccessor(message, version).buffer();
        ByteBuffer direct = ByteBuffer.allocateDirect(heap.remaining());
        direct.put(heap).flip();
        return reader.apply(new ByteBufferAccessor(direct), version);
    }

    static List<MutableRecordBatch> batchesOf(@Nullable BaseRecords records) {
        List<MutableRecordBatch> batches = new ArrayList<>();
        if (records != null) {
            ((MemoryRecords) records).batches().forEach(batches::add);
        }
        return batches;
    }

    static byte[] bytesOf(RecordBatch batch) {
        ByteBuffer buffer = ByteBuffer.allocate(batch.sizeInBytes());
        batch.writeTo(buffer);
        return buffer.array();
    }

    static byte[] bytesOf(@Nullable BaseRecords records) {
        ByteBuffer buffer = ((MemoryRecords) records).buffer();
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        return bytes;
    }

    /** What a consumer sees of one record. */
    record Seen(long offset, long timestamp, @Nullable String key, @Nullable String value, List<String> headers) {

        static Seen of(Record record) {
            List<String> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                headers.add(header.key() + "=" + (header.value() == null ? null
                        : new String(header.value(), StandardCharsets.UTF_8)));
            }
            return new Seen(record.offset(), record.timestamp(), string(record.key()), string(record.value()),
                    headers);
        }

        Seen withHeader(String header) {
            List<String> more = new ArrayList<>(headers);
            more.add(header);
            return new Seen(offset, timestamp, key, value, more);
        }
    }

    static List<Seen> seen(RecordBatch batch) {
        batch.ensureValid();
        List<Seen> seen = new ArrayList<>();
        for (Record record : batch) {
            seen.add(Seen.of(record));
        }
        return seen;
    }

    /** Every field of the batch header but size, CRC and max timestamp, which follow the records. */
    static void assertSameHeader(RecordBatch actual, RecordBatch expected) {
        assertThat(actual.magic()).isEqualTo(expected.magic());
        assertThat(actual.compressionType()).isEqualTo(expected.compressionType());
        assertThat(actual.timestampType()).isEqualTo(expected.timestampType());
        assertThat(actual.baseOffset()).isEqualTo(expected.baseOffset());
        assertThat(actual.lastOffset()).isEqualTo(expected.lastOffset());
        assertThat(actual.producerId()).isEqualTo(expected.producerId());
        assertThat(actual.producerEpoch()).isEqualTo(expected.producerEpoch());
        assertThat(actual.baseSequence()).isEqualTo(expected.baseSequence());
        assertThat(actual.lastSequence()).isEqualTo(expected.lastSequence());
        assertThat(actual.isTransactional()).isEqualTo(expected.isTransactional());
        assertThat(actual.isControlBatch()).isEqualTo(expected.isControlBatch());
        assertThat(actual.partitionLeaderEpoch()).isEqualTo(expected.partitionLeaderEpoch());
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable String string(@Nullable ByteBuffer buffer) {
        return buffer == null ? null : StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }
}
