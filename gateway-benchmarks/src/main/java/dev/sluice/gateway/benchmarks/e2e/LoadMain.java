package dev.sluice.gateway.benchmarks.e2e;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The load generator of the harness, one JVM per path and round, so that every path starts from the
 * same cold client. Runs three phases against {@code bootstrap} and prints one {@code RESULT} line
 * each:
 *
 * <ol>
 *   <li><b>produce</b>: {@code records} records of {@code recordSize} random bytes to {@code topic} as
 *       fast as the producer goes ({@code acks=all}, {@code linger.ms=5}, no compression); timed from
 *       the first {@code send} to the end of {@code flush()}.
 *   <li><b>consume</b>: the same records read back from the beginning with {@code assign} (no group);
 *       timed from the first {@code poll} to the last record; also counts the records that carry
 *       {@link StampInterceptor}'s header, so the harness can check the interceptor really ran.
 *   <li><b>latency</b>: {@code latencyRate} records a second for {@code latencySeconds} to {@code
 *       latencyTopic} ({@code linger.ms=0}), each carrying {@code System.nanoTime()} at send; a consumer
 *       in the same JVM (so the clocks are the same) records receive minus send. The first second is
 *       left out (connections, JIT).
 * </ol>
 *
 * <p>Arguments, {@code key=value}: those above, and {@code tlsCa} (a PEM file: speak TLS and trust
 * that CA, verifying the host name).
 */
public final class LoadMain {

    private static final Duration PHASE_TIMEOUT = Duration.ofMinutes(3);

    private LoadMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = Args.parse(args);
        Map<String, Object> common = new HashMap<>();
        common.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, Args.required(options, "bootstrap"));
        String ca = options.get("tlsCa");
        if (ca != null) {
            common.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
            common.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            common.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, Files.readString(Path.of(ca)));
            common.put(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG, "https");
        }
        int records = Integer.parseInt(Args.required(options, "records"));
        int recordSize = Integer.parseInt(Args.required(options, "recordSize"));
        String topic = Args.required(options, "topic");

        produce(common, topic, records, recordSize);
        consume(common, topic, records);
        latency(common, Args.required(options, "latencyTopic"), recordSize,
                Integer.parseInt(Args.required(options, "latencyRate")),
                Integer.parseInt(Args.required(options, "latencySeconds")));
        System.out.flush();
        System.exit(0);
    }

    private static void produce(Map<String, Object> common, String topic, int records, int recordSize) {
        byte[] value = new byte[recordSize];
        new SplittableRandom(42).nextBytes(value);
        AtomicLong failures = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(common, 5))) {
            producer.partitionsFor(topic); // metadata before the clock starts
            long start = System.nanoTime();
            for (int i = 0; i < records; i++) {
                producer.send(new ProducerRecord<>(topic, value), (metadata, e) -> {
                    if (e != null) {
                        failures.incrementAndGet();
                        firstFailure.compareAndSet(null, e);
                    }
                });
            }
            producer.flush();
            long nanos = System.nanoTime() - start;
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " sends failed", firstFailure.get());
            }
            result("produce", records, (long) records * recordSize, nanos);
        }
    }

    private static void consume(Map<String, Object> common, String topic, int records) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(common))) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            long bytes = 0;
            long stamped = 0;
            long start = System.nanoTime();
            long deadline = start + PHASE_TIMEOUT.toNanos();
            while (count < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("consumed only " + count + " of " + records + " records in "
                            + PHASE_TIMEOUT);
                }
                ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    count++;
                    bytes += record.serializedValueSize();
                    if (record.headers().lastHeader(StampInterceptor.HEADER_KEY) != null) {
                        stamped++;
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            System.out.printf("RESULT consume records=%d bytes=%d nanos=%d stamped=%d%n", count, bytes, nanos, stamped);
        }
    }

    private static void latency(Map<String, Object> common, String topic, int recordSize, int rate, int seconds)
            throws InterruptedException {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> consumerFailure = new AtomicReference<>();
        Object ready = new Object();
        boolean[] assigned = {false};
        Thread consumerThread = new Thread(() -> {
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig(common))) {
                List<TopicPartition> partitions = partitions(consumer, topic);
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                consumer.poll(Duration.ofMillis(100)); // connected and positioned before the first send
                synchronized (ready) {
                    assigned[0] = true;
                    ready.notifyAll();
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(seconds).plus(PHASE_TIMEOUT).toNanos();
                while (received.get() < total && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                        long now = System.nanoTime();
                        ByteBuffer value = ByteBuffer.wrap(record.value());
                        long sentAt = value.getLong(0);
                        int sequence = value.getInt(8);
                        latencies[sequence] = now - sentAt;
                        received.incrementAndGet();
                    }
                }
            } catch (Throwable t) {
                consumerFailure.set(t);
            }
        }, "latency-consumer");
        consumerThread.start();
        synchronized (ready) {
            while (!assigned[0] && consumerThread.isAlive()) {
                ready.wait(100);
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(common, 0))) {
            producer.partitionsFor(topic);
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            for (int i = 0; i < total; i++) {
                long due = start + i * interval;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                byte[] value = new byte[recordSize];
                ByteBuffer.wrap(value).putLong(0, System.nanoTime()).putInt(8, i);
                producer.send(new ProducerRecord<>(topic, value));
            }
            producer.flush();
        }
        consumerThread.join(Duration.ofSeconds(seconds).plus(PHASE_TIMEOUT).toMillis());
        if (consumerFailure.get() != null) {
            throw new IllegalStateException("latency consumer failed", consumerFailure.get());
        }
        if (received.get() < total) {
            throw new IllegalStateException("latency consumer received only " + received.get() + " of " + total);
        }
        long[] measured = Arrays.copyOfRange(latencies, Math.min(rate, total - 1), total);
        Arrays.sort(measured);
        System.out.printf("RESULT latency samples=%d p50Nanos=%d p99Nanos=%d p999Nanos=%d maxNanos=%d%n",
                measured.length, percentile(measured, 0.50), percentile(measured, 0.99),
                percentile(measured, 0.999), measured[measured.length - 1]);
    }

    private static long percentile(long[] sorted, double p) {
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        if (partitions.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions");
        }
        return partitions;
    }

    private static Map<String, Object> producerConfig(Map<String, Object> common, int lingerMs) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    private static Map<String, Object> consumerConfig(Map<String, Object> common) {
        Map<String, Object> config = new HashMap<>(common);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private static void result(String phase, long records, long bytes, long nanos) {
        System.out.printf("RESULT %s records=%d bytes=%d nanos=%d%n", phase, records, bytes, nanos);
    }
}
