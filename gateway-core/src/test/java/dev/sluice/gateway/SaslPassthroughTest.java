package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.testkit.KafkaCluster;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SASL/PLAIN passes through the gateway to a real SASL broker; the pre-authentication frame limit holds until then. */
class SaslPassthroughTest {

    private static final int BEFORE_AUTH_LIMIT = 64 * 1024;
    private static final Map<String, String> IDENTITY = new ConcurrentHashMap<>();

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1).saslPlain(),
            builder -> builder
                .intercept(InterceptorSpec.on(Api.METADATA).name("identity").use(chain -> {
                    ConnectionContext connection = chain.connection();
                    IDENTITY.put("mechanism", String.valueOf(connection.saslMechanism()));
                    IDENTITY.put("principal", String.valueOf(connection.saslPrincipal()));
                    IDENTITY.put("authenticated", String.valueOf(connection.authenticated()));
                    return chain.proceed();
                }))
                .upstreamSaslPlain(KafkaCluster.SASL_ADMIN_USER, KafkaCluster.SASL_ADMIN_PASSWORD)
                .clientsAuthenticate(true)
                .maxFrameBytesBeforeAuthentication(BEFORE_AUTH_LIMIT));

    @Test
    void authenticatedClientsSendFramesLargerThanThePreAuthenticationLimit() throws Exception {
        String topic = "sasl-large";
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        byte[] large = new byte[300 * 1024];
        Map<String, Object> producerConfig = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        producerConfig.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        producerConfig.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig)) {
            producer.send(new ProducerRecord<>(topic, large)).get();
        }
        Map<String, Object> consumerConfig = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, "sasl-reader");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumerConfig.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerConfig.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (records.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).hasSize(1);
        assertThat(records.get(0).value()).hasSize(large.length);
    }

    @Test
    void interceptorsSeeTheSaslMechanismUsernameAndOutcome() throws Exception {
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            admin.describeCluster().nodes().get();
        }
        assertThat(IDENTITY).containsEntry("mechanism", "PLAIN")
                .containsEntry("principal", KafkaCluster.SASL_ADMIN_USER)
                .containsEntry("authenticated", "true");
    }

    @Test
    void unauthenticatedClientSendingAFrameOverThePreAuthenticationLimitIsClosed() throws Exception {
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            ByteBuffer header = ByteBuffer.allocate(12).putInt(BEFORE_AUTH_LIMIT + 1).putShort((short) 0)
                    .putShort((short) 9).putInt(1);
            raw.send(header.array());
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    @Test
    void wrongPasswordIsRefusedByTheBrokerAndTheClientSeesWhy() {
        Map<String, Object> config = GATEWAY.harness().clientConfig(GATEWAY.kafka());
        config.put(SaslConfigs.SASL_JAAS_CONFIG,
                KafkaCluster.plainJaasConfig(KafkaCluster.SASL_ADMIN_USER, "not-the-password"));
        try (Admin admin = Admin.create(config)) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get())
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
