package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.testkit.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway cluster of demo launchers, each in a JVM of its own as a user runs them: the first node
 * starts the embedded broker, the others point at its upstream; they find each other through the
 * Kafka-backed membership and spread clients over themselves. A node killed without leaving is
 * dropped from node 1's metadata within the session timeout; a new node is added; a node stopped with
 * SIGTERM leaves at once. One test on purpose: each JVM costs seconds.
 */
class DemoClusterEndToEndTest {

    private static final Pattern READY = Pattern.compile("READY bootstrap=(\\S+) upstream=(\\S+)");
    /** Short, so that a killed node drops out quickly; the embedded broker accepts it. */
    private static final Duration SESSION = Duration.ofSeconds(3);
    /** Broker 0's port is the node's bootstrap port + 1 on every node (port plan by broker id). */
    private static final int BROKER_0_OFFSET = 1;
    private static final int CLIENTS = 12;
    private static final Duration STARTUP = Duration.ofSeconds(60);

    @TempDir
    Path logs;

    private final List<DemoProcess> processes = new ArrayList<>();

    @AfterEach
    void killEveryNode() throws InterruptedException {
        for (DemoProcess process : processes) {
            process.close();
        }
    }

    @Test
    void nodesFormOneClusterDropAKilledNodeWithinTheSessionTimeoutAndAddANewOne() throws Exception {
        int base = FreePorts.block(9);   // three nodes: a bootstrap port and two broker ports each
        int port1 = base;
        int port2 = base + 3;
        int port3 = base + 6;

        long started = System.nanoTime();
        DemoProcess node1 = node("n1", "--embedded-brokers", "1", "--port", Integer.toString(port1));
        Matcher ready = READY.matcher(node1.line(node1.awaitLine(0, line -> line.startsWith("READY"), "READY", STARTUP)));
        assertThat(ready.matches()).isTrue();
        assertThat(ready.group(1)).isEqualTo("localhost:" + port1);
        String upstream = ready.group(2);
        int seen = node1.awaitLine(0, members(member("n1", port1)), "MEMBERS with n1 alone", STARTUP);

        DemoProcess node2 = node("n2", "--bootstrap", upstream, "--port", Integer.toString(port2));
        node2.awaitLine(0, line -> line.equals("READY bootstrap=localhost:" + port2 + " upstream=" + upstream),
                "READY", STARTUP);
        node2.awaitLine(0, members(member("n1", port1), member("n2", port2)), "MEMBERS with n1 and n2", STARTUP);
        seen = node1.awaitLine(seen, members(member("n1", port1), member("n2", port2)), "MEMBERS with n1 and n2", STARTUP);
        long joined = System.nanoTime();
        assertThat(brokerPortsAdvertisedBy(port1)).as("broker 0's ports told to %s clients of node 1", CLIENTS)
                .containsExactlyInAnyOrder(port1 + BROKER_0_OFFSET, port2 + BROKER_0_OFFSET);

        node2.kill();
        long killed = System.nanoTime();
        seen = node1.awaitLine(seen, members(member("n1", port1)), "n2 dropped after its session timed out",
                SESSION.plusSeconds(10));
        long dropped = System.nanoTime();
        assertThat(Duration.ofNanos(dropped - killed)).as("from SIGKILL to n2's removal").isLessThan(SESSION.plusSeconds(5));
        assertThat(brokerPortsAdvertisedBy(port1)).as("ports told after n2 died")
                .containsExactly(port1 + BROKER_0_OFFSET);

        DemoProcess node3 = node("n3", "--bootstrap", upstream, "--port", Integer.toString(port3), "--rack", "r3");
        node3.awaitLine(0, line -> line.startsWith("READY"), "READY", STARTUP);
        seen = node1.awaitLine(seen, members(member("n1", port1), member("n3", port3) + "/r3"),
                "MEMBERS with n1 and n3", STARTUP);
        assertThat(brokerPortsAdvertisedBy(port1)).as("ports told after n3 joined")
                .containsExactlyInAnyOrder(port1 + BROKER_0_OFFSET, port3 + BROKER_0_OFFSET);

        long stopping = System.nanoTime();
        assertThat(node3.stop(Duration.ofSeconds(30))).as("n3's exit code after SIGTERM").isZero();
        node1.awaitLine(seen, members(member("n1", port1)), "n3 gone after it left", Duration.ofSeconds(10));
        long left = System.nanoTime();
        assertThat(node1.stop(Duration.ofSeconds(30))).as("n1's exit code after SIGTERM").isZero();

        System.err.printf("Demo cluster: n1 ready and n2 joined after %d ms; SIGKILLed n2 dropped after %d ms"
                        + " (session %d ms); SIGTERMed n3 gone from n1's view after %d ms%n",
                millis(joined - started), millis(dropped - killed), SESSION.toMillis(), millis(left - stopping));
    }

    /** Starts node {@code id} of cluster c1 with the short session timeout, listening on loopback. */
    private DemoProcess node(String id, String... args) {
        List<String> all = new ArrayList<>(List.of("--cluster-id", "c1", "--node-id", id, "--max-brokers", "2",
                "--bind-address", "127.0.0.1", "--membership-session-timeout", SESSION.toSeconds() + "s"));
        all.addAll(List.of(args));
        DemoProcess process = DemoProcess.start(id, logs, all.toArray(String[]::new));
        processes.add(process);
        return process;
    }

    /** A MEMBERS line naming exactly these members, {@code ID@localhost:PORT}, in this order. */
    private static Predicate<String> members(String... members) {
        String expected = "MEMBERS " + String.join(",", members);
        return line -> line.equals(expected);
    }

    private static String member(String id, int port) {
        return id + "@localhost:" + port;
    }

    /**
     * The ports node 1 advertises for the brokers to {@value #CLIENTS} clients with different client
     * ids: DescribeCluster through an Admin that bootstraps from node 1. Every node answers for one
     * client with the same mapping, so the union shows which nodes node 1 spreads clients over.
     */
    private static Set<Integer> brokerPortsAdvertisedBy(int bootstrapPort)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<Integer> ports = new TreeSet<>();
        for (int client = 0; client < CLIENTS; client++) {
            try (Admin admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + bootstrapPort,
                    AdminClientConfig.CLIENT_ID_CONFIG, "cluster-client-" + client))) {
                for (Node node : admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)) {
                    assertThat(node.host()).isEqualTo("localhost");
                    ports.add(node.port());
                }
            }
        }
        return ports;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
