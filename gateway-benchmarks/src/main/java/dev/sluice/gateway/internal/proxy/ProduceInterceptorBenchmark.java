package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.records.CorruptBatchException;
import dev.sluice.gateway.records.KafkaRecord;
import dev.sluice.gateway.records.ProduceRecords;
import dev.sluice.gateway.records.RecordHeader;
import dev.sluice.gateway.records.RecordRewriter;
import dev.sluice.gateway.records.RecordVisitor;
import dev.sluice.gateway.records.RewriteSummary;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Produce request through a record-level interceptor: decode every batch, add one header to every
 * record, re-encode (and re-compress) the batch. One operation is one Produce request of one batch
 * of {@code records} records of {@code recordBytes} (v9, acks=1, one topic-partition, an idempotent
 * producer's batch).
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code session}: the real {@link ProxySession} between two embedded channels (no sockets),
 *       as {@link SessionBenchmark}: the request in from the client, forwarded, its response in from
 *       the "broker" and delivered; {@value #REQUESTS} requests per invocation. {@code interceptor}
 *       {@code none} is the baseline, what the gateway does with no interceptor (peek, patch the
 *       correlation id, forward the same bytes); {@code proceed} registers an interceptor on Produce
 *       that calls {@code proceed()} and nothing else (what the Produce body's decode and re-encode
 *       cost); {@code stamp} adds a header to every record with {@link ProduceRecords#rewrite}, as
 *       the e2e harness's {@code StampInterceptor} and the examples' {@code LineageInterceptor} do.
 *   <li>{@code rewrite}: only {@link ProduceRecords#rewrite} with the stamp on an already decoded
 *       {@link ProduceRequestData} (each operation first puts the original records back).
 *   <li>{@code rewriteFromDirect}: the same, the batch in a direct buffer: in the session the decoded
 *       request's records are a view of the pooled direct request frame.
 *   <li>{@code forEach}: only {@link ProduceRecords#forEach}, reading every record (decompression,
 *       no rebuild): the floor of any record-level interceptor.
 * </ul>
 *
 * <p>Records per second = ops/s x {@code records}; uncompressed payload MB/s = ops/s x {@code records}
 * x {@code recordBytes} / 10^6. The values are text with a random part, so that they compress the
 * way log lines or JSON do rather than to nothing (the trial prints the batch's size).
 *
 * <p>Pitfall: the session's interceptor points are still speeding up after 3-5 warm-up iterations
 * (the decode and re-encode paths compile late), hence 8 + 8 iterations; a {@code -wi 3} on the
 * command line reports them at half speed or less.
 *
 * <p>Pitfall: the compressed points re-compress at the codec's default level, as {@link
 * ProduceRecords} documents; a producer with another level would send other sizes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class ProduceInterceptorBenchmark {

    static final int REQUESTS = 8;
    static final String HEADER_KEY = "sluice.bench";
    private static final short VERSION = 9;
    private static final RecordHeader STAMP = RecordHeader.ofUtf8(HEADER_KEY, "jmh");
    private static final RecordRewriter STAMPER = (batch, record) -> record.withHeader(STAMP);

    /** The batch every method sends: one decoded request of it, and its records. */
    @State(Scope.Thread)
    public static class Batch {

        /** The batch's codec: {@code none}, {@code lz4}, {@code zstd}, {@code gzip} or {@code snappy}. */
        @Param({"none", "lz4", "zstd"})
        public String compression;

        @Param({"100"})
        public int records;

        @Param({"1024"})
        public int recordBytes;

        MemoryRecords original;
        /** The same batch in a direct buffer, as the session's decoded request holds it (a view of the frame). */
        MemoryRecords originalDirect;
        ProduceRequestData decoded;
        PartitionProduceData partition;
        final CountingVisitor visitor = new CountingVisitor();

        @Setup(Level.Trial)
        public void setUp() {
            original = batch(compression, records, recordBytes);
            java.nio.ByteBuffer direct = java.nio.ByteBuffer.allocateDirect(original.sizeInBytes());
            direct.put(original.buffer().duplicate()).flip();
            originalDirect = MemoryRecords.readableRecords(direct);
            decoded = request(original);
            partition = decoded.topicData().iterator().next().partitionData().get(0);
            System.out.printf("%n[%s, %d x %d B] batch of %d B on the wire (%.2f of the uncompressed values)%n",
                    compression, records, recordBytes, original.sizeInBytes(),
                    original.sizeInBytes() / (double) (records * recordBytes));
        }
    }

    /** A {@link ProxySession} between two embedded channels, with {@code interceptor} on Produce. */
    @State(Scope.Thread)
    public static class Session {

        /** {@code none} (the baseline), {@code proceed} or {@code stamp}. */
        @Param({"none", "proceed", "stamp"})
        public String interceptor;

        EmbeddedSession session;
        ByteBuf requests;

        @Setup(Level.Trial)
        public void setUp(Batch batch) {
            session = new EmbeddedSession(specs(interceptor), REQUESTS);
            requests = BenchmarkFixtures.ALLOC.directBuffer();
            for (int i = 0; i < REQUESTS; i++) {
                ByteBuf frame = MessageCodec.encodeRequest(BenchmarkFixtures.ALLOC, ApiKeys.PRODUCE, VERSION, i,
                        "bench-producer", request(batch.original));
                requests.writeBytes(frame);
                frame.release();
            }
            checkForwarded(batch.records);
            if (session.roundTrip(requests, SessionBenchmark.SessionFrames::produceResponse) != REQUESTS) {
                throw new IllegalStateException("the session did not answer every request");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            session.close();
            requests.release();
        }

        /** Sends one request and checks that the broker would get every record, stamped or not as asked. */
        private void checkForwarded(int records) {
            ByteBuf one = requests.retainedSlice(0, requests.getInt(0) + 4);
            session.client.writeInbound(one);
            ByteBuf out = session.upstream.readOutbound();
            if (out == null) {
                throw new IllegalStateException("nothing forwarded");
            }
            ProduceRequestData forwarded = (ProduceRequestData) MessageCodec.readRequest(out, ApiKeys.PRODUCE, VERSION);
            int[] counts = new int[2];
            ProduceRecords.forEach(forwarded, (batch, record) -> {
                counts[0]++;
                if (record.lastHeader(HEADER_KEY) != null) {
                    counts[1]++;
                }
            });
            out.release();
            int expectedStamped = "stamp".equals(interceptor) ? records : 0;
            if (counts[0] != records || counts[1] != expectedStamped) {
                throw new IllegalStateException("forwarded " + counts[0] + " records, " + counts[1] + " stamped; expected "
                        + records + ", " + expectedStamped);
            }
            session.upstream.writeInbound(SessionBenchmark.SessionFrames.produceResponse(session.takeUpstreamId()));
            ByteBuf answer = session.client.readOutbound();
            if (answer == null) {
                throw new IllegalStateException("no answer");
            }
            answer.release();
        }
    }

    /** One Produce request through the session (with {@code interceptor}) and its response back. */
    @Benchmark
    @OperationsPerInvocation(REQUESTS)
    public int session(Session session) {
        return session.session.roundTrip(session.requests, SessionBenchmark.SessionFrames::produceResponse);
    }

    /** Only the record rewrite of one decoded request: decode batch, stamp each record, re-encode. */
    @Benchmark
    public RewriteSummary rewrite(Batch batch) {
        batch.partition.setRecords(batch.original);
        return ProduceRecords.rewrite(batch.decoded, STAMPER);
    }

    /** As {@link #rewrite}, the batch read from a direct buffer, as in the session (a view of the request frame). */
    @Benchmark
    public RewriteSummary rewriteFromDirect(Batch batch) {
        batch.partition.setRecords(batch.originalDirect);
        return ProduceRecords.rewrite(batch.decoded, STAMPER);
    }

    /** Only reading every record of one decoded request (decompression, no rebuild). */
    @Benchmark
    public long forEach(Batch batch) {
        batch.partition.setRecords(batch.original);
        batch.visitor.bytes = 0;
        ProduceRecords.forEach(batch.decoded, batch.visitor);
        return batch.visitor.bytes;
    }

    private static List<InterceptorSpec> specs(String interceptor) {
        return switch (interceptor) {
            case "none" -> List.of();
            case "proceed" -> List.of(InterceptorSpec.on(Api.PRODUCE).name("proceed").use(chain -> chain.proceed()));
            case "stamp" -> List.of(InterceptorSpec.on(Api.PRODUCE).name("stamp").use(new Stamp()));
            default -> throw new IllegalArgumentException("interceptor: none, proceed or stamp, not " + interceptor);
        };
    }

    /** One idempotent producer's batch of {@code count} records, compressible text values. */
    static MemoryRecords batch(String codec, int count, int valueBytes) {
        SplittableRandom random = new SplittableRandom(42);
        SimpleRecord[] batch = new SimpleRecord[count];
        long now = 1_760_000_000_000L;
        for (int i = 0; i < count; i++) {
            batch[i] = new SimpleRecord(now + i, ("order-" + (10_000 + i)).getBytes(StandardCharsets.UTF_8),
                    value(random, i, valueBytes));
        }
        return MemoryRecords.withIdempotentRecords(Compression.of(codec).build(), 4711L, (short) 0, 0, batch);
    }

    /** About half fixed field text and half random letters and digits: compresses about 2:1. */
    private static byte[] value(SplittableRandom random, int i, int size) {
        StringBuilder text = new StringBuilder(size + 64);
        text.append("{\"order\":").append(10_000 + i).append(",\"customer\":\"c-").append(random.nextInt(100_000))
                .append("\",\"lines\":[");
        while (text.length() < size - 2) {
            text.append("{\"sku\":\"");
            for (int k = 0; k < 12; k++) {
                text.append((char) ('A' + random.nextInt(26)));
            }
            text.append("\",\"qty\":").append(random.nextInt(10)).append(",\"price\":")
                    .append(random.nextInt(100_000)).append("},");
        }
        byte[] bytes = new byte[size];
        byte[] written = text.toString().getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(written, 0, bytes, 0, Math.min(size, written.length));
        return bytes;
    }

    private static ProduceRequestData request(MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        TopicProduceData topic = new TopicProduceData().setName("orders");
        topic.partitionData().add(new PartitionProduceData().setIndex(0).setRecords(records));
        data.topicData().add(topic);
        return data;
    }

    /** The record-level interceptor measured: one header on every record, as the e2e harness's. */
    private static final class Stamp implements Interceptor {
        @Override
        public java.util.concurrent.CompletionStage<dev.sluice.gateway.api.intercept.KafkaResponse> intercept(
                Chain chain) {
            try {
                ProduceRecords.rewrite(chain.request().body(Api.PRODUCE), STAMPER);
            } catch (CorruptBatchException e) {
                return chain.fail(Errors.CORRUPT_MESSAGE, "unreadable batch: " + e.getMessage());
            }
            return chain.proceed();
        }
    }

    /** Sums value sizes, so that nothing is optimised away. */
    private static final class CountingVisitor implements RecordVisitor {
        long bytes;

        @Override
        public void visit(dev.sluice.gateway.records.BatchContext batch, KafkaRecord record) {
            bytes += record.valueSize();
        }
    }
}
