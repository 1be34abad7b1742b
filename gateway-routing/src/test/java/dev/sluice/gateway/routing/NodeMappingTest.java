package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.membership.GatewayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class NodeMappingTest {

    private static final GatewayNode G1 = node("gw-1", null);
    private static final GatewayNode G2 = node("gw-2", null);
    private static final GatewayNode G3 = node("gw-3", null);
    private static final List<BrokerNode> SIX_BROKERS = brokers(1, 2, 3, 4, 5, 6);
    private static final int CLIENTS = 10_000;

    // --- determinism ---

    @Test
    void sameInputsGiveTheSameMappingWhateverTheOrderOfNodesAndBrokers() {
        List<BrokerNode> reversed = new ArrayList<>(SIX_BROKERS);
        Collections.reverse(reversed);

        for (int c = 0; c < 200; c++) {
            String client = clientKey(c);
            Map<Integer, GatewayNode> first = NodeMapping.of(List.of(G1, G2, G3)).assign(SIX_BROKERS, client);
            assertThat(NodeMapping.of(new LinkedHashSet<>(List.of(G3, G1, G2))).assign(reversed, client))
                    .isEqualTo(first);
            assertThat(NodeMapping.assign(SIX_BROKERS, Set.of(G2, G3, G1), client)).isEqualTo(first);
        }
    }

    /**
     * Pins the hash: every gateway node of a cluster must compute the same mapping, including nodes on
     * another JVM or another Sluice release. If this test fails, the change moves every client's
     * brokers on upgrade: do not just update the expected values.
     */
    @Test
    void mappingIsPinnedAcrossJvmsAndReleases() {
        assertThat(NodeMapping.hash64("")).isEqualTo(0xefd01f60ba992926L);
        assertThat(NodeMapping.hash64("gw-1")).isEqualTo(PINNED_HASH_GW1);
        assertThat(NodeMapping.hash64("\u00e9\ud83d\ude00")).as("hashes UTF-16 code units").isEqualTo(0x576e4076fa896fccL);
        NodeMapping mapping = NodeMapping.of(List.of(G1, G2, G3));

        assertThat(ids(mapping.assign(SIX_BROKERS, "10.0.0.7/producer-1"))).isEqualTo(PINNED_CLIENT_1);
        assertThat(ids(mapping.assign(SIX_BROKERS, "10.0.0.8/consumer-1"))).isEqualTo(PINNED_CLIENT_2);
    }

    @Test
    void nodeForAgreesWithAssign() {
        NodeMapping mapping = NodeMapping.of(List.of(G1, G2, G3));
        List<BrokerNode> brokers = List.of(broker(1, "a"), broker(2, null), broker(7, "b"));

        for (int c = 0; c < 100; c++) {
            Map<Integer, GatewayNode> assigned = mapping.assign(brokers, clientKey(c));
            for (BrokerNode broker : brokers) {
                assertThat(mapping.nodeFor(broker, clientKey(c))).isEqualTo(assigned.get(broker.id()));
            }
        }
    }

    @Test
    void resultIsImmutableInAscendingBrokerIdOrder() {
        Map<Integer, GatewayNode> mapping = NodeMapping.assign(brokers(30, 10, 20), List.of(G1, G2), "c");

        assertThat(mapping.keySet()).containsExactly(10, 20, 30);
        assertThatThrownBy(() -> mapping.put(40, G1)).isInstanceOf(UnsupportedOperationException.class);
    }

    // --- spread and balance ---

    @Test
    void differentClientsGetDifferentMappings() {
        NodeMapping mapping = NodeMapping.of(List.of(G1, G2, G3));
        Set<Map<Integer, String>> distinct = new HashSet<>();

        for (int c = 0; c < 1_000; c++) {
            distinct.add(ids(mapping.assign(SIX_BROKERS, clientKey(c))));
        }

        // 3^6 = 729 possible mappings; 1000 uniform draws hit about 545 of them.
        assertThat(distinct).hasSizeGreaterThan(450);
    }

    @Test
    void tenThousandClientsSpreadSixBrokersEvenlyOverThreeNodes() {
        NodeMapping mapping = NodeMapping.of(List.of(G1, G2, G3));
        Map<String, Integer> perNode = new TreeMap<>();
        Map<Integer, Map<String, Integer>> perBroker = new TreeMap<>();

        for (int c = 0; c < CLIENTS; c++) {
            mapping.assign(SIX_BROKERS, clientKey(c)).forEach((broker, node) -> {
                perNode.merge(node.nodeId(), 1, Integer::sum);
                perBroker.computeIfAbsent(broker, b -> new TreeMap<>()).merge(node.nodeId(), 1, Integer::sum);
            });
        }

        // 60,000 assignments, 20,000 expected per node (standard deviation ~115): within 2%.
        assertThat(perNode).hasSize(3);
        assertThat(perNode.values()).allSatisfy(count -> assertThat(count).isBetween(19_600, 20_400));
        // And each broker on its own: 3,333 of the 10,000 clients per node (sd ~47), within 5%.
        perBroker.forEach((broker, counts) -> assertThat(counts.values()).as("broker %d", broker)
                .hasSize(3)
                .allSatisfy(count -> assertThat(count).isBetween(3_166, 3_500)));
    }

    // --- racks ---

    @Test
    void brokersGoToTheNodeInTheirRackWhenOneIsAlive() {
        NodeMapping mapping = NodeMapping.of(List.of(node("gw-a", "a"), node("gw-b", "b"), node("gw-c", "c")));
        List<BrokerNode> brokers = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "b"),
                broker(5, "c"), broker(6, "c"));

        for (int c = 0; c < 1_000; c++) {
            assertThat(ids(mapping.assign(brokers, clientKey(c))))
                    .isEqualTo(Map.of(1, "gw-a", 2, "gw-a", 3, "gw-b", 4, "gw-b", 5, "gw-c", 6, "gw-c"));
        }
    }

    @Test
    void brokersSpreadOverTheNodesOfTheirRack() {
        NodeMapping mapping = NodeMapping.of(List.of(node("gw-a1", "a"), node("gw-a2", "a"), node("gw-b", "b")));
        Map<String, Integer> counts = new TreeMap<>();

        for (int c = 0; c < CLIENTS; c++) {
            counts.merge(mapping.nodeFor(broker(1, "a"), clientKey(c)).nodeId(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("gw-a1", "gw-a2");
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(4_800, 5_200));
    }

    @Test
    void brokersOfARackWithoutAliveNodesFallBackToEveryNode() {
        NodeMapping mapping = NodeMapping.of(List.of(node("gw-b", "b"), node("gw-c", "c"), node("gw-x", null)));
        Map<String, Integer> counts = new TreeMap<>();

        for (int c = 0; c < CLIENTS; c++) {
            counts.merge(mapping.nodeFor(broker(1, "a"), clientKey(c)).nodeId(), 1, Integer::sum);
        }

        assertThat(counts).containsOnlyKeys("gw-b", "gw-c", "gw-x");
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(3_166, 3_500));
    }

    @Test
    void brokersWithoutARackUseEveryNodeEvenWhenNodesHaveRacks() {
        NodeMapping mapping = NodeMapping.of(List.of(node("gw-a", "a"), node("gw-b", "b")));
        Set<String> used = new HashSet<>();

        for (int c = 0; c < 100; c++) {
            used.add(mapping.nodeFor(broker(1, null), clientKey(c)).nodeId());
        }

        assertThat(used).containsExactlyInAnyOrder("gw-a", "gw-b");
    }

    @Test
    void whenTheLastNodeOfARackLeavesItsBrokersFallBackAndReturnWhenItRejoins() {
        GatewayNode rackA = node("gw-a", "a");
        List<GatewayNode> all = List.of(rackA, node("gw-b", "b"), node("gw-c", "c"));
        List<BrokerNode> brokers = List.of(broker(1, "a"), broker(3, "b"), broker(5, "c"));

        for (int c = 0; c < 500; c++) {
            Map<Integer, String> before = ids(NodeMapping.assign(brokers, all, clientKey(c)));
            Map<Integer, String> without = ids(NodeMapping.assign(brokers, all.subList(1, 3), clientKey(c)));

            assertThat(before).isEqualTo(Map.of(1, "gw-a", 3, "gw-b", 5, "gw-c"));
            assertThat(without.get(1)).isIn("gw-b", "gw-c");
            assertThat(without).containsEntry(3, "gw-b").containsEntry(5, "gw-c");
        }
    }

    // --- stability ---

    @Test
    void whenANodeLeavesOnlyTheBrokersThatWereOnItMove() {
        List<BrokerNode> brokers = manyBrokers(12);
        NodeMapping three = NodeMapping.of(List.of(G1, G2, G3));
        NodeMapping withoutG2 = NodeMapping.of(List.of(G1, G3));
        int moved = 0;

        for (int c = 0; c < CLIENTS; c++) {
            Map<Integer, GatewayNode> before = three.assign(brokers, clientKey(c));
            Map<Integer, GatewayNode> after = withoutG2.assign(brokers, clientKey(c));
            for (BrokerNode broker : brokers) {
                GatewayNode was = before.get(broker.id());
                GatewayNode now = after.get(broker.id());
                if (was.equals(G2)) {
                    assertThat(now).isIn(G1, G3);
                    moved++;
                } else {
                    assertThat(now).as("client %d broker %d", c, broker.id()).isEqualTo(was);
                }
            }
        }

        assertThat(moved).as("about a third of the assignments were on gw-2").isBetween(38_000, 42_000);
    }

    @Test
    void whenANodeJoinsOnlyBrokersThatMoveToItChange() {
        List<BrokerNode> brokers = manyBrokers(12);
        GatewayNode g4 = node("gw-4", null);
        NodeMapping three = NodeMapping.of(List.of(G1, G2, G3));
        NodeMapping four = NodeMapping.of(List.of(G1, G2, G3, g4));
        int movedToNew = 0;

        for (int c = 0; c < CLIENTS; c++) {
            Map<Integer, GatewayNode> before = three.assign(brokers, clientKey(c));
            Map<Integer, GatewayNode> after = four.assign(brokers, clientKey(c));
            for (BrokerNode broker : brokers) {
                GatewayNode now = after.get(broker.id());
                if (now.equals(g4)) {
                    movedToNew++;
                } else {
                    assertThat(now).as("client %d broker %d", c, broker.id()).isEqualTo(before.get(broker.id()));
                }
            }
        }

        assertThat(movedToNew).as("the new node takes about a quarter").isBetween(28_500, 31_500);
    }

    @Test
    void movementStaysMinimalWithRacks() {
        GatewayNode a1 = node("gw-a1", "a");
        GatewayNode a2 = node("gw-a2", "a");
        GatewayNode b1 = node("gw-b1", "b");
        List<BrokerNode> brokers = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, null),
                broker(5, "c"));
        NodeMapping before = NodeMapping.of(List.of(a1, a2, b1));
        NodeMapping after = NodeMapping.of(List.of(a2, b1));

        for (int c = 0; c < 2_000; c++) {
            Map<Integer, GatewayNode> was = before.assign(brokers, clientKey(c));
            Map<Integer, GatewayNode> now = after.assign(brokers, clientKey(c));
            for (BrokerNode broker : brokers) {
                if (!was.get(broker.id()).equals(a1)) {
                    assertThat(now.get(broker.id())).isEqualTo(was.get(broker.id()));
                }
            }
            assertThat(now.get(1)).isEqualTo(a2);
            assertThat(now.get(2)).isEqualTo(a2);
        }
    }

    // --- edges and hostile inputs ---

    @Test
    void oneNodeServesEveryBroker() {
        Map<Integer, GatewayNode> mapping = NodeMapping.assign(brokers(1, 2, 3), List.of(G1), "client");

        assertThat(mapping).isEqualTo(Map.of(1, G1, 2, G1, 3, G1));
    }

    @Test
    void noBrokersMapToNothing() {
        assertThat(NodeMapping.assign(List.of(), List.of(G1), "client")).isEmpty();
    }

    @Test
    void emptyAliveSetIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> NodeMapping.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no alive gateway node to map brokers to");
    }

    @Test
    void twoDifferentAliveNodesWithOneIdAreRefused() {
        GatewayNode otherG1 = new GatewayNode("gw-1", "elsewhere", List.of(9092), null);

        assertThatThrownBy(() -> NodeMapping.of(List.of(G1, otherG1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gateway node id 'gw-1' is used by two different alive nodes");
        assertThat(NodeMapping.of(List.of(G1, G1)).alive()).containsExactly(G1);
    }

    @Test
    void brokerNamedTwiceGetsOneEntry() {
        Map<Integer, GatewayNode> mapping = NodeMapping.assign(brokers(1, 2, 1, 1), List.of(G1, G2, G3), "client");

        assertThat(mapping).containsOnlyKeys(1, 2);
        assertThat(mapping).isEqualTo(NodeMapping.assign(brokers(1, 2), List.of(G1, G2, G3), "client"));
    }

    @Test
    void brokerNamedTwiceWithDifferentRacksIsTreatedAsRacklessWhateverTheOrder() {
        NodeMapping mapping = NodeMapping.of(List.of(node("gw-a", "a"), node("gw-b", "b"), node("gw-c", "c")));

        for (int c = 0; c < 200; c++) {
            Map<Integer, GatewayNode> ab = mapping.assign(List.of(broker(1, "a"), broker(1, "b")), clientKey(c));
            Map<Integer, GatewayNode> ba = mapping.assign(List.of(broker(1, "b"), broker(1, "a")), clientKey(c));

            assertThat(ab).isEqualTo(ba).containsEntry(1, mapping.nodeFor(broker(1, null), clientKey(c)));
        }
    }

    @Test
    void manyBrokersWithExtremeIdsAreAllMappedAndBalanced() {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            brokers.add(broker(i * 400_000, null));   // sparse, up to ~2e9
        }
        brokers.add(broker(Integer.MAX_VALUE, null));
        brokers.add(broker(0, null));   // duplicate of the first
        Map<String, Integer> counts = new HashMap<>();

        Map<Integer, GatewayNode> mapping = NodeMapping.assign(brokers, List.of(G1, G2, G3), "one-client");
        mapping.values().forEach(node -> counts.merge(node.nodeId(), 1, Integer::sum));

        assertThat(mapping).hasSize(5_001).containsKey(Integer.MAX_VALUE);
        assertThat(counts.values()).allSatisfy(count -> assertThat(count).isBetween(1_567, 1_767));
    }

    @Test
    void anyClientKeyIsAccepted() {
        NodeMapping mapping = NodeMapping.of(List.of(G1, G2));

        assertThat(mapping.assign(SIX_BROKERS, "")).hasSize(6);
        assertThat(mapping.assign(SIX_BROKERS, "\u0000\uffff\ud83d\ude00".repeat(1_000))).hasSize(6);
    }

    @Test
    void nullsAreRefusedByName() {
        NodeMapping mapping = NodeMapping.of(List.of(G1));

        assertThatThrownBy(() -> NodeMapping.of(null)).hasMessage("alive");
        assertThatThrownBy(() -> mapping.assign(null, "c")).hasMessage("brokers");
        assertThatThrownBy(() -> mapping.assign(SIX_BROKERS, null)).hasMessage("clientKey");
        assertThatThrownBy(() -> mapping.assign(Arrays.asList(broker(1, null), null), "c"))
                .hasMessage("brokers contains null");
    }

    // --- helpers ---

    // Computed by an independent reimplementation of the documented hash (Python), not by this code.
    private static final long PINNED_HASH_GW1 = 0x8e7c83f54c3d933dL;
    private static final Map<Integer, String> PINNED_CLIENT_1 =
            Map.of(1, "gw-3", 2, "gw-1", 3, "gw-3", 4, "gw-1", 5, "gw-1", 6, "gw-1");
    private static final Map<Integer, String> PINNED_CLIENT_2 =
            Map.of(1, "gw-2", 2, "gw-1", 3, "gw-1", 4, "gw-1", 5, "gw-3", 6, "gw-3");

    private static String clientKey(int i) {
        return "10.1." + (i / 250) + "." + (i % 250) + "/client-" + i;
    }

    private static GatewayNode node(String id, @Nullable String rack) {
        return new GatewayNode(id, id + ".example.com", List.of(9092, 9093), rack);
    }

    private static BrokerNode broker(int id, @Nullable String rack) {
        return new BrokerNode(id, "kafka-" + id + ".internal", 9092, rack);
    }

    private static List<BrokerNode> brokers(int... ids) {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(broker(id, null));
        }
        return brokers;
    }

    private static List<BrokerNode> manyBrokers(int count) {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            brokers.add(broker(100 + i, null));
        }
        return brokers;
    }

    private static Map<Integer, String> ids(Map<Integer, GatewayNode> mapping) {
        Map<Integer, String> ids = new TreeMap<>();
        mapping.forEach((broker, node) -> ids.put(broker, node.nodeId()));
        return ids;
    }
}
