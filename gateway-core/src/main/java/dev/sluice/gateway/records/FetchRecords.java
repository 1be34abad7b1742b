package dev.sluice.gateway.records;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.BufferSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads and rewrites the records of a Fetch response.
 *
 * <pre>{@code
 * Interceptor mask = chain -> chain.proceed().thenApply(response -> {
 *     FetchRecords.rewrite(response.body(Api.FETCH), (batch, record) ->
 *         record.lastHeader("pii") != null ? record.withValue((byte[]) null) : record);
 *     return response;
 * });
 * InterceptorSpec.on(Api.FETCH).use(mask);
 * }</pre>
 *
 * <h2>What a rewrite keeps</h2>
 * <ul>
 *   <li>Every batch the rewriter changed is written anew as a valid v2 batch with the codec, producer
 *       id, epoch, base sequence, transactional flag, timestamp type (log append time included),
 *       partition leader epoch, base offset and last offset of the original, each record at its
 *       original offset, and a fresh CRC. Batches in which every record was kept stay exactly the
 *       bytes the broker sent (no re-compression).
 *   <li>Records may be dropped (the rewriter returns {@code null}). Offsets then have gaps, as after
 *       compaction; the batch keeps its last offset, and a batch whose records were all dropped stays
 *       as an empty batch header, so that consumers move past the dropped offsets instead of fetching
 *       them again.
 *   <li>Control batches (transaction markers) and the partition's aborted transactions are left as
 *       they are. Records of aborted transactions are visited and rewritten like any other.
 *   <li>Batches of message format v0/v1 (data written before Kafka 0.11 and never rewritten by the
 *       broker) are visited by {@link #forEach} but passed through by {@link #rewrite} without calling
 *       the rewriter: they cannot carry headers, and writing them as v2 would change offsets and
 *       timestamps semantics. {@link RewriteSummary#legacyBatches()} counts them; a rewriter that
 *       must see every record (masking, decryption) should fail the response when it is not zero.
 *   <li>A partial batch at the end of a partition (the broker cuts at the fetch size) is kept as it
 *       is; consumers ignore it and fetch it again.
 * </ul>
 *
 * <h2>Topics</h2>
 * Fetch v13+ identifies topics by id only. Pass a {@link TopicNames} to have {@link
 * BatchContext#topicName()} filled in; resolve unknown ids first with {@link TopicNames#resolve},
 * using {@link #topicIds}.
 *
 * <h2>Threading</h2>
 * Stateless functions that change the response in place ({@code PartitionData.setRecords}): call
 * them on the thread that owns the response, in an interceptor the connection's event loop.
 * Visitors and rewriters run synchronously on that thread.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Decompressing every fetched batch costs CPU on the consume path, which otherwise passes
 *       through without decoding: only register for Fetch if you need the records.
 *   <li>A rewrite holds a batch's decompressed records and the new partition buffer in memory at
 *       once. Fetch responses can be large ({@code fetch.max.bytes}, 50 MiB by default).
 *   <li>A rewritten response can be larger than the client's {@code fetch.max.bytes}; clients accept
 *       it, but add headers sparingly.
 *   <li>Records handed to visitors and rewriters are valid only during the call ({@link KafkaRecord}).
 *   <li>A corrupt batch throws {@link CorruptBatchException} before any of its records is handed out.
 * </ul>
 */
public final class FetchRecords {

    private FetchRecords() {}

    /**
     * Calls {@code visitor} for every record of every data batch of {@code response}, in order;
     * control batches (transaction markers) are skipped, legacy v0/v1 batches are visited.
     *
     * @throws CorruptBatchException when a batch cannot be read
     */
    public static void forEach(FetchResponseData response, RecordVisitor visitor) {
        visitAll(response, null, visitor);
    }

    /** As {@link #forEach(FetchResponseData, RecordVisitor)}, with topic names or ids completed from {@code names}. */
    public static void forEach(FetchResponseData response, TopicNames names, RecordVisitor visitor) {
        visitAll(response, Objects.requireNonNull(names, "names"), visitor);
    }

    /**
     * Replaces every record of {@code response} with what {@code rewriter} returns, in place; a
     * {@code null} from the rewriter drops the record.
     *
     * @throws CorruptBatchException when a batch cannot be read
     */
    public static RewriteSummary rewrite(FetchResponseData response, RecordRewriter rewriter) {
        return rewriteAll(response, null, rewriter);
    }

    /** As {@link #rewrite(FetchResponseData, RecordRewriter)}, with topic names or ids completed from {@code names}. */
    public static RewriteSummary rewrite(FetchResponseData response, TopicNames names, RecordRewriter rewriter) {
        return rewriteAll(response, Objects.requireNonNull(names, "names"), rewriter);
    }

    /** The topic ids {@code response} carries (Fetch v13+), for {@link TopicNames#resolve}; empty before v13. */
    public static Set<Uuid> topicIds(FetchResponseData response) {
        Objects.requireNonNull(response, "response");
        Set<Uuid> ids = new LinkedHashSet<>();
        for (FetchableTopicResponse topic : response.responses()) {
            if (topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId())) {
                ids.add(topic.topicId());
            }
        }
        return ids;
    }

    private static void visitAll(FetchResponseData response, @Nullable TopicNames names, RecordVisitor visitor) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(visitor, "visitor");
        try (BufferSupplier buffers = BufferSupplier.create()) {
            for (FetchableTopicResponse topic : response.responses()) {
                for (PartitionData partition : topic.partitions()) {
                    TopicPartitionRef where = TopicPartitionRef.of(topic.topic(), topic.topicId(),
                            partition.partitionIndex(), names);
                    BatchRewriting.forEach(partition.records(), where, visitor, buffers);
                }
            }
        }
    }

    private static RewriteSummary rewriteAll(FetchResponseData response, @Nullable TopicNames names,
            RecordRewriter rewriter) {
        Objects.requireNonNull(response, "response");
        Objects.requireNonNull(rewriter, "rewriter");
        BatchRewriting.Tally tally = new BatchRewriting.Tally();
        try (BufferSupplier buffers = BufferSupplier.create()) {
            for (FetchableTopicResponse topic : response.responses()) {
                for (PartitionData partition : topic.partitions()) {
                    TopicPartitionRef where = TopicPartitionRef.of(topic.topic(), topic.topicId(),
                            partition.partitionIndex(), names);
                    MemoryRecords rewritten = BatchRewriting.rewrite(partition.records(), where, rewriter,
                            BatchRewriting.Drops.ALLOWED, tally, buffers);
                    if (rewritten != null) {
                        partition.setRecords(rewritten);
                    }
                }
            }
        }
        return tally.summary();
    }
}
