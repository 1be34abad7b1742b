package dev.sluice.gateway.records;

import static dev.sluice.gateway.records.Batches.batch;
import static dev.sluice.gateway.records.Batches.batchesOf;
import static dev.sluice.gateway.records.Batches.bytesOf;
import static dev.sluice.gateway.records.Batches.concat;
import static dev.sluice.gateway.records.Batches.records;
import static dev.sluice.gateway.records.Batches.seen;
import static dev.sluice.gateway.records.Batches.utf8;
import static dev.sluice.gateway.records.FetchRecordsTest.fetch;
import static dev.sluice.gateway.records.FetchRecordsTest.fromBroker;
import static dev.sluice.gateway.records.FetchRecordsTest.partitions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.records.Batches.Codec;
import dev.sluice.gateway.records.Batches.Producer;
import dev.sluice.gateway.records.Batches.Seen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Timestamps (create time, log append time) and legacy message formats in Fetch responses. */
class FetchTimestampsAndLegacyTest {

    private static final long APPEND_TIME = 1_800_000_000_000L;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Codec.class)
    void logAppendTimeIsKeptWhenABatchIsRebuilt(Codec codec) {
        MemoryRecords original = Batches.logAppendTimeBatch(codec, 500, APPEND_TIME, records(0, 4));
        FetchResponseData response = fromBroker(fetch((short) 16, List.of(), original), (short) 16);

        FetchRecords.rewrite(response, (batch, record) -> {
            assertThat(batch.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
            assertThat(record.timestamp()).isEqualTo(APPEND_TIME);
            return record.withHeader("sluice", utf8("yes"));
        });

        MutableRecordBatch batch = batchesOf(partitions(fromBroker(response, (short) 16)).get(0).records()).get(0);
        Batches.assertSameHeader(batch, batchesOf(original).get(0));
        assertThat(batch.maxTimestamp()).isEqualTo(APPEND_TIME);
        assertThat(seen(batch)).extracting(Seen::timestamp).containsOnly(APPEND_TIME);
        assertThat(seen(batch)).allSatisfy(s -> assertThat(s.headers()).endsWith("sluice=yes"));
    }

    @Test
    void changingATimestampInALogAppendTimeBatchFails() {
        FetchResponseData response = fetch((short) 12, List.of(),
                Batches.logAppendTimeBatch(Codec.NONE, 0, APPEND_TIME, records(0, 2)));

        assertThatThrownBy(() -> FetchRecords.rewrite(response, (batch, record) -> record.withTimestamp(1L)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("log append time")
                .hasMessageContaining("payments-0");
    }

    @Test
    void aChangedCreateTimeIsWrittenAndTheMaxTimestampFollows() {
        MemoryRecords original = batch(Codec.GZIP, Producer.IDEMPOTENT, 0, 0, records(0, 3));
        FetchResponseData response = fetch((short) 12, List.of(), original);

        FetchRecords.rewrite(response, (batch, record) -> record.withTimestamp(record.timestamp() + 60_000));

        MutableRecordBatch batch = batchesOf(partitions(response).get(0).records()).get(0);
        assertThat(batch.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
        assertThat(batch.maxTimestamp()).isEqualTo(batchesOf(original).get(0).maxTimestamp() + 60_000);
        assertThat(seen(batch)).extracting(Seen::timestamp).containsExactly(
                Batches.FIRST_TIMESTAMP + 60_000, Batches.FIRST_TIMESTAMP + 60_001, Batches.FIRST_TIMESTAMP + 60_002);
    }

    @Test
    void legacyBatchesAreReadButPassedThroughByRewrites() {
        MemoryRecords v0 = Batches.legacyBatch(RecordBatch.MAGIC_VALUE_V0, Codec.NONE, 0, 2);
        MemoryRecords v1 = Batches.legacyBatch(RecordBatch.MAGIC_VALUE_V1, Codec.GZIP, 2, 3);
        MemoryRecords v2 = batch(Codec.GZIP, Producer.PLAIN, 5, -1, records(5, 2));
        FetchResponseData response = fromBroker(fetch((short) 11, List.of(), concat(v0, v1, v2)), (short) 11);
        List<String> visits = new ArrayList<>();

        FetchRecords.forEach(response, (batch, record) -> visits.add("v" + batch.magic() + "@" + record.offset()
                + " " + batch.timestampType() + " headers=" + record.headers().size()));
        RewriteSummary summary = FetchRecords.rewrite(response,
                (batch, record) -> record.withHeader("sluice", utf8("yes")));

        assertThat(visits).containsExactly(
                "v0@0 NoTimestampType headers=0", "v0@1 NoTimestampType headers=0",
                "v1@2 CreateTime headers=0", "v1@3 CreateTime headers=0", "v1@4 CreateTime headers=0",
                "v2@5 CreateTime headers=1", "v2@6 CreateTime headers=1");
        // an uncompressed v0/v1 "batch" is one record: two for v0, one gzip wrapper for v1
        assertThat(summary).isEqualTo(new RewriteSummary(1, 2, 0, 3));
        List<MutableRecordBatch> batches = batchesOf(partitions(fromBroker(response, (short) 11)).get(0).records());
        int legacyBytes = v0.sizeInBytes() + v1.sizeInBytes();
        byte[] after = bytesOf(partitions(response).get(0).records());
        assertThat(Arrays.copyOf(after, legacyBytes))
                .isEqualTo(Arrays.copyOf(bytesOf(concat(v0, v1)), legacyBytes));
        assertThat(seen(batches.get(batches.size() - 1))).allSatisfy(s -> assertThat(s.headers()).contains("sluice=yes"));
    }
}
