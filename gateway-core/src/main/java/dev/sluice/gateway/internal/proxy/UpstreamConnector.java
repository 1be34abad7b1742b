package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.internal.tls.UpstreamTlsConnector;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the upstream connection of one client connection, on the client's event loop: to the broker
 * its listener stands for, or, for the bootstrap listener, to the known brokers in rotation and then
 * the configured bootstrap servers, trying each in turn until one answers within the connect
 * timeout (which covers resolving the broker's name as well). With upstream TLS the
 * connection counts as open once its handshake succeeded; a broker whose certificate is refused is
 * treated as unreachable.
 */
final class UpstreamConnector {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamConnector.class);

    /** What the session supplies: the pipeline of a new upstream channel, and the outcomes. */
    interface Target {
        void initChannel(Channel channel, String label);

        void connected(Channel channel);

        void unreachable(String reason);
    }

    private final ProxyRuntime runtime;
    private final EventLoop loop;
    private final Object describedAs;
    private final BooleanSupplier abandoned;
    private final Target target;

    UpstreamConnector(ProxyRuntime runtime, EventLoop loop, Object describedAs, BooleanSupplier abandoned,
            Target target) {
        this.runtime = runtime;
        this.loop = loop;
        this.describedAs = describedAs;
        this.abandoned = abandoned;
        this.target = target;
    }

    /** Connects for a client that came in on {@code listener}. */
    void connect(ListenerSpec listener) {
        if (listener.isBootstrap()) {
            connect(runtime.registry.bootstrapCandidates(), 0);
            return;
        }
        int brokerId = listener.brokerId().getAsInt();
        BrokerNode broker = runtime.registry.broker(brokerId);
        if (broker == null) {
            target.unreachable("broker " + brokerId + " of port " + listener.port() + " is no longer part of the cluster");
            return;
        }
        connect(List.of(broker.address()), 0);
    }

    private void connect(List<HostPort> candidates, int index) {
        if (abandoned.getAsBoolean()) {
            return;
        }
        if (index >= candidates.size()) {
            target.unreachable("no upstream broker reachable (tried " + candidates + ")");
            return;
        }
        HostPort address = candidates.get(index);
        int timeoutMillis = runtime.config.connectTimeoutMillis();
        runtime.upstreamConnectionAttempted();
        ChannelFuture connecting = new Bootstrap()
                .group(loop)
                .channel(runtime.channelType)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 0) // the deadline is ours: the channel would keep Netty's
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.RCVBUF_ALLOCATOR, runtime.upstreamReceiveAllocator)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, runtime.upstreamWaterMark)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        UpstreamTlsConnector tls = runtime.upstreamTls;
                        if (tls != null) {
                            tls.addTo(ch, address);
                        }
                        target.initChannel(ch, "broker " + address);
                    }
                })
                .connect(address.host(), address.port());
        ScheduledFuture<?> deadline = timeoutMillis > 0 && !connecting.isDone()
                ? loop.schedule(() -> connecting.cancel(false), timeoutMillis, TimeUnit.MILLISECONDS)
                : null;
        connecting.addListener((ChannelFutureListener) f -> {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (!f.isSuccess()) {
                f.channel().close();
                LOG.debug("Upstream {} unreachable for {}: {}", address, describedAs,
                        f.isCancelled() ? "no connection within " + timeoutMillis + " ms" : f.cause().toString());
                connect(candidates, index + 1);
                return;
            }
            UpstreamTlsConnector.handshake(f.channel(), address).whenComplete((v, error) -> {
                if (error != null) {
                    LOG.warn("{} (for {})", error.getMessage(), describedAs);
                    f.channel().close();
                    connect(candidates, index + 1);
                } else if (abandoned.getAsBoolean()) {
                    f.channel().close();
                } else {
                    target.connected(f.channel());
                }
            });
        });
    }

    /** Helper for sessions: a target from three callbacks. */
    static Target target(java.util.function.BiConsumer<Channel, String> init, Consumer<Channel> connected,
            Consumer<String> unreachable) {
        return new Target() {
            @Override
            public void initChannel(Channel channel, String label) {
                init.accept(channel, label);
            }

            @Override
            public void connected(Channel channel) {
                connected.accept(channel);
            }

            @Override
            public void unreachable(String reason) {
                unreachable.accept(reason);
            }
        };
    }
}
