package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.membership.GatewayNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Decides, for one client, which alive gateway node to advertise for each broker: the mapping a
 * multi-node gateway without a load balancer writes into that client's metadata.
 *
 * <p>The mapping is a pure function of the alive gateway nodes, the broker (id and rack) and a
 * client key; it starts no threads and keeps no state between calls.
 * <ul>
 *   <li><b>Deterministic everywhere.</b> The same inputs give the same answer on every gateway node,
 *       JVM and run: nothing depends on identity hash codes, {@code String.hashCode}, random seeds or
 *       collection order. So whichever node a client asks, it is told the same thing.
 *   <li><b>Spread per client.</b> The client key salts the choice, so two clients usually reach a
 *       broker through different nodes, and over many clients every node serves about
 *       {@code brokers / nodes} of each client's brokers.
 *   <li><b>Rack-aware.</b> A broker with a rack goes to a node in the same rack when one is alive,
 *       and to any alive node otherwise.
 *   <li><b>Stable.</b> When a node leaves, only the brokers that were on it move; when a node joins,
 *       only brokers that move <em>to</em> it change. No other broker of any client moves.
 * </ul>
 *
 * <h2>How</h2>
 * Rendezvous (highest-random-weight) hashing: each candidate node gets a score for the pair
 * (client key, broker id), and the highest score wins. A node's score for a pair never depends on
 * the other nodes, which gives the stability above. The score is {@code fmix64(pair ^ node)}, where
 * {@code node} is a 64-bit hash of the node id, {@code pair = fmix64(client + (brokerId + 1) *
 * 0x9E3779B97F4A7C15)}, {@code client} a 64-bit hash of the client key, {@code fmix64} MurmurHash3's
 * 64-bit finaliser, and the string hash 64-bit FNV-1a over the string's UTF-16 code units followed by
 * {@code fmix64}. Scores compare as unsigned numbers; a tie (only possible when two node ids share a
 * 64-bit hash) goes to the smaller node id.
 *
 * <p>There is deliberately no per-client load bound ("no node gets more than {@code ceil(brokers /
 * nodes) + 1} of one client's brokers"): any bound makes a broker's node depend on where the
 * client's other brokers went, so one node leaving would move brokers that were not on it, and a
 * bound also fights rack preference. What matters for load is the total over all clients, which
 * rendezvous hashing balances on its own; a single client with few brokers can see an uneven split.
 *
 * <pre>{@code
 * NodeMapping mapping = NodeMapping.of(membership.alive());     // once per membership change
 * String clientKey = clientAddress.getHostString() + "/" + clientId;
 * Map<Integer, GatewayNode> nodes = mapping.assign(brokers, clientKey);
 * GatewayNode forBroker100 = nodes.get(100);
 * }</pre>
 *
 * <h2>Threading</h2>
 * Immutable and thread-safe: build one per alive set and share it between event loops.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Every gateway node of a cluster MUST run the same mapping: the hash above is part of the
 *       contract and is pinned by tests; changing it moves every client's brokers.
 *   <li>The client key MUST be something the client presents the same way to every node (its
 *       address and client id, say), or a client sees a different mapping on each node it asks.
 *   <li>Gateway node ids are identities: two alive nodes with one id are refused.
 * </ul>
 */
public final class NodeMapping {

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    /** Alive nodes in ascending node id order. */
    private final GatewayNode[] nodes;
    /** {@code nodeHashes[i]} is the hash of {@code nodes[i].nodeId()}. */
    private final long[] nodeHashes;
    /** Indexes into {@link #nodes} of every node, then per rack of the nodes in that rack. */
    private final int[] everyNode;
    private final Map<String, int[]> nodesByRack;
    private final Set<GatewayNode> alive;

    private NodeMapping(GatewayNode[] nodes) {
        this.nodes = nodes;
        this.nodeHashes = new long[nodes.length];
        this.everyNode = new int[nodes.length];
        Map<String, List<Integer>> racks = new HashMap<>();
        Set<GatewayNode> ordered = new LinkedHashSet<>();
        for (int i = 0; i < nodes.length; i++) {
            nodeHashes[i] = hash64(nodes[i].nodeId());
            everyNode[i] = i;
            String rack = nodes[i].rack();
            if (rack != null) {
                racks.computeIfAbsent(rack, r -> new ArrayList<>()).add(i);
            }
            ordered.add(nodes[i]);
        }
        Map<String, int[]> byRack = new HashMap<>();
        racks.forEach((rack, indexes) -> byRack.put(rack, indexes.stream().mapToInt(Integer::intValue).toArray()));
        this.nodesByRack = Map.copyOf(byRack);
        this.alive = Collections.unmodifiableSet(ordered);
    }

