package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.internal.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
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
 * The real data path, per request and response: a {@link ProxySession} between two embedded
 * channels (no sockets), fed Produce requests (v9, acks=1, 1 KiB) by the client and their responses by
 * the "broker".
 *
 * <p>{@code interceptors}: {@code none}, or {@code createTopics}: an interceptor registered for
 * CreateTopics only. Produce traffic must not notice it: the pass-through path asks one array
 * whether the API key is intercepted, and that is all.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class SessionBenchmark {

    static final int BATCH = 32;
    private static final int RECORD_BYTES = 1024;

    @Param({"none", "createTopics"})
    public String interceptors;

    private EmbeddedSession session;
    private ByteBuf requests;

    @Setup(Level.Trial)
    public void setUp() {
        List<InterceptorSpec> specs = "createTopics".equals(interceptors)
                ? List.of(InterceptorSpec.on(Api.CREATE_TOPICS).use(chain -> chain.proceed()))
                : List.of();
        session = new EmbeddedSession(specs, BATCH);
        requests = BenchmarkFixtures.ALLOC.directBuffer();
        for (int i = 0; i < BATCH; i++) {
            ByteBuf frame = SessionFrames.produceRequest(i, RECORD_BYTES);
            requests.writeBytes(frame);
            frame.release();
        }
        // Warm once and check the path really carries requests both ways.
        if (produceRoundTrip() != BATCH) {
            throw new IllegalStateException("the session did not answer every request");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        requests.release();
    }

    /** One Produce request through the session and its response back, per operation. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int produceRoundTrip() {
        return session.roundTrip(requests, SessionFrames::produceResponse);
    }

    /** Encoded frames for the benchmark. */
    static final class SessionFrames {
        private SessionFrames() {}

        static ByteBuf produceRequest(int correlationId, int recordBytes) {
            var records = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                    org.apache.kafka.common.compress.Compression.NONE,
                    new org.apache.kafka.common.record.internal.SimpleRecord(new byte[recordBytes]));
            var data = new org.apache.kafka.common.message.ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
            var topic = new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName("bench");
            topic.partitionData().add(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
                    .setIndex(0).setRecords(records));
            data.topicData().add(topic);
            return MessageCodec.encodeRequest(BenchmarkFixtures.ALLOC, ApiKeys.PRODUCE, (short) 9, correlationId,
                    "bench", data);
        }

        static ByteBuf produceResponse(int correlationId) {
            var data = new org.apache.kafka.common.message.ProduceResponseData();
            return MessageCodec.encodeResponse(BenchmarkFixtures.ALLOC, ApiKeys.PRODUCE, (short) 9, correlationId, data);
        }
    }
}
