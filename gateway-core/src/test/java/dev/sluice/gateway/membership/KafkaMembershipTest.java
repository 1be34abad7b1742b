package dev.sluice.gateway.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.testkit.KafkaCluster;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link KafkaMembership} against a real broker in the test JVM. */
class KafkaMembershipTest {

    /** The broker's floor for session timeouts; Kafka's default of 6 s would slow the crash tests down. */
    private static final Duration MIN_SESSION = Duration.ofMillis(500);
    private static final Duration SHORT_SESSION = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.of(KafkaCluster.builder()
            .brokers(1)
            .brokerProperty("group.min.session.timeout.ms", Long.toString(MIN_SESSION.toMillis())));

    private static final GatewayNode A = new GatewayNode("gw-a", "gw-a.example.com", List.of(9092, 9093, 9094), "rack-1");
    private static final GatewayNode B = new GatewayNode("gw-b", "10.0.0.2", List.of(9192, 9193), "rack-2");
    private static final GatewayNode C = new GatewayNode("gw-c", "gw-c.example.com", List.of(9292), null);

    private final List<KafkaMembership> started = new ArrayList<>();
    private String clusterId = "";

    @BeforeEach
    void nameCluster(TestInfo test) {
        clusterId = test.getTestMethod().orElseThrow().getName();
    }

    @AfterEach
    void leaveAll() throws Exception {
        for (KafkaMembership membership : started) {
            membership.leave().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void threeNodesWithTheSameClusterIdEachSeeAllThree() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        KafkaMembership c = membership(SHORT_SESSION);
        AliveSetWatcher atA = watch(a);
        AliveSetWatcher atB = watch(b);
        AliveSetWatcher atC = watch(c);

        long start = System.nanoTime();
        await(a.join(A));
        Duration first = since(start);
        start = System.nanoTime();
        await(CompletableFuture.allOf(b.join(B).toCompletableFuture(), c.join(C).toCompletableFuture()));
        Duration nextTwo = since(start);

        for (AliveSetWatcher watcher : List.of(atA, atB, atC)) {
            watcher.awaitLatest(Set.of(A, B, C), WAIT);
        }
        assertThat(a.alive()).containsExactly(A, B, C);
        assertThat(b.alive()).containsExactly(A, B, C);
        assertThat(c.alive()).containsExactly(A, B, C);
        System.out.printf("TIMING join: one node %d ms, two more concurrently %d ms%n",
                first.toMillis(), nextTwo.toMillis());
    }

    @Test
    void nodeThatLeavesIsGoneAtTheOthersWellUnderTheSessionTimeout() throws Exception {
        Duration session = Duration.ofSeconds(10);
        KafkaMembership a = membership(session);
        KafkaMembership b = membership(session);
        KafkaMembership c = membership(session);
        joinAll(List.of(a, b, c), List.of(A, B, C));
        AliveSetWatcher atA = watch(a);
        AliveSetWatcher atB = watch(b);
        atA.awaitLatest(Set.of(A, B, C), WAIT);
        atB.awaitLatest(Set.of(A, B, C), WAIT);

        long start = System.nanoTime();
        await(c.leave());
        Duration closed = since(start);
        atA.awaitLatest(Set.of(A, B), WAIT);
        atB.awaitLatest(Set.of(A, B), WAIT);
        Duration seen = since(start);

        assertThat(c.alive()).doesNotContain(C);
        assertThat(seen).isLessThan(session.dividedBy(2));
        System.out.printf("TIMING graceful leave: leave() %d ms, both others see it after %d ms (session %d ms)%n",
                closed.toMillis(), seen.toMillis(), session.toMillis());
    }

    @Test
    void nodeThatDiesWithoutLeavingIsDroppedWithinTheSessionTimeout() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        KafkaMembership c = membership(SHORT_SESSION);
        joinAll(List.of(a, b, c), List.of(A, B, C));
        AliveSetWatcher atA = watch(a);
        AliveSetWatcher atB = watch(b);
        atA.awaitLatest(Set.of(A, B, C), WAIT);
        atB.awaitLatest(Set.of(A, B, C), WAIT);

        long start = System.nanoTime();
        await(c.crashForTest());
        atA.awaitLatest(Set.of(A, B), SHORT_SESSION.plusSeconds(5));
        atB.awaitLatest(Set.of(A, B), SHORT_SESSION.plusSeconds(5));
        Duration seen = since(start);

        // Not before the session could expire: no LeaveGroup was sent.
        assertThat(seen).isGreaterThan(SHORT_SESSION.dividedBy(2));
        System.out.printf("TIMING crash: both others dropped the node after %d ms (session %d ms, heartbeat %d ms)%n",
                seen.toMillis(), SHORT_SESSION.toMillis(), SHORT_SESSION.dividedBy(3).toMillis());
    }

    @Test
    void nodeThatJoinsLaterAppearsAtTheOthers() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        joinAll(List.of(a, b), List.of(A, B));
        AliveSetWatcher atA = watch(a);
        AliveSetWatcher atB = watch(b);
        atA.awaitLatest(Set.of(A, B), WAIT);

        KafkaMembership c = membership(SHORT_SESSION);
        long start = System.nanoTime();
        await(c.join(C));
        Duration joined = since(start);
        atA.awaitLatest(Set.of(A, B, C), WAIT);
        atB.awaitLatest(Set.of(A, B, C), WAIT);
        Duration seen = since(start);

