package dev.sluice.gateway.testkit;

import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/**
 * The processes and the temporary directory of one running {@link ForkedKafkaCluster}: launching
 * them, waiting on what the brokers report, and making sure none of them outlives the cluster.
 *
 * <p>Not thread-safe: the cluster serialises calls. The exception is {@link #destroy}, which the
 * JVM shutdown hook may run at the same time; it only signals processes and deletes files, which
 * is harmless twice.
 */
final class ForkedNodes {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration HOOK_EXIT_TIMEOUT = Duration.ofSeconds(5);
    private static final long POLL_INTERVAL_MILLIS = 50;

    private final String clusterName;
    private final Path root;
    private final ForkedJvm jvm;
    private final ForkedNode controller;
    private final Map<Integer, ForkedNode> brokers;
    private final List<ForkedNode> all;
    private final Set<Integer> stoppedBrokers = new HashSet<>();
    private final Thread shutdownHook;

    private ForkedNodes(
            String clusterName, Path root, ForkedJvm jvm, ForkedNode controller, Map<Integer, ForkedNode> brokers) {
        this.clusterName = clusterName;
        this.root = root;
        this.jvm = jvm;
        this.controller = controller;
        this.brokers = Collections.unmodifiableMap(brokers);
        List<ForkedNode> nodes = new ArrayList<>(List.of(controller));
        nodes.addAll(brokers.values());
        this.all = List.copyOf(nodes);
        this.shutdownHook = new Thread(() -> destroy(HOOK_EXIT_TIMEOUT), "sluice-forked-kafka-shutdown");
    }

    /**
     * Writes every node's files into a new temporary directory, then formats and starts every node
     * in parallel. Returns at once; nothing listens yet. Registers a JVM shutdown hook that {@link
     * #destroy}s everything, in case the cluster is never closed.
     *
     * @throws IOException if a file or process could not be created; whatever was made is gone again
     */
    static ForkedNodes launch(ForkedClusterSpec spec, String clusterName) throws IOException {
        ForkedJvm jvm = ForkedJvm.ofThisJvm(spec.logLevel());
        Path root = Files.createTempDirectory(ForkedNode.ROOT_PREFIX);
        ForkedNodes nodes;
        try {
            int brokerCount = spec.brokerIds().size();
            int perBroker = 1 + (spec.tls() ? 1 : 0) + (spec.saslPlain() ? 1 : 0) + spec.advertisedListeners().size();
            // [controller, then per broker: PLAINTEXT, SSL if TLS, SASL_PLAINTEXT if SASL, advertised listeners]
            int[] ports = freeLoopbackPorts(1 + brokerCount * perBroker);
            int controllerId = spec.controllerId();
            ForkedNode controller = ForkedNode.create("controller", controllerId, ListenerPorts.only(ports[0]), root,
                    jvm, spec.controllerConfig(ports[0], ForkedNode.dataDir(root, "controller", controllerId)));
            IssuedCertificate certificate = spec.tlsCertificate();
            Path keyStore = certificate == null ? null : certificate.writePkcs12(
                    root.resolve("broker-keystore.p12"), ForkedClusterSpec.KEY_STORE_PASSWORD.toCharArray());
            Map<Integer, ForkedNode> brokers = new TreeMap<>();
            for (int i = 0; i < brokerCount; i++) {
                int id = spec.brokerIds().get(i);
                int next = 1 + i * perBroker;
                int port = ports[next++];
                int tlsPort = spec.tls() ? ports[next++] : 0;
                int saslPort = spec.saslPlain() ? ports[next++] : 0;
                Map<String, Integer> advertised = new HashMap<>();
                for (ForkedClusterSpec.AdvertisedListener listener : spec.advertisedListeners()) {
                    advertised.put(listener.name(), ports[next++]);
                }
                ListenerPorts listenerPorts = new ListenerPorts(port, tlsPort, saslPort, advertised);
                brokers.put(id, ForkedNode.create("broker", id, listenerPorts, root, jvm, spec.brokerConfig(
                        id, listenerPorts, ports[0], ForkedNode.dataDir(root, "broker", id), keyStore)));
            }
            nodes = new ForkedNodes(clusterName, root, jvm, controller, brokers);
            Runtime.getRuntime().addShutdownHook(nodes.shutdownHook);
        } catch (IOException | RuntimeException e) {
            deleteRecursively(root);
            throw e;
        }
        try {
            String clusterId = Uuid.randomUuid().toString();
            for (ForkedNode node : nodes.all) {
                node.launch(jvm, clusterId);
            }
        } catch (IOException | RuntimeException e) {
            nodes.destroy(HOOK_EXIT_TIMEOUT).forEach(problem -> e.addSuppressed(new KafkaClusterException(problem)));
            nodes.removeShutdownHook();
            throw e;
        }
        return nodes;
    }

