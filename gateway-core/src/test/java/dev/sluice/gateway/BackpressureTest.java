package dev.sluice.gateway;

import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import dev.sluice.gateway.testkit.KafkaCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that asks for far more than it reads: the gateway stops reading the broker instead of
 * buffering the answers, and memory stays bounded by the write buffer and one frame.
 */
class BackpressureTest {

    private static final int RECORD_BYTES = 512 * 1024;
    private static final int RECORDS = 80;               // 40 MiB in the topic
    private static final int FETCHES = 12;               // asks for up to 12 x 8 MiB
    private static final int FETCH_BYTES = 8 * 1024 * 1024;

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1),
            b -> b.ioThreads(1));

    @BeforeAll
    static void fillTopic() throws Exception {
        GATEWAY.kafka().createTopic("bulk", 1, 1);
        Map<String, Object> config = GATEWAY.kafka().clientProperties();
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 * RECORD_BYTES);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config)) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>("bulk", new byte[RECORD_BYTES]));
            }
            producer.flush();
        }
    }

    @Test
    void aClientThatDoesNotReadStopsTheGatewayReadingTheBroker() throws Exception {
        ByteBufAllocatorMetric allocator = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
        long before = usedMemory(allocator);
        ByteArrayOutputStream requests = new ByteArrayOutputStream();
        for (int i = 0; i < FETCHES; i++) {
            requests.write(RawConnection.request(ApiKeys.FETCH, (short) 12, i, fetch("bulk", (long) i * 4)));
        }
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, brokerPort())) {
            raw.send(requests.toByteArray());
            // The client reads nothing: its channel fills up, and the gateway must stop reading the
            // broker. Memory is sampled until then; once reads stop, it cannot grow any more.
            ProxyRuntime runtime = Objects.requireNonNull(GATEWAY.gateway().runtime());
            long pausesBefore = runtime.upstreamReadPauses();
            long[] peak = {0};
            Eventually.until(Duration.ofSeconds(30), () -> "the gateway to stop reading the broker; memory now "
                    + (usedMemory(allocator) - before) + " B", () -> {
                        peak[0] = Math.max(peak[0], usedMemory(allocator) - before);
                        return runtime.upstreamReadPauses() > pausesBefore;
                    });
            peak[0] = Math.max(peak[0], usedMemory(allocator) - before);
            System.out.printf("peak gateway buffer memory while the client did not read: %.1f MiB%n", peak[0] / 1048576.0);
            assertThat(peak[0])
                    .as("gateway memory while %d answers of up to %d MiB wait for a client that does not read",
                            FETCHES, FETCH_BYTES >> 20)
                    .isLessThan(32L * 1024 * 1024);

            long received = 0;
            for (int i = 0; i < FETCHES; i++) {
                ByteBuffer frame = raw.readFrame();
                assertThat(frame.getInt()).isEqualTo(i);
                received += frame.capacity();
            }
            assertThat(received).as("the client eventually gets every answer in full").isGreaterThan(FETCHES * 4L * RECORD_BYTES);
        }
    }

    /** Memory the gateway's allocator (Netty's default, which the gateway uses) holds now. */
    private static long usedMemory(ByteBufAllocatorMetric allocator) {
        return allocator.usedDirectMemory() + allocator.usedHeapMemory();
    }

    private static int brokerPort() {
        return GATEWAY.gateway().openListeners().stream().filter(l -> !l.isBootstrap())
                .findFirst().orElseThrow().port();
    }

    private static FetchRequestData fetch(String topic, long offset) {
        return new FetchRequestData()
                .setReplicaId(-1)
                .setMaxWaitMs(100)
                .setMinBytes(1)
                .setMaxBytes(FETCH_BYTES)
                .setIsolationLevel((byte) 0)
                .setSessionId(0)
                .setSessionEpoch(-1)
                .setTopics(List.of(new FetchRequestData.FetchTopic()
                        .setTopic(topic)
                        .setPartitions(List.of(new FetchRequestData.FetchPartition()
                                .setPartition(0)
                                .setFetchOffset(offset)
                                .setLogStartOffset(-1)
                                .setPartitionMaxBytes(FETCH_BYTES)))));
    }
}
