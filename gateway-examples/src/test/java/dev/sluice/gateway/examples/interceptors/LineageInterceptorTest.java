package dev.sluice.gateway.examples.interceptors;

import static dev.sluice.gateway.examples.interceptors.FakeChain.now;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Records are read back with kafka-clients' own record classes, independent of the gateway's. */
class LineageInterceptorTest {

    private static final FakeConnection ALICE = FakeConnection.of("billing", "alice");
    private static final short ACKS_ALL = -1;

    private final LineageInterceptor lineage = LineageInterceptor.builder().build();

    @ParameterizedTest(name = "Produce v{0}")
    @ValueSource(shorts = {3, 9, 13})
    void everyRecordOfEveryPartitionGetsTheThreeHeaders(short version) {
        KafkaRequest request = Messages.produce(version, ACKS_ALL, "billing", "orders", "payments");
        FakeChain chain = FakeChain.answering(request, ALICE, Messages::produced);

        now(lineage.intercept(chain));

        assertThat(chain.forwarded()).isSameAs(request);
        List<Record> records = records(request);
        assertThat(records).hasSize(2).allSatisfy(record -> assertThat(headers(record)).containsExactly(
                tuple("sluice.gateway", "gw-test"), tuple("sluice.client.id", "billing"),
                tuple("sluice.principal", "alice")));
    }

    @Test
    void headersAClientSetUnderTheKeysAreReplacedAndOthersKept() {
        Header[] spoofed = {new RecordHeader("trace", bytes("t-1")),
                new RecordHeader("sluice.principal", bytes("admin")), new RecordHeader("sluice.gateway", bytes("x"))};
        KafkaRequest request = produce(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(1_000L, bytes("k"), bytes("v"), spoofed)));

        now(lineage.intercept(FakeChain.answering(request, ALICE, Messages::produced)));

