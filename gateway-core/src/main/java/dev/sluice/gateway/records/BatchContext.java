package dev.sluice.gateway.records;

import java.util.Objects;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.jspecify.annotations.Nullable;

/**
 * Where a record sits: its topic and partition, and the header of its record batch (producer,
 * sequence, transaction, codec, timestamp type). Handed to {@link RecordVisitor} and {@link
 * RecordRewriter} with every record; one instance per batch.
 *
 * <h2>Topic name and id</h2>
 * Produce and Fetch up to v12 name topics; v13+ identify them by topic id only. Each accessor returns
 * what the message carries, completed from {@link TopicNames} when the entry point was given one;
 * at least one of the two is known.
 *
 * <pre>{@code
 * ProduceRecords.forEach(produce, names, (batch, record) -> {
 *     String topic = batch.topicName() != null ? batch.topicName() : String.valueOf(batch.topicId());
 *     metrics.count(topic, batch.partition(), record.valueSize());
 * });
 * }</pre>
 *
 * <p>Immutable. {@link TimestampType} and {@link Uuid} are kafka-clients' public types.
 */
public final class BatchContext {

    private final @Nullable String topicName;
    private final @Nullable Uuid topicId;
    private final int partition;
    private final long baseOffset;
    private final long lastOffset;
    private final byte magic;
    private final RecordCompression compression;
    private final TimestampType timestampType;
    private final long producerId;
    private final short producerEpoch;
    private final int baseSequence;
    private final boolean transactional;

    BatchContext(TopicPartitionRef where, RecordBatch batch) {
        this.topicName = where.name();
        this.topicId = where.id();
        this.partition = where.partition();
        this.baseOffset = batch.baseOffset();
        this.lastOffset = batch.lastOffset();
        this.magic = batch.magic();
        this.compression = RecordCompression.of(batch.compressionType());
        this.timestampType = batch.timestampType();
        this.producerId = batch.producerId();
        this.producerEpoch = batch.producerEpoch();
        this.baseSequence = batch.baseSequence();
        this.transactional = batch.isTransactional();
    }

    /** The topic's name, or {@code null} when the message carries only the id and no {@link TopicNames} knew it. */
    public @Nullable String topicName() {
        return topicName;
    }

    /** The topic's id, or {@code null} when the message carries only the name and no {@link TopicNames} knew it. */
    public @Nullable Uuid topicId() {
        return topicId;
    }

    /** The partition index. */
    public int partition() {
        return partition;
    }

    /** The offset of the batch's first record (in Produce requests the producer's, usually 0). */
    public long baseOffset() {
        return baseOffset;
    }

    /** The offset of the batch's last record, kept even when that record was compacted away. */
    public long lastOffset() {
        return lastOffset;
    }

    /**
     * The message format: 2 for every batch written since Kafka 0.11; 0 or 1 for legacy data in
     * Fetch responses, which rewrites pass through unchanged.
     */
    public byte magic() {
        return magic;
    }

    public RecordCompression compression() {
        return compression;
    }

    /** Create time or log append time; {@link TimestampType#NO_TIMESTAMP_TYPE} for message format v0. */
    public TimestampType timestampType() {
        return timestampType;
    }

    /** The producer id, or {@code -1} when the producer is neither idempotent nor transactional. */
    public long producerId() {
        return producerId;
    }

    /** The producer epoch, or {@code -1}. */
    public short producerEpoch() {
        return producerEpoch;
    }

    /** The sequence number of the first record, or {@code -1}. */
    public int baseSequence() {
        return baseSequence;
    }

    /** Whether the producer is idempotent (or transactional): the batch carries a producer id and sequence. */
    public boolean idempotent() {
        return producerId != RecordBatch.NO_PRODUCER_ID;
    }

    /**
     * Whether the batch belongs to a transaction. Fetch responses carry the records of aborted
     * transactions too; {@code read_committed} consumers drop them using the partition's aborted
     * transactions, which visitors see as they are.
     */
    public boolean transactional() {
        return transactional;
    }

    @Override
    public String toString() {
        return "BatchContext[" + (topicName != null ? topicName : Objects.toString(topicId)) + "-" + partition
                + ", offsets " + baseOffset + ".." + lastOffset + ", v" + magic + ", " + compression
                + (producerId >= 0 ? ", producer " + producerId + "/" + producerEpoch + " seq " + baseSequence : "")
                + (transactional ? ", transactional" : "") + "]";
    }
}
