package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.benchmarks.EventLoopThreads;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One request's life in the {@link InFlightRing} with {@code depth} requests in flight: add at the
 * tail, then match and complete the oldest, the way a session does for a forwarded request and its
 * response. The ring is filled to {@code depth - 1} first, so it stays at {@code depth} (1: a
 * client waiting for each answer; 5: Kafka's default {@code max.in.flight.requests.per.connection};
 * 100: a deep pipeline, past the ring's initial capacity of 16).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class InFlightRingBenchmark {

    @Param({"1", "5", "100"})
    int depth;

    private static final short KEY = ApiKeys.FETCH.id;
    private static final short VERSION = ApiKeys.FETCH.latestVersion();

    private InFlightRing ring;
    private int nextUpstreamId;

    @Setup(Level.Trial)
    public void setUp() {
        ring = new InFlightRing(16);
        for (int i = 0; i < depth - 1; i++) {
            ring.addUpstream(nextUpstreamId, 1_000_000 + nextUpstreamId, KEY, VERSION);
            nextUpstreamId++;
        }
    }

    /** Add one request, complete the oldest (it is the head): one add/complete cycle. */
    @Benchmark
    public int addComplete() {
        int upstreamId = nextUpstreamId++;
        ring.addUpstream(upstreamId, 1_000_000 + upstreamId, KEY, VERSION);
        long seq = ring.nextAwaiting();
        int downstreamId = ring.downstreamId(seq);
        if (ring.upstreamId(seq) + 1_000_000 != downstreamId || !ring.isHead(seq)) {
            throw new IllegalStateException("ring out of order at " + seq);
        }
        ring.removeHead(seq);
        return downstreamId;
    }
}
