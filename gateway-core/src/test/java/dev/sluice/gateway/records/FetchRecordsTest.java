package dev.sluice.gateway.records;

import static dev.sluice.gateway.records.Batches.batch;
import static dev.sluice.gateway.records.Batches.batchesOf;
import static dev.sluice.gateway.records.Batches.bytesOf;
import static dev.sluice.gateway.records.Batches.commitMarker;
import static dev.sluice.gateway.records.Batches.concat;
import static dev.sluice.gateway.records.Batches.records;
import static dev.sluice.gateway.records.Batches.roundTrip;
import static dev.sluice.gateway.records.Batches.seen;
import static dev.sluice.gateway.records.Batches.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.records.Batches.Codec;
import dev.sluice.gateway.records.Batches.Producer;
import dev.sluice.gateway.records.Batches.Seen;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.AbortedTransaction;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Fetch responses at every version, every codec and every kind of producer. */
class FetchRecordsTest {

    static final String TOPIC = "payments";
    static final Uuid TOPIC_ID = Uuid.fromString("UGF5bWVudHNQYXltZW50cw");
    static final short FIRST_VERSION_WITH_IDS = 13;

    static Stream<Arguments> codecsProducersAndVersions() {
        List<Arguments> all = new ArrayList<>();
        for (Codec codec : Codec.values()) {
            for (Producer producer : Producer.values()) {
                for (short v = FetchResponseData.LOWEST_SUPPORTED_VERSION;
                        v <= FetchResponseData.HIGHEST_SUPPORTED_VERSION; v++) {
                    all.add(Arguments.of(codec, producer, v));
                }
            }
        }
        return all.stream();
    }

