package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.KafkaWire;
import dev.sluice.gateway.internal.codec.ResponseSamples;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

class ResponseProcessorsTest {

    private static final int MAX = 1_000;
    private static final int MAX_BEFORE_AUTH = 100;

    private final BrokerRegistry registry = StubRouting.registry();
    private final ProxySession session = StubRouting.session(registry);
    private final ResponseProcessors processors =
            new ResponseProcessors(registry, new ApiVersionsFilter(DecodedApis.standard()));

    @Test
    void onlyTheKeysTheGatewayWatchesHaveAProcessor() {
        List<ApiKeys> watched = List.of(ApiKeys.API_VERSIONS, ApiKeys.SASL_AUTHENTICATE, ApiKeys.METADATA,
                ApiKeys.FIND_COORDINATOR, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.PRODUCE, ApiKeys.FETCH,
                ApiKeys.SHARE_FETCH, ApiKeys.SHARE_ACKNOWLEDGE);
        for (ApiKeys key : ApiKeys.values()) {
            assertThat(processors.forKey(key.id) != null).as("%s", key).isEqualTo(watched.contains(key));
        }
        assertThat(processors.forKey((short) 10_000)).isNull();
        assertThat(processors.forKey((short) -1)).isNull();
    }

    @Test
    void produceResponsesBeforeVersionTenAreForwardedWithoutBeingRead() {
        for (short version = ApiKeys.PRODUCE.oldestVersion(); version < ResponseProcessors.PRODUCE_NODE_ENDPOINTS_VERSION; version++) {
            assertForwardedUnread(ApiKeys.PRODUCE, version);
        }
    }

    @Test
    void fetchResponsesBeforeVersionSixteenAreForwardedWithoutBeingRead() {
        for (short version = ApiKeys.FETCH.oldestVersion(); version < ResponseProcessors.FETCH_NODE_ENDPOINTS_VERSION; version++) {
            assertForwardedUnread(ApiKeys.FETCH, version);
        }
    }

