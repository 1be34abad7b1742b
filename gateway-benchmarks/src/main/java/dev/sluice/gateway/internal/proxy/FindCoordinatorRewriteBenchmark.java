package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A batched FindCoordinator response (v4+, KIP-699: one {@code coordinators[]} entry per key) through
 * the gateway: decode, list brokers, rewrite, re-encode ({@link #rewrite}), and the same through
 * {@link AddressRewritingProcessor} ({@link #processor}). {@code keys} is 1 (a consumer finding its
 * group coordinator) or 50 (an admin client describing many groups); 3 brokers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class FindCoordinatorRewriteBenchmark {

    @Param({"1", "50"})
    int keys;

    @Param({"4", "latest"})
    String version;

    private DecodedRewrite response;

    @Setup(Level.Trial)
    public void setUp() {
        short apiVersion = BenchmarkFixtures.version(ApiKeys.FIND_COORDINATOR, version);
        List<BrokerNode> brokers = BenchmarkFixtures.brokers(3);
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        for (int k = 0; k < keys; k++) {
            BrokerNode coordinator = brokers.get(k % brokers.size());
            data.coordinators().add(new FindCoordinatorResponseData.Coordinator()
                    .setKey("payments-consumer-group-" + k)
                    .setNodeId(coordinator.id())
                    .setHost(coordinator.host())
                    .setPort(coordinator.port()));
        }
        response = new DecodedRewrite(ApiKeys.FIND_COORDINATOR, apiVersion, data, brokers, keys);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        response.release();
    }

    /** Decode, list brokers, rewrite, re-encode. */
    @Benchmark
    public int rewrite() {
        return response.rewrite();
    }

    /** The same through the gateway's response processor (registry lookup included). */
    @Benchmark
    public int processor() {
        return response.processor();
    }
}
