package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.internal.codec.ResponseLayouts;
import dev.sluice.gateway.internal.codec.StructureCursor;
import dev.sluice.gateway.internal.codec.StructureWalker;
import dev.sluice.gateway.internal.codec.Varints;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
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
 * KIP-951 {@code NodeEndpoints} in a Fetch response at the newest version: {@code recordBytes} of
 * real (uncompressed) record batches spread over {@code partitions} partitions of 4 topics, with or
 * without endpoints (when present, one partition answers NOT_LEADER_OR_FOLLOWER with a current
 * leader, and the endpoints name the 3 brokers).
 *
 * <ul>
 *   <li>{@link #locate}: find the top-level tagged field 0 with the {@link StructureWalker}, as
 *       {@link BrokerArrayProcessor} does: a loop over partitions that skips record bytes by their
 *       length, so its cost follows the partition count, not the record bytes;
 *   <li>{@link #processor}: the whole {@link BrokerArrayProcessor}: the walk, and when endpoints
 *       are present, decoding them, telling the registry, rewriting, and a composite frame around
 *       the new endpoints (the records are not copied);
 *   <li>{@link #streamed}: the same work when the response is streamed to the client as it arrives
 *       ({@link ResponseStream}): a {@link StructureCursor} fed the frame in 64 KiB pieces
 *       finds the top-level tagged fields, and {@link BrokerArrayProcessor#processTail} rewrites
 *       them to the same length;
 *   <li>{@link #fullDecode}: the baseline a proxy that decodes whole responses would pay.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class FetchNodeEndpointsBenchmark {

    private static final int NODE_ENDPOINTS_TAG = 0;
    private static final int TOPICS = 4;
    private static final int RECORD_VALUE_BYTES = 1000;
    private static final int PIECE = 64 * 1024;

    /** Record bytes in the whole response. */
    @Param({"65536", "1048576"})
    int recordBytes;

    @Param({"8", "64"})
    int partitions;

    @Param({"false", "true"})
    boolean nodeEndpoints;

    private final short version = ApiKeys.FETCH.latestVersion();
    private ByteBuf frame;
    private BrokerArrayProcessor processor;
    private ProxySession session;

    @Setup(Level.Trial)
    public void setUp() {
        List<BrokerNode> brokers = BenchmarkFixtures.brokers(3);
        frame = BenchmarkFixtures.responseFrame(ApiKeys.FETCH, version, response(brokers));
        BrokerRegistry registry = BenchmarkFixtures.registry(brokers);
        processor = BrokerArrayProcessor.nodeEndpoints(registry);
        session = BenchmarkFixtures.session(registry);
        boolean found = locate() >= 0;
        ByteBuf out = (ByteBuf) processor.process(session, frame.retain(), ApiKeys.FETCH, version);
        boolean rewritten = out != frame;
        out.release();
        int tail = streamed();
        if (tail != frame.readableBytes() - (locateTaggedFields() - frame.readerIndex())) {
            throw new IllegalStateException("the streamed walk found a tail of " + tail + " bytes");
        }
        if (found != nodeEndpoints || rewritten != nodeEndpoints || processor.rewrites() != (nodeEndpoints ? 2 : 0)
                || frame.refCnt() != 1) {
            throw new IllegalStateException("node endpoints check failed: found=" + found
                    + ", rewritten=" + rewritten + ", refCnt=" + frame.refCnt());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        frame.release();
    }

    private FetchResponseData response(List<BrokerNode> brokers) {
        Random random = new Random(951);
        byte[] value = new byte[RECORD_VALUE_BYTES];
        random.nextBytes(value);
        int perPartition = Math.max(1, recordBytes / partitions / (RECORD_VALUE_BYTES + 30));
        FetchResponseData data = new FetchResponseData().setSessionId(1234);
        List<FetchResponseData.FetchableTopicResponse> topics = new ArrayList<>();
        for (int t = 0; t < TOPICS; t++) {
            topics.add(new FetchResponseData.FetchableTopicResponse()
                    .setTopicId(new Uuid(0x5EED_0000_0000_0000L + t, 0x7A1L * (t + 1))));
        }
        for (int p = 0; p < partitions; p++) {
            FetchResponseData.PartitionData partition = new FetchResponseData.PartitionData()
                    .setPartitionIndex(p / TOPICS)
                    .setHighWatermark(1_000_000L)
                    .setLastStableOffset(1_000_000L)
                    .setLogStartOffset(0L);
            if (nodeEndpoints && p == 0) {
                partition.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code())
                        .setCurrentLeader(new FetchResponseData.LeaderIdAndEpoch().setLeaderId(2).setLeaderEpoch(8))
                        .setRecords(MemoryRecords.EMPTY);
            } else {
                SimpleRecord[] records = new SimpleRecord[perPartition];
                for (int r = 0; r < perPartition; r++) {
                    records[r] = new SimpleRecord(1_700_000_000_000L + r, ("key-" + r).getBytes(), value);
                }
                partition.setRecords(MemoryRecords.withRecords(10_000L * p, Compression.NONE, records));
            }
            topics.get(p % TOPICS).partitions().add(partition);
        }
        data.setResponses(topics);
        if (nodeEndpoints) {
            for (BrokerNode broker : brokers) {
                data.nodeEndpoints().add(new FetchResponseData.NodeEndpoint()
                        .setNodeId(broker.id()).setHost(broker.host()).setPort(broker.port()).setRack(broker.rack()));
            }
        }
        return data;
    }

    private int locateTaggedFields() {
        StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
        return walker.offsetOf(frame, Headers.responseBodyStart(frame, ApiKeys.FETCH, version), frame.writerIndex(),
                walker.taggedFieldsIndex());
    }

    /** Where the node endpoints value starts in the frame, or -1: the walk of {@code BrokerArrayProcessor}. */
    @Benchmark
    public int locate() {
        int limit = frame.writerIndex();
        int bodyStart = Headers.responseBodyStart(frame, ApiKeys.FETCH, version);
        StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
        int index = walker.offsetOf(frame, bodyStart, limit, walker.taggedFieldsIndex());
        long packed = Varints.getUnsignedVarint(frame, index, limit);
        int count = Varints.value(packed);
        index += Varints.length(packed);
        for (int n = 0; n < count; n++) {
            long tag = Varints.getUnsignedVarint(frame, index, limit);
            index += Varints.length(tag);
            long size = Varints.getUnsignedVarint(frame, index, limit);
            index += Varints.length(size);
            if (Varints.value(tag) == NODE_ENDPOINTS_TAG) {
                return index;
            }
            index += Varints.value(size);
        }
        return -1;
    }

    /** The gateway's processor: walk, and rewrite when endpoints are present; the result released. */
    @Benchmark
    public int processor() {
        ByteBuf out = (ByteBuf) processor.process(session, frame.retain(), ApiKeys.FETCH, version);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** The cut-through path: the cursor over 64 KiB pieces, then the tail rewritten in place; result released. */
    @Benchmark
    public int streamed() {
        int start = frame.readerIndex();
        int length = frame.readableBytes();
        StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, version);
        StructureCursor cursor = walker.cursor(length, true, walker.taggedFieldsIndex());
        int to = 0;
        while (true) {
            int from = Math.min(cursor.offset(), to);
            to = Math.min(length, to + PIECE);
            if (cursor.advance(frame, start + from, from, to)) {
                break;
            }
        }
        int tailStart = cursor.offset();
        ByteBuf out = (ByteBuf) processor.processTail(session, frame.retainedSlice(start + tailStart, length - tailStart),
                ApiKeys.FETCH, version);
        int size = out.readableBytes();
        out.release();
        return size;
    }

    /** The baseline: decoding the whole response with kafka-clients' classes (records as views). */
    @Benchmark
    public ApiMessage fullDecode() {
        int bodyStart = Headers.responseBodyStart(frame, ApiKeys.FETCH, version);
        return MessageCodec.readResponse(frame, bodyStart, ApiKeys.FETCH, version);
    }
}
