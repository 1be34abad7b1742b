package dev.sluice.gateway.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.membership.MembershipListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Membership} whose member list the host manages: it starts from a list, and the host calls
 * {@link #update} whenever its own configuration or discovery says the list has changed. There is no
 * failure detection: a node is alive exactly when the host says so.
 *
 * <pre>{@code
 * StaticMembership membership = StaticMembership.of(List.of(
 *         new GatewayNode("gw-1", "gw-1.example.com", List.of(9092, 9093), "a"),
 *         new GatewayNode("gw-2", "gw-2.example.com", List.of(9092, 9093), "b")));
 * membership.join(self);                        // adds self if the list lacks it
 * membership.addListener(alive -> remap(alive));
 * membership.update(peersFromMyDiscovery());     // listeners hear it if the set changed
 * membership.leave();                           // self is no longer alive
 * }</pre>
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>The alive set is the host's list, with this node's own description added (or put in place
 *       of the listed one with the same id) from {@link #join} until {@link #leave}, and with this
 *       node's id removed after {@code leave} even when the host's list still names it.
 *   <li>Listeners hear a set only when it differs from the one before: an {@code update} with the
 *       same nodes (in any order) is silent.
 *   <li>{@link #join} and {@link #leave} complete at once: there is nobody else to tell.
 *   <li>Snapshots are immutable and iterate in ascending node id order.
 * </ul>
 *
 * <h2>Threading</h2>
 * Every method is thread-safe; none holds a lock while a listener runs. Listeners are called on the
 * thread that made the change ({@code update}, {@code join}, {@code leave}) or added the listener;
 * when another thread is already delivering, that thread delivers the newer set too and the caller
 * returns at once. So each listener is called one call at a time and sees the sets in the order of
 * the changes (sets that were replaced before a listener was called are skipped: it always hears the
 * latest), and a listener may itself call {@code update}. Closing a registration from another
 * thread waits for that listener's call under way, if any, so that the listener is never called after
 * {@code close()} returns. A listener's exception is logged (slf4j, WARN)
 * and contained.
 */
public final class StaticMembership implements Membership {

    private static final Logger LOG = LoggerFactory.getLogger(StaticMembership.class);

    private final Object lock = new Object();

    // Guarded by lock.
    private Map<String, GatewayNode> listed;
    private @Nullable GatewayNode self;
    private boolean joined;
    private long version;
    private boolean delivering;
    private final List<Subscriber> subscribers = new ArrayList<>();

    /** Written under lock, read without it. */
    private volatile Set<GatewayNode> alive;

    private StaticMembership(Map<String, GatewayNode> listed) {
        this.listed = listed;
        this.alive = snapshot(listed);
    }

    /**
     * A membership that starts with {@code nodes} alive.
     *
     * @throws IllegalArgumentException when two different nodes share a node id (identical entries
     *     are collapsed)
     */
    public static StaticMembership of(Collection<GatewayNode> nodes) {
        return new StaticMembership(byId(nodes));
    }

    /**
     * Replaces the host's list with {@code nodes}. Listeners hear the new alive set if it differs
     * from the previous one.
     *
     * @throws IllegalArgumentException when two different nodes share a node id; the membership is
     *     then unchanged
     */
    public void update(Collection<GatewayNode> nodes) {
        Map<String, GatewayNode> next = byId(nodes);
        synchronized (lock) {
            listed = next;
        }
        changed();
    }

    /** Adds {@code self} to the alive set (in place of a listed node with its id). Completes at once. */
    @Override
    public CompletionStage<Void> join(GatewayNode self) {
        Objects.requireNonNull(self, "self");
        synchronized (lock) {
            this.self = self;
            this.joined = true;
        }
        changed();
        return CompletableFuture.completedStage(null);
    }

    @Override
    public Set<GatewayNode> alive() {
        return alive;
    }

    @Override
    public Registration addListener(MembershipListener listener) {
        Objects.requireNonNull(listener, "listener");
        Subscriber subscriber = new Subscriber(listener);
        synchronized (lock) {
            subscribers.add(subscriber);
        }
        deliver();
        return () -> {
            subscriber.deactivate();
            synchronized (lock) {
                subscribers.remove(subscriber);
            }
        };
    }

    /** Removes this node's id from the alive set until it joins again. Completes at once. */
    @Override
    public CompletionStage<Void> leave() {
        synchronized (lock) {
            joined = false;
        }
        changed();
        return CompletableFuture.completedStage(null);
    }

    @Override
    public String toString() {
        return "StaticMembership" + alive;
    }

    /** Recomputes the alive set and, if it changed, tells the listeners. */
    private void changed() {
        synchronized (lock) {
            Map<String, GatewayNode> effective = new TreeMap<>(listed);
            GatewayNode me = self;
            if (me != null) {
                if (joined) {
                    effective.put(me.nodeId(), me);
                } else {
                    effective.remove(me.nodeId());
                }
            }
            Set<GatewayNode> next = snapshot(effective);
            if (next.equals(alive)) {
                return;
            }
            alive = next;
            version++;
        }
        deliver();
    }

    /**
     * Brings every subscriber up to the current version. One thread delivers at a time; a change
     * made while it does (from a listener or another thread) is picked up by its next round.
     */
    private void deliver() {
        synchronized (lock) {
            if (delivering) {
                return;
            }
            delivering = true;
        }
        boolean finished = false;
        try {
            while (true) {
                List<Subscriber> behind = new ArrayList<>();
                Set<GatewayNode> current;
                long currentVersion;
                synchronized (lock) {
                    currentVersion = version;
                    current = alive;
                    for (Subscriber s : subscribers) {
                        if (s.seenVersion < currentVersion) {
                            behind.add(s);
                        }
                    }
                    if (behind.isEmpty()) {
                        delivering = false;
                        finished = true;
                        return;
                    }
                }
                for (Subscriber s : behind) {
                    s.seenVersion = currentVersion;
                    s.call(current);
                }
            }
        } finally {
            if (!finished) {
                synchronized (lock) {
                    delivering = false;
                }
            }
        }
    }

    private static Map<String, GatewayNode> byId(Collection<GatewayNode> nodes) {
        Objects.requireNonNull(nodes, "nodes");
        Map<String, GatewayNode> byId = new TreeMap<>();
        for (GatewayNode node : nodes) {
            Objects.requireNonNull(node, "nodes contains null");
            GatewayNode previous = byId.putIfAbsent(node.nodeId(), node);
            if (previous != null && !previous.equals(node)) {
                throw new IllegalArgumentException("node id '" + node.nodeId() + "' is used by two different nodes: "
                        + previous + " and " + node);
            }
        }
        return byId;
    }

    /** An immutable set in ascending node id order ({@code sorted} is already sorted by id). */
    private static Set<GatewayNode> snapshot(Map<String, GatewayNode> sorted) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(sorted.values()));
    }

    private static final class Subscriber {

        final MembershipListener listener;
        /** Touched only by the delivering thread; the lock hands it from one deliverer to the next. */
        long seenVersion = -1;
        /** Guarded by this subscriber's monitor, which a call holds throughout. */
        private boolean active = true;

        Subscriber(MembershipListener listener) {
            this.listener = listener;
        }

        /**
         * Calls the listener unless it has been removed. Holding the monitor makes {@link #deactivate}
         * wait for a call under way on another thread, so that no call starts or runs after close()
         * returns; a close from inside the call itself re-enters the monitor and does not wait.
         */
        synchronized void call(Set<GatewayNode> current) {
            if (!active) {
                return;
            }
            try {
                listener.membersChanged(current);
            } catch (RuntimeException e) {
                LOG.warn("Membership listener {} threw; the membership carries on", listener, e);
            }
        }

        synchronized void deactivate() {
            active = false;
        }
    }
}
