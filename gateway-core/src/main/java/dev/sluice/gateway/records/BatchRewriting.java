package dev.sluice.gateway.records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.DefaultRecord;
import org.apache.kafka.common.record.internal.DefaultRecordBatch;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.CloseableIterator;
import org.jspecify.annotations.Nullable;

/**
 * Reads and rewrites the record batches of one partition: the engine behind {@link ProduceRecords}
 * and {@link FetchRecords}.
 *
 * <p>Layout of a partition's records and what a rewrite does to each part:
 * <pre>
 * +----------------+----------------+------------------+-----------------------+
 * | batch (v2)     | control batch  | legacy (v0/v1)   | partial trailing batch|
 * | rewriter called| untouched      | untouched        | untouched (Fetch:     |
 * | rebuilt only   |                |                  | cut by max bytes)     |
 * | when changed   |                |                  |                       |
 * +----------------+----------------+------------------+-----------------------+
 * </pre>
 * Unchanged parts are copied as bytes into the new buffer, and only when some batch changed.
 */
final class BatchRewriting {

    /** Counts across the partitions of one call. */
    static final class Tally {
        int rebuiltBatches;
        int changedRecords;
        int droppedRecords;
        int legacyBatches;

        RewriteSummary summary() {
            return new RewriteSummary(rebuiltBatches, changedRecords, droppedRecords, legacyBatches);
        }
    }

    /** Whether a rewriter may drop records: only where nothing numbers them (Fetch). */
    enum Drops { ALLOWED, FORBIDDEN_PRODUCE }

    private BatchRewriting() {}

    /** Visits every record of every data batch; control batches are skipped. */
    static void forEach(@Nullable BaseRecords records, TopicPartitionRef where, RecordVisitor visitor,
            BufferSupplier buffers) {
        MemoryRecords memory = memory(records, where);
        if (memory == null) {
            return;
        }
        Iterator<MutableRecordBatch> batches = memory.batches().iterator();
        MutableRecordBatch batch;
        while ((batch = nextBatch(batches, where)) != null) {
            if (batch.isControlBatch()) {
                continue;
            }
            ensureValid(batch, where);
            BatchContext context = new BatchContext(where, batch);
            try (CloseableIterator<Record> iterator = batch.streamingIterator(buffers)) {
                Record record;
                while ((record = nextRecord(iterator, batch, where)) != null) {
                    visitor.visit(context, KafkaRecord.decoded(record));
                }
            }
        }
    }

    /**
     * Rewrites the records of one partition.
     *
     * @return the new records, or {@code null} when nothing changed and {@code records} stays as it is
     */
    static @Nullable MemoryRecords rewrite(@Nullable BaseRecords records, TopicPartitionRef where,
            RecordRewriter rewriter, Drops drops, Tally tally, BufferSupplier buffers) {
        MemoryRecords memory = memory(records, where);
        if (memory == null) {
            return null;
        }
        ByteBuffer original = memory.buffer();
        List<ByteBuffer> parts = null;
        int runStart = original.position();
        int position = runStart;
        Iterator<MutableRecordBatch> batches = memory.batches().iterator();
        MutableRecordBatch batch;
        while ((batch = nextBatch(batches, where)) != null) {
            int size = batch.sizeInBytes();
            ByteBuffer rebuilt = rewriteBatch(batch, where, rewriter, drops, tally, buffers);
            if (rebuilt != null) {
                if (parts == null) {
                    parts = new ArrayList<>();
                }
                parts.add(slice(original, runStart, position));
                parts.add(rebuilt);
                runStart = position + size;
            }
            position += size;
        }
        if (parts == null) {
            return null;
        }
        parts.add(slice(original, runStart, original.limit()));
        parts.removeIf(part -> !part.hasRemaining());
        if (parts.size() == 1) {
            return MemoryRecords.readableRecords(parts.get(0)); // one rebuilt batch: nothing to join
        }
        int total = 0;
        for (ByteBuffer part : parts) {
            total += part.remaining();
        }
        ByteBuffer joined = ByteBuffer.allocate(total);
        for (ByteBuffer part : parts) {
            joined.put(part);
        }
        return MemoryRecords.readableRecords(joined.flip());
    }

    /** The batch rebuilt, or {@code null} when it stays as it is. */
    private static @Nullable ByteBuffer rewriteBatch(MutableRecordBatch batch, TopicPartitionRef where,
            RecordRewriter rewriter, Drops drops, Tally tally, BufferSupplier buffers) {
        if (batch.isControlBatch()) {
            return null;
        }
        if (batch.magic() < RecordBatch.MAGIC_VALUE_V2) {
            tally.legacyBatches++;
            return null;
        }
        ensureValid(batch, where);
        BatchContext context = new BatchContext(where, batch);
        Integer count = batch.countOrNull();
        List<KafkaRecord> kept = new ArrayList<>(count == null ? 16 : count);
        int changed = 0;
        int dropped = 0;
        try (CloseableIterator<Record> iterator = batch.streamingIterator(buffers)) {
            Record record;
            while ((record = nextRecord(iterator, batch, where)) != null) {
                KafkaRecord in = KafkaRecord.decoded(record);
                KafkaRecord out = rewriter.rewrite(context, in);
                if (out == null) {
                    if (drops == Drops.FORBIDDEN_PRODUCE) {
                        throw new IllegalStateException("the rewriter dropped the record at offset " + in.offset()
                                + " of a Produce batch for " + where + ": records of a Produce request cannot be"
                                + " dropped (the producer's sequence numbers count them); fail the request instead");
                    }
                    dropped++;
                } else if (out == in || in.sameContent(out)) {
                    kept.add(in);
                } else {
                    if (out.timestamp() != in.timestamp() && batch.timestampType() == TimestampType.LOG_APPEND_TIME) {
                        throw new IllegalStateException("the rewriter changed the timestamp of the record at offset "
                                + in.offset() + " of " + where + " from " + in.timestamp() + " to " + out.timestamp()
                                + ", but its batch has log append time, which consumers see instead");
                    }
                    kept.add(out.atOffset(in.offset()));
                    changed++;
                }
            }
        }
        if (changed == 0 && dropped == 0) {
            return null;
        }
        tally.rebuiltBatches++;
        tally.changedRecords += changed;
        tally.droppedRecords += dropped;
        return kept.isEmpty() ? emptyBatch(batch) : build(batch, kept);
    }

