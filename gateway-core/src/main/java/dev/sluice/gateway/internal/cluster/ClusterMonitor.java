package dev.sluice.gateway.internal.cluster;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.internal.codec.CorruptFrameException;
import dev.sluice.gateway.internal.codec.FrameDecoder;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.internal.tls.UpstreamTlsConnector;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own view of the upstream cluster: a Metadata request (for no topics) on a
 * connection of its own, at start and then every refresh interval, fed to the {@link
 * BrokerRegistry} as the authoritative broker set.
 *
 * <p>Speaks the protocol with the same codec as the data path: ApiVersions v0 once per connection
 * (answered by every broker), then Metadata at the highest version both sides know.
 *
 * <p>Everything runs on one event loop; public methods may be called from any thread.
 */
public final class ClusterMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMonitor.class);
    private static final String CLIENT_ID = "sluice-gateway-monitor";

    private final EventLoop loop;
    private final Class<? extends Channel> channelType;
    private final BrokerRegistry registry;
    private final int connectTimeoutMillis;
    private final long requestTimeoutMillis;
    private final long refreshIntervalMillis;
    private final int maxFrameBytes;
    private final @Nullable PlainCredentials credentials;
    private final @Nullable UpstreamTlsConnector tls;
    private @Nullable Channel channel;
    private short metadataVersion = -1;
    private int nextCorrelationId;
    private @Nullable Pending pending;
    private @Nullable ScheduledFuture<?> timer;
    private boolean refreshing;
    private boolean stopped;

    private record Pending(int correlationId, ApiKeys key, short version, CompletableFuture<ApiMessage> result) {}

    public ClusterMonitor(EventLoop loop, Class<? extends Channel> channelType, BrokerRegistry registry,
            int connectTimeoutMillis, long requestTimeoutMillis, long refreshIntervalMillis, int maxFrameBytes,
            @Nullable PlainCredentials credentials, @Nullable UpstreamTlsConnector tls) {
        this.loop = loop;
        this.tls = tls;
        this.channelType = channelType;
        this.registry = registry;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.requestTimeoutMillis = requestTimeoutMillis;
        this.refreshIntervalMillis = refreshIntervalMillis;
        this.maxFrameBytes = maxFrameBytes;
        this.credentials = credentials;
    }

    /** SASL/PLAIN credentials for the monitor's own connection. {@link #toString()} hides the password. */
    public record PlainCredentials(String username, String password) {
        @Override
        public String toString() {
            return "PlainCredentials[username=" + username + ", password=***]";
        }
    }

    /** Fetches the broker set once and applies it; completes when the listeners match it. */
    public CompletableFuture<List<BrokerNode>> refreshNow() {
        CompletableFuture<List<BrokerNode>> done = new CompletableFuture<>();
        loop.execute(() -> fetchBrokers().thenCompose(brokers -> registry.refresh(brokers).thenApply(v -> brokers))
                .whenComplete((brokers, error) -> {
                    if (error != null) {
                        done.completeExceptionally(error);
                    } else {
                        done.complete(brokers);
                    }
                }));
        return done;
    }

    /** Starts periodic refreshes. */
    public void startPeriodicRefresh() {
        loop.execute(() -> {
            if (!stopped && timer == null) {
                timer = loop.scheduleWithFixedDelay(this::refreshQuietly, refreshIntervalMillis,
                        refreshIntervalMillis, TimeUnit.MILLISECONDS);
            }
        });
    }

    private void refreshQuietly() {
        if (refreshing) {
            return; // the previous refresh is still running
        }
        refreshing = true;
        refreshNow().whenComplete((brokers, error) -> {
            loop.execute(() -> refreshing = false);
            if (error != null) {
                LOG.warn("Cannot refresh the upstream cluster's brokers: {}", error.toString());
            }
        });
    }

    /** Stops refreshing and closes the connection. */
    public CompletableFuture<Void> stop() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        loop.execute(() -> {
            stopped = true;
            if (timer != null) {
                timer.cancel(false);
            }
            failPending(new GatewayException("gateway stopping"));
            Channel ch = channel;
            channel = null;
            if (ch != null) {
                ch.close().addListener(f -> done.complete(null));
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    private CompletableFuture<List<BrokerNode>> fetchBrokers() {
        return connected().thenCompose(ch -> metadataVersion >= 0
                        ? CompletableFuture.completedFuture(metadataVersion)
                        : negotiate(ch))
                .thenCompose(version -> send(ApiKeys.METADATA, version,
                        new MetadataRequestData().setTopics(new ArrayList<>()).setAllowAutoTopicCreation(false)))
                .thenApply(response -> {
                    MetadataResponseData metadata = (MetadataResponseData) response;
                    List<BrokerNode> brokers = new ArrayList<>();
                    metadata.brokers().forEach(b -> brokers.add(new BrokerNode(b.nodeId(), b.host(), b.port(), b.rack())));
                    if (brokers.isEmpty()) {
                        throw new GatewayException("the upstream cluster reported no brokers");
                    }
                    return brokers;
                });
    }

    private CompletableFuture<Short> negotiate(Channel ch) {
        CompletableFuture<Short> version = send(ApiKeys.API_VERSIONS, (short) 0, new ApiVersionsRequestData())
                .thenApply(this::learnMetadataVersion);
        PlainCredentials plain = credentials;
        if (plain == null) {
            return version;
        }
        return version.thenCompose(v -> send(ApiKeys.SASL_HANDSHAKE, (short) 1,
                        new SaslHandshakeRequestData().setMechanism("PLAIN")))
                .thenCompose(response -> {
                    SaslHandshakeResponseData handshake = (SaslHandshakeResponseData) response;
                    if (handshake.errorCode() != Errors.NONE.code()) {
                        throw new GatewayException("upstream refused SASL/PLAIN: "
                                + Errors.forCode(handshake.errorCode()) + ", it offers " + handshake.mechanisms());
                    }
                    byte[] token = ("\0" + plain.username() + "\0" + plain.password()).getBytes(StandardCharsets.UTF_8);
                    return send(ApiKeys.SASL_AUTHENTICATE, (short) 1, new SaslAuthenticateRequestData().setAuthBytes(token));
                })
                .thenApply(response -> {
                    SaslAuthenticateResponseData authenticate = (SaslAuthenticateResponseData) response;
                    if (authenticate.errorCode() != Errors.NONE.code()) {
                        throw new GatewayException("upstream SASL/PLAIN authentication of '" + plain.username()
                                + "' failed: " + authenticate.errorMessage());
                    }
                    return metadataVersion;
                });
    }

    private short learnMetadataVersion(ApiMessage response) {
        ApiVersionsResponseData versions = (ApiVersionsResponseData) response;
        if (versions.errorCode() != Errors.NONE.code()) {
            throw new GatewayException("upstream ApiVersions failed: " + Errors.forCode(versions.errorCode()));
        }
        ApiVersionsResponseData.ApiVersion metadata = versions.apiKeys().find(ApiKeys.METADATA.id);
        if (metadata == null || metadata.maxVersion() < 1) {
            throw new GatewayException("the upstream broker does not support Metadata v1 or later");
        }
        metadataVersion = (short) Math.min(metadata.maxVersion(), ApiKeys.METADATA.latestVersion());
        return metadataVersion;
    }

    private CompletableFuture<Channel> connected() {
        Channel ch = channel;
        if (ch != null && ch.isActive()) {
            return CompletableFuture.completedFuture(ch);
        }
        metadataVersion = -1;
        CompletableFuture<Channel> result = new CompletableFuture<>();
        connect(registry.bootstrapCandidates(), 0, result, null);
        return result;
    }

    private void connect(List<HostPort> candidates, int index, CompletableFuture<Channel> result,
            @Nullable Throwable lastError) {
        if (stopped) {
            result.completeExceptionally(new GatewayException("gateway stopping"));
            return;
        }
        if (index >= candidates.size()) {
            result.completeExceptionally(new GatewayException("no upstream broker reachable (tried "
                    + candidates + ")" + (lastError == null ? "" : ": " + lastError.getMessage()), lastError));
            return;
        }
        HostPort target = candidates.get(index);
        new Bootstrap().group(loop).channel(channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        if (tls != null) {
                            tls.addTo(c, target);
                        }
                        c.pipeline().addLast(new FrameDecoder(FrameLimits.unauthenticated(maxFrameBytes), false,
                                "broker " + target));
                        c.pipeline().addLast(new ResponseHandler());
                    }
                })
                .connect(target.host(), target.port())
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        connect(candidates, index + 1, result, f.cause());
                        return;
                    }
                    UpstreamTlsConnector.handshake(f.channel(), target).whenComplete((v, error) -> {
                        if (error == null) {
                            channel = f.channel();
                            result.complete(f.channel());
                        } else {
                            LOG.warn("{}", error.getMessage());
                            f.channel().close();
                            connect(candidates, index + 1, result, error);
                        }
                    });
                });
    }

    private CompletableFuture<ApiMessage> send(ApiKeys key, short version, ApiMessage body) {
        Channel ch = channel;
        if (ch == null || !ch.isActive()) {
            return CompletableFuture.failedFuture(new GatewayException("monitor connection closed"));
        }
        int correlationId = nextCorrelationId++;
        ByteBuf frame = MessageCodec.encodeRequest(ch.alloc(), key, version, correlationId, CLIENT_ID, body);
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        pending = new Pending(correlationId, key, version, result);
        ScheduledFuture<?> timeout = loop.schedule(() -> {
            if (!result.isDone()) {
                failPending(new TimeoutException(key + " request timed out after " + requestTimeoutMillis + " ms"));
                ch.close();
            }
        }, requestTimeoutMillis, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> timeout.cancel(false));
        ch.writeAndFlush(frame).addListener(f -> {
            if (!f.isSuccess()) {
                failPending(f.cause());
            }
        });
        return result;
    }

    private void failPending(Throwable error) {
        Pending p = pending;
        pending = null;
        if (p != null) {
            p.result.completeExceptionally(error);
        }
    }

    private final class ResponseHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                Pending p = pending;
                if (p == null || frame.readableBytes() < Frames.MIN_RESPONSE_FRAME
                        || Frames.responseCorrelationId(frame) != p.correlationId) {
                    throw new CorruptFrameException("unexpected response on the monitor connection");
                }
                pending = null;
                int bodyStart = Headers.responseBodyStart(frame, p.key, p.version);
                p.result.complete(MessageCodec.readResponse(frame, bodyStart, p.key, p.version));
            } catch (RuntimeException e) {
                failPending(e);
                ctx.close();
            } finally {
                frame.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            failPending(new GatewayException("monitor connection closed by the broker"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failPending(cause);
            ctx.close();
        }
    }
}
