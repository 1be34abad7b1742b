package dev.sluice.gateway.records;

import org.jspecify.annotations.Nullable;

/**
 * Rewrites records: called once per record, in order, by {@link ProduceRecords#rewrite} and {@link
 * FetchRecords#rewrite}; returns the record to write in its place.
 *
 * <pre>{@code
 * RecordRewriter stamp = (batch, record) ->
 *     record.withHeader(RecordHeader.ofUtf8("gateway", "eu-1"));
 * RecordRewriter hideInternal = (batch, record) ->       // Fetch only: null drops the record
 *     record.lastHeader("internal") != null ? null : record;
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Return {@code record} itself (or an equal record) to keep it: a batch in which every
 *       record is kept stays byte for byte as it was, with no re-compression.
 *   <li>Return a changed record ({@link KafkaRecord#withValue}, {@link KafkaRecord#withHeader}, ...,
 *       or a new {@link KafkaRecord#of}) to replace it. The replacement takes the original's offset.
 *   <li>Return {@code null} to drop the record: allowed in Fetch responses only. In a Produce request
 *       the producer numbers records for exactly-once delivery (producer id, epoch, sequence); a batch
 *       with fewer records than the producer sent would make the broker reject its next batch with
 *       {@code OUT_OF_ORDER_SEQUENCE_NUMBER}. To keep records from being written, fail the request
 *       ({@code chain.fail(Errors.POLICY_VIOLATION, ...)}); {@link ProduceRecords#rewrite} throws
 *       {@link IllegalStateException} on {@code null}.
 *   <li>Timestamps may change only in batches with create time ({@link BatchContext#timestampType()}).
 * </ul>
 *
 * <p>Threading: called synchronously on the thread that called {@code rewrite} (in an interceptor,
 * the connection's event loop): it MUST NOT block. An exception it throws stops the rewrite and
 * propagates; partitions already rewritten stay rewritten, so fail the request rather than pass it
 * on.
 */
@FunctionalInterface
public interface RecordRewriter {

    /**
     * The record to write in place of {@code record}: itself to keep it, a changed one, or {@code
     * null} to drop it (Fetch only).
     */
    @Nullable KafkaRecord rewrite(BatchContext batch, KafkaRecord record);
}
