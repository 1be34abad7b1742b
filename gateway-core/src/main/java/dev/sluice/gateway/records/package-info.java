/**
 * Reading and rewriting the records of Produce requests and Fetch responses: keys, values, headers
 * and timestamps, in every codec kafka-clients supports (none, gzip, snappy, lz4, zstd), producing
 * valid batches.
 *
 * <pre>{@code
 * // Stamp every produced record with the gateway it came through.
 * Interceptor stamp = chain -> {
 *     ProduceRecords.rewrite(chain.request().body(Api.PRODUCE),
 *             (batch, record) -> record.withHeader(RecordHeader.ofUtf8("via", "gateway-eu-1")));
 *     return chain.proceed();
 * };
 * // Hide records marked internal from consumers.
 * Interceptor hide = chain -> chain.proceed().thenApply(response -> {
 *     FetchRecords.rewrite(response.body(Api.FETCH),
 *             (batch, record) -> record.lastHeader("internal") != null ? null : record);
 *     return response;
 * });
 * }</pre>
 *
 * <h2>The pieces</h2>
 * <ul>
 *   <li>{@link dev.sluice.gateway.records.ProduceRecords} and {@link
 *       dev.sluice.gateway.records.FetchRecords}: {@code forEach} to read, {@code rewrite} to change
 *       the message in place. Stateless functions.
 *   <li>{@link dev.sluice.gateway.records.RecordVisitor} and {@link
 *       dev.sluice.gateway.records.RecordRewriter}: the callbacks, one call per record with its {@link
 *       dev.sluice.gateway.records.BatchContext} (topic, partition, producer, codec).
 *   <li>{@link dev.sluice.gateway.records.KafkaRecord} and {@link
 *       dev.sluice.gateway.records.RecordHeader}: Sluice's own immutable record types.
 *   <li>{@link dev.sluice.gateway.records.TopicNames}: topic id &lt;-&gt; name for Produce and Fetch
 *       v13+, learned from Metadata responses or resolved with a Metadata request of the
 *       interceptor's own.
 * </ul>
 *
 * <h2>Guarantees</h2>
 * A batch is rebuilt only when its rewriter changed or dropped a record; every other batch stays
 * the same bytes. A rebuilt batch keeps magic v2, codec, producer id, epoch, base sequence,
 * transactional flag, timestamp type and offsets, with a new CRC. Control batches are never
 * touched; legacy v0/v1 batches in Fetch responses are read but never rewritten. Records may be
 * dropped from Fetch responses, never from Produce requests (sequence numbers count them). A batch
 * whose CRC does not match is never read: {@link dev.sluice.gateway.records.CorruptBatchException}.
 *
 * <h2>Ownership and threading</h2>
 * Records are views of the decoded message's memory, valid during the callback only; copy what you
 * keep. Everything runs synchronously on the calling thread (the connection's event loop);
 * {@code TopicNames} is thread-safe and meant to be shared.
 *
 * <h2>Cost</h2>
 * Produce and Fetch otherwise pass through the gateway without being decoded. Registering an
 * interceptor for them decodes every such message, and reading records decompresses every batch;
 * rewriting re-compresses the batches that changed. Only intercept them when you need the records.
 *
 * <h2>The kafka-clients seam</h2>
 * The entry points take kafka-clients' generated messages ({@code ProduceRequestData}, {@code
 * FetchResponseData}, {@code MetadataResponseData}) and expose {@code Uuid} and {@code TimestampType};
 * they follow the kafka-clients version Sluice is built with (4.3.1). kafka-clients' record classes
 * ({@code org.apache.kafka.common.record.internal}) never appear in this package's API.
 */
@NullMarked
package dev.sluice.gateway.records;

import org.jspecify.annotations.NullMarked;
