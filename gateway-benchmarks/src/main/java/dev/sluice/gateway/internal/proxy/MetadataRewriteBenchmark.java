package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.routing.AddressMapping;
import dev.sluice.gateway.routing.BrokerAddressRewriter;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
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
 * A Metadata response through the gateway. The gateway walks to the {@code brokers} array, decodes
 * and rewrites only that, and keeps the rest of the frame as untouched slices ({@link
 * BrokerArrayProcessor}); the full decode and re-encode with kafka-clients' classes is measured
 * beside it as the baseline that approach replaced.
 *
 * <p>3 brokers, {@code topics} topics of {@code partitions} partitions each, replication factor 3,
 * at the newest version and at v12 (the version of most clients in the field before Kafka 3.7).
 *
 * <ul>
 *   <li>{@link #processor}: what the gateway does, through its processor (a warm broker registry:
 *       nothing new to plan);
 *   <li>{@link #rewrite}: the baseline: decode the whole response, rewrite, re-encode it all;
 *   <li>{@link #decodeOnly} and {@link #reencodeOnly}: the baseline's two halves.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class MetadataRewriteBenchmark {

    /** {@code TOPICSxPARTITIONS}. */
    @Param({"10x3", "100x10", "1000x10"})
    String shape;

    @Param({"12", "latest"})
    String version;

    private short apiVersion;
    private ByteBuf frame;
    private int bodyStart;
    private AddressMapping mapping;
    private ResponseProcessor processor;
    private ProxySession session;
    private ApiMessage decoded;

    @Setup(Level.Trial)
    public void setUp() {
        apiVersion = BenchmarkFixtures.version(ApiKeys.METADATA, version);
        String[] dims = shape.split("x");
        List<BrokerNode> brokers = BenchmarkFixtures.brokers(3);
        frame = BenchmarkFixtures.responseFrame(ApiKeys.METADATA, apiVersion,
                response(brokers, Integer.parseInt(dims[0]), Integer.parseInt(dims[1])));
        bodyStart = Headers.responseBodyStart(frame, ApiKeys.METADATA, apiVersion);
        mapping = AddressMapping.fromRouting(BenchmarkFixtures.routing(brokers));
        BrokerRegistry registry = BenchmarkFixtures.registry(brokers);
        processor = BrokerArrayProcessor.metadataBrokers(registry);
        session = BenchmarkFixtures.session(registry);
        decoded = MessageCodec.readResponse(frame, bodyStart, ApiKeys.METADATA, apiVersion);
        BrokerAddressRewriter.rewrite(decoded, apiVersion, mapping);
        int size = rewrite();
        if (size <= 0 || !BrokerAddressRewriter.brokersIn(decoded, apiVersion).get(0).host().startsWith("kafka.gateway")) {
            throw new IllegalStateException("rewrite check failed");
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
    }

    static MetadataResponseData response(List<BrokerNode> brokers, int topics, int partitions) {
        MetadataResponseData data = new MetadataResponseData()
                .setClusterId("hXC8fO3dQVWGn2p0iS9u1w")
                .setControllerId(brokers.get(0).id());
        for (BrokerNode broker : brokers) {
            data.brokers().add(new MetadataResponseBroker()
                    .setNodeId(broker.id()).setHost(broker.host()).setPort(broker.port()).setRack(broker.rack()));
        }
        for (int t = 0; t < topics; t++) {
            MetadataResponseTopic topic = new MetadataResponseTopic()
                    .setName("orders.eu-west-1.payments-" + t)
                    .setTopicId(new Uuid(0x5EED_0000_0000_0000L + t, 0x7A1L * (t + 1)))
                    .setTopicAuthorizedOperations(Integer.MIN_VALUE);
            for (int p = 0; p < partitions; p++) {
                int leader = brokers.get((t + p) % brokers.size()).id();
                List<Integer> replicas = new ArrayList<>(3);
                for (int r = 0; r < 3; r++) {
                    replicas.add(brokers.get((t + p + r) % brokers.size()).id());
                }
                topic.partitions().add(new MetadataResponsePartition()
                        .setPartitionIndex(p)
                        .setLeaderId(leader)
                        .setLeaderEpoch(7)
                        .setReplicaNodes(replicas)
                        .setIsrNodes(replicas)
                        .setOfflineReplicas(List.of()));
            }
            data.topics().add(topic);
        }
        return data;
    }

    /** The baseline: decode everything, list brokers, rewrite, re-encode everything. */
    @Benchmark
    public int rewrite() {
        return BenchmarkFixtures.sizeAndRelease(
                BenchmarkFixtures.fullRewrite(frame, ApiKeys.METADATA, apiVersion, mapping, 3));
    }

    /** What the gateway does: the brokers array only, the rest kept as slices (registry lookup included). */
    @Benchmark
    public int processor() {
        return BenchmarkFixtures.throughProcessor(processor, session, frame, ApiKeys.METADATA, apiVersion);
    }

    /** Decode only. */
    @Benchmark
    public ApiMessage decodeOnly() {
        return MessageCodec.readResponse(frame, bodyStart, ApiKeys.METADATA, apiVersion);
    }

    /** Re-encode only, of an already rewritten message. */
    @Benchmark
    public int reencodeOnly() {
        ByteBuf out = MessageCodec.reencode(BenchmarkFixtures.ALLOC, frame, bodyStart, decoded, apiVersion);
        int size = out.readableBytes();
        out.release();
        return size;
    }
}