    /** Every broker, stopped or not, by ascending id. */
    Map<Integer, ForkedNode> brokers() {
        return brokers;
    }

    /** {@code SIGKILL}s a running broker and waits for its exit. */
    void kill(ForkedNode broker, Duration timeout) {
        stoppedBrokers.add(broker.nodeId());
        broker.kill(timeout);
    }

    /** {@code SIGTERM}s a running broker and waits for its exit. */
    void stop(ForkedNode broker, Duration timeout) {
        stoppedBrokers.add(broker.nodeId());
        broker.stop(timeout);
    }

    /** Starts a stopped broker again, without formatting. Returns at once. */
    void restart(ForkedNode broker) {
        try {
            broker.launch(jvm, null);
        } catch (IOException e) {
            throw new KafkaClusterException("Could not launch a JVM for " + broker.name(), e);
        }
        stoppedBrokers.remove(broker.nodeId());
    }

    /**
     * Asks each running broker for its own metadata until {@code condition} holds for all of them.
     *
     * @param topics the topics to ask about, if the condition looks at any
     * @throws KafkaClusterException at once if a node that should be running has exited, or when
     *     {@code timeout} passes; either way quoting the last output of the nodes concerned
     */
    void awaitBrokers(String what, Duration timeout, List<String> topics, Predicate<BrokerProbe.View> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            failIfANodeDied(what);
            Map<Integer, String> pending = new TreeMap<>();
            for (ForkedNode broker : brokers.values()) {
                if (stoppedBrokers.contains(broker.nodeId())) {
                    continue;
                }
                try {
                    BrokerProbe.View view = BrokerProbe.query(broker.address(), topics, PROBE_TIMEOUT);
                    if (!condition.test(view)) {
                        pending.put(broker.nodeId(), "lists brokers " + view.brokerIds());
                    }
                } catch (IOException e) {
                    pending.put(broker.nodeId(), "does not answer yet: " + e.getMessage());
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                StringBuilder message = new StringBuilder("Timed out after " + timeout.toMillis() + " ms waiting for "
                        + what + " in " + clusterName + "; still waiting for:");
                pending.forEach((id, why) -> message.append("\n  broker ").append(id).append(' ').append(why));
                pending.keySet().forEach(id -> message.append(Objects.requireNonNull(brokers.get(id)).outputTail()));
                message.append(controller.outputTail());
                throw new KafkaClusterException(message.toString());
            }
            try {
                Thread.sleep(POLL_INTERVAL_MILLIS); // poll interval; the deadline bounds the wait
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaClusterException("Interrupted while waiting for " + what, e);
            }
        }
    }

    private void failIfANodeDied(String what) {
        for (ForkedNode node : all) {
            boolean expectedUp = node == controller || !stoppedBrokers.contains(node.nodeId());
            if (expectedUp && node.hasExited()) {
                throw new KafkaClusterException(node.name() + " " + node.exitDescription() + " while waiting for "
                        + what + " in " + clusterName + node.outputTail());
            }
        }
    }

    /**
     * {@code SIGKILL}s every node at once, waits for each to exit, deletes the directory.
     *
     * @return what went wrong, empty if nothing did
     */
    List<String> destroy(Duration exitTimeout) {
        List<String> problems = new ArrayList<>();
        all.forEach(ForkedNode::killNow);
        for (ForkedNode node : all) {
            if (!node.awaitExit(exitTimeout)) {
                problems.add(node.name() + " survived SIGKILL for " + exitTimeout.toMillis() + " ms");
            }
        }
        try {
            deleteRecursively(root);
        } catch (IOException | UncheckedIOException e) {
            problems.add("could not delete " + root + ": " + e);
        }
        return problems;
    }

    /** After {@link #destroy} from {@code close()}: the hook has nothing left to do. */
    void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or about to: it does the same again, harmlessly
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, @Nullable IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Ports that were free on the loopback interface a moment ago. All sockets are open at once, so
     * the ports differ; another process could still take one before its node binds it, which the
     * node reports as a bind failure in its output.
     */
    private static int[] freeLoopbackPorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }
}
