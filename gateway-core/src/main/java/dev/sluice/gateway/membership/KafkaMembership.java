package dev.sluice.gateway.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.membership.MembershipListener;
import dev.sluice.gateway.internal.membership.MemberCodec;
import dev.sluice.gateway.internal.membership.MemberEntry;
import dev.sluice.gateway.internal.membership.MembershipAssignor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Membership} that needs no infrastructure besides the upstream Kafka cluster: the gateway
 * nodes configured with the same cluster id join one consumer group, {@code sluice-gateway-<clusterId>},
 * subscribed to a one-partition internal topic, and learn the alive set from the group itself. The
 * group protocol is the heartbeat: a node that dies stops heartbeating and drops out within the
 * session timeout; a node that {@linkplain #leave leaves} sends a LeaveGroup and drops out at once.
 * Nothing is ever written to the topic.
 *
 * <pre>{@code
 * KafkaMembership membership = KafkaMembership.builder()
 *         .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *         .clientProperties(Map.of("security.protocol", "SASL_SSL", ...))   // as for any client of this cluster
 *         .clusterId("orders-gateway")
 *         .build();
 * membership.addListener(alive -> mapping = NodeMapping.of(alive));
 * membership.join(self).toCompletableFuture().get();   // fails with a GatewayException after joinTimeout
 * ...
 * membership.leave().toCompletableFuture().get();      // the others see it gone within a heartbeat or two
 * }</pre>
 *
 * <h2>How it works</h2>
 * Each node's JoinGroup carries its {@link GatewayNode} (a versioned, bounded encoding); the group
 * leader's assignor hands every member the list of all of them, so on every rebalance every node
 * learns the same alive set. Rebalances happen exactly when a node joins, leaves, changes its
 * description or is dropped by the group coordinator. The classic group protocol is used ({@code
 * group.protocol=classic}) because KIP-848 groups do not run client-side assignors.
 *
 * <h2>Threading</h2>
 * Each {@code join} (after a {@code leave}, or the first) starts one daemon thread, {@code
 * <name>-membership}, which polls the group's consumer; the consumer's own heartbeat thread
 * heartbeats. Listeners are called on that thread (or on the thread that {@linkplain #addListener
 * adds} them, for the first call), one call at a time, in order, never under a lock; a listener that
 * throws is logged and does not stop the thread. Stages returned by {@code join} complete on the
 * common pool, not on the membership's thread. Every method is thread-safe; {@link #alive()} never
 * blocks.
 *
 * <h2>Semantics</h2>
 * <ul>
 *   <li>{@link #join} completes once a roster listing this node arrived, so {@link #alive()} then
 *       contains it and the other members have seen it (they get the same roster). It completes
 *       exceptionally with a {@link dev.sluice.gateway.api.GatewayException} saying why after {@link
 *       Builder#joinTimeout}, or at once on a fatal error (authorization, a session timeout outside
 *       the broker's {@code group.min/max.session.timeout.ms}).
 *   <li>{@link #leave} completes once the consumer has closed (its LeaveGroup answered or timed out).
 *       The alive set is then the last one seen without this node, and is no longer updated until the
 *       next {@code join}.
 *   <li>Node ids must be unique. When two members share one, the one that joined later wins on every
 *       node and the other is logged as an error and left out.
 *   <li>While this node cannot reach Kafka its view is frozen, and the others drop it within the
 *       session timeout; it rejoins by itself when Kafka is back.
 *   <li>Snapshots are immutable and iterate in ascending node id order.
 * </ul>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The broker bounds the session timeout with {@code group.min.session.timeout.ms} (default
 *       6 s) and {@code group.max.session.timeout.ms}; a value outside fails {@code join}.
 *   <li>The nodes need, on the upstream cluster: READ on group {@code sluice-gateway-<clusterId>},
 *       DESCRIBE and READ on the topic, and CREATE on it unless an administrator creates it (one
 *       partition).
 *   <li>A listener that blocks holds up this node's part in rebalances, and with it every node's view
 *       (for at most {@code max(30 s, session timeout)}, after which the group drops this node).
 *   <li>Which kafka-clients types are involved follows the kafka-clients version; none appears in this
 *       class's API.
 * </ul>
 */
public final class KafkaMembership implements Membership {

    private static final Pattern CLUSTER_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    private final KafkaMembershipSettings settings;
    /** Delivers the alive set to listeners with StaticMembership's ordering and containment rules. */
    private final StaticMembership view = StaticMembership.of(List.of());
    private final Object lock = new Object();

    // Guarded by lock.
    private @Nullable MembershipSession session;
    private long lastIncarnation;

    private KafkaMembership(KafkaMembershipSettings settings) {
        this.settings = settings;
    }

    /** A builder; {@link Builder#bootstrapServers} and {@link Builder#clusterId} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Joins the group as {@code self}, or, while joined, changes this node's description (a
     * rebalance tells the others). Joining again with the same description returns at once.
     *
     * @throws IllegalArgumentException when {@code self} cannot be carried (a string longer than 1024
     *     UTF-8 bytes, more than 4096 ports)
     */
    @Override
    public CompletionStage<Void> join(GatewayNode self) {
        Objects.requireNonNull(self, "self");
        MemberCodec.encodeEntry(new MemberEntry(0, self));   // fails fast on what cannot be carried
        synchronized (lock) {
            MembershipSession current = session;
            if (current != null && current.active()) {
                return current.rejoinAs(self);
            }
            CompletionStage<Void> previous = current == null ? CompletableFuture.completedStage(null) : current.stopped();
            lastIncarnation = Math.max(System.currentTimeMillis(), lastIncarnation + 1);
            MembershipSession next = new MembershipSession(settings, this, self, lastIncarnation);
            session = next;
            return next.start(previous);
        }
    }

    @Override
    public Set<GatewayNode> alive() {
        return view.alive();
    }

    @Override
    public Registration addListener(MembershipListener listener) {
        return view.addListener(listener);
    }

    /**
     * Leaves the group: closes the consumer, which sends a LeaveGroup so that the others rebalance
     * at once. Completes when the consumer is closed; a join still pending fails.
     */
    @Override
    public CompletionStage<Void> leave() {
        MembershipSession current;
        synchronized (lock) {
            current = session;
        }
        if (current == null) {
            return CompletableFuture.completedStage(null);
        }
        current.requestStop(MembershipSession.Stop.LEAVE);
        return current.stopped();
    }

    /**
     * Stops taking part as a crashed process would: the polling thread closes the consumer without a
     * LeaveGroup, so the others notice only when the session times out. For tests.
     */
    CompletionStage<Void> crashForTest() {
        MembershipSession current;
        synchronized (lock) {
            current = session;
        }
        if (current == null) {
            return CompletableFuture.completedStage(null);
        }
        current.requestStop(MembershipSession.Stop.CRASH);
        return current.stopped();
    }

    @Override
    public String toString() {
        return "KafkaMembership[group " + settings.groupId() + " on " + settings.bootstrapServers() + ", alive "
                + view.alive() + "]";
    }

    /** A new roster arrived on {@code from}'s thread. */
    void rosterChanged(MembershipSession from, List<GatewayNode> nodes) {
        if (isCurrent(from)) {
            view.update(nodes);
        }
    }

    /** {@code from} left the group; this node is no longer alive in its own view. */
    void sessionLeft(MembershipSession from) {
        if (isCurrent(from)) {
            String me = from.self().nodeId();
            List<GatewayNode> others = new ArrayList<>(view.alive());
            others.removeIf(node -> node.nodeId().equals(me));
            view.update(others);
        }
    }

    private boolean isCurrent(MembershipSession candidate) {
        synchronized (lock) {
            return session == candidate;
        }
    }

    /**
     * Configures a {@link KafkaMembership}. Each setting may be given once; a second call, an
     * invalid value or a missing required setting fails at once with a message quoting the values.
     * Not thread-safe.
     *
     * <pre>{@code
     * KafkaMembership membership = KafkaMembership.builder()
     *         .bootstrapServers("kafka:9092")
     *         .clusterId("edge-eu")
     *         .sessionTimeout(Duration.ofSeconds(10))
     *         .name("gw-1")
     *         .build();
     * }</pre>
     */
    public static final class Builder {

        /** Consumer settings the membership makes itself; {@link #clientProperties} refuses them. */
        static final Set<String> OWNED_PROPERTIES = Set.of(
                "bootstrap.servers", "client.id", "group.id", "group.instance.id", "group.protocol",
                "group.remote.assignor", "partition.assignment.strategy", "session.timeout.ms",
                "heartbeat.interval.ms", "max.poll.interval.ms", "enable.auto.commit", "auto.offset.reset",
                "allow.auto.create.topics", "key.deserializer", "value.deserializer",
                MembershipAssignor.CALLBACK_CONFIG);

        private @Nullable String bootstrapServers;
        private @Nullable Map<String, Object> clientProperties;
        private @Nullable String clusterId;
        private @Nullable String topic;
        private @Nullable Duration sessionTimeout;
        private @Nullable Duration heartbeatInterval;
        private @Nullable Duration joinTimeout;
        private @Nullable String name;
        private short replicationFactor;

        private Builder() {}

        /** The upstream cluster, {@code host:port,...}. Required. */
        public Builder bootstrapServers(String servers) {
            Objects.requireNonNull(servers, "servers");
            once("bootstrapServers", bootstrapServers, servers);
            if (servers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers must not be blank, was '" + servers + "'");
            }
            bootstrapServers = servers;
            return this;
        }

        /**
         * Client settings for the upstream cluster, passed to the membership's consumer and admin
         * client as they are: security ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}),
         * timeouts and the like. Copied. Default: none.
         *
         * @throws IllegalArgumentException for a setting the membership makes itself (group,
         *     assignment, session and deserializer settings, {@code bootstrap.servers}, {@code client.id})
         */
        public Builder clientProperties(Map<String, ?> properties) {
            Objects.requireNonNull(properties, "properties");
            once("clientProperties", clientProperties == null ? null : clientProperties.keySet(), properties.keySet());
            for (String key : properties.keySet()) {
                if (OWNED_PROPERTIES.contains(key)) {
                    throw new IllegalArgumentException("clientProperties must not set '" + key + "' (was '"
                            + properties.get(key) + "'): the Kafka-backed membership sets it itself");
                }
            }
            clientProperties = Map.copyOf(properties);
            return this;
        }

        /**
         * The gateway cluster's id: nodes with the same id (on the same Kafka cluster) form one gateway
         * cluster. 1 to 200 of letters, digits, {@code .}, {@code _}, {@code -}. Required.
         */
        public Builder clusterId(String id) {
            Objects.requireNonNull(id, "id");
            once("clusterId", clusterId, id);
            if (!CLUSTER_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("clusterId must be 1 to 200 letters, digits, '.', '_' or '-', was '"
                        + id + "'");
            }
            clusterId = id;
            return this;
        }

        /**
         * The membership topic (created with one partition if missing; nothing is written to it).
         * Default {@code sluice-gateway-membership}; gateway clusters may share it.
         */
        public Builder topic(String name) {
            Objects.requireNonNull(name, "name");
            once("topic", topic, name);
            if (!TOPIC.matcher(name).matches() || name.equals(".") || name.equals("..")) {
                throw new IllegalArgumentException("topic must be a legal Kafka topic name, was '" + name + "'");
            }
            topic = name;
            return this;
        }

        /**
         * How long after its last heartbeat a node that died is dropped. Default 10 s; at least 100 ms
         * here, and within the broker's {@code group.min.session.timeout.ms} (default 6 s) and
         * {@code group.max.session.timeout.ms}, or {@code join} fails.
         */
        public Builder sessionTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            once("sessionTimeout", sessionTimeout, timeout);
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofHours(1)) > 0) {
                throw new IllegalArgumentException("sessionTimeout must be between 100 ms and 1 h, was " + timeout);
            }
            sessionTimeout = timeout;
            return this;
        }

        /**
         * How often a node heartbeats; also how late, at worst, the others hear of a rebalance (a
         * node joining or leaving). Default {@code min(sessionTimeout / 3, 1 s)}; must be below the
         * session timeout.
         */
        public Builder heartbeatInterval(Duration interval) {
            Objects.requireNonNull(interval, "interval");
            once("heartbeatInterval", heartbeatInterval, interval);
            if (interval.compareTo(Duration.ofMillis(10)) < 0) {
                throw new IllegalArgumentException("heartbeatInterval must be at least 10 ms, was " + interval);
            }
            heartbeatInterval = interval;
            return this;
        }

        /** How long {@code join} may take before it fails, and bounds {@code leave}. Default 30 s. */
        public Builder joinTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            once("joinTimeout", joinTimeout, timeout);
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("joinTimeout must be positive, was " + timeout);
            }
            joinTimeout = timeout;
            return this;
        }

        /** Prefix of the thread and Kafka client ids, e.g. the node id. Default {@code sluice-<clusterId>}. */
        public Builder name(String prefix) {
            Objects.requireNonNull(prefix, "prefix");
            once("name", name, prefix);
            if (prefix.isBlank()) {
                throw new IllegalArgumentException("name must not be blank, was '" + prefix + "'");
            }
            name = prefix;
            return this;
        }

        /** Replication factor of the topic if the membership creates it. Default {@code min(3, brokers)}. */
        public Builder replicationFactor(int factor) {
            if (replicationFactor != 0) {
                throw new IllegalStateException("replicationFactor was already set to " + replicationFactor
                        + ", cannot set " + factor);
            }
            if (factor < 1 || factor > Short.MAX_VALUE) {
                throw new IllegalArgumentException("replicationFactor must be at least 1, was " + factor);
            }
            replicationFactor = (short) factor;
            return this;
        }

        /**
         * A new membership; it starts nothing until {@link KafkaMembership#join}.
         *
         * @throws IllegalStateException when {@code bootstrapServers} or {@code clusterId} is missing,
         *     or the heartbeat interval is not below the session timeout
         */
        public KafkaMembership build() {
            if (bootstrapServers == null) {
                throw new IllegalStateException("bootstrapServers(...) is required");
            }
            if (clusterId == null) {
                throw new IllegalStateException("clusterId(...) is required");
            }
            Duration session = sessionTimeout != null ? sessionTimeout : Duration.ofSeconds(10);
            Duration heartbeat = heartbeatInterval != null ? heartbeatInterval : min(session.dividedBy(3), Duration.ofSeconds(1));
            if (heartbeat.compareTo(session) >= 0) {
                throw new IllegalStateException("heartbeatInterval (" + heartbeat + ") must be below sessionTimeout ("
                        + session + ")");
            }
            return new KafkaMembership(new KafkaMembershipSettings(
                    bootstrapServers,
                    clientProperties != null ? clientProperties : Map.of(),
                    clusterId,
                    topic != null ? topic : "sluice-gateway-membership",
                    session,
                    heartbeat,
                    joinTimeout != null ? joinTimeout : Duration.ofSeconds(30),
                    name != null ? name : "sluice-" + clusterId,
                    replicationFactor));
        }

        private static void once(String setting, @Nullable Object current, Object value) {
            if (current != null) {
                throw new IllegalStateException(setting + " was already set to '" + current + "', cannot set '"
                        + value + "'");
            }
        }

        private static Duration min(Duration a, Duration b) {
            return a.compareTo(b) <= 0 ? a : b;
        }
    }
}
