package dev.sluice.gateway.records;

/**
 * Reads records: called once per record, in order, by {@link ProduceRecords#forEach} and {@link
 * FetchRecords#forEach}.
 *
 * <pre>{@code
 * ProduceRecords.forEach(produce, (batch, record) -> {
 *     if (record.lastHeader("tenant") == null) {
 *         untagged.incrementAndGet();
 *     }
 * });
 * }</pre>
 *
 * <p>Called synchronously on the thread that called {@code forEach} (in an interceptor, the
 * connection's event loop): it MUST be fast and MUST NOT block. An exception it throws stops the
 * walk and propagates to the caller, which in an interceptor fails that one request. The record
 * and its buffers are valid only during the call ({@link KafkaRecord}).
 */
@FunctionalInterface
public interface RecordVisitor {

    /** Sees one record of {@code batch}. */
    void visit(BatchContext batch, KafkaRecord record);
}
