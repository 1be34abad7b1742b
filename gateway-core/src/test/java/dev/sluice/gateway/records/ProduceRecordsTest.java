package dev.sluice.gateway.records;

import static dev.sluice.gateway.records.Batches.batch;
import static dev.sluice.gateway.records.Batches.batchesOf;
import static dev.sluice.gateway.records.Batches.records;
import static dev.sluice.gateway.records.Batches.roundTrip;
import static dev.sluice.gateway.records.Batches.seen;
import static dev.sluice.gateway.records.Batches.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.records.Batches.Codec;
import dev.sluice.gateway.records.Batches.Producer;
import dev.sluice.gateway.records.Batches.Seen;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceDataCollection;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.requests.ProduceRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProduceRecordsTest {

    private static final String TOPIC = "orders";
    private static final Uuid TOPIC_ID = Uuid.fromString("T3JkZXJzT3JkZXJzT3JkZQ");
    private static final short FIRST_VERSION_WITH_IDS = 13;

    static Stream<Arguments> codecsProducersAndVersions() {
        List<Arguments> all = new ArrayList<>();
        for (Codec codec : Codec.values()) {
            for (Producer producer : Producer.values()) {
                for (short v = ProduceRequestData.LOWEST_SUPPORTED_VERSION;
                        v <= ProduceRequestData.HIGHEST_SUPPORTED_VERSION; v++) {
                    all.add(Arguments.of(codec, producer, v));
                }
            }
        }
        return all.stream();
    }

    /** A request for {@link #TOPIC} (by name below v13, by id from v13) with partitions 0, 1, ... */
    private static ProduceRequestData produce(short version, @Nullable MemoryRecords... partitions) {
        TopicProduceData topic = new TopicProduceData();
        if (version >= FIRST_VERSION_WITH_IDS) {
            topic.setTopicId(TOPIC_ID);
        } else {
            topic.setName(TOPIC);
        }
        for (int i = 0; i < partitions.length; i++) {
            topic.partitionData().add(new PartitionProduceData().setIndex(i).setRecords(partitions[i]));
        }
        TopicProduceDataCollection topics = new TopicProduceDataCollection();
        topics.add(topic);
        return new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(topics)
                .setTransactionalId(null);
    }

    private static ProduceRequestData fromClient(ProduceRequestData request, short version) {
        return roundTrip(request, version, ProduceRequestData::new);
    }

    private static List<PartitionProduceData> partitions(ProduceRequestData request) {
        return request.topicData().iterator().next().partitionData();
    }

    private static MutableRecordBatch onlyBatch(@Nullable BaseRecords records) {
        List<MutableRecordBatch> batches = batchesOf(records);
        assertThat(batches).hasSize(1);
        return batches.get(0);
    }

    @ParameterizedTest(name = "{0} {1} Produce v{2}")
    @MethodSource("codecsProducersAndVersions")
    void aHeaderAddedToEveryRecordReachesTheBrokerInAValidBatch(Codec codec, Producer producer, short version) {
        MemoryRecords first = batch(codec, producer, 0, 10, records(0, 5));
        MemoryRecords second = batch(codec, producer, 0, 20, records(5, 3));
        ProduceRequestData request = fromClient(produce(version, first, second, null), version);

        RewriteSummary summary = ProduceRecords.rewrite(request,
                (batch, record) -> record.withHeader("sluice", utf8("yes")));

        assertThat(summary).isEqualTo(new RewriteSummary(2, 8, 0, 0));
        ProduceRequestData atBroker = fromClient(request, version);
        TopicProduceData topic = atBroker.topicData().iterator().next();
        if (version >= FIRST_VERSION_WITH_IDS) {
            assertThat(topic.topicId()).isEqualTo(TOPIC_ID);
        } else {
            assertThat(topic.name()).isEqualTo(TOPIC);
        }
        List<PartitionProduceData> partitions = topic.partitionData();
        assertThat(partitions).hasSize(3);
        for (int p = 0; p < 2; p++) {
            MemoryRecords original = p == 0 ? first : second;
            BaseRecords rewritten = partitions.get(p).records();
            if (codec != Codec.ZSTD || version >= 7) {
                ProduceRequest.validateRecords(version, rewritten);   // what the broker checks first
            }
            MutableRecordBatch expected = onlyBatch(original);
            MutableRecordBatch actual = onlyBatch(rewritten);
            Batches.assertSameHeader(actual, expected);
            assertThat(actual.countOrNull()).isEqualTo(expected.countOrNull());
            assertThat(actual.maxTimestamp()).isEqualTo(expected.maxTimestamp());
            assertThat(seen(actual)).containsExactlyElementsOf(
                    seen(expected).stream().map(s -> s.withHeader("sluice=yes")).toList());
        }
        assertThat(partitions.get(2).records()).isNull();
    }

    @Test
    void aBatchWhoseRecordsAreAllKeptStaysTheSameBytes() {
        MemoryRecords original = batch(Codec.ZSTD, Producer.IDEMPOTENT, 0, 0, records(0, 5));
        ProduceRequestData request = fromClient(produce((short) 12, original), (short) 12);
        BaseRecords before = partitions(request).get(0).records();

        RewriteSummary identity = ProduceRecords.rewrite(request, (batch, record) -> record);
        RewriteSummary equalCopy = ProduceRecords.rewrite(request,
                (batch, record) -> record.withHeaders(new ArrayList<>(record.headers())).withValue(record.valueBytes()));

        assertThat(identity.changed()).isFalse();
        assertThat(equalCopy).isEqualTo(new RewriteSummary(0, 0, 0, 0));
        assertThat(partitions(request).get(0).records()).isSameAs(before);
        assertThat(Batches.bytesOf(before)).isEqualTo(Batches.bytesOf(original));
    }

    @Test
    void onlyThePartitionsWithChangedRecordsAreRebuilt() {
        ProduceRequestData request = fromClient(produce((short) 11,
                batch(Codec.LZ4, Producer.PLAIN, 0, -1, records(0, 4)),
                batch(Codec.LZ4, Producer.PLAIN, 0, -1, records(4, 4))), (short) 11);
        BaseRecords untouched = partitions(request).get(0).records();

        ProduceRecords.rewrite(request,
                (batch, record) -> batch.partition() == 1 ? record.withoutHeaders("h") : record);

        assertThat(partitions(request).get(0).records()).isSameAs(untouched);
        assertThat(seen(onlyBatch(partitions(request).get(1).records())))
                .allSatisfy(s -> assertThat(s.headers()).isEmpty());
    }

    @Test
    void droppingARecordOfAProduceRequestFailsNamingThePartition() {
        ProduceRequestData request = fromClient(produce((short) 12,
                batch(Codec.NONE, Producer.IDEMPOTENT, 0, 0, records(0, 3))), (short) 12);
        BaseRecords before = partitions(request).get(0).records();

        assertThatThrownBy(() -> ProduceRecords.rewrite(request,
                (batch, record) -> record.offset() == 1 ? null : record))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 1")
                .hasMessageContaining("orders-0")
                .hasMessageContaining("fail the request");
        assertThat(partitions(request).get(0).records()).isSameAs(before);
    }

    @Test
    void aReplacementTakesTheOffsetOfTheRecordItReplaces() {
        ProduceRequestData request = fromClient(produce((short) 9,
                batch(Codec.GZIP, Producer.TRANSACTIONAL, 0, 100, records(0, 3))), (short) 9);

        ProduceRecords.rewrite(request, (batch, record) ->
                KafkaRecord.of(utf8("new-key"), utf8("new-value")).withTimestamp(record.timestamp()));

        MutableRecordBatch batch = onlyBatch(fromClient(request, (short) 9).topicData().iterator().next()
                .partitionData().get(0).records());
        assertThat(seen(batch)).extracting(Seen::offset).containsExactly(0L, 1L, 2L);
        assertThat(seen(batch)).extracting(Seen::value).containsOnly("new-value");
        assertThat(batch.baseSequence()).isEqualTo(100);
        assertThat(batch.lastSequence()).isEqualTo(102);
        assertThat(batch.isTransactional()).isTrue();
    }

    @Test
    void keysAndValuesMayComeFromHeapOrDirectBuffers() {
        ProduceRequestData request = fromClient(produce((short) 12,
                batch(Codec.SNAPPY, Producer.IDEMPOTENT, 0, 0, records(0, 2))), (short) 12);
        ByteBuffer direct = ByteBuffer.allocateDirect(6).put(utf8("direct")).flip();

        ProduceRecords.rewrite(request, (batch, record) -> record
                .withKey(ByteBuffer.wrap(utf8("xxheapxx"), 2, 4))
                .withValue(direct.asReadOnlyBuffer()));

        assertThat(seen(onlyBatch(partitions(request).get(0).records())))
                .extracting(Seen::key, Seen::value)
                .containsOnly(tuple("heap", "direct"));
    }

    @Test
    void forEachSeesEveryRecordWithItsTopicPartitionAndProducer() {
        ProduceRequestData request = fromClient(produce((short) 12,
                batch(Codec.ZSTD, Producer.TRANSACTIONAL, 0, 5, records(0, 2)),
                batch(Codec.NONE, Producer.PLAIN, 0, -1, records(2, 1))), (short) 12);
        List<String> visits = new ArrayList<>();

        ProduceRecords.forEach(request, (batch, record) -> visits.add(batch.topicName() + "-" + batch.partition()
                + "@" + record.offset() + " " + batch.compression() + " producer=" + batch.producerId()
                + " seq=" + batch.baseSequence() + " txn=" + batch.transactional() + " value=" + record.valueSize()));

        assertThat(visits).containsExactly(
                "orders-0@0 ZSTD producer=4242 seq=5 txn=true value=8",
                "orders-0@1 ZSTD producer=4242 seq=5 txn=true value=18",
                "orders-1@0 NONE producer=-1 seq=-1 txn=false value=28");
    }

    @Test
    void topicsOfV13RequestsAreNamedFromTopicNames() {
        ProduceRequestData request = fromClient(produce((short) 13,
                batch(Codec.NONE, Producer.IDEMPOTENT, 0, 0, records(0, 1))), (short) 13);
        TopicNames names = new TopicNames();
        List<String> seenTopics = new ArrayList<>();

        ProduceRecords.forEach(request, (batch, record) -> seenTopics.add(batch.topicName() + "/" + batch.topicId()));
        names.learn(TOPIC_ID, TOPIC);
        ProduceRecords.forEach(request, names, (batch, record) -> seenTopics.add(batch.topicName() + "/" + batch.topicId()));

        assertThat(ProduceRecords.topicIds(request)).isEqualTo(Set.of(TOPIC_ID));
        assertThat(seenTopics).containsExactly("null/" + TOPIC_ID, TOPIC + "/" + TOPIC_ID);
    }

    @Test
    void topicIdsAreEmptyForRequestsThatNameTopics() {
        assertThat(ProduceRecords.topicIds(produce((short) 12, MemoryRecords.EMPTY))).isEmpty();
    }

    @Test
    void aCorruptBatchIsNeverReadNorRewritten() {
        MemoryRecords original = batch(Codec.NONE, Producer.IDEMPOTENT, 0, 0, records(0, 3));
        byte[] bytes = Batches.bytesOf(original);
        bytes[bytes.length - 3] ^= 0x55;   // inside the last record's value: only the CRC can tell
        ProduceRequestData request = produce((short) 12, MemoryRecords.readableRecords(ByteBuffer.wrap(bytes)));

        assertThatThrownBy(() -> ProduceRecords.forEach(request, (batch, record) -> { }))
                .isInstanceOf(CorruptBatchException.class)
                .hasMessageContaining("orders-0");
        assertThatThrownBy(() -> ProduceRecords.rewrite(request, (batch, record) -> record.withValue(new byte[0])))
                .isInstanceOf(CorruptBatchException.class);
        assertThat(Batches.bytesOf(partitions(request).get(0).records())).isEqualTo(bytes);
    }

    @Test
    void anExceptionOfTheVisitorPropagatesUnwrapped() {
        ProduceRequestData request = produce((short) 12, batch(Codec.GZIP, Producer.PLAIN, 0, -1, records(0, 3)));
        IllegalArgumentException boom = new IllegalArgumentException("boom");

        assertThatThrownBy(() -> ProduceRecords.forEach(request, (batch, record) -> {
            throw boom;
        })).isSameAs(boom);
    }

    @Test
    void recordsKeepTheirKeysValuesAndHeadersAcrossEveryCodec() {
        for (Codec codec : Codec.values()) {
            MemoryRecords original = batch(codec, Producer.PLAIN, 0, -1, records(0, 5));
            List<String> visited = new ArrayList<>();
            ProduceRecords.forEach(produce((short) 12, original), (batch, record) -> visited.add(
                    record.offset() + ":" + Arrays.toString(record.keyBytes()) + ":" + record.valueSize() + ":"
                            + record.headers().size() + ":" + record.timestamp()));
            assertThat(visited).as("%s", codec).containsExactlyElementsOf(IntStream.range(0, 5).mapToObj(i -> {
                Seen s = seen(onlyBatch(original)).get(i);
                return s.offset() + ":" + Arrays.toString(s.key() == null ? null : utf8(s.key())) + ":"
                        + (s.value() == null ? -1 : utf8(s.value()).length) + ":" + s.headers().size() + ":"
                        + s.timestamp();
            }).toList());
        }
    }
}