    /** A response for {@link #TOPIC} (by name below v13, by id from v13) with partitions 0, 1, ... */
    static FetchResponseData fetch(short version, List<AbortedTransaction> aborted,
            @Nullable MemoryRecords... partitions) {
        FetchableTopicResponse topic = new FetchableTopicResponse();
        if (version >= FIRST_VERSION_WITH_IDS) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setTopic(TOPIC);
        }
        for (int i = 0; i < partitions.length; i++) {
            topic.partitions().add(new PartitionData().setPartitionIndex(i).setHighWatermark(1_000)
                    .setLastStableOffset(900).setLogStartOffset(0)
                    .setAbortedTransactions(i == 0 && version >= 4 ? new ArrayList<>(aborted) : null)
                    .setRecords(partitions[i]));
        }
        return new FetchResponseData().setThrottleTimeMs(0).setSessionId(0).setResponses(new ArrayList<>(List.of(topic)));
    }

    static FetchResponseData fromBroker(FetchResponseData response, short version) {
        return roundTrip(response, version, FetchResponseData::new);
    }

    static List<PartitionData> partitions(FetchResponseData response) {
        return response.responses().get(0).partitions();
    }

    @ParameterizedTest(name = "{0} {1} Fetch v{2}")
    @MethodSource("codecsProducersAndVersions")
    void aHeaderAddedToOneBatchReachesTheConsumerAndTheOtherBatchesStayTheSameBytes(Codec codec, Producer producer,
            short version) {
        MemoryRecords changed = batch(codec, producer, 100, 0, records(0, 5));
        MemoryRecords marker = commitMarker(105);
        MemoryRecords unchanged = batch(codec, producer, 106, 5, records(5, 3));
        List<AbortedTransaction> aborted = producer == Producer.TRANSACTIONAL
                ? List.of(new AbortedTransaction().setProducerId(Batches.PRODUCER_ID).setFirstOffset(50))
                : List.of();
        FetchResponseData response = fromBroker(fetch(version, aborted, concat(changed, marker, unchanged), null,
                MemoryRecords.EMPTY), version);

        RewriteSummary summary = FetchRecords.rewrite(response,
                (batch, record) -> record.offset() < 105 ? record.withHeader("sluice", utf8("yes")) : record);

        assertThat(summary).isEqualTo(new RewriteSummary(1, 5, 0, 0));
        FetchResponseData atConsumer = fromBroker(response, version);
        FetchableTopicResponse topic = atConsumer.responses().get(0);
        if (version >= FIRST_VERSION_WITH_IDS) {
            assertThat(topic.topicId()).isEqualTo(TOPIC_ID);
        } else {
            assertThat(topic.topic()).isEqualTo(TOPIC);
        }
        PartitionData partition = topic.partitions().get(0);
        assertThat(partition.abortedTransactions()).isEqualTo(aborted);
        assertThat(partition.highWatermark()).isEqualTo(1_000);
        List<MutableRecordBatch> batches = batchesOf(partition.records());
        assertThat(batches).hasSize(3);
        MutableRecordBatch original = batchesOf(changed).get(0);
        Batches.assertSameHeader(batches.get(0), original);
        assertThat(batches.get(0).maxTimestamp()).isEqualTo(original.maxTimestamp());
        assertThat(seen(batches.get(0))).containsExactlyElementsOf(
                seen(original).stream().map(s -> s.withHeader("sluice=yes")).toList());
        assertThat(bytesOf(batches.get(1))).isEqualTo(bytesOf(marker));
        assertThat(bytesOf(batches.get(2))).isEqualTo(bytesOf(unchanged));
        assertThat(topic.partitions().get(1).records()).isNull();
        assertThat(topic.partitions().get(2).records().sizeInBytes()).isZero();
    }

    @Test
    void droppedRecordsLeaveOffsetGapsAndTheBatchKeepsItsOffsetAndSequenceRange() {
        MemoryRecords original = batch(Codec.LZ4, Producer.IDEMPOTENT, 100, 40, records(0, 5));
        FetchResponseData response = fromBroker(fetch((short) 16, List.of(), original), (short) 16);

        RewriteSummary summary = FetchRecords.rewrite(response,
                (batch, record) -> record.offset() == 101 || record.offset() == 104 ? null : record);

        assertThat(summary).isEqualTo(new RewriteSummary(1, 0, 2, 0));
        MutableRecordBatch batch = batchesOf(partitions(fromBroker(response, (short) 16)).get(0).records()).get(0);
        Batches.assertSameHeader(batch, batchesOf(original).get(0));
        assertThat(batch.countOrNull()).isEqualTo(3);
        assertThat(batch.nextOffset()).isEqualTo(105);
        assertThat(seen(batch)).extracting(Seen::offset).containsExactly(100L, 102L, 103L);
    }

    @Test
    void aBatchWhoseRecordsAreAllDroppedStaysAsAnEmptyBatchSoConsumersMovePastIt() {
        MemoryRecords kept = batch(Codec.NONE, Producer.TRANSACTIONAL, 90, 0, records(0, 2));
        MemoryRecords original = batch(Codec.ZSTD, Producer.TRANSACTIONAL, 100, 2, records(2, 5));
        FetchResponseData response = fromBroker(fetch((short) 18, List.of(), concat(kept, original)), (short) 18);

        FetchRecords.rewrite(response, (batch, record) -> record.offset() >= 100 ? null : record);

        List<MutableRecordBatch> batches = batchesOf(partitions(fromBroker(response, (short) 18)).get(0).records());
        assertThat(batches).hasSize(2);
        assertThat(bytesOf(batches.get(0))).isEqualTo(bytesOf(kept));
        MutableRecordBatch empty = batches.get(1);
        empty.ensureValid();
        assertThat(empty.countOrNull()).isZero();
        assertThat(empty.baseOffset()).isEqualTo(100);
        assertThat(empty.nextOffset()).isEqualTo(105);
        assertThat(empty.producerId()).isEqualTo(Batches.PRODUCER_ID);
        assertThat(empty.baseSequence()).isEqualTo(2);
        assertThat(empty.isTransactional()).isTrue();
        assertThat(empty.isControlBatch()).isFalse();
        assertThat(seen(empty)).isEmpty();
    }

    @Test
    void forEachSkipsControlBatchesAndSeesTheRecordsOfEveryDataBatch() {
        FetchResponseData response = fetch((short) 12, List.of(), concat(
                batch(Codec.GZIP, Producer.TRANSACTIONAL, 0, 0, records(0, 2)), commitMarker(2),
                batch(Codec.SNAPPY, Producer.TRANSACTIONAL, 3, 2, records(2, 1))));
        List<String> visits = new ArrayList<>();

        FetchRecords.forEach(response, (batch, record) -> visits.add(batch.topicName() + "-" + batch.partition() + "@"
                + record.offset() + " " + batch.compression() + " " + batch.baseOffset() + ".." + batch.lastOffset()));

        assertThat(visits).containsExactly("payments-0@0 GZIP 0..1", "payments-0@1 GZIP 0..1", "payments-0@3 SNAPPY 3..3");
    }

    @Test
    void aPartialBatchAtTheEndOfThePartitionIsKept() {
        MemoryRecords whole = batch(Codec.NONE, Producer.PLAIN, 0, -1, records(0, 3));
        byte[] next = bytesOf(batch(Codec.NONE, Producer.PLAIN, 3, -1, records(3, 3)));
        byte[] partial = Arrays.copyOf(next, next.length / 2);
        FetchResponseData response = fetch((short) 15, List.of(), concat(List.of(whole), partial));

        FetchRecords.rewrite(response, (batch, record) -> record.withHeader("sluice", null));

        byte[] after = bytesOf(partitions(response).get(0).records());
        assertThat(Arrays.copyOfRange(after, after.length - partial.length, after.length)).isEqualTo(partial);
        assertThat(batchesOf(partitions(response).get(0).records())).hasSize(1);
    }

    @Test
    void topicsOfV13ResponsesAreNamedFromTopicNames() {
        FetchResponseData response = fromBroker(fetch((short) 13, List.of(),
                batch(Codec.NONE, Producer.PLAIN, 0, -1, records(0, 1))), (short) 13);
        TopicNames names = new TopicNames();
        names.learn(TOPIC_ID, TOPIC);
        List<String> topics = new ArrayList<>();

        FetchRecords.rewrite(response, names, (batch, record) -> {
            topics.add(batch.topicName() + "/" + batch.topicId());
            return record;
        });

        assertThat(FetchRecords.topicIds(response)).containsExactly(TOPIC_ID);
        assertThat(topics).containsExactly(TOPIC + "/" + TOPIC_ID);
    }

    @Test
    void aResponseWithoutRecordsIsLeftAlone() {
        FetchResponseData response = fetch((short) 17, List.of(), null, MemoryRecords.EMPTY);
        BaseRecords empty = partitions(response).get(1).records();

        RewriteSummary summary = FetchRecords.rewrite(response, (batch, record) -> null);

        assertThat(summary.changed()).isFalse();
        assertThat(partitions(response).get(0).records()).isNull();
        assertThat(partitions(response).get(1).records()).isSameAs(empty);
    }
}
