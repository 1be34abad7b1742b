package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.KafkaWire;
import dev.sluice.gateway.internal.codec.ResponseFrameDecoder;
import dev.sluice.gateway.internal.codec.ResponseSamples;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Large responses reach the client while they still arrive from the broker (cut-through), through a
 * real {@link ProxySession} between two embedded channels, in pieces of every size.
 */
class ResponseStreamTest {

    private static final short LATEST = ApiKeys.FETCH.latestVersion(true);
    private static final int CLIENT_CORRELATION_ID = 4_242;

    private final BrokerRegistry registry = StubRouting.registry();
    private final ProxyConfig config = new ProxyConfig(FrameLimits.unauthenticated(64 << 20),
            FrameLimits.unauthenticated(64 << 20), 16, 10, 1_000, 256 << 10, 1 << 20, "test", 0);
    private final ProxyRuntime runtime = new ProxyRuntime(config, registry, NioSocketChannel.class,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), List.of(), GatewayEventListener.noop(), null);
    private final EmbeddedChannel client = new EmbeddedChannel();
    private final EmbeddedChannel upstream = new EmbeddedChannel();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private int upstreamIds;

    ResponseStreamTest() {
        ProxySession session = new ProxySession(runtime, client, new SessionContext(1, "test",
                registry.routes().get(0), ListenerSpec.bootstrap(9092), new InetSocketAddress("127.0.0.1", 1)));
        client.pipeline().addLast(session.clientHandler());
        session.attachUpstream(upstream);
    }

    @AfterEach
    void releaseEverything() {
        client.finishAndReleaseAll();
        upstream.finishAndReleaseAll();
    }

    static Stream<Arguments> pieceSizes() {
        return Stream.of(Arguments.of(1, 13), Arguments.of(8, 100), Arguments.of(1_000, 70_000),
                Arguments.of(65_536, 65_536));
    }

    // ------------------------------------------------------------------ helpers

    /** Sends a request of {@code key} from the client; returns the upstream correlation id it got. */
    private int request(ApiKeys key, short version, int correlationId) {
        var body = key == ApiKeys.FETCH ? new FetchRequestData().setMaxBytes(50 << 20) : new MetadataRequestData();
        client.writeInbound(KafkaWire.requestFrame(key, version, correlationId, "consumer", List.of(), body));
        ByteBuf forwarded = upstream.readOutbound();
        assertThat(forwarded).isNotNull();
        forwarded.release();
        return upstreamIds++;
    }

    /**
     * Writes {@code frame} into the upstream channel in random pieces of {@code min} to {@code max}
     * bytes, each a buffer of its own as a socket read gives it; returns how many bytes the client
     * had received before the last piece went in. Inside the first record set (bytes the walk steps
     * over) pieces of under 4 KiB become 64 KiB, to keep the test quick where small ones prove nothing.
     */
    private int feed(ByteBuf frame, int min, int max, Random random) {
        int beforeLast = 0;
        int recordsFrom = frame.readerIndex() + 4_096;
        int recordsTo = recordsFrom + ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes() - 8_192;
        try {
            while (frame.isReadable()) {
                int drawn = min + random.nextInt(max - min + 1);
                boolean inRecords = frame.readerIndex() > recordsFrom && frame.readerIndex() < recordsTo;
                int size = Math.min(frame.readableBytes(),
                        inRecords && drawn < 4_096 ? Math.min(65_536, recordsTo - frame.readerIndex()) : drawn);
                if (size == frame.readableBytes()) {
                    beforeLast = drainClient();
                }
                ByteBuf piece = Unpooled.directBuffer(size).writeBytes(frame, size);
                upstream.writeInbound(piece);
                drainClient();
            }
        } finally {
            frame.release();
        }
        client.runPendingTasks();
        drainClient();
        return beforeLast;
    }

    private int drainClient() {
        for (ByteBuf out = client.readOutbound(); out != null; out = client.readOutbound()) {
            received.writeBytes(KafkaWire.bytes(out));
            out.release();
        }
        return received.size();
    }

    private static List<FetchResponseData.NodeEndpoint> endpoints(String host) {
        return List.of(new FetchResponseData.NodeEndpoint().setNodeId(1).setHost(host).setPort(9092).setRack("rack-a"),
                new FetchResponseData.NodeEndpoint().setNodeId(2).setHost(host).setPort(9093));
    }

    private static List<FetchResponseData.NodeEndpoint> advertised() {
        return List.of(new FetchResponseData.NodeEndpoint().setNodeId(1).setHost(StubRouting.HOST)
                        .setPort(StubRouting.advertised(1).port()).setRack("rack-a"),
                new FetchResponseData.NodeEndpoint().setNodeId(2).setHost(StubRouting.HOST)
                        .setPort(StubRouting.advertised(2).port()));
    }

    private FetchResponseData receivedFetch(short version) {
        ByteBuf frame = Unpooled.wrappedBuffer(received.toByteArray());
        assertThat(KafkaWire.readResponseHeader(frame, ApiKeys.FETCH, version).correlationId())
                .isEqualTo(CLIENT_CORRELATION_ID);
        return KafkaWire.readResponse(frame, ApiKeys.FETCH, version);
    }

    private static List<RawTaggedField> fillers(FetchResponseData data) {
        return data.unknownTaggedFields().stream().filter(t -> t.tag() >= 10_000).toList();
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest(name = "pieces of {0} to {1} bytes")
    @MethodSource("pieceSizes")
    void aMebibyteFetchResponseReachesTheClientBeforeItsLastPieceArrivesWithItsEndpointsRewritten(int min, int max) {
        int upstreamId = request(ApiKeys.FETCH, LATEST, CLIENT_CORRELATION_ID);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, upstreamId,
                ResponseSamples.fetch(LATEST, true, endpoints("broker-1.cluster.internal")));
        int length = frame.readableBytes();

        int beforeLast = feed(frame, min, max, new Random(min));

        assertThat(received.size()).isEqualTo(length);
        assertThat(beforeLast).as("bytes the client had before the last piece").isGreaterThan(length - max - 1_000);
        FetchResponseData out = receivedFetch(LATEST);
        FetchResponseData expected = ResponseSamples.fetch(LATEST, true, advertised());
        assertThat(out.responses()).isEqualTo(expected.responses());
        assertThat(out.nodeEndpoints()).containsExactlyElementsOf(expected.nodeEndpoints());
        // The shorter addresses leave room that one unknown tagged field of zeros fills.
        assertThat(fillers(out)).singleElement().satisfies(f -> assertThat(f.data()).containsOnly(0));
        assertThat(runtime.streamedResponses()).isEqualTo(1);
        assertThat(runtime.nodeEndpointRewrites()).isEqualTo(1);
        assertThat(runtime.nodeEndpointsDropped()).isZero();
    }

    @Test
    void endpointsThatWouldGrowTheResponseAreLeftOutAndTheRegistryStillLearnsThem() {
        int upstreamId = request(ApiKeys.FETCH, LATEST, CLIENT_CORRELATION_ID);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, upstreamId,
                ResponseSamples.fetch(LATEST, true, endpoints("b1")));
        int length = frame.readableBytes();

        feed(frame, 4_000, 40_000, new Random(2));

        assertThat(received.size()).isEqualTo(length);
        FetchResponseData out = receivedFetch(LATEST);
        assertThat(out.responses()).isEqualTo(ResponseSamples.fetch(LATEST, true, List.of()).responses());
        assertThat(out.nodeEndpoints()).isEmpty();
        assertThat(fillers(out)).hasSize(1);
        assertThat(runtime.nodeEndpointsDropped()).isEqualTo(1);
        assertThat(registry.broker(2).host()).isEqualTo("b1");
    }

    @Test
    void aResponseWithoutEndpointsPassesByteForByte() {
        int upstreamId = request(ApiKeys.FETCH, LATEST, CLIENT_CORRELATION_ID);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, upstreamId,
                ResponseSamples.fetch(LATEST, true, List.of()));
        byte[] expected = KafkaWire.bytes(frame);
        expected[4] = 0;
        expected[5] = 0;
        expected[6] = (byte) (CLIENT_CORRELATION_ID >>> 8);
        expected[7] = (byte) CLIENT_CORRELATION_ID;

        feed(frame, 1, 40_000, new Random(3));

        assertThat(received.toByteArray()).isEqualTo(expected);
        assertThat(runtime.streamedResponses()).isEqualTo(1);
    }

    @Test
    void olderFetchVersionsStreamWithoutAWalk() {
        short version = 15;
        int upstreamId = request(ApiKeys.FETCH, version, CLIENT_CORRELATION_ID);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, version, upstreamId,
                ResponseSamples.fetch(version, true, List.of()));
        int length = frame.readableBytes();

        int beforeLast = feed(frame, 1_000, 9_000, new Random(4));

        assertThat(received.size()).isEqualTo(length);
        assertThat(beforeLast).isGreaterThan(length - 9_000);
        assertThat(receivedFetch(version).responses())
                .isEqualTo(ResponseSamples.fetch(version, true, List.of()).responses());
        assertThat(runtime.streamedResponses()).isEqualTo(1);
    }

    @Test
    void smallResponsesAndResponsesThatArriveWholeAreNotStreamed() {
        int small = request(ApiKeys.FETCH, LATEST, CLIENT_CORRELATION_ID);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, small, ResponseSamples.fetch(LATEST, false, List.of()));
        assertThat(frame.readableBytes()).isLessThan(ResponseFrameDecoder.STREAM_THRESHOLD);
        feed(frame, 1, 5, new Random(5));
        int whole = request(ApiKeys.FETCH, LATEST, CLIENT_CORRELATION_ID);
        ByteBuf large = KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, whole, ResponseSamples.fetch(LATEST, true, List.of()));
        feed(large, large.readableBytes(), large.readableBytes(), new Random(6));

        assertThat(runtime.streamedResponses()).isZero();
        assertThat(received.size()).isGreaterThan(ResponseSamples.MEBIBYTE_OF_RECORDS.sizeInBytes());
    }

    @Test
    void pipelinedResponsesKeepTheirOrderAroundAStreamedOne() {
        int first = request(ApiKeys.FETCH, LATEST, 1);
        int second = request(ApiKeys.METADATA, (short) 12, 2);
        int third = request(ApiKeys.FETCH, LATEST, 3);
        ByteBuf frames = Unpooled.buffer();
        List<ByteBuf> parts = new ArrayList<>();
        parts.add(KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, first, ResponseSamples.fetch(LATEST, true, endpoints("broker.internal"))));
        parts.add(KafkaWire.responseFrame(ApiKeys.METADATA, (short) 12, second, new org.apache.kafka.common.message.MetadataResponseData()));
        parts.add(KafkaWire.responseFrame(ApiKeys.FETCH, LATEST, third, ResponseSamples.fetch(LATEST, true, List.of())));
        int[] lengths = parts.stream().mapToInt(ByteBuf::readableBytes).toArray();
        parts.forEach(p -> {
            frames.writeBytes(p);
            p.release();
        });

        // One piece holds the end of the first, all of the second and the start of the third.
        feed(frames, 50_000, 300_000, new Random(7));

        ByteBuf all = Unpooled.wrappedBuffer(received.toByteArray());
        assertThat(all.readableBytes()).isEqualTo(lengths[0] + lengths[1] + lengths[2]);
        int[] correlationIds = new int[3];
        for (int i = 0; i < 3; i++) {
            assertThat(all.getInt(all.readerIndex()) + 4).isEqualTo(lengths[i]);
            correlationIds[i] = all.getInt(all.readerIndex() + 4);
            all.skipBytes(lengths[i]);
        }
        assertThat(correlationIds).containsExactly(1, 2, 3);
        assertThat(runtime.streamedResponses()).isEqualTo(2);
    }
}
