package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.internal.codec.CorruptFrameException;
import dev.sluice.gateway.internal.codec.FrameDecoder;
import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.ProduceRequests;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection paired with one upstream connection, both on the client's event loop.
 *
 * <pre>
 * client --frames--> [peek key/version/corr id] --patch corr id--> upstream      (retained slice)
 * client <--frames-- [in-flight ring, in order] <--processor or patch-- upstream
 * </pre>
 *
 * <p>Requests are forwarded as the retained slices the frame decoder produced, with only the
 * correlation id patched to the gateway's own upstream numbering. Responses are matched to the
 * oldest request awaiting one; those of API keys with a {@link ResponseProcessor} are handed to it,
 * all others are forwarded with the client's correlation id patched back.
 *
 * <p>Backpressure: the client is not read while the upstream connection is unwritable, while the
 * in-flight limit is reached, or while the upstream connection is being opened; the upstream
 * connection is not read while the client is unwritable.
 *
 * <p>Not thread-safe: every method runs on the client channel's event loop.
 */
final class ProxySession {

    private static final Logger LOG = LoggerFactory.getLogger(ProxySession.class);

    private static final int PAUSE_CONNECTING = 1;
    private static final int PAUSE_UPSTREAM_UNWRITABLE = 2;
    private static final int PAUSE_IN_FLIGHT = 4;

    private final ProxyRuntime runtime;
    private final Channel client;
    private final ListenerSpec listener;
    private final InFlightRing ring;
    private @Nullable Channel upstream;
    private @Nullable FrameDecoder clientDecoder;
    private int nextUpstreamId;
    private int clientPause = PAUSE_CONNECTING;
    private boolean clientDirty;
    private boolean closed;

    ProxySession(ProxyRuntime runtime, Channel client, ListenerSpec listener) {
        this.runtime = runtime;
        this.client = client;
        this.listener = listener;
        this.ring = new InFlightRing(Math.min(runtime.config.maxInFlightRequests(), 16));
    }

    ChannelHandler clientHandler(FrameDecoder decoder) {
        this.clientDecoder = decoder;
        return new ClientSide();
    }

    /** Opens the upstream connection; client reads start once it is up. */
    void connectUpstream() {
        List<HostPort> candidates;
        if (listener.isBootstrap()) {
            candidates = runtime.registry.bootstrapCandidates();
        } else {
            int brokerId = listener.brokerId().getAsInt();
            BrokerNode broker = runtime.registry.broker(brokerId);
            if (broker == null) {
                LOG.warn("Closing {}: broker {} of port {} is no longer part of the cluster",
                        ProxyRuntime.describe(client), brokerId, listener.port());
                close();
                return;
            }
            candidates = List.of(broker.address());
        }
        connect(candidates, 0);
    }

