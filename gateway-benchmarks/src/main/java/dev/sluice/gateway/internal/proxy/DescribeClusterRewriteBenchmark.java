package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.DescribeClusterResponseData;
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
 * A DescribeCluster response (what Admin's {@code describeCluster} sends) through the gateway:
 * decode, list brokers, rewrite, re-encode ({@link #rewrite}), and the same through {@link
 * AddressRewritingProcessor} ({@link #processor}), for a cluster of 3 or 30 brokers.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class DescribeClusterRewriteBenchmark {

    @Param({"3", "30"})
    int brokerCount;

    @Param({"0", "latest"})
    String version;

    private DecodedRewrite response;

    @Setup(Level.Trial)
    public void setUp() {
        short apiVersion = BenchmarkFixtures.version(ApiKeys.DESCRIBE_CLUSTER, version);
        List<BrokerNode> brokers = BenchmarkFixtures.brokers(brokerCount);
        DescribeClusterResponseData data = new DescribeClusterResponseData()
                .setClusterId("hXC8fO3dQVWGn2p0iS9u1w")
                .setControllerId(brokers.get(0).id())
                .setClusterAuthorizedOperations(Integer.MIN_VALUE);
        for (BrokerNode broker : brokers) {
            data.brokers().add(new DescribeClusterResponseData.DescribeClusterBroker()
                    .setBrokerId(broker.id())
                    .setHost(broker.host())
                    .setPort(broker.port())
                    .setRack(broker.rack()));
        }
        response = new DecodedRewrite(ApiKeys.DESCRIBE_CLUSTER, apiVersion, data, brokers, brokerCount);
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
