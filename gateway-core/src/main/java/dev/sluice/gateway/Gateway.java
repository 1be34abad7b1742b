package dev.sluice.gateway;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.cluster.ClusterMonitor;
import dev.sluice.gateway.internal.cluster.ListenerManager;
import dev.sluice.gateway.internal.cluster.Route;
import dev.sluice.gateway.internal.proxy.CompactRecvByteBufAllocator;
import dev.sluice.gateway.internal.proxy.ProxyRuntime;
import dev.sluice.gateway.internal.tls.ReloadableSslContext;
import dev.sluice.gateway.internal.tls.TlsContexts;
import dev.sluice.gateway.internal.tls.UpstreamTlsConnector;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.UpstreamTls;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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
 * and {@code <name>-io-N} (plus {@code <name>-tls-reload-N}, which watches TLS key material, when a
 * TLS setting has a reload interval); they are daemon threads, so a host that forgets to close a gateway is
 * not kept alive by it. Completion stages returned here complete on those threads: do not block in
 * their callbacks.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The advertised host of the routing strategy MUST be an address clients can reach: every
 *       Metadata answer tells clients to connect there.
 *   <li>Listeners for brokers open as brokers are discovered, so the ports a gateway binds depend
 *       on the cluster. Firewalls must allow the routing strategy's whole port range.
 *   <li>TLS key material is read at {@link #start()} (a bad file fails the start, naming it) and
 *       checked for changes every {@code reloadInterval}: new connections get new material, open
 *       ones keep theirs. A file that cannot be parsed (say, half written) keeps the old material
 *       in force and is logged.
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
    private volatile @Nullable ScheduledExecutorService tlsReloader;
    private volatile boolean joined;

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
        List<Route> routes;
        @Nullable ReloadableSslContext upstreamContext;
        try {
            routes = routes();
            UpstreamTls upstreamTls = settings.upstreamTls();
            upstreamContext = upstreamTls == null ? null : TlsContexts.client(upstreamTls);
        } catch (RuntimeException e) {
            GatewayException failure = e instanceof GatewayException ge ? ge
                    : new GatewayException("gateway " + name + " failed to start: " + e.getMessage(), e);
            LOG.error("Gateway {} failed to start: {}", name, failure.getMessage());
            state.set(State.STOPPED);
            stopped.complete(null);
            return CompletableFuture.failedFuture(failure);
        }
        UpstreamTlsConnector upstreamTlsConnector = upstreamContext == null ? null : new UpstreamTlsConnector(
                upstreamContext, Objects.requireNonNull(settings.upstreamTls()).handshakeTimeout().toMillis());
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
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, new CompactRecvByteBufAllocator()) // shared, not per channel
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, waterMark);
        AtomicReference<ProxyRuntime> runtimeRef = new AtomicReference<>();
        listeners = new ListenerManager(template, settings.bindAddress(),
                (route, spec) -> runtimeRef.get().clientInitializer(route, spec));
        BrokerRegistry registry = new BrokerRegistry(routes, listeners,
                settings.brokerRemovalDelay().toNanos(), System::nanoTime, settings.upstream());
        runtime = new ProxyRuntime(settings.proxy(), registry, NioSocketChannel.class,
                new DefaultChannelGroup(name + "-clients", control), settings.interceptors(), settings.eventListener(),
                upstreamTlsConnector);
        runtimeRef.set(runtime);
        monitor = new ClusterMonitor(control, NioSocketChannel.class, registry,
                settings.proxy().connectTimeoutMillis(), settings.upstreamRequestTimeout().toMillis(),
                settings.metadataRefreshInterval().toMillis(), settings.proxy().upstreamLimits().maxFrameBytes(),
                settings.upstreamPlain(), upstreamTlsConnector);
        for (Route route : routes) {
            if (route.tls() != null) {
                watchForChanges(route.tls());
            }
        }
        if (upstreamContext != null) {
            watchForChanges(upstreamContext);
        }

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

    /** The routes as configured, each with its TLS context built now (reading the key material). */
    private List<Route> routes() {
        List<Route> routes = new ArrayList<>();
        int number = 1;
        for (GatewaySettings.RouteSettings configured : settings.routes()) {
            ServerTls tls = configured.tls();
            String name = "route " + number++ + " (" + configured.strategy().getClass().getSimpleName()
                    + (tls == null ? "" : " over TLS") + ")";
            routes.add(new Route(name, configured.strategy(), tls, tls == null ? null : TlsContexts.server(tls)));
        }
        return routes;
    }

    /**
     * Checks {@code context}'s files every reload interval, on the gateway's one TLS reload thread
     * (reading and hashing files, and building a context, stay off the event loops).
     */
    private void watchForChanges(ReloadableSslContext context) {
        long interval = context.reloadInterval().toMillis();
        if (interval <= 0) {
            return;
        }
        ScheduledExecutorService reloader = tlsReloader;
        if (reloader == null) {
            reloader = Executors.newSingleThreadScheduledExecutor(
                    new DefaultThreadFactory(settings.name() + "-tls-reload", true));
            tlsReloader = reloader;
        }
        reloader.scheduleWithFixedDelay(() -> {
            try {
                if (context.reloadIfChanged()) {
                    LOG.info("Gateway {}: reloaded {}; new connections use it", settings.name(), context.describe());
                }
            } catch (RuntimeException e) {
                LOG.warn("Gateway {}: cannot check {} for changes: {}", settings.name(), context.describe(), e.toString());
            }
        }, interval, interval, TimeUnit.MILLISECONDS);
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
                joinMembership().whenComplete((v, joinError) -> {
                    if (joinError != null) {
                        started.completeExceptionally(new GatewayException("gateway " + settings.name()
                                + " could not join its membership: " + rootMessage(joinError), joinError));
                        return;
                    }
                    state.set(State.RUNNING);
                    LOG.info("Gateway {} serving {} brokers; bootstrap {}", settings.name(), brokers.size(),
                            bootstrapAddresses());
                    started.complete(this);
                });
            } else if (UpstreamTlsConnector.isCertificateVerdict(error)) {
                // A certificate refused now is refused in a minute too: say so at once.
                started.completeExceptionally(new GatewayException("upstream cluster " + settings.upstream()
                        + " refused over TLS: " + rootMessage(error), error));
            } else if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis) > deadline) {
                started.completeExceptionally(new GatewayException("upstream cluster " + settings.upstream()
                        + " not reachable within " + settings.startupTimeout() + ": " + rootMessage(error), error));
            } else {
                LOG.warn("Upstream cluster not reachable yet ({}); retrying in {} ms", rootMessage(error), backoffMillis);
                control.schedule(() -> discover(control, deadline, Math.min(backoffMillis * 2, 5_000), started),
                        backoffMillis, TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Joins the configured membership, if any; completes at once without one. */
    private CompletableFuture<Void> joinMembership() {
        GatewaySettings.MembershipSettings m = settings.membership();
        if (m == null) {
            return CompletableFuture.completedFuture(null);
        }
        return m.membership().join(m.self()).toCompletableFuture().thenRun(() -> {
            joined = true;
            LOG.info("Gateway {} joined its membership as {}", settings.name(), m.self());
        });
    }

    /** The message of a failure without the wrappers futures add ({@code CompletionException: ...}). */
    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage());
    }

    /**
     * Stops the gateway: closes the listeners (no new connections), stops watching the cluster,
     * waits up to {@code drainTimeout} for clients to close their connections, closes the rest, and
     * stops the gateway's threads.
     *
     * <p>A gateway with a {@linkplain GatewayBuilder#membership membership} leaves it first (waiting
     * up to {@code drainTimeout} for that), so the other nodes stop advertising it, and keeps its
     * listeners open through the drain: clients that still hold its address get in and are told the
     * other nodes.
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
            GatewaySettings.MembershipSettings m = settings.membership();
            boolean leaving = m != null && joined;
            if (leaving) {
                // Stop being advertised first; keep serving while clients move to the other nodes.
                try {
                    m.membership().leave().toCompletableFuture().get(Math.max(1, drainTimeout.toMillis()),
                            TimeUnit.MILLISECONDS);
                    LOG.info("Gateway {} left its membership", settings.name());
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    LOG.warn("Gateway {}: leaving the membership failed: {}", settings.name(), e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (listeners != null && !leaving) {
                listeners.closeAll();
            }
            if (monitor != null) {
                monitor.stop().join();
            }
            ScheduledExecutorService reloader = tlsReloader;
            if (reloader != null) {
                reloader.shutdownNow();
            }
            ProxyRuntime rt = runtime;
            if (rt != null) {
                long deadline = System.nanoTime() + drainTimeout.toNanos();
                while (rt.openConnections() > 0 && System.nanoTime() < deadline) {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                }
                if (leaving && listeners != null) {
                    listeners.closeAll();
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

    /**
     * The address clients bootstrap from, as the first route's strategy advertises it. See {@link
     * #bootstrapAddresses()} when the gateway serves several routes.
     */
    public HostPort bootstrapAddress() {
        return settings.routes().get(0).strategy().bootstrapAddress();
    }

    /** Every route's bootstrap address, in the order the routes were added. */
    public List<HostPort> bootstrapAddresses() {
        List<HostPort> addresses = new ArrayList<>();
        for (GatewaySettings.RouteSettings route : settings.routes()) {
            addresses.add(route.strategy().bootstrapAddress());
        }
        return addresses;
    }

    /** The routing strategies this gateway was built with, in the order they were added. */
    public List<RoutingStrategy> routings() {
        List<RoutingStrategy> strategies = new ArrayList<>();
        for (GatewaySettings.RouteSettings route : settings.routes()) {
            strategies.add(route.strategy());
        }
        return strategies;
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