    /** A body that cannot be walked: reading it at all would fail. */
    private void assertForwardedUnread(ApiKeys key, short version) {
        ByteBuf frame = KafkaWire.responseFrame(key, version, 1, ByteBuffer.wrap(new byte[] {-1, -1, -1, -1, -1}));
        try {
            assertThat(processors.forKey(key.id).process(session, frame, key, version)).isSameAs(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void produceAndFetchResponsesFromTheirFirstEndpointVersionAreRewritten() {
        for (short version = ResponseProcessors.PRODUCE_NODE_ENDPOINTS_VERSION;
                version <= ApiKeys.PRODUCE.latestVersion(true); version++) {
            ProduceResponseData data = ResponseSamples.produce(version, List.of(new ProduceResponseData.NodeEndpoint()
                    .setNodeId(4).setHost("broker-4.internal").setPort(9092)));
            ByteBuf out = (ByteBuf) processors.forKey(ApiKeys.PRODUCE.id)
                    .process(session, KafkaWire.responseFrame(ApiKeys.PRODUCE, version, 1, data), ApiKeys.PRODUCE, version);
            try {
                ProduceResponseData read = KafkaWire.readResponse(out, ApiKeys.PRODUCE, version);
                assertThat(read.nodeEndpoints().find(4).host()).isEqualTo(StubRouting.HOST);
            } finally {
                out.release();
            }
        }
        for (short version = ResponseProcessors.FETCH_NODE_ENDPOINTS_VERSION;
                version <= ApiKeys.FETCH.latestVersion(true); version++) {
            FetchResponseData data = ResponseSamples.fetch(version, false, List.of(new FetchResponseData.NodeEndpoint()
                    .setNodeId(4).setHost("broker-4.internal").setPort(9092)));
            ByteBuf out = (ByteBuf) processors.forKey(ApiKeys.FETCH.id)
                    .process(session, KafkaWire.responseFrame(ApiKeys.FETCH, version, 1, data), ApiKeys.FETCH, version);
            try {
                FetchResponseData read = KafkaWire.readResponse(out, ApiKeys.FETCH, version);
                assertThat(read.nodeEndpoints().find(4).port()).isEqualTo(StubRouting.advertised(4).port());
            } finally {
                out.release();
            }
        }
    }

    // ------------------------------------------------------------------ SaslAuthenticate

    /** A session on {@code client}, its handler in the pipeline, no upstream attached; rejections go to {@code rejections}. */
    private ProxySession session(EmbeddedChannel client, List<String> rejections) {
        ProxyConfig config = new ProxyConfig(new FrameLimits(MAX, MAX_BEFORE_AUTH, true),
                FrameLimits.unauthenticated(MAX), 5, 10, 1_000, 32 * 1024, 64 * 1024, "test", 0);
        GatewayEventListener listener = new GatewayEventListener() {
            @Override
            public void connectionRejected(ConnectionContext connection, String reason) {
                rejections.add(reason);
            }
        };
        ProxyRuntime runtime = new ProxyRuntime(config, registry, NioSocketChannel.class,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), List.of(), listener, null);
        ProxySession session = new ProxySession(runtime, client, new SessionContext(1, "test",
                registry.routes().get(0), ListenerSpec.bootstrap(9092), new java.net.InetSocketAddress("127.0.0.1", 1)));
        client.pipeline().addLast(session.clientHandler());
        return session;
    }

    /** A Metadata request frame of {@code bodySize} bytes after the size prefix. */
    private static ByteBuf bigRequest(int bodySize) {
        ByteBuf frame = KafkaWire.ALLOC.buffer(4 + bodySize);
        frame.writeInt(bodySize).writeShort(ApiKeys.METADATA.id).writeShort(12).writeInt(5).writeZero(bodySize - 8);
        return frame;
    }

    @Test
    void aSuccessfulSaslAuthenticateLiftsThePreAuthenticationLimitAtEveryVersion() {
        for (short version = 0; version <= ApiKeys.SASL_AUTHENTICATE.latestVersion(true); version++) {
            EmbeddedChannel client = new EmbeddedChannel();
            List<String> rejections = new ArrayList<>();
            try {
                ProxySession session = session(client, rejections);
                ByteBuf frame = KafkaWire.responseFrame(ApiKeys.SASL_AUTHENTICATE, version, 1,
                        new SaslAuthenticateResponseData().setAuthBytes(new byte[] {1}));
                assertThat(processors.forKey(ApiKeys.SASL_AUTHENTICATE.id)
                        .process(session, frame, ApiKeys.SASL_AUTHENTICATE, version)).isSameAs(frame);
                frame.release();
                client.writeInbound(bigRequest(MAX));
                assertThat(session.clientHandler().authenticated()).as("v%d", version).isTrue();
                assertThat(rejections).as("v%d", version).isEmpty();
                assertThat(client.isOpen()).as("v%d", version).isTrue();
            } finally {
                client.finishAndReleaseAll();
            }
        }
    }

    @Test
    void aFailedSaslAuthenticateKeepsThePreAuthenticationLimit() {
        short version = ApiKeys.SASL_AUTHENTICATE.latestVersion(true);
        EmbeddedChannel client = new EmbeddedChannel();
        List<String> rejections = new ArrayList<>();
        try {
            ProxySession session = session(client, rejections);
            ByteBuf frame = KafkaWire.responseFrame(ApiKeys.SASL_AUTHENTICATE, version, 1,
                    new SaslAuthenticateResponseData().setErrorCode(Errors.SASL_AUTHENTICATION_FAILED.code())
                            .setErrorMessage("bad password"));
            processors.forKey(ApiKeys.SASL_AUTHENTICATE.id).process(session, frame, ApiKeys.SASL_AUTHENTICATE, version);
            frame.release();
            client.writeInbound(bigRequest(MAX_BEFORE_AUTH + 1));
            assertThat(rejections).singleElement().asString().contains("before authentication");
            assertThat(client.isOpen()).isFalse();
            assertThat(session.clientHandler().authenticated()).isFalse();
        } finally {
            client.finishAndReleaseAll();
        }
    }
}
