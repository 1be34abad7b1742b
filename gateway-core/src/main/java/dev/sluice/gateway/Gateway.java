package dev.sluice.gateway;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.ClusterMonitor;
import dev.sluice.gateway.internal.cluster.ListenerManager;
import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka gateway: listens for Kafka clients, forwards their requests to an upstream Kafka cluster
 * and writes its own addresses into every answer that names a broker, so clients never go around
 * it.
 *
 * <p>Built once with {@link #builder()}, then {@linkplain #start() started}, and eventually
 * {@linkplain #shutdown(Duration) shut down} (or {@linkplain #close() closed}). A gateway is not
 * restartable: build a new one. Nothing is static: several gateways can run in one JVM.
 *
 * <pre>{@code
 * Gateway gateway = Gateway.builder()
 *     .upstream("kafka-1.internal:9092,kafka-2.internal:9092")
 *     .routing(PortPerBrokerRouting.builder()
 *         .advertisedHost("kafka-gateway.example.com")
 *         .bootstrapPort(9092)
 *         .build())
 *     .build();
 * gateway.start().toCompletableFuture().join();   // listeners open, brokers discovered
 * ...
 * gateway.shutdown(Duration.ofSeconds(30));         // stop accepting, drain, close
 * }</pre>
 *
 * <h2>Threading</h2>
 * All methods are thread-safe. The gateway runs on its own threads, named {@code <name>-accept-N}
 * and {@code <name>-io-N}; they are daemon threads, so a host that forgets to close a gateway is
 * not kept alive by it. Completion stages returned here complete on those threads: do not block in
 * their callbacks.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The advertised host of the routing strategy MUST be an address clients can reach: every
 *       Metadata answer tells clients to connect there.
 *   <li>Listeners for brokers open as brokers are discovered, so the ports a gateway binds depend
 *       on the cluster. Firewalls must allow the routing strategy's whole port range.
 * </ul>
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED }

    private final GatewaySettings settings;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private @Nullable EventLoopGroup acceptGroup;
    private @Nullable EventLoopGroup ioGroup;
    private @Nullable ListenerManager listeners;
    private @Nullable ClusterMonitor monitor;
    private @Nullable ProxyRuntime runtime;

    Gateway(GatewaySettings settings) {
        this.settings = settings;
    }

    /** A builder for a gateway. */
    public static GatewayBuilder builder() {
        return new GatewayBuilder();
    }

    /**
     * Opens the bootstrap listener, discovers the upstream brokers and opens their listeners.
     *
     * <p>The stage completes once clients can be served: every listener is bound and the upstream
     * brokers are known. It completes exceptionally, with a {@link GatewayException} that says why,
     * if a listener cannot be bound (a port in use, an address not on this host) or the upstream
     * cluster could not be reached within the startup timeout; the gateway has then released
     * everything it had opened.
     *
     * @throws IllegalStateException when called more than once
     */
    public CompletionStage<Gateway> start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("a gateway starts once; this one is " + state.get());
        }
        String name = settings.name();
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name + "-accept", true),
                NioIoHandler.newFactory());
        ioGroup = new MultiThreadIoEventLoopGroup(settings.ioThreads(), new DefaultThreadFactory(name + "-io", true),
                NioIoHandler.newFactory());
        EventLoop control = acceptGroup.next();
        WriteBufferWaterMark waterMark = new WriteBufferWaterMark(
                settings.proxy().writeBufferLowWaterMark(), settings.proxy().writeBufferHighWaterMark());
        ServerBootstrap template = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        AtomicReference<ProxyRuntime> runtimeRef = new AtomicReference<>();
        listeners = new ListenerManager(template, settings.bindAddress(),
                spec -> runtimeRef.get().clientInitializer(spec));
        BrokerRegistry registry = new BrokerRegistry(settings.routing(), listeners,
                settings.brokerRemovalDelay().toNanos(), System::nanoTime, settings.upstream());
        runtime = new ProxyRuntime(settings.proxy(), registry, NioSocketChannel.class,
                new DefaultChannelGroup(name + "-clients", control), settings.interceptors(), settings.eventListener());
        runtimeRef.set(runtime);
        monitor = new ClusterMonitor(control, NioSocketChannel.class, registry,
                settings.proxy().connectTimeoutMillis(), settings.upstreamRequestTimeout().toMillis(),
                settings.metadataRefreshInterval().toMillis(), settings.proxy().upstreamLimits().maxFrameBytes(),
                settings.upstreamPlain());

        CompletableFuture<Gateway> started = new CompletableFuture<>();
        long deadline = System.nanoTime() + settings.startupTimeout().toNanos();
        registry.open().whenComplete((v, e) -> discover(control, deadline, 100, started));
        // A failed start releases everything before the caller hears of it. Never block here: this
        // runs on the control event loop, which the shutdown itself has to stop.
        return started.handle((gateway, error) -> error)
                .thenCompose(error -> {
                    if (error == null) {
                        return CompletableFuture.completedFuture(this);
                    }
                    LOG.error("Gateway {} failed to start: {}", name, error.getMessage());
                    GatewayException failure = error instanceof GatewayException ge ? ge
                            : new GatewayException("gateway " + name + " failed to start", error);
                    return shutdown(Duration.ZERO).toCompletableFuture()
                            .handle((v, e) -> { throw failure; });
                });
    }

    private void discover(EventLoop control, long deadline, long backoffMillis, CompletableFuture<Gateway> started) {
        ClusterMonitor m = Objects.requireNonNull(monitor);
        m.refreshNow().whenComplete((brokers, error) -> {
            if (state.get() != State.STARTING) {
                started.completeExceptionally(new GatewayException("gateway stopped while starting"));
            } else if (error == null && !Objects.requireNonNull(listeners).failedToBind().isEmpty()) {
                started.completeExceptionally(new GatewayException("gateway " + settings.name()
                        + " cannot listen on " + String.join("; ", listeners.failedToBind())));
            } else if (error == null) {
                m.startPeriodicRefresh();
                state.set(State.RUNNING);
                LOG.info("Gateway {} serving {} brokers; bootstrap {}", settings.name(), brokers.size(),
                        settings.routing().bootstrapAddress());
                started.complete(this);
            } else if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) > deadline) {
                started.completeExceptionally(new GatewayException("upstream cluster " + settings.upstream()
                        + " not reachable within " + settings.startupTimeout() + ": " + error.getMessage(), error));
            } else {
                LOG.warn("Upstream cluster not reachable yet ({}); retrying in {} ms", error.getMessage(), backoffMillis);
                control.schedule(() -> discover(control, deadline, Math.min(backoffMillis * 2, 5_000), started),
                        backoffMillis, TimeUnit.MILLISECONDS);
            }
        });
    }

    /**
     * Stops the gateway: closes the listeners (no new connections), stops watching the cluster,
     * waits up to {@code drainTimeout} for clients to close their connections, closes the rest, and
     * stops the gateway's threads.
     *
     * <p>Idempotent: later calls return the same stage.
     */
    public CompletionStage<Void> shutdown(Duration drainTimeout) {
        Objects.requireNonNull(drainTimeout, "drainTimeout");
        State previous = state.getAndUpdate(s -> s == State.STOPPING || s == State.STOPPED ? s : State.STOPPING);
        if (previous == State.STOPPING || previous == State.STOPPED) {
            return stopped;
        }
        if (previous == State.NEW) {
            state.set(State.STOPPED);
            stopped.complete(null);
            return stopped;
        }
        Thread stopper = new Thread(() -> stopNow(drainTimeout), settings.name() + "-shutdown");
        stopper.setDaemon(true);
        stopper.start();
        return stopped;
    }

    private void stopNow(Duration drainTimeout) {
        try {
            if (listeners != null) {
                listeners.closeAll();
            }
            if (monitor != null) {
                monitor.stop().join();
            }
            ProxyRuntime rt = runtime;
            if (rt != null) {
                long deadline = System.nanoTime() + drainTimeout.toNanos();
                while (rt.openConnections() > 0 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                if (rt.openConnections() > 0) {
                    LOG.info("Gateway {}: closing {} connections still open after the drain timeout",
                            settings.name(), rt.openConnections());
                }
                rt.clients().close().awaitUninterruptibly();
            }
            if (ioGroup != null) {
                ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
            if (acceptGroup != null) {
                acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
            }
            LOG.info("Gateway {} stopped", settings.name());
            state.set(State.STOPPED);
            stopped.complete(null);
        } catch (RuntimeException e) {
            state.set(State.STOPPED);
            stopped.completeExceptionally(e);
        }
    }

    /** Shuts down without draining and waits until the gateway has stopped. */
    @Override
    public void close() {
        shutdown(Duration.ZERO).toCompletableFuture().join();
    }

    /** The address clients bootstrap from, as the routing strategy advertises it. */
    public HostPort bootstrapAddress() {
        return settings.routing().bootstrapAddress();
    }

    /** The routing strategy this gateway was built with. */
    public RoutingStrategy routing() {
        return settings.routing();
    }

    /** The listeners open now, by port. Empty before start and after shutdown. */
    public List<ListenerSpec> openListeners() {
        ListenerManager l = listeners;
        return l == null ? List.of() : l.open();
    }

    /** Client connections open now. */
    public int openConnections() {
        ProxyRuntime rt = runtime;
        return rt == null ? 0 : rt.openConnections();
    }

    /** The data path's shared state, for tests in this package. */
    @Nullable ProxyRuntime runtime() {
        return runtime;
    }

    @Override
    public String toString() {
        return "Gateway[" + settings.name() + ", " + state.get() + ", bootstrap " + bootstrapAddress() + "]";
    }
}
