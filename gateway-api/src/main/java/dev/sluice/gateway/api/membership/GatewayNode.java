package dev.sluice.gateway.api.membership;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One Sluice gateway node as the other members of its gateway cluster see it: the id it is known
 * by, the host clients reach it at, the ports its listeners are on, and its rack.
 *
 * <p>Immutable and thread-safe. Construction validates and copies:
 * <ul>
 *   <li>{@code nodeId} and {@code advertisedHost} must not be blank;
 *   <li>{@code listenerPorts} is copied, and each port must be in {@code 1..65535} (it may be empty,
 *       say for a node whose listeners are not open yet);
 *   <li>{@code rack} is {@code null} for "no rack", never blank.
 * </ul>
 *
 * <pre>{@code
 * GatewayNode self = new GatewayNode("gw-1", "gw-1.example.com", List.of(9092, 9093, 9094), "eu-west-1a");
 * GatewayNode noRack = new GatewayNode("gw-2", "10.0.0.6", List.of(9092), null);
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The {@code nodeId} is the node's identity: it MUST be unique within a gateway cluster and
 *       SHOULD stay the same across restarts of the same node, since the per-client broker mapping
 *       is derived from it. A node that comes back under a new id moves brokers for every client.
 *   <li>It is unrelated to Kafka broker ids: a gateway node is not a broker.
 * </ul>
 *
 * @param nodeId the node's unique, stable id within its gateway cluster
 * @param advertisedHost the host name or IP literal clients use to reach this node
 * @param listenerPorts the ports this node listens on (copied; each 1..65535)
 * @param rack the node's rack (or availability zone), or {@code null} when racks are not used
 */
public record GatewayNode(String nodeId, String advertisedHost, List<Integer> listenerPorts, @Nullable String rack) {

    public GatewayNode {
        Objects.requireNonNull(nodeId, "nodeId");
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(listenerPorts, "listenerPorts");
        if (nodeId.isBlank()) {
            throw new IllegalArgumentException("nodeId must not be blank, was '" + nodeId + "'");
        }
        if (advertisedHost.isBlank()) {
            throw new IllegalArgumentException(
                    "advertisedHost of node '" + nodeId + "' must not be blank, was '" + advertisedHost + "'");
        }
        if (rack != null && rack.isBlank()) {
            throw new IllegalArgumentException(
                    "rack of node '" + nodeId + "' must be null (no rack) or not blank, was '" + rack + "'");
        }
        // Copy first, so that a list changed concurrently cannot pass validation with one content and
        // be stored with another. List.copyOf would reject a null too, but without saying where.
        Object[] ports = listenerPorts.toArray();
        for (int i = 0; i < ports.length; i++) {
            if (ports[i] == null) {
                throw new NullPointerException("listenerPorts[" + i + "] of node '" + nodeId + "' is null");
            }
            int port = (Integer) ports[i];
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException(
                        "listenerPorts[" + i + "] of node '" + nodeId + "' must be in 1..65535, was " + port);
            }
        }
        @SuppressWarnings("unchecked")
        List<Integer> checked = (List<Integer>) (List<?>) List.of(ports);
        listenerPorts = checked;
    }
}
