package dev.sluice.gateway.examples;

import dev.sluice.gateway.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.gateway.api.GatewayException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The demo as the launcher runs it, in-process: an embedded broker, the gateway, real clients. One
 * test on purpose: each embedded cluster costs seconds.
 */
class DemoEndToEndTest {

    private static final Pattern READY = Pattern.compile("READY bootstrap=(\\S+) upstream=(\\S+)");
    private static final String TOPIC = "demo-e2e";
    private static final int RECORDS = 10;

    @Test
    void demoPrintsReadyCarriesRecordsThroughTheGatewayAndFreesItsPortsOnClose() throws Exception {
        int port = FreePorts.block(2);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        DemoOptions options = DemoOptions.parse("--port", Integer.toString(port), "--max-brokers", "1",
                "--advertised-host", "127.0.0.1", "--bind-address", "127.0.0.1");

        Demo demo = Demo.run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try (demo) {
            List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(1);
            Matcher ready = READY.matcher(lines.get(0));
            assertThat(ready.matches()).as("READY line: %s", lines.get(0)).isTrue();
            String bootstrap = ready.group(1);
            assertThat(bootstrap).isEqualTo("127.0.0.1:" + port);
            assertThat(ready.group(2)).isEqualTo(demo.upstream()).matches("[^,]+:\\d+").doesNotContain(":" + port);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
                assertThat(admin.describeCluster().nodes().get())
                        .as("brokers, as the gateway advertises them")
                        .extracting(Node::host, Node::port)
                        .containsExactly(tuple("127.0.0.1", port + 1));
            }
            produce(bootstrap);
            assertThat(consume(bootstrap)).containsExactlyInAnyOrderElementsOf(expectedValues());

            ByteArrayOutputStream secondStdout = new ByteArrayOutputStream();
            DemoOptions samePort = DemoOptions.parse("--bootstrap", demo.upstream(), "--port", Integer.toString(port),
                    "--max-brokers", "1", "--bind-address", "127.0.0.1");
            assertThatThrownBy(() -> Demo.run(samePort, new PrintStream(secondStdout, true, StandardCharsets.UTF_8)))
                    .as("a second demo on the same port")
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("cannot listen on 127.0.0.1:" + port + " (bootstrap)");
            assertThat(secondStdout.size()).as("READY printed by the failed demo").isZero();
        }

        assertThat(demo.stopped().toCompletableFuture()).isCompleted();
        assertThat(demo.gateway().openListeners()).isEmpty();
        try (ServerSocket rebound = new ServerSocket()) {
            rebound.setReuseAddress(true);
            rebound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        }
    }

    private static void produce(String bootstrap) throws Exception {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            for (String value : expectedValues()) {
                producer.send(new ProducerRecord<>(TOPIC, value, value)).get();
            }
        }
    }

    private static List<String> consume(String bootstrap) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "demo-e2e-group",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < RECORDS && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        return values;
    }

    private static List<String> expectedValues() {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            values.add("record-" + i);
        }
        return values;
    }
}
