package dev.sluice.gateway.records;

import static dev.sluice.gateway.records.Batches.batchesOf;
import static dev.sluice.gateway.records.Batches.records;
import static dev.sluice.gateway.records.Batches.seen;
import static dev.sluice.gateway.records.Batches.utf8;
import static dev.sluice.gateway.records.FetchRecordsTest.fetch;
import static dev.sluice.gateway.records.FetchRecordsTest.fromBroker;
import static dev.sluice.gateway.records.FetchRecordsTest.partitions;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.records.Batches.Codec;
import dev.sluice.gateway.records.Batches.Producer;
import dev.sluice.gateway.records.Batches.Seen;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.junit.jupiter.api.Test;

/** Batches as the log cleaner leaves them: offset gaps, a delete horizon. */
class CompactedBatchesTest {

    @Test
    void aBatchWithOffsetGapsKeepsItsBaseAndLastOffsetWhenRewrittenAgain() {
        FetchResponseData response = fetch((short) 12, List.of(),
                Batches.batch(Codec.SNAPPY, Producer.IDEMPOTENT, 100, 7, records(0, 5)));
        FetchRecords.rewrite(response, (batch, record) ->
                record.offset() == 100 || record.offset() == 101 || record.offset() == 104 ? null : record);

        FetchRecords.rewrite(response, (batch, record) -> record.withHeader("sluice", utf8("yes")));

        MutableRecordBatch batch = batchesOf(partitions(fromBroker(response, (short) 12)).get(0).records()).get(0);
        assertThat(batch.baseOffset()).isEqualTo(100);
        assertThat(batch.lastOffset()).isEqualTo(104);
        assertThat(batch.baseSequence()).isEqualTo(7);
        assertThat(batch.lastSequence()).isEqualTo(11);
        assertThat(seen(batch)).extracting(Seen::offset).containsExactly(102L, 103L);
        assertThat(seen(batch)).allSatisfy(s -> assertThat(s.headers()).endsWith("sluice=yes"));
    }

    @Test
    void theDeleteHorizonOfACompactedBatchIsKept() {
        long deleteHorizon = Batches.FIRST_TIMESTAMP + 86_400_000L;
        MemoryRecordsBuilder builder = new MemoryRecordsBuilder(new ByteBufferOutputStream(1024),
                RecordBatch.MAGIC_VALUE_V2, Codec.GZIP.compression, TimestampType.CREATE_TIME, 10,
                RecordBatch.NO_TIMESTAMP, RecordBatch.NO_PRODUCER_ID, RecordBatch.NO_PRODUCER_EPOCH,
                RecordBatch.NO_SEQUENCE, false, false, 1, Integer.MAX_VALUE, deleteHorizon);
        long offset = 10;
        for (SimpleRecord record : records(0, 3)) {
            builder.appendWithOffset(offset++, record);
        }
        MemoryRecords original = builder.build();
        FetchResponseData response = fetch((short) 17, List.of(), original);

        FetchRecords.rewrite(response, (batch, record) -> record.withValue(utf8("masked")));

        MutableRecordBatch batch = batchesOf(partitions(response).get(0).records()).get(0);
        Batches.assertSameHeader(batch, batchesOf(original).get(0));
        assertThat(batch.deleteHorizonMs()).hasValue(deleteHorizon);
        assertThat(seen(batch)).extracting(Seen::timestamp)
                .containsExactlyElementsOf(seen(batchesOf(original).get(0)).stream().map(Seen::timestamp).toList());
        assertThat(seen(batch)).extracting(Seen::value).containsOnly("masked");
    }
}
