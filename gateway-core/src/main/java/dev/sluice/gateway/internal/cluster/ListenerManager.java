package dev.sluice.gateway.internal.cluster;

import dev.sluice.gateway.api.ListenerSpec;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one bound server socket per {@link ListenerSpec} of the current plan: binds what is new,
 * closes what is gone. Connections accepted earlier on a closed listener are not touched.
 *
 * <p>A plan that cannot be served as given is refused listener by listener, each reported by
 * {@link #failedToBind()} (so {@code Gateway#start()} fails naming it): two routes planning one port,
 * or a listener routed by server name on a route without TLS.
 *
 * <p>Thread-safe; {@link #reconcile} calls are serialised by the caller (the broker registry).
 */
public final class ListenerManager {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerManager.class);

    private final ServerBootstrap template;
    private final String bindHost;
    private final BiFunction<Route, ListenerSpec, ChannelHandler> childInitializer;
    private final Map<Integer, Bound> bound = new HashMap<>();
    private final List<String> refused = new ArrayList<>();
    private boolean closed;

    /** One listener of a plan, with the route that planned it. */
    public record Planned(Route route, ListenerSpec spec) {}

    /** A listener of the plan; {@code channel} completes with the bound channel, or null on failure. */
    private record Bound(Route route, ListenerSpec spec, CompletableFuture<@Nullable Channel> channel,
            StringBuilder failure) {

        boolean serves(Planned planned) {
            return route == planned.route && spec.equals(planned.spec);
        }

        void close() {
            channel.thenAccept(c -> {
                if (c != null) {
                    c.close();
                }
            });
        }

        boolean isOpen() {
            Channel c = channel.getNow(null);
            return c != null && c.isActive();
        }
    }

    /**
     * @param template a configured server bootstrap (groups, channel type, options) without child
     *     handler; cloned per listener
     * @param bindHost the local address to bind, e.g. {@code 0.0.0.0}
     * @param childInitializer makes the child channel initializer for connections of a route's listener
     */
    public ListenerManager(ServerBootstrap template, String bindHost,
            BiFunction<Route, ListenerSpec, ChannelHandler> childInitializer) {
        this.template = template;
        this.bindHost = bindHost;
        this.childInitializer = childInitializer;
    }

    /**
     * Opens and closes listeners to match {@code plan}. The returned future completes when every
     * listener of the plan has been bound or has failed to bind (failures are logged, never
     * thrown: a response must not wait forever for a port that cannot be had).
     */
    public synchronized CompletableFuture<Void> reconcile(List<Planned> plan) {
        if (closed) {
            return CompletableFuture.completedFuture(null);
        }
        Map<Integer, Planned> wanted = new HashMap<>();
        refused.clear();
        List<CompletableFuture<Void>> binds = new ArrayList<>();
        for (Planned planned : plan) {
            ListenerSpec spec = planned.spec();
            Planned other = wanted.get(spec.port());
            if (other != null) {
                refuse(planned, "port already planned by " + other.route() + " for " + other.spec().describe());
                continue;
            }
            if (spec.isServerNameRouted() && !planned.route().usesTls()) {
                refuse(planned, "a listener routed by server name needs TLS; configure the route with ServerTls");
                continue;
            }
            wanted.put(spec.port(), planned);
            Bound existing = bound.get(spec.port());
            if (existing != null && existing.serves(planned)) {
                binds.add(existing.channel.thenAccept(c -> { }));
                continue;
            }
            CompletableFuture<Void> previousClosed = CompletableFuture.completedFuture(null);
            if (existing != null) {
                LOG.info("Port {} now serves {} (was {})", spec.port(), spec.describe(), existing.spec.describe());
                previousClosed = existing.channel.thenCompose(ListenerManager::closeChannel);
            }
            StringBuilder failure = new StringBuilder();
            CompletableFuture<@Nullable Channel> channel = previousClosed.thenCompose(v -> bind(planned, failure));
            bound.put(spec.port(), new Bound(planned.route(), spec, channel, failure));
            binds.add(channel.thenAccept(c -> { }));
        }
        for (var it = bound.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!wanted.containsKey(entry.getKey())) {
                LOG.info("Closing listener on port {} ({})", entry.getKey(), entry.getValue().spec.describe());
                entry.getValue().close();
                it.remove();
            }
        }
        return CompletableFuture.allOf(binds.toArray(new CompletableFuture<?>[0]));
    }

    private void refuse(Planned planned, String reason) {
        String what = bindHost + ":" + planned.spec().port() + " (" + planned.spec().describe() + " of "
                + planned.route() + "): " + reason;
        LOG.error("Cannot listen on {}", what);
        refused.add(what);
    }

    private CompletableFuture<@Nullable Channel> bind(Planned planned, StringBuilder failure) {
        ListenerSpec spec = planned.spec();
        ServerBootstrap bootstrap = template.clone().childHandler(childInitializer.apply(planned.route(), spec));
        CompletableFuture<@Nullable Channel> result = new CompletableFuture<>();
        ChannelFuture future = bootstrap.bind(new InetSocketAddress(bindHost, spec.port()));
        future.addListener(f -> {
            if (f.isSuccess()) {
                LOG.debug("Listening on {}:{} for {} of {}", bindHost, spec.port(), spec.describe(), planned.route());
                result.complete(future.channel());
            } else {
                LOG.error("Cannot listen on {}:{} for {} of {}: {}", bindHost, spec.port(), spec.describe(),
                        planned.route(), f.cause().toString());
                synchronized (failure) {
                    failure.append(f.cause().getMessage());
                }
                result.complete(null);
            }
        });
        return result;
    }

    private static CompletableFuture<Void> closeChannel(@Nullable Channel channel) {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (channel == null) {
            closed.complete(null);
        } else {
            channel.close().addListener(f -> closed.complete(null));
        }
        return closed;
    }

    /** Whether a listener for {@code spec} is bound now. */
    public synchronized boolean isBound(ListenerSpec spec) {
        Bound b = bound.get(spec.port());
        return b != null && b.spec.equals(spec) && b.isOpen();
    }

    /** The listeners currently open (bound successfully). */
    public synchronized List<ListenerSpec> open() {
        List<ListenerSpec> open = new ArrayList<>();
        for (Bound b : bound.values()) {
            if (b.isOpen()) {
                open.add(b.spec);
            }
        }
        open.sort((a, b) -> Integer.compare(a.port(), b.port()));
        return open;
    }

    /**
     * Listeners of the current plan whose bind has failed, each with the reason, e.g.
     * {@code "0.0.0.0:9092 (bootstrap): Address already in use"}. Empty when all are bound or
     * still binding.
     */
    public synchronized List<String> failedToBind() {
        List<String> failed = new ArrayList<>(refused);
        for (Bound b : bound.values()) {
            if (b.channel.isDone() && b.channel.getNow(null) == null) {
                String reason;
                synchronized (b.failure) {
                    reason = b.failure.toString();
                }
                failed.add(bindHost + ":" + b.spec.port() + " (" + b.spec.describe() + "): " + reason);
            }
        }
        failed.sort(null);
        return failed;
    }

    /** Closes every listener; later reconciles do nothing. Returns when all are closed. */
    public void closeAll() {
        List<CompletableFuture<Void>> closing = new ArrayList<>();
        synchronized (this) {
            closed = true;
            for (Bound b : bound.values()) {
                closing.add(b.channel.thenCompose(ListenerManager::closeChannel));
            }
            bound.clear();
        }
        CompletableFuture.allOf(closing.toArray(new CompletableFuture<?>[0])).join();
    }
}