    /**
     * A mapping over the alive gateway nodes {@code alive}.
     *
     * @throws IllegalArgumentException when {@code alive} is empty, or two different nodes share a
     *     node id (identical entries are collapsed)
     */
    public static NodeMapping of(Collection<GatewayNode> alive) {
        Objects.requireNonNull(alive, "alive");
        Map<String, GatewayNode> byId = new TreeMap<>();
        for (GatewayNode node : alive) {
            Objects.requireNonNull(node, "alive contains null");
            GatewayNode previous = byId.putIfAbsent(node.nodeId(), node);
            if (previous != null && !previous.equals(node)) {
                throw new IllegalArgumentException("gateway node id '" + node.nodeId()
                        + "' is used by two different alive nodes: " + previous + " and " + node);
            }
        }
        if (byId.isEmpty()) {
            throw new IllegalArgumentException(
                    "no alive gateway node to map brokers to: the alive set is empty (has this node joined?)");
        }
        return new NodeMapping(byId.values().toArray(new GatewayNode[0]));
    }

    /**
     * Maps {@code brokers} over {@code alive} for one client: {@code of(alive).assign(brokers,
     * clientKey)}. Prefer keeping the {@link #of} instance when mapping for many clients.
     *
     * @throws IllegalArgumentException when {@code alive} is empty or has two nodes with one id
     */
    public static Map<Integer, GatewayNode> assign(
            Collection<BrokerNode> brokers, Collection<GatewayNode> alive, String clientKey) {
        return of(alive).assign(brokers, clientKey);
    }

    /**
     * The gateway node to advertise to the client {@code clientKey} for each of {@code brokers}.
     *
     * <p>A broker id named more than once gets one entry; its rack counts only when every mention
     * agrees on it (otherwise the broker is treated as having no rack), so the answer does not depend
     * on the order of {@code brokers}.
     *
     * @param brokers the brokers to map (their ids and racks are used; hosts and ports are not)
     * @param clientKey what identifies the client, the same on every gateway node
     * @return broker id to gateway node, for every broker id in {@code brokers}; immutable, in
     *     ascending broker id order
     */
    public Map<Integer, GatewayNode> assign(Collection<BrokerNode> brokers, String clientKey) {
        Objects.requireNonNull(brokers, "brokers");
        Objects.requireNonNull(clientKey, "clientKey");
        TreeMap<Integer, @Nullable String> racks = new TreeMap<>();
        Set<Integer> disputed = null;
        for (BrokerNode broker : brokers) {
            Objects.requireNonNull(broker, "brokers contains null");
            Integer id = broker.id();
            if (!racks.containsKey(id)) {
                racks.put(id, broker.rack());
            } else if (!Objects.equals(racks.get(id), broker.rack())) {
                if (disputed == null) {
                    disputed = new HashSet<>();
                }
                disputed.add(id);
            }
        }
        long client = hash64(clientKey);
        TreeMap<Integer, GatewayNode> result = new TreeMap<>();
        for (Map.Entry<Integer, @Nullable String> entry : racks.entrySet()) {
            int id = entry.getKey();
            @Nullable String rack = disputed != null && disputed.contains(id) ? null : entry.getValue();
            result.put(id, nodes[pick(client, id, rack)]);
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * The gateway node to advertise to the client {@code clientKey} for {@code broker}: the entry
     * {@link #assign} gives it. Allocates nothing.
     */
    public GatewayNode nodeFor(BrokerNode broker, String clientKey) {
        Objects.requireNonNull(broker, "broker");
        Objects.requireNonNull(clientKey, "clientKey");
        return nodes[pick(hash64(clientKey), broker.id(), broker.rack())];
    }

    /** The alive nodes this mapping maps to, in ascending node id order; immutable. */
    public Set<GatewayNode> alive() {
        return alive;
    }

    @Override
    public String toString() {
        return "NodeMapping" + alive;
    }

    /** Index of the node with the highest score for (client, broker) among the rack's candidates. */
    private int pick(long client, int brokerId, @Nullable String rack) {
        int[] candidates = everyNode;
        if (rack != null) {
            int[] sameRack = nodesByRack.get(rack);
            if (sameRack != null) {
                candidates = sameRack;
            }
        }
        long pair = fmix64(client + (brokerId + 1L) * GOLDEN_GAMMA);
        int best = candidates[0];
        long bestScore = fmix64(pair ^ nodeHashes[best]);
        for (int c = 1; c < candidates.length; c++) {
            int i = candidates[c];
            long score = fmix64(pair ^ nodeHashes[i]);
            // Candidates ascend by node id, so a strict comparison gives a tie to the smaller id.
            if (Long.compareUnsigned(score, bestScore) > 0) {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /** 64-bit FNV-1a over the UTF-16 code units, then {@link #fmix64}: the same on every JVM. */
    static long hash64(String s) {
        long h = FNV_OFFSET;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= FNV_PRIME;
        }
        return fmix64(h);
    }

    /** MurmurHash3's 64-bit finaliser: a bijection in which every input bit affects every output bit. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