        System.out.printf("TIMING late join: join() %d ms, both others see it after %d ms%n",
                joined.toMillis(), seen.toMillis());
    }

    @Test
    void differentClusterIdsDoNotSeeEachOther() throws Exception {
        KafkaMembership blue = membership(clusterId + "-blue", SHORT_SESSION);
        KafkaMembership green = membership(clusterId + "-green", SHORT_SESSION);
        KafkaMembership green2 = membership(clusterId + "-green", SHORT_SESSION);

        joinAll(List.of(blue, green, green2), List.of(A, B, C));
        // Each member learns the group's set from its own assignment: wait for both, not one.
        watch(green).awaitLatest(Set.of(B, C), WAIT);
        watch(green2).awaitLatest(Set.of(B, C), WAIT);

        assertThat(blue.alive()).containsExactly(A);
        assertThat(green2.alive()).containsExactly(B, C);
    }

    @Test
    void listenerHearsTheCurrentSetAtOnceThenOnlyChanges() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        AliveSetWatcher early = watch(a);
        AtomicInteger thrown = new AtomicInteger();
        a.addListener(alive -> {
            thrown.incrementAndGet();
            throw new IllegalStateException("a listener that throws");
        });

        await(a.join(A));
        await(b.join(B));
        early.awaitLatest(Set.of(A, B), WAIT);
        AliveSetWatcher late = watch(a);
        await(b.leave());
        early.awaitLatest(Set.of(A), WAIT);
        late.awaitLatest(Set.of(A), WAIT);

        assertThat(early.calls()).containsExactly(Set.of(), Set.of(A), Set.of(A, B), Set.of(A));
        assertThat(late.calls()).containsExactly(Set.of(A, B), Set.of(A));
        assertThat(thrown).hasValue(4);
    }

    @Test
    void joiningWithANewDescriptionReplacesTheOldOneEverywhere() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        joinAll(List.of(a, b), List.of(A, B));
        AliveSetWatcher atB = watch(b);
        GatewayNode movedA = new GatewayNode(A.nodeId(), "gw-a2.example.com", List.of(9092, 9093), "rack-3");

        await(a.join(A));   // the same description: nothing to do
        await(a.join(movedA));

        assertThat(a.alive()).containsExactly(movedA, B);
        atB.awaitLatest(Set.of(movedA, B), WAIT);
    }

    @Test
    void nodeCanJoinAgainAfterLeaving() throws Exception {
        KafkaMembership a = membership(SHORT_SESSION);
        KafkaMembership b = membership(SHORT_SESSION);
        joinAll(List.of(a, b), List.of(A, B));
        AliveSetWatcher atB = watch(b);

        long start = System.nanoTime();
        await(a.leave());
        atB.awaitLatest(Set.of(B), WAIT);
        Duration left = since(start);
        start = System.nanoTime();
        await(a.join(A));
        Duration rejoined = since(start);

        assertThat(a.alive()).containsExactly(A, B);
        atB.awaitLatest(Set.of(A, B), WAIT);
        System.out.printf("TIMING leave and rejoin: the other sees the leave after %d ms, join() again %d ms%n",
                left.toMillis(), rejoined.toMillis());
    }

    @Test
    void joinFailsAtOnceWhenTheBrokerRefusesTheSessionTimeout() {
        KafkaMembership a = membership(Duration.ofMillis(200));   // below the broker's group.min.session.timeout.ms

        assertThatThrownBy(() -> await(a.join(A)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(GatewayException.class)
                .hasMessageContaining("sluice-gateway-" + clusterId)
                .hasMessageContaining("session timeout");
        assertThat(a.alive()).isEmpty();
    }

    @Test
    void joinFailsAfterTheJoinTimeoutWhenKafkaIsUnreachable() {
        KafkaMembership a = KafkaMembership.builder()
                .bootstrapServers("127.0.0.1:1")
                .clusterId(clusterId)
                .joinTimeout(Duration.ofSeconds(2))
                .build();
        started.add(a);

        assertThatThrownBy(() -> await(a.join(A)))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(GatewayException.class)
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageContaining("PT2S");
    }

    @Test
    void builderRefusesWhatTheMembershipManagesItself() {
        assertThatThrownBy(() -> KafkaMembership.builder().clientProperties(java.util.Map.of("group.id", "mine")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'group.id'");
        assertThatThrownBy(() -> KafkaMembership.builder().clusterId("a b"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a b'");
        assertThatThrownBy(() -> KafkaMembership.builder().clusterId("x").clusterId("y"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'x'").hasMessageContaining("'y'");
        assertThatThrownBy(() -> KafkaMembership.builder().clusterId("x").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("bootstrapServers");
    }

    private KafkaMembership membership(Duration session) {
        return membership(clusterId, session);
    }

    private KafkaMembership membership(String id, Duration session) {
        KafkaMembership membership = KafkaMembership.builder()
                .bootstrapServers(KAFKA.bootstrapServers())
                .clusterId(id)
                .sessionTimeout(session)
                .joinTimeout(WAIT)
                .name(id + "-" + started.size())
                .build();
        started.add(membership);
        return membership;
    }

    private static AliveSetWatcher watch(KafkaMembership membership) {
        AliveSetWatcher watcher = new AliveSetWatcher();
        membership.addListener(watcher);
        return watcher;
    }

    private static void joinAll(List<KafkaMembership> memberships, List<GatewayNode> nodes) throws Exception {
        long start = System.nanoTime();
        List<CompletableFuture<Void>> joins = new ArrayList<>();
        for (int i = 0; i < memberships.size(); i++) {
            joins.add(memberships.get(i).join(nodes.get(i)).toCompletableFuture());
        }
        await(CompletableFuture.allOf(joins.toArray(CompletableFuture[]::new)));
        System.out.printf("TIMING %d nodes joined concurrently in %d ms%n", memberships.size(), since(start).toMillis());
    }

    private static void await(CompletionStage<?> stage) throws Exception {
        stage.toCompletableFuture().get(WAIT.toSeconds() + 10, TimeUnit.SECONDS);
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
