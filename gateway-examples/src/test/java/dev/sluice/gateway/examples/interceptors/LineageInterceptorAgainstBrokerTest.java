package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.testkit.KafkaCluster;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LineageInterceptor} in front of a real SASL/PLAIN broker: records produced through the
 * gateway, read straight from the broker, carry the gateway's lineage headers and the client's own.
 */
class LineageInterceptorAgainstBrokerTest {

    private static final String CLIENT_ID = "lineage-producer";
    private static final int RECORDS = 60;

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.of(KafkaCluster.builder().brokers(1).saslPlain());

    private static GatewayInFront gateway;

    @BeforeAll
    static void startGateway() {
        gateway = GatewayInFront.start(KAFKA.cluster(), builder -> builder
                .upstreamSaslPlain(KafkaCluster.SASL_ADMIN_USER, KafkaCluster.SASL_ADMIN_PASSWORD)
                .clientsAuthenticate(true)
                .intercept(LineageInterceptor.builder().build().spec()));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"none", "zstd"})
    void recordsOfAnIdempotentProducerCarryTheGatewayClientAndPrincipalAndNoSpoofedValue(String codec)
            throws Exception {
        String topic = "lineage-" + codec;
        KAFKA.cluster().createTopic(topic, 2, 1);
        List<String> sent = new ArrayList<>();
        try (KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()), Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, CLIENT_ID,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, codec,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20))) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            for (int i = 0; i < RECORDS; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("trace-id", utf8("trace-" + i));
                if (i % 2 == 0) {
                    // A client claiming to be someone else, and to come through another gateway.
                    headers.add("sluice.principal", utf8("root"));
                    headers.add("sluice.gateway", utf8("trusted-gw"));
                }
                sent.add("value-" + i);
                acks.add(producer.send(new ProducerRecord<>(topic, null, "key-" + i, "value-" + i, headers)));
            }
            producer.flush();
            for (Future<RecordMetadata> ack : acks) {
                ack.get(30, TimeUnit.SECONDS);
            }
        }

        List<ConsumerRecord<String, String>> records = Clients.readAll(KAFKA.cluster(), topic);

        assertThat(records).as("read straight from the broker, each once")
                .extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrderElementsOf(sent);
        assertThat(records).allSatisfy(record -> {
            int i = Integer.parseInt(record.value().substring("value-".length()));
            assertThat(record.key()).isEqualTo("key-" + i);
            assertThat(StreamSupport.stream(record.headers().spliterator(), false).map(Header::key))
                    .as("the client's header first, then the gateway's three, once each")
                    .containsExactly("trace-id", "sluice.gateway", "sluice.client.id", "sluice.principal");
            assertThat(value(record, "trace-id")).isEqualTo("trace-" + i);
            assertThat(value(record, "sluice.gateway")).isEqualTo(GatewayInFront.NAME);
            assertThat(value(record, "sluice.client.id")).isEqualTo(CLIENT_ID);
            assertThat(value(record, "sluice.principal")).isEqualTo(KafkaCluster.SASL_ADMIN_USER);
        });
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String value(ConsumerRecord<?, ?> record, String key) {
        Header header = record.headers().lastHeader(key);
        assertThat(header).as("header %s", key).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