    private void connect(List<HostPort> candidates, int index) {
        if (closed) {
            return;
        }
        if (index >= candidates.size()) {
            LOG.warn("Closing {}: no upstream broker reachable (tried {})", ProxyRuntime.describe(client), candidates);
            close();
            return;
        }
        HostPort target = candidates.get(index);
        ProxyConfig config = runtime.config;
        Bootstrap bootstrap = new Bootstrap()
                .group(client.eventLoop())
                .channel(runtime.channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, config.connectTimeoutMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.writeBufferLowWaterMark(), config.writeBufferHighWaterMark()))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("frames",
                                new FrameDecoder(config.upstreamLimits(), false, "broker " + target));
                        ch.pipeline().addLast("session", new UpstreamSide());
                    }
                });
        bootstrap.connect(target.host(), target.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                LOG.debug("Upstream {} unreachable for {}: {}", target, ProxyRuntime.describe(client), f.cause().toString());
                connect(candidates, index + 1);
                return;
            }
            if (closed) {
                f.channel().close();
                return;
            }
            upstream = f.channel();
            resumeClient(PAUSE_CONNECTING);
        });
    }

    // ---------------------------------------------------------------- requests

    private void onClientFrame(ByteBuf frame) {
        Channel up = upstream;
        if (closed || up == null) {
            frame.release();
            return;
        }
        short apiKey = Frames.apiKey(frame);
        short apiVersion = Frames.apiVersion(frame);
        int downstreamId = Frames.requestCorrelationId(frame);
        if (!runtime.decoded.accepts(apiKey, apiVersion)) {
            frame.release();
            if (apiKey == ApiKeys.API_VERSIONS.id) {
                ring.addReady(downstreamId, apiKey, apiVersion,
                        runtime.apiVersions.unsupportedVersion(client.alloc(), downstreamId));
                drainToClient();
                return;
            }
            LOG.warn("Closing {}: the gateway does not support {} v{}", ProxyRuntime.describe(client),
                    apiName(apiKey), apiVersion);
            close();
            return;
        }
        boolean expectsResponse = apiKey != ApiKeys.PRODUCE.id || ProduceRequests.acks(frame, apiVersion) != 0;
        int upstreamId = nextUpstreamId++;
        Frames.setRequestCorrelationId(frame, upstreamId);
        if (expectsResponse) {
            ring.addUpstream(upstreamId, downstreamId, apiKey, apiVersion);
            if (ring.size() >= runtime.config.maxInFlightRequests()) {
                pauseClient(PAUSE_IN_FLIGHT);
            }
        }
        up.write(frame, up.voidPromise());
    }

    // ---------------------------------------------------------------- responses

    private void onUpstreamFrame(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        long seq = ring.nextAwaiting();
        int correlationId = Frames.responseCorrelationId(frame);
        if (seq < 0 || correlationId != ring.upstreamId(seq)) {
            frame.release();
            LOG.warn("Closing {}: broker answered correlation id {} but {} was expected",
                    ProxyRuntime.describe(client), correlationId, seq < 0 ? "no response" : ring.upstreamId(seq));
            close();
            return;
        }
        short apiKey = ring.apiKey(seq);
        short apiVersion = ring.apiVersion(seq);
        Frames.setResponseCorrelationId(frame, ring.downstreamId(seq));
        ResponseProcessor processor = runtime.processors.forKey(apiKey);
        if (processor == null) {
            complete(seq, frame);
            return;
        }
        Object result;
        try {
            result = processor.process(this, frame, ApiKeys.forId(apiKey), apiVersion);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        if (result instanceof ByteBuf out) {
            complete(seq, out);
            return;
        }
        ring.markPending(seq);
        @SuppressWarnings("unchecked")
        CompletionStage<ByteBuf> stage = (CompletionStage<ByteBuf>) result;
        stage.whenComplete((out, error) -> client.eventLoop().execute(() -> {
            if (closed) {
                ReferenceCountUtil.release(out);
                return;
            }
            if (error != null) {
                LOG.warn("Closing {}: processing a {} response failed: {}", ProxyRuntime.describe(client),
                        apiName(apiKey), error.toString());
                close();
                return;
            }
            ring.markReady(seq, out);
            drainToClient();
            resumeBelowInFlightLimit();
            flushClient();
        }));
    }

    private void complete(long seq, ByteBuf response) {
        if (ring.isHead(seq)) {
            ring.removeHead(seq);
            writeClient(response);
            drainToClient();
        } else {
            ring.markReady(seq, response);
        }
        resumeBelowInFlightLimit();
    }

    /** Resumes reading the client once delivered responses bring it back under the in-flight limit. */
    private void resumeBelowInFlightLimit() {
        if ((clientPause & PAUSE_IN_FLIGHT) != 0 && ring.size() < runtime.config.maxInFlightRequests()) {
            resumeClient(PAUSE_IN_FLIGHT);
        }
    }

    private void drainToClient() {
        Object ready;
        while ((ready = ring.pollReady()) != null) {
            writeClient(ready);
        }
    }

    private void writeClient(Object response) {
        client.write(response, client.voidPromise());
        clientDirty = true;
    }

    private void flushClient() {
        if (clientDirty) {
            clientDirty = false;
            client.flush();
        }
    }

    /** Called by the SaslAuthenticate processor when the broker accepted an authentication step. */
    void saslStepSucceeded() {
        if (clientDecoder != null) {
            clientDecoder.saslStepSucceeded();
        }
    }

    // ---------------------------------------------------------------- flow control and lifecycle

    private void pauseClient(int reason) {
        clientPause |= reason;
        client.config().setAutoRead(false);
    }

    private void resumeClient(int reason) {
        clientPause &= ~reason;
        if (clientPause == 0 && !closed) {
            client.config().setAutoRead(true);
        }
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        ring.releaseAll();
        closeAfterFlush(client);
        Channel up = upstream;
        if (up != null) {
            closeAfterFlush(up);
        }
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    private void onException(String side, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof CorruptFrameException) {
            LOG.warn("Closing {}: {}", ProxyRuntime.describe(client), root.getMessage());
        } else if (root instanceof IOException) {
            LOG.debug("Closing {}: {} connection failed: {}", ProxyRuntime.describe(client), side, root.toString());
        } else {
            LOG.warn("Closing {}: unexpected error on the {} side", ProxyRuntime.describe(client), side, root);
        }
        close();
    }

    private static String apiName(short apiKey) {
        return ApiKeys.hasId(apiKey) ? ApiKeys.forId(apiKey).name : "api key " + apiKey;
    }

    private final class ClientSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                onClientFrame((ByteBuf) msg);
            } catch (CorruptFrameException e) {
                ReferenceCountUtil.safeRelease(msg);
                onException("client", e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            Channel up = upstream;
            if (up != null) {
                up.flush();
            }
            flushClient();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Channel up = upstream;
            if (up != null) {
                up.config().setAutoRead(client.isWritable() && !closed);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onException("client", cause);
        }
    }

    private final class UpstreamSide extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            if (frame.readableBytes() < Frames.MIN_RESPONSE_FRAME) {
                frame.release();
                onException("upstream", new CorruptFrameException("broker sent a response frame too short"));
                return;
            }
            try {
                onUpstreamFrame(frame);
            } catch (RuntimeException e) {
                onException("upstream", e);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            flushClient();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Channel up = upstream;
            if (up == null || up.isWritable()) {
                resumeClient(PAUSE_UPSTREAM_UNWRITABLE);
            } else {
                pauseClient(PAUSE_UPSTREAM_UNWRITABLE);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            onException("upstream", cause);
        }
    }
}
