package dev.sluice.gateway.examples;

import dev.sluice.gateway.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The demo with {@code --interceptor safeguard --interceptor lineage}, in-process as the launcher
 * runs it, with real clients. One test on purpose: each embedded cluster costs seconds.
 */
class DemoInterceptorsEndToEndTest {

    private static final String TOPIC = "demo-guarded";
    private static final int RECORDS = 5;

    @Test
    void safeguardRefusesAnAcksOneProducerWithTheReasonAndLineageStampsWhatAnAcksAllProducerWrites() throws Exception {
        int port = FreePorts.block(2);
        DemoOptions options = DemoOptions.parse("--port", Integer.toString(port), "--max-brokers", "1",
                "--advertised-host", "127.0.0.1", "--bind-address", "127.0.0.1",
                "--interceptor", "safeguard", "--interceptor", "lineage");
        assertThat(options.interceptors()).containsExactly(DemoInterceptor.SAFEGUARD, DemoInterceptor.LINEAGE);

        try (Demo demo = Demo.run(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8))) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, demo.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }

            try (KafkaProducer<String, String> acksOne = producer(demo.bootstrap(), "demo-acks-1", "1")) {
                assertThatThrownBy(() -> acksOne.send(new ProducerRecord<>(TOPIC, "k", "refused")).get())
                        .cause()
                        .isInstanceOf(PolicyViolationException.class)
                        .hasMessage("acks=1 is refused by the gateway's safeguard policy: producers must use acks=all"
                                + " (-1)");
            }
            try (KafkaProducer<String, String> acksAll = producer(demo.bootstrap(), "demo-acks-all", "all")) {
                for (int i = 0; i < RECORDS; i++) {
                    acksAll.send(new ProducerRecord<>(TOPIC, "k", "guarded-" + i)).get();
                }
            }

            List<ConsumerRecord<String, String>> records = readStraightFromTheBroker(demo.upstream());
            assertThat(records).extracting(ConsumerRecord::value)
                    .containsExactly("guarded-0", "guarded-1", "guarded-2", "guarded-3", "guarded-4");
            assertThat(records).allSatisfy(record -> {
                assertThat(utf8(record.headers().lastHeader("sluice.gateway"))).isEqualTo(Demo.GATEWAY_NAME);
                assertThat(utf8(record.headers().lastHeader("sluice.client.id"))).isEqualTo("demo-acks-all");
                Header principal = record.headers().lastHeader("sluice.principal");
                assertThat(principal).as("present, for an anonymous client").isNotNull();
                assertThat(principal.value()).as("anonymous: no SASL, no TLS").isNull();
            });
        }
    }

    private static KafkaProducer<String, String> producer(String bootstrap, String clientId, String acks) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.CLIENT_ID_CONFIG, clientId,
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** The topic's records, read from the embedded broker itself rather than through the gateway. */
    private static List<ConsumerRecord<String, String>> readStraightFromTheBroker(String upstream) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, upstream);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(TOPIC, 0)));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.size() < RECORDS && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String utf8(Header header) {
        assertThat(header).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