    /**
     * A v2 batch with every field of {@code original} but the records: same codec (at its default
     * level), producer id, epoch, base sequence, transactional flag, timestamp type (and log append
     * time), base offset, last offset (kept when trailing records were dropped, so consumers move
     * past them), partition leader epoch and delete horizon; a new CRC.
     */
    private static ByteBuffer build(MutableRecordBatch original, List<KafkaRecord> records) {
        TimestampType timestampType = original.timestampType();
        long logAppendTime = timestampType == TimestampType.LOG_APPEND_TIME
                ? original.maxTimestamp() : RecordBatch.NO_TIMESTAMP;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(
                new ByteBufferOutputStream(capacity(original, records)),
                RecordBatch.MAGIC_VALUE_V2,
                Compression.of(original.compressionType()).build(),
                timestampType,
                original.baseOffset(),
                logAppendTime,
                original.producerId(),
                original.producerEpoch(),
                original.baseSequence(),
                original.isTransactional(),
                false,
                original.partitionLeaderEpoch(),
                Integer.MAX_VALUE,
                original.deleteHorizonMs().orElse(RecordBatch.NO_TIMESTAMP));
        for (KafkaRecord record : records) {
            builder.appendWithOffset(record.offset(), record.timestamp(), record.keyForWrite(), record.valueForWrite(),
                    record.headersForWrite());
        }
        builder.overrideLastOffset(original.lastOffset());
        return builder.build().buffer();
    }

    /**
     * The output buffer to start with: the new batch's exact size when uncompressed (so the buffer
     * is never grown and copied), the old batch's size and some room when compressed (the new size
     * is known only once compressed).
     */
    private static int capacity(MutableRecordBatch original, List<KafkaRecord> records) {
        if (original.compressionType() != CompressionType.NONE) {
            return original.sizeInBytes() + 256;
        }
        long size = DefaultRecordBatch.RECORD_BATCH_OVERHEAD;
        long firstTimestamp = records.get(0).timestamp();
        for (KafkaRecord record : records) {
            size += DefaultRecord.sizeInBytes((int) (record.offset() - original.baseOffset()),
                    record.timestamp() - firstTimestamp, record.keyForWrite(), record.valueForWrite(),
                    record.headersForWrite());
        }
        return (int) Math.min(Integer.MAX_VALUE - 8, size);
    }

    /**
     * A batch header without records that keeps the producer state and offset range of a batch
     * whose records were all dropped, as the log cleaner does: a consumer moves its position past
     * it instead of fetching the same offsets again.
     */
    private static ByteBuffer emptyBatch(MutableRecordBatch original) {
        ByteBuffer buffer = ByteBuffer.allocate(DefaultRecordBatch.RECORD_BATCH_OVERHEAD);
        DefaultRecordBatch.writeEmptyHeader(buffer, RecordBatch.MAGIC_VALUE_V2, original.producerId(),
                original.producerEpoch(), original.baseSequence(), original.baseOffset(), original.lastOffset(),
                original.partitionLeaderEpoch(), original.timestampType(), original.maxTimestamp(),
                original.isTransactional(), false);
        return buffer.flip();
    }

    private static @Nullable MemoryRecords memory(@Nullable BaseRecords records, TopicPartitionRef where) {
        if (records == null) {
            return null;
        }
        if (records instanceof MemoryRecords memory) {
            return memory;
        }
        throw new IllegalArgumentException("the records of " + where + " are a " + records.getClass().getName()
                + ", not in-memory records as decoded messages hold");
    }

    private static @Nullable MutableRecordBatch nextBatch(Iterator<MutableRecordBatch> batches,
            TopicPartitionRef where) {
        try {
            return batches.hasNext() ? batches.next() : null;
        } catch (KafkaException e) {
            throw new CorruptBatchException("cannot read the record batches of " + where + ": " + e.getMessage(), e);
        }
    }

    private static @Nullable Record nextRecord(CloseableIterator<Record> records, RecordBatch batch,
            TopicPartitionRef where) {
        try {
            return records.hasNext() ? records.next() : null;
        } catch (KafkaException e) {
            throw new CorruptBatchException("cannot read the records of the batch at offset " + batch.baseOffset()
                    + " of " + where + ": " + e.getMessage(), e);
        }
    }

    private static void ensureValid(RecordBatch batch, TopicPartitionRef where) {
        try {
            batch.ensureValid();
        } catch (KafkaException e) {
            throw new CorruptBatchException("the batch at offset " + batch.baseOffset() + " of " + where
                    + " is corrupt: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer slice(ByteBuffer buffer, int from, int to) {
        ByteBuffer view = buffer.duplicate();
        view.limit(to).position(from);
        return view;
    }
}
