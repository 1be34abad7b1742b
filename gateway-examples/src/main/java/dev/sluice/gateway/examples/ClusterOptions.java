package dev.sluice.gateway.examples;

import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.membership.KafkaMembership;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The demo's gateway cluster settings ({@code --cluster-id}, {@code --node-id}, {@code --rack} and
 * the advanced {@code --membership-session-timeout}), checked: this demo is one node of a gateway
 * cluster whose nodes find each other through the {@linkplain KafkaMembership Kafka-backed
 * membership} on their upstream cluster. Nodes started with the same cluster id in front of the same
 * Kafka cluster form one gateway cluster.
 *
 * <pre>
 *   node 1:  --embedded-brokers 1 --cluster-id c1 --node-id n1 --port 9192     READY ... upstream=localhost:41395
 *   node 2:  --bootstrap localhost:41395 --cluster-id c1 --node-id n2 --port 9292
 *   stdout:  MEMBERS n1@localhost:9192,n2@localhost:9292
 * </pre>
 *
 * <pre>{@code
 * ClusterOptions cluster = new ClusterOptions("c1", "n1", "rack-a", Duration.ofSeconds(10), Balancing.INTERNAL);
 * cluster.self("localhost", 9192);                  // GatewayNode[n1, localhost, [9192], rack-a]
 * cluster.membership("localhost:9092");             // a KafkaMembership, group sluice-gateway-c1
 * ClusterOptions.membersLine(membership.alive());   // "MEMBERS n1@localhost:9192/rack-a,..."
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Node ids MUST differ within a cluster: when two nodes share one, the later wins and the
 *       other is left out (and logged as an error).
 *   <li>The session timeout must lie within the brokers' {@code group.min.session.timeout.ms} (6 s
 *       by default) and {@code group.max.session.timeout.ms}, or the node cannot join and the demo
 *       does not start. The demo's embedded cluster accepts down to {@value #EMBEDDED_MIN_SESSION_MS} ms.
 * </ul>
 *
 * @param clusterId the gateway cluster's id ({@code --cluster-id}): 1 to 200 letters, digits,
 *     {@code .}, {@code _}, {@code -}
 * @param nodeId this node's id within the cluster ({@code --node-id}), with the same characters
 * @param rack this node's rack ({@code --rack}), with the same characters, or {@code null}
 * @param sessionTimeout how soon the others drop this node after it dies ({@code
 *     --membership-session-timeout}); {@value #MIN_SESSION_MS} ms to 1 h
 * @param balancing how clients are spread over the nodes
 */
public record ClusterOptions(
        String clusterId, String nodeId, @Nullable String rack, Duration sessionTimeout, Balancing balancing) {

    /** The session timeout when {@code --membership-session-timeout} is not given (KafkaMembership's default). */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(10);
    /** The shortest session timeout the demo accepts, in milliseconds. */
    public static final int MIN_SESSION_MS = 1000;
    /** The embedded cluster's {@code group.min.session.timeout.ms} when it is started for a gateway cluster. */
    public static final int EMBEDDED_MIN_SESSION_MS = 1000;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)");

    /** How a gateway cluster spreads clients over its nodes. */
    public enum Balancing {
        /**
         * No load balancer in front: each node tells each client, per broker, one alive node's host
         * and that broker's port (rendezvous hashing salted with the client), so clients spread over
         * the nodes and move off a node that dies or leaves.
         */
        INTERNAL,
        /**
         * A TCP load balancer in front ({@code --advertised-host} names it): every node advertises the
         * balancer's host and its own port plan, and any node serves any broker port. The nodes still
         * join the membership, so each prints who is in the cluster.
         */
        EXTERNAL
    }

    /**
     * Checks the settings, in terms of the command line.
     *
     * @throws UsageException when an id or the rack has characters outside the allowed set or is too
     *     long, or the session timeout is out of range
     */
    public ClusterOptions {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(sessionTimeout, "sessionTimeout");
        Objects.requireNonNull(balancing, "balancing");
        try {
            KafkaMembership.builder().clusterId(clusterId);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--cluster-id: " + e.getMessage());
        }
        checkId("--node-id", nodeId);
        if (rack != null) {
            checkId("--rack", rack);
        }
        if (sessionTimeout.toMillis() < MIN_SESSION_MS || sessionTimeout.compareTo(Duration.ofHours(1)) > 0) {
            throw new UsageException("--membership-session-timeout must be between " + MIN_SESSION_MS + "ms and 1 h,"
                    + " was " + format(sessionTimeout));
        }
    }

    /**
     * Parses a duration as the command line gives it: a whole number and a unit, {@code ms}, {@code
     * s} or {@code m} ({@code 500ms}, {@code 3s}, {@code 2m}).
     *
     * @throws UsageException naming {@code flag} when the text is not such a duration
     */
    static Duration parseDuration(String flag, String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.matches()) {
            throw new UsageException(flag + " takes a whole number and a unit, ms, s or m (as in 3s), was '" + text
                    + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    /** This node as the others see it: its id, the host clients reach it at, its bootstrap port, its rack. */
    public GatewayNode self(String advertisedHost, int bootstrapPort) {
        return new GatewayNode(nodeId, advertisedHost, List.of(bootstrapPort), rack);
    }

    /**
     * A new Kafka-backed membership on {@code upstream} for this node: consumer group {@code
     * sluice-gateway-<clusterId>}, thread and client ids prefixed with the node id. It starts nothing
     * until joined.
     */
    public KafkaMembership membership(String upstream) {
        return KafkaMembership.builder()
                .bootstrapServers(upstream)
                .clusterId(clusterId)
                .name("sluice-demo-" + nodeId)
                .sessionTimeout(sessionTimeout)
                .build();
    }

    /**
     * The line the demo prints when the alive set changes: {@code MEMBERS } and, for each node in
     * the given order, {@code ID@HOST:PORT} (its bootstrap port) with {@code /RACK} when it has one,
     * separated by commas; {@code MEMBERS} alone for none.
     */
    public static String membersLine(Iterable<GatewayNode> alive) {
        StringJoiner members = new StringJoiner(",", "MEMBERS ", "").setEmptyValue("MEMBERS");
        for (GatewayNode node : alive) {
            StringBuilder member = new StringBuilder(node.nodeId()).append('@').append(hostForPort(node.advertisedHost()));
            if (!node.listenerPorts().isEmpty()) {
                member.append(':').append(node.listenerPorts().get(0));
            }
            if (node.rack() != null) {
                member.append('/').append(node.rack());
            }
            members.add(member);
        }
        return members.toString();
    }

    /** {@code 3s} rather than {@code PT3S}, for messages. */
    static String format(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** An IPv6 literal in brackets, as in {@code [::1]:9192}; other hosts as they are. */
    private static String hostForPort(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static void checkId(String flag, String id) {
        if (!ID.matcher(id).matches()) {
            throw new UsageException(flag + " must be 1 to 200 letters, digits, '.', '_' or '-', was '" + id + "'");
        }
    }
}
