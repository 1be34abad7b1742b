package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link AuditInterceptor} in front of a real broker, with its default APIs: what an Admin client's
 * requests look like as {@link AuditEvent}s, and as {@link AuditSink#slf4j()} lines.
 */
class AuditInterceptorAgainstBrokerTest {

    private static final String CLIENT_ID = "audit-admin";
    private static final List<AuditEvent> EVENTS = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    private static GatewayInFront gateway;

    @BeforeAll
    static void startGateway() {
        AuditSink capturing = event -> {
            EVENTS.add(event);
            AuditSink.slf4j().record(event);
        };
        gateway = GatewayInFront.start(KAFKA.cluster(),
                builder -> builder.intercept(AuditInterceptor.builder().sink(capturing).build().spec()));
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @BeforeEach
    void forgetEarlierEvents() {
        EVENTS.clear();
    }

    @Test
    void creatingAndDeletingTopicsYieldsOneEventPerRequestWithClientApiTopicsAndOutcome() throws Exception {
        Uuid paymentsId;
        try (Admin admin = admin()) {
            CreateTopicsResult created = admin.createTopics(List.of(
                    new NewTopic("audit-orders", 2, (short) 1), new NewTopic("audit-payments", 1, (short) 1)));
            created.all().get();
            paymentsId = created.topicId("audit-payments").get();

            admin.deleteTopics(List.of("audit-orders")).all().get();
            admin.deleteTopics(TopicCollection.ofTopicIds(List.of(paymentsId))).all().get();
        }

        assertThat(EVENTS).extracting(AuditEvent::api)
                .containsExactly(ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_TOPICS);
        assertThat(EVENTS).allSatisfy(event -> {
            assertThat(event.gateway()).isEqualTo(GatewayInFront.NAME);
            assertThat(event.clientId()).isEqualTo(CLIENT_ID);
            assertThat(event.principal()).as("no SASL, no TLS").isNull();
            assertThat(event.remoteAddress().getAddress().isLoopbackAddress()).isTrue();
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.RESPONDED);
            assertThat(event.errors()).isEmpty();
            assertThat(event.succeeded()).isTrue();
            assertThat(event.latency()).isPositive();
        });
        assertThat(EVENTS.get(0).topics()).containsExactly("audit-orders", "audit-payments");
        assertThat(EVENTS.get(1).topics()).containsExactly("audit-orders");
        assertThat(EVENTS.get(2).topics()).as("deleted by id, named from the CreateTopics response the audit saw")
                .containsExactly("audit-payments");
        assertThat(EVENTS.get(2).unresolvedTopicIds()).isEmpty();
    }

    @Test
    void requestsTheBrokerRefusesAreAuditedWithItsErrors() throws Exception {
        KAFKA.cluster().createTopic("audit-existing", 1, 1);
        try (Admin admin = admin()) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("audit-existing", 1, (short) 1)))
                    .all().get())
                    .hasCauseInstanceOf(TopicExistsException.class);
            assertThatThrownBy(() -> admin.deleteTopics(List.of("audit-never-created")).all().get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
        }

        assertThat(EVENTS).hasSize(2).allSatisfy(event -> {
            assertThat(event.outcome()).isEqualTo(AuditEvent.Outcome.RESPONDED);
            assertThat(event.succeeded()).isFalse();
            assertThat(event.errorCount()).isEqualTo(1);
        });
        assertThat(EVENTS.get(0).topics()).containsExactly("audit-existing");
        assertThat(EVENTS.get(0).errors()).containsExactly(Map.entry(Errors.TOPIC_ALREADY_EXISTS, 1));
        assertThat(EVENTS.get(1).topics()).containsExactly("audit-never-created");
        assertThat(EVENTS.get(1).errors()).containsExactly(Map.entry(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1));
    }

    @Test
    void theSlf4jSinkLogsEachEventAsOneLogfmtLineOnLoggerSluiceAudit() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        // slf4j-simple looks System.err up at each line; the test's simplelogger.properties has sluice.audit at INFO.
        System.setErr(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("audit-logged", 1, (short) 1))).all().get();
        } finally {
            System.setErr(original);
        }

        AuditEvent event = EVENTS.stream().filter(e -> e.api() == ApiKeys.CREATE_TOPICS).findFirst().orElseThrow();
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.contains(" sluice.audit - "))
                .toList();
        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\[.+] INFO sluice\\.audit - time=\\S+Z"
                    + " gateway=examples-gw conn=\\d+ remote=127\\.0\\.0\\.1:\\d+ client=audit-admin principal="
                    + " api=CreateTopics version=\\d+ topics=audit-logged outcome=RESPONDED errors= error_count=0"
                    + " latency_us=\\d+");
            assertThat(line).endsWith(" - " + Slf4jAuditSink.line(event));
        });
    }

    private static Admin admin() {
        Map<String, Object> config = gateway.clientConfig(KAFKA.cluster());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, CLIENT_ID);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(15).toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Duration.ofSeconds(5).toMillis());
        return Admin.create(config);
    }

    /** Writes to two streams. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            first.write(bytes, offset, length);
            second.write(bytes, offset, length);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
