package dev.sluice.gateway.internal.cluster;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The brokers the gateway knows, with their real addresses.
 *
 * <p>Fed two ways: {@link #learn} with brokers named in responses flowing through (adds and updates,
 * never removes: a response is a partial view), and {@link #refresh} with the cluster monitor's
 * complete view (also removes brokers absent for longer than the removal delay, so a broker that
 * restarts keeps its listener). Every change of the broker set re-plans every route's routing
 * strategy and reconciles the listeners with the union of their plans.
 *
 * <p>Thread-safe. Reads ({@link #broker}, {@link #bootstrapCandidates}) are lock-free snapshots;
 * changes are serialised.
 */
public final class BrokerRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistry.class);

    private final List<Route> routes;
    private final ListenerManager listeners;
    private final long removalDelayNanos;
    private final LongSupplier nanoClock;
    private final List<HostPort> configuredBootstrap;
    private final Map<Integer, BrokerNode> brokers = new TreeMap<>();
    private final Map<Integer, Long> missingSince = new TreeMap<>();
    private final AtomicInteger roundRobin = new AtomicInteger();
    private CompletableFuture<Void> lastReconcile = CompletableFuture.completedFuture(null);
    private volatile Map<Integer, BrokerNode> snapshot = Map.of();
    private volatile List<BrokerNode> snapshotList = List.of();

    public BrokerRegistry(List<Route> routes, ListenerManager listeners, long removalDelayNanos,
            LongSupplier nanoClock, List<HostPort> configuredBootstrap) {
        if (routes.isEmpty()) {
            throw new IllegalArgumentException("at least one route is required");
        }
        this.routes = List.copyOf(routes);
        this.listeners = listeners;
        this.removalDelayNanos = removalDelayNanos;
        this.nanoClock = nanoClock;
        this.configuredBootstrap = List.copyOf(configuredBootstrap);
    }

    /** Plans with the brokers known so far (none at start) and opens the listeners. */
    public synchronized CompletableFuture<Void> open() {
        return replan();
    }

    /**
     * Adds or updates brokers named in a response. Returns a future that completes once listeners
     * for them are open: already complete when nothing changed and nothing is still binding.
     */
    public synchronized CompletableFuture<Void> learn(Collection<BrokerNode> seen) {
        boolean added = false;
        for (BrokerNode node : seen) {
            BrokerNode previous = brokers.put(node.id(), node);
            missingSince.remove(node.id());
            if (previous == null) {
                LOG.info("Discovered broker {} at {}", node.id(), node.address());
                added = true;
            } else if (!previous.equals(node)) {
                LOG.info("Broker {} moved from {} to {}", node.id(), previous.address(), node.address());
                publish();
            }
        }
        if (added) {
            return replan();
        }
        return lastReconcile;
    }

    /** Applies the monitor's complete view of the cluster. */
    public synchronized CompletableFuture<Void> refresh(Collection<BrokerNode> all) {
        CompletableFuture<Void> learned = learn(all);
        Set<Integer> present = new HashSet<>();
        for (BrokerNode node : all) {
            present.add(node.id());
        }
        long now = nanoClock.getAsLong();
        boolean removed = false;
        for (Integer id : new ArrayList<>(brokers.keySet())) {
            if (present.contains(id)) {
                continue;
            }
            long since = missingSince.computeIfAbsent(id, k -> now);
            if (now - since >= removalDelayNanos) {
                LOG.info("Broker {} left the cluster; closing its listener", id);
                brokers.remove(id);
                missingSince.remove(id);
                removed = true;
            }
        }
        return removed ? replan() : learned;
    }

    private CompletableFuture<Void> replan() {
        publish();
        List<BrokerNode> known = List.copyOf(brokers.values());
        List<ListenerManager.Planned> plan = new ArrayList<>();
        for (Route route : routes) {
            for (ListenerSpec spec : route.strategy().plan(known)) {
                plan.add(new ListenerManager.Planned(route, spec));
            }
        }
        lastReconcile = listeners.reconcile(plan);
        return lastReconcile;
    }

    private void publish() {
        snapshot = Map.copyOf(brokers);
        snapshotList = List.copyOf(brokers.values());
    }

    /** The broker with this id, or {@code null} when it is not (or no longer) known. */
    public @Nullable BrokerNode broker(int id) {
        return snapshot.get(id);
    }

    /** Every broker known now, by ascending id. */
    public List<BrokerNode> brokers() {
        return snapshotList;
    }

    /**
     * Where a bootstrap connection may go, in the order to try: the known brokers starting at a
     * rotating position (to spread bootstrap load), then the configured bootstrap servers.
     */
    public List<HostPort> bootstrapCandidates() {
        List<BrokerNode> known = snapshotList;
        List<HostPort> candidates = new ArrayList<>(known.size() + configuredBootstrap.size());
        if (!known.isEmpty()) {
            int start = Math.floorMod(roundRobin.getAndIncrement(), known.size());
            for (int i = 0; i < known.size(); i++) {
                candidates.add(known.get((start + i) % known.size()).address());
            }
        }
        for (HostPort configured : configuredBootstrap) {
            if (!candidates.contains(configured)) {
                candidates.add(configured);
            }
        }
        return candidates;
    }

    /** The routes served, in the order they were configured. */
    public List<Route> routes() {
        return routes;
    }
}
