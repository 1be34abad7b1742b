package dev.sluice.gateway.examples.interceptors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link SafeguardPolicy} in front of a real broker, with real kafka-clients meeting its refusals. */
class SafeguardPolicyAgainstBrokerTest {

    private static final String TOPIC = "team-a.orders";
    private static final List<String> REJECTED = new CopyOnWriteArrayList<>();

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    private static GatewayInFront gateway;

    @BeforeAll
    static void startGateway() {
        SafeguardPolicy policy = SafeguardPolicy.builder()
                .topicNames(Pattern.compile("team-a\\.[a-z0-9.-]+"))
                .partitions(1, 12)
                .build();
        gateway = GatewayInFront.start(KAFKA.cluster(), builder -> builder
                .intercept(policy.spec())
                .eventListener(new GatewayEventListener() {
                    @Override
                    public void connectionRejected(ConnectionContext connection, String reason) {
                        REJECTED.add(reason);
                    }
                }));
        KAFKA.cluster().createTopic(TOPIC, 1, 1);
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void aProducerWithAcksOneIsRefusedAndToldWhyWhileAcksAllIsWritten() throws Exception {
        long before = endOffset(TOPIC);
        try (KafkaProducer<String, String> acksOne = producer("1")) {
            assertThatThrownBy(() -> acksOne.send(new ProducerRecord<>(TOPIC, "k", "refused")).get())
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOf(PolicyViolationException.class)
                    .hasMessage("acks=1 is refused by the gateway's safeguard policy: producers must use acks=all (-1)");
        }
        try (KafkaProducer<String, String> acksAll = producer("all")) {
            RecordMetadata written = acksAll.send(new ProducerRecord<>(TOPIC, "k", "accepted")).get();
            assertThat(written.offset()).isEqualTo(before);
        }
        assertThat(endOffset(TOPIC)).as("only the acks=all record reached the broker").isEqualTo(before + 1);
    }

    @Test
    void aProducerWithAcksZeroHasItsConnectionClosedAndNothingIsWritten() throws Exception {
        long before = endOffset(TOPIC);
        try (KafkaProducer<String, String> acksZero = producer("0")) {
            // acks=0: the send "succeeds" once the bytes are written; no response could carry the refusal.
            acksZero.send(new ProducerRecord<>(TOPIC, "k", "lost")).get();
            acksZero.flush();
        }
        Eventually.until(Duration.ofSeconds(10), () -> "the acks=0 connection to be closed, closed so far: " + REJECTED,
                () -> REJECTED.stream().anyMatch(reason -> reason.contains("acks=0 is refused by the gateway's"
                        + " safeguard policy")));
        assertThat(endOffset(TOPIC)).isEqualTo(before);
    }

    @Test
    void createTopicsRefusesOnlyTheTopicOutsideTheNamePatternAndCreatesTheOther() throws Exception {
        try (Admin admin = admin()) {
            CreateTopicsResult result = admin.createTopics(List.of(
                    new NewTopic("team-a.payments", 2, (short) 1), new NewTopic("Team_B_payments", 2, (short) 1)));

            assertThat(result.values().get("team-a.payments").get()).isNull();
            assertThatThrownBy(() -> result.values().get("Team_B_payments").get())
                    .cause()
                    .isInstanceOf(PolicyViolationException.class)
                    .hasMessage("topic name 'Team_B_payments' does not match the pattern 'team-a\\.[a-z0-9.-]+' of"
                            + " the gateway's safeguard policy");
        }
        try (Admin direct = KAFKA.cluster().admin()) {
            assertThat(direct.listTopics().names().get()).contains("team-a.payments").doesNotContain("Team_B_payments");
        }
    }

    @Test
    void createTopicsRefusesAPartitionCountOutOfBounds() throws Exception {
        try (Admin admin = admin()) {
            assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("team-a.huge", 13, (short) 1))).all().get())
                    .cause()
                    .isInstanceOf(PolicyViolationException.class)
                    .hasMessage("topic 'team-a.huge': partition count 13 is outside 1..12, the range the gateway's"
                            + " safeguard policy allows");
            admin.createTopics(List.of(new NewTopic("team-a.largest", 12, (short) 1))).all().get();
        }
        try (Admin direct = KAFKA.cluster().admin()) {
            assertThat(direct.listTopics().names().get()).contains("team-a.largest").doesNotContain("team-a.huge");
        }
    }

    /**
     * kafka-clients generates a client id ({@code producer-1}) only when {@code client.id} is not
     * configured at all; configured empty, it is sent empty.
     */
    @Test
    void aProducerConfiguredWithAnEmptyClientIdIsRefusedAndToldWhy() throws Exception {
        try (KafkaProducer<String, String> producer = Clients.producer(gateway.clientConfig(KAFKA.cluster()), Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "anonymous")).get())
                    .cause()
                    .isInstanceOf(PolicyViolationException.class)
                    .hasMessage("Produce requests without a client.id are refused by the gateway's safeguard policy:"
                            + " configure client.id");
        }
    }

    /**
     * What kafka-clients cannot send: no client id at all (null), and a blank one (its config parser
     * trims {@code " "} to empty). A hand-written client can.
     */
    @ParameterizedTest(name = "client id [{0}]")
    @NullSource
    @ValueSource(strings = " ")
    void aRequestWithoutAClientIdIsRefusedAndNotForwarded(@Nullable String clientId) throws Exception {
        long before = endOffset(TOPIC);

        ProduceResponseData response = rawProduce(clientId);

        assertThat(response.responses()).singleElement().satisfies(topic -> {
            assertThat(topic.name()).isEqualTo(TOPIC);
            assertThat(topic.partitionResponses()).singleElement().satisfies(partition -> {
                assertThat(Errors.forCode(partition.errorCode())).isEqualTo(Errors.POLICY_VIOLATION);
                assertThat(partition.errorMessage()).isEqualTo("Produce requests without a client.id are refused by"
                        + " the gateway's safeguard policy: configure client.id");
            });
        });
        assertThat(endOffset(TOPIC)).isEqualTo(before);
    }

    private static KafkaProducer<String, String> producer(String acks) {
        return Clients.producer(gateway.clientConfig(KAFKA.cluster()), Map.of(
                ProducerConfig.CLIENT_ID_CONFIG, "safeguard-test-acks-" + acks,
                ProducerConfig.ACKS_CONFIG, acks,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
    }

    private static Admin admin() {
        Map<String, Object> config = gateway.clientConfig(KAFKA.cluster());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "safeguard-test-admin");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return Admin.create(config);
    }

    private static long endOffset(String topic) throws Exception {
        return Clients.endOffsets(KAFKA.cluster(), topic).get(new TopicPartition(topic, 0));
    }

    /** Sends one acks=all Produce (v11, topics by name) with {@code clientId} over a socket of its own. */
    private static ProduceResponseData rawProduce(@Nullable String clientId) throws Exception {
        short version = 11;
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(ApiKeys.PRODUCE.id)
                .setRequestApiVersion(version)
                .setCorrelationId(42)
                .setClientId(clientId);
        ProduceRequestData produce = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5_000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName(TOPIC);
        topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.withRecords(Compression.NONE,
                        new SimpleRecord("raw".getBytes(StandardCharsets.UTF_8)))));
        produce.topicData().add(topic);

        short headerVersion = ApiKeys.PRODUCE.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + produce.size(cache, version);
        ByteBuffer frame = ByteBuffer.allocate(4 + size).putInt(size);
        ByteBufferAccessor accessor = new ByteBufferAccessor(frame);
        header.write(accessor, cache, headerVersion);
        produce.write(accessor, cache, version);

        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(GatewayInFront.HOST, gateway.bootstrapPort()), 5_000);
            socket.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
            new DataOutputStream(socket.getOutputStream()).write(frame.array());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readInt()];
            in.readFully(answer);
            AbstractResponse response = AbstractResponse.parseResponse(ByteBuffer.wrap(answer),
                    new RequestHeader(header, headerVersion));
            return ((ProduceResponse) response).data();
        }
    }
}
