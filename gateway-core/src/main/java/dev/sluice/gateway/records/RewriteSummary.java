package dev.sluice.gateway.records;

/**
 * What a {@link ProduceRecords#rewrite} or {@link FetchRecords#rewrite} call changed.
 *
 * @param rebuiltBatches batches written anew because at least one record changed or was dropped
 * @param changedRecords records replaced by a different record
 * @param droppedRecords records dropped (Fetch only)
 * @param legacyBatches batches of message format v0/v1 passed through without calling the rewriter
 */
public record RewriteSummary(int rebuiltBatches, int changedRecords, int droppedRecords, int legacyBatches) {

    public RewriteSummary {
        if (rebuiltBatches < 0 || changedRecords < 0 || droppedRecords < 0 || legacyBatches < 0) {
            throw new IllegalArgumentException("counts must be >= 0, got " + rebuiltBatches + ", " + changedRecords
                    + ", " + droppedRecords + ", " + legacyBatches);
        }
    }

    /** Whether any batch was rebuilt, that is whether the message differs from what it was. */
    public boolean changed() {
        return rebuiltBatches > 0;
    }
}