        Record record = records(request).get(0);
        assertThat(headers(record)).containsExactly(tuple("trace", "t-1"), tuple("sluice.gateway", "gw-test"),
                tuple("sluice.client.id", "billing"), tuple("sluice.principal", "alice"));
        assertThat(record.timestamp()).isEqualTo(1_000L);
        assertThat(string(record.key())).isEqualTo("k");
        assertThat(string(record.value())).isEqualTo("v");
    }

    @Test
    void aCompressedIdempotentBatchKeepsItsProducerSequenceCodecAndOffsets() {
        MemoryRecords batch = MemoryRecords.withRecords(RecordBatch.MAGIC_VALUE_V2, 0L, Compression.gzip().build(),
                TimestampType.CREATE_TIME, 4_711L, (short) 3, 42, RecordBatch.NO_PARTITION_LEADER_EPOCH, true,
                new SimpleRecord(bytes("a")), new SimpleRecord(bytes("b")), new SimpleRecord(bytes("c")));
        KafkaRequest request = produce(batch);

        now(lineage.intercept(FakeChain.answering(request, ALICE, Messages::produced)));

        MemoryRecords rewritten = (MemoryRecords) partition(request).records();
        assertThat(rewritten.batches()).singleElement().satisfies(rebuilt -> {
            assertThat(rebuilt.producerId()).isEqualTo(4_711L);
            assertThat(rebuilt.producerEpoch()).isEqualTo((short) 3);
            assertThat(rebuilt.baseSequence()).isEqualTo(42);
            assertThat(rebuilt.isTransactional()).isTrue();
            assertThat(rebuilt.compressionType()).isEqualTo(CompressionType.GZIP);
            assertThat(rebuilt.isValid()).isTrue();
        });
        assertThat(records(request)).extracting(Record::offset, record -> string(record.value()))
                .containsExactly(tuple(0L, "a"), tuple(1L, "b"), tuple(2L, "c"));
        assertThat(records(request)).allSatisfy(record -> assertThat(record.headers()).hasSize(3));
    }

    @Test
    void unknownClientIdAndPrincipalAreHeadersWithNullValues() {
        KafkaRequest named = Messages.produce((short) 9, ACKS_ALL, "x", "orders");
        KafkaRequest anonymous = KafkaRequest.of(ApiKeys.PRODUCE, (short) 9, null, named.body());

        now(lineage.intercept(FakeChain.answering(anonymous, FakeConnection.of(null, null), Messages::produced)));

        assertThat(headers(records(anonymous).get(0))).containsExactly(tuple("sluice.gateway", "gw-test"),
                tuple("sluice.client.id", null), tuple("sluice.principal", null));
    }

    @Test
    void theTlsSubjectIsThePrincipalWithoutSasl() {
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "billing", "orders");
        FakeConnection tls = new FakeConnection("billing", null, "CN=billing,O=example", new HashMap<>());

        now(lineage.intercept(FakeChain.answering(request, tls, Messages::produced)));

        assertThat(headers(records(request).get(0))).contains(tuple("sluice.principal", "CN=billing,O=example"));
    }

    @Test
    void aCorruptBatchFailsTheRequestAsABrokerWould() {
        MemoryRecords batch = MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(bytes("value")));
        ByteBuffer corrupt = batch.buffer().duplicate();
        corrupt.put(corrupt.limit() - 1, (byte) (corrupt.get(corrupt.limit() - 1) ^ 0xff));
        KafkaRequest request = produce(MemoryRecords.readableRecords(corrupt));
        FakeChain chain = FakeChain.unreachable(request, ALICE);

        KafkaResponse response = now(lineage.intercept(chain));

        assertThat(response.body(Api.PRODUCE).responses()).singleElement().satisfies(topic ->
                assertThat(topic.partitionResponses()).singleElement().satisfies(partition -> {
                    assertThat(partition.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
                    assertThat(partition.errorMessage()).startsWith("the gateway could not read a record batch");
                }));
    }

    @Test
    void thePrefixOfTheKeysIsConfigurable() {
        LineageInterceptor acme = LineageInterceptor.builder().headerPrefix("acme-").build();
        KafkaRequest request = Messages.produce((short) 9, ACKS_ALL, "billing", "orders");

        now(acme.intercept(FakeChain.answering(request, ALICE, Messages::produced)));

        assertThat(acme.headerKeys()).containsExactly("acme-gateway", "acme-client.id", "acme-principal");
        assertThat(headers(records(request).get(0))).extracting(pair -> pair.toList().get(0))
                .containsExactly("acme-gateway", "acme-client.id", "acme-principal");
    }

    @Test
    void specRegistersProduceOnly() {
        assertThat(lineage.spec().apis()).containsExactly(ApiKeys.PRODUCE);
        assertThat(lineage.spec().name()).isEqualTo("lineage");
    }

    @Test
    void builderFailsFastQuotingValues() {
        assertThatThrownBy(() -> LineageInterceptor.builder().headerPrefix("a.").headerPrefix("b."))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("headerPrefix already set to 'a.', cannot set 'b.'");
        assertThatThrownBy(() -> LineageInterceptor.builder().headerPrefix(" "))
                .hasMessage("headerPrefix must not be blank, got ' '");
    }

    private static KafkaRequest produce(MemoryRecords records) {
        ProduceRequestData produce = new ProduceRequestData().setAcks(ACKS_ALL).setTimeoutMs(30_000);
        TopicProduceData topic = new TopicProduceData().setName("orders");
        topic.partitionData().add(new PartitionProduceData().setIndex(0).setRecords(records));
        produce.topicData().add(topic);
        return KafkaRequest.of(ApiKeys.PRODUCE, (short) 9, "billing", produce);
    }

    private static PartitionProduceData partition(KafkaRequest request) {
        return request.body(Api.PRODUCE).topicData().iterator().next().partitionData().get(0);
    }

    private static List<Record> records(KafkaRequest request) {
        List<Record> records = new ArrayList<>();
        for (TopicProduceData topic : request.body(Api.PRODUCE).topicData()) {
            for (PartitionProduceData partition : topic.partitionData()) {
                ((MemoryRecords) partition.records()).records().forEach(records::add);
            }
        }
        return records;
    }

    private static List<org.assertj.core.groups.Tuple> headers(Record record) {
        List<org.assertj.core.groups.Tuple> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(tuple(header.key(), header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8)));
        }
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static @Nullable String string(@Nullable ByteBuffer buffer) {
        return buffer == null ? null : StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
    }
}
