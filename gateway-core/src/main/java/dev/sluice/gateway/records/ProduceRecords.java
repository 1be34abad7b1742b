package dev.sluice.gateway.records;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.utils.BufferSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads and rewrites the records of a Produce request.
 *
 * <pre>{@code
 * Interceptor stamp = chain -> {
 *     ProduceRequestData produce = chain.request().body(Api.PRODUCE);
 *     ProduceRecords.rewrite(produce, (batch, record) -> record.withHeader(RecordHeader.ofUtf8("via", "sluice")));
 *     return chain.proceed();                      // the body was changed in place
 * };
 * InterceptorSpec.on(Api.PRODUCE).use(stamp);
 * }</pre>
 *
 * <h2>What a rewrite keeps</h2>
 * Every batch the rewriter changed is written anew as a valid v2 batch with the codec, producer
 * id, epoch, base sequence, transactional flag, timestamp type and base offset of the original, and
 * a fresh CRC. Batches in which every record was kept stay exactly the bytes the client sent (no
 * re-compression); control batches and legacy (v0/v1) batches are never rewritten. Records cannot
 * be dropped from a Produce request (see {@link RecordRewriter}).
 *
 * <h2>Topics</h2>
 * Produce v13+ identifies topics by id only. Pass a {@link TopicNames} to have {@link
 * BatchContext#topicName()} filled in; resolve unknown ids first with {@link TopicNames#resolve},
 * using {@link #topicIds}.
 *
 * <h2>Threading</h2>
 * Stateless functions that change the request in place ({@code PartitionProduceData.setRecords}):
 * call them on the thread that owns the request, in an interceptor the connection's event loop.
 * Visitors and rewriters run synchronously on that thread.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Reading records costs decompression (and rewriting re-compression) of every batch: only
 *       register for Produce if you need the records, and keep visitors cheap.
 *   <li>A rewrite holds a batch's records (decompressed) and the new partition buffer in memory at
 *       once: memory per request grows to a few times the request size.
 *   <li>Records handed to visitors and rewriters are valid only during the call ({@link KafkaRecord}).
 *   <li>A rewritten batch is larger when records grow (headers added): the broker rejects batches over
 *       the topic's {@code max.message.bytes} with {@code MESSAGE_TOO_LARGE}, which the producer
 *       sized its batches to fit without the gateway's additions.
 *   <li>Batches are re-compressed at the codec's default level, not the producer's
 *       {@code compression.*.level}.
 *   <li>A request that fails in a rewriter may be partly rewritten: fail it, do not pass it on.
 *   <li>A corrupt batch throws {@link CorruptBatchException} before any of its records is handed out.
 * </ul>
 */
public final class ProduceRecords {

    private ProduceRecords() {}

    /**
     * Calls {@code visitor} for every record of every data batch of {@code request}, in order.
     *
     * @throws CorruptBatchException when a batch cannot be read
     */
    public static void forEach(ProduceRequestData request, RecordVisitor visitor) {
        visitAll(request, null, visitor);
    }

    /** As {@link #forEach(ProduceRequestData, RecordVisitor)}, with topic names or ids completed from {@code names}. */
    public static void forEach(ProduceRequestData request, TopicNames names, RecordVisitor visitor) {
        visitAll(request, Objects.requireNonNull(names, "names"), visitor);
    }

    /**
     * Replaces every record of {@code request} with what {@code rewriter} returns, in place.
     *
     * @throws IllegalStateException when the rewriter returns {@code null} (records of a Produce
     *     request cannot be dropped)
     * @throws CorruptBatchException when a batch cannot be read
     */
    public static RewriteSummary rewrite(ProduceRequestData request, RecordRewriter rewriter) {
        return rewriteAll(request, null, rewriter);
    }

    /** As {@link #rewrite(ProduceRequestData, RecordRewriter)}, with topic names or ids completed from {@code names}. */
    public static RewriteSummary rewrite(ProduceRequestData request, TopicNames names, RecordRewriter rewriter) {
        return rewriteAll(request, Objects.requireNonNull(names, "names"), rewriter);
    }

    /** The topic ids {@code request} carries (Produce v13+), for {@link TopicNames#resolve}; empty before v13. */
    public static Set<Uuid> topicIds(ProduceRequestData request) {
        Objects.requireNonNull(request, "request");
        Set<Uuid> ids = new LinkedHashSet<>();
        for (TopicProduceData topic : request.topicData()) {
            if (topic.topicId() != null && !Uuid.ZERO_UUID.equals(topic.topicId())) {
                ids.add(topic.topicId());
            }
        }
        return ids;
    }

    private static void visitAll(ProduceRequestData request, @Nullable TopicNames names, RecordVisitor visitor) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(visitor, "visitor");
        try (BufferSupplier buffers = BufferSupplier.create()) {
            for (TopicProduceData topic : request.topicData()) {
                for (PartitionProduceData partition : topic.partitionData()) {
                    TopicPartitionRef where = TopicPartitionRef.of(topic.name(), topic.topicId(), partition.index(),
                            names);
                    BatchRewriting.forEach(partition.records(), where, visitor, buffers);
                }
            }
        }
    }

    private static RewriteSummary rewriteAll(ProduceRequestData request, @Nullable TopicNames names,
            RecordRewriter rewriter) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(rewriter, "rewriter");
        BatchRewriting.Tally tally = new BatchRewriting.Tally();
        try (BufferSupplier buffers = BufferSupplier.create()) {
            for (TopicProduceData topic : request.topicData()) {
                for (PartitionProduceData partition : topic.partitionData()) {
                    TopicPartitionRef where = TopicPartitionRef.of(topic.name(), topic.topicId(), partition.index(),
                            names);
                    MemoryRecords rewritten = BatchRewriting.rewrite(partition.records(), where, rewriter,
                            BatchRewriting.Drops.FORBIDDEN_PRODUCE, tally, buffers);
                    if (rewritten != null) {
                        partition.setRecords(rewritten);
                    }
                }
            }
        }
        return tally.summary();
    }
}
