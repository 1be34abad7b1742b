package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.internal.codec.FrameDecoder;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
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
 * The pass-through request path, per frame: the real {@link FrameDecoder} checks the size prefix
 * and emits a retained slice of the inbound buffer; the session's handler peeks the API key,
 * version and correlation id, checks the version, patches the correlation id, records the request
 * in the {@link ClientQueue} and {@link UpstreamQueue}; the response side then matches and completes it, patches the
 * client's id back, and the frame is released.
 *
 * <p>Each invocation feeds one pooled direct buffer of {@value #FRAMES_PER_BATCH} frames, as one
 * socket read would; scores are per frame. The same buffer is fed again on every invocation (its
 * reader index rewound), so nothing but the gateway's own work is measured, and since every frame
 * is a slice of it, the benchmark would notice a copy: {@link #setUp} checks that the emitted frames
 * share the inbound memory.
 *
 * <p>{@link #peekAndPatchOnly} is the floor: the same peeks and patch on pre-cut slices, with no
 * decoder, channel or queues.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class PassThroughBenchmark {

    static final int FRAMES_PER_BATCH = 64;

    /** Bytes of each request frame, size prefix included. */
    @Param({"128", "1024", "16384"})
    int frameSize;

    private ByteBuf batch;
    private ByteBuf[] slices;
    private EmbeddedChannel channel;
    private ChannelPipeline pipeline;
    private SessionSide session;

    @Setup(Level.Trial)
    public void setUp() {
        batch = BenchmarkFixtures.ALLOC.directBuffer(frameSize * FRAMES_PER_BATCH);
        short fetchVersion = ApiKeys.FETCH.latestVersion();
        for (int i = 0; i < FRAMES_PER_BATCH; i++) {
            int start = batch.writerIndex();
            batch.writeInt(frameSize - Frames.SIZE_PREFIX);
            batch.writeShort(ApiKeys.FETCH.id);
            batch.writeShort(fetchVersion);
            batch.writeInt(1000 + i);
            batch.writeZero(frameSize - (batch.writerIndex() - start));
        }
        slices = new ByteBuf[FRAMES_PER_BATCH];
        for (int i = 0; i < FRAMES_PER_BATCH; i++) {
            slices[i] = batch.slice(i * frameSize, frameSize);
        }
        session = new SessionSide();
        channel = new EmbeddedChannel(
                new FrameDecoder(FrameLimits.unauthenticated(100 * 1024 * 1024), true, "client"), session);
        pipeline = channel.pipeline();

        // One batch as a check: every frame seen, every slice released, the batch left as it was.
        session.checkZeroCopy = true;
        session.inbound = batch;
        decodeBatch();
        session.checkZeroCopy = false;
        if (session.frames != FRAMES_PER_BATCH || batch.refCnt() != 1 || !session.clients.isEmpty()
                || Frames.requestCorrelationId(slices[1]) != 1001) {
            throw new IllegalStateException("pass-through check failed: frames=" + session.frames
                    + ", refCnt=" + batch.refCnt() + ", in flight=" + session.clients.size());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
        batch.release();
    }

    /** Frame decoder, session handler and in-flight queues, per frame. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_BATCH)
    public long decodeAndForward() {
        return decodeBatch();
    }

    private long decodeBatch() {
        batch.retain();
        batch.readerIndex(0);
        pipeline.fireChannelRead(batch);
        pipeline.fireChannelReadComplete();
        return session.nextUpstreamId;
    }

    /** The floor: peek key, version and correlation id and patch the id on a pre-cut slice, per frame. */
    @Benchmark
    @OperationsPerInvocation(FRAMES_PER_BATCH)
    public int peekAndPatchOnly() {
        int sum = 0;
        ByteBuf[] frames = slices;
        for (int i = 0; i < frames.length; i++) {
            ByteBuf frame = frames[i];
            short apiKey = Frames.apiKey(frame);
            short apiVersion = Frames.apiVersion(frame);
            int downstreamId = Frames.requestCorrelationId(frame);
            Frames.setRequestCorrelationId(frame, downstreamId);
            sum += apiKey + apiVersion + downstreamId;
        }
        return sum;
    }

    /**
     * What {@code ProxySession} does with a request frame it forwards untouched, and with its
     * response (here: at once, on the same frame), minus the socket writes.
     */
    static final class SessionSide extends ChannelInboundHandlerAdapter {

        final ClientQueue clients = new ClientQueue(16, false);
        final UpstreamQueue upstreams = new UpstreamQueue(16);
        private final DecodedApis decoded = DecodedApis.standard();
        int nextUpstreamId;
        long frames;
        boolean checkZeroCopy;
        ByteBuf inbound;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            if (checkZeroCopy) {
                checkShared(frame);
            }
            // Request side.
            short apiKey = Frames.apiKey(frame);
            short apiVersion = Frames.apiVersion(frame);
            int downstreamId = Frames.requestCorrelationId(frame);
            if (!decoded.accepts(apiKey, apiVersion)) {
                frame.release();
                throw new IllegalStateException("unsupported " + apiKey + " v" + apiVersion);
            }
            int upstreamId = nextUpstreamId++;
            Frames.setRequestCorrelationId(frame, upstreamId);
            long slot = clients.add(downstreamId, apiKey, apiVersion, 0, frame.readableBytes());
            upstreams.addForClient(upstreamId, apiKey, apiVersion, slot);
            // Response side: match the oldest request sent upstream, patch the client's id back, deliver.
            if (upstreams.isEmpty() || Frames.requestCorrelationId(frame) != upstreams.headUpstreamId()) {
                frame.release();
                throw new IllegalStateException("correlation id mismatch");
            }
            long seq = upstreams.headClientSeq();
            upstreams.removeHead();
            Frames.setRequestCorrelationId(frame, clients.correlationId(seq));
            clients.removeHead(seq);
            frame.release();
            frames++;
        }

        private void checkShared(ByteBuf frame) {
            long offset = frame.memoryAddress() - inbound.memoryAddress();
            if (frame.unwrap() != inbound || offset < 0 || offset + frame.readableBytes() > inbound.capacity()) {
                throw new IllegalStateException("frame is not a slice of the inbound buffer: " + frame);
            }
        }
    }
}
