package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.records.FetchRecords;
import dev.sluice.gateway.records.ProduceRecords;
import dev.sluice.gateway.records.TopicNames;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Records rewritten by interceptors, both ways, accepted by a real broker and read by real consumers:
 * a header added to every produced record (every codec, idempotent producer), and values rewritten
 * in fetch responses for topics that ask for it.
 */
class RecordRewritingTest {

    static final TopicNames TOPICS = new TopicNames();

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1), builder -> builder
            .intercept(InterceptorSpec.on(Api.METADATA).name("learn-topic-names").use(chain -> chain.proceed()
                    .thenApply(response -> {
                        TOPICS.learn(response.body(Api.METADATA));
                        return response;
                    })))
            .intercept(InterceptorSpec.on(Api.PRODUCE).name("stamp").use(chain -> {
                ProduceRecords.rewrite(chain.request().body(Api.PRODUCE), TOPICS,
                        (batch, record) -> record.withHeader("stamped-by", "sluice".getBytes(StandardCharsets.UTF_8)));
                return chain.proceed();
            }))
            .intercept(InterceptorSpec.on(Api.FETCH).name("shout").use(chain -> chain.proceed().thenApply(response -> {
                FetchRecords.rewrite(response.body(Api.FETCH), TOPICS, (batch, record) -> {
                    if (batch.topicName() == null || !batch.topicName().startsWith("shout-")) {
                        return record;
                    }
                    String value = StandardCharsets.UTF_8.decode(record.value()).toString();
                    return record.withValue(value.toUpperCase().getBytes(StandardCharsets.UTF_8));
                });
                return response;
            }))));

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void everyProducedRecordCarriesTheInterceptorsHeaderWhateverTheCodec(String codec) throws Exception {
        String topic = "stamped-" + codec;
        GATEWAY.kafka().createTopic(topic, 2, 1);
        produce(topic, codec, 40);
        List<ConsumerRecord<String, String>> records = consume(topic, 40);
        assertThat(records).hasSize(40).allSatisfy(record -> {
            Header header = record.headers().lastHeader("stamped-by");
            assertThat(header).isNotNull();
            assertThat(new String(header.value(), StandardCharsets.UTF_8)).isEqualTo("sluice");
            assertThat(record.value()).startsWith("value-");
        });
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "zstd"})
    void fetchedValuesAreRewrittenForTheTopicsThatAskForIt(String codec) throws Exception {
        // The rewrite keys on topic names starting "shout-"; a topic of another name is left alone.
        GATEWAY.kafka().createTopic("quiet-" + codec, 1, 1);
        produce("quiet-" + codec, codec, 10);
        assertThat(consume("quiet-" + codec, 10)).hasSize(10).allSatisfy(r -> assertThat(r.value()).startsWith("value-"));
        GATEWAY.kafka().createTopic("shout-" + codec, 1, 1);
        produce("shout-" + codec, codec, 10);
        assertThat(consume("shout-" + codec, 10)).hasSize(10).allSatisfy(r -> assertThat(r.value()).startsWith("VALUE-"));
    }

    private static void produce(String topic, String codec, int count) throws Exception {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, int expected) {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + topic);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

}
