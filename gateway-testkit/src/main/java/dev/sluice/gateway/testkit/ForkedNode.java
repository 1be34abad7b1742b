package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka node of a {@link ForkedKafkaCluster}: a child JVM, its directory and its port, which
 * stay the same across restarts.
 *
 * <pre>
 * &lt;dir&gt;/server.properties   written once, like the class path and logging files next to it
 * &lt;dir&gt;/output.log          the JVM's stdout and stderr, appended across restarts
 * &lt;dir&gt;/data/               log.dirs (and the KRaft metadata log)
 * &lt;dir&gt;/tmp/                java.io.tmpdir
 * </pre>
 *
 * <p>Not thread-safe except {@link #killNow()} and {@link #awaitExit}, which the shutdown hook
 * calls while the cluster's lock may be held elsewhere.
 */
final class ForkedNode {
    /** The name prefix of a cluster's temporary directory, which holds one directory per node. */
    static final String ROOT_PREFIX = "sluice-forked-kafka-";

    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 16 * 1024;

    private final String name;
    private final int nodeId;
    private final ListenerPorts ports;
    private final Path dir;
    private final Path serverProperties;
    private final Path output;
    private volatile @Nullable Process process;

    private ForkedNode(String role, int nodeId, ListenerPorts ports, Path dir) {
        this.name = role + " " + nodeId;
        this.nodeId = nodeId;
        this.ports = ports;
        this.dir = dir;
        this.serverProperties = dir.resolve("server.properties");
        this.output = dir.resolve("output.log");
    }

    /**
     * Creates the node's directory under {@code root} and writes the files its JVM needs.
     *
     * @param ports the ports of the node's listeners, which {@code config} binds
     */
    static ForkedNode create(String role, int nodeId, ListenerPorts ports, Path root, ForkedJvm jvm,
            Map<String, String> config) throws IOException {
        Path dir = Files.createDirectories(root.resolve(role + "-" + nodeId));
        Files.createDirectories(dir.resolve("tmp"));
        jvm.writeFiles(dir);
        ForkedNode node = new ForkedNode(role, nodeId, ports, dir);
        StringBuilder text = new StringBuilder("# Written by ForkedKafkaCluster\n");
        config.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(node.serverProperties, text, StandardCharsets.UTF_8);
        return node;
    }

    static Path dataDir(Path root, String role, int nodeId) {
        return root.resolve(role + "-" + nodeId).resolve("data");
    }

    String name() {
        return name;
    }

    int nodeId() {
        return nodeId;
    }

    int port() {
        return ports.plaintext();
    }

    /** The port of the SSL listener, 0 if the node has none. */
    int tlsPort() {
        return ports.tls();
    }

    /** The port of the SASL_PLAINTEXT listener, 0 if the node has none. */
    int saslPort() {
        return ports.sasl();
    }

    /** The port of the listener {@code name}, 0 if the node has none of that name. */
    int listenerPort(String name) {
        return ports.port(name);
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", ports.plaintext());
    }

    /**
     * Starts the JVM, formatting the storage first if {@code clusterId} is given. Returns at once;
     * the node listens a few seconds later.
     */
    void launch(ForkedJvm jvm, @Nullable String clusterId) throws IOException {
        if (isRunning()) {
            throw new IllegalStateException(name + " is already running");
        }
        List<String> args = new ArrayList<>(List.of(serverProperties.toString()));
        if (clusterId != null) {
            args.addAll(List.of("--format", clusterId));
        }
        List<String> command = jvm.command(name.replace(' ', '-'), dir, args);
        Files.writeString(output, "==== " + LocalTime.now() + " " + String.join(" ", command) + "\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .start();
    }

    boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** True if the JVM was launched and has exited, whoever ended it. */
    boolean hasExited() {
        Process p = process;
        return p != null && !p.isAlive();
    }

    /** {@code SIGKILL}, then waits for the exit. */
    void kill(Duration timeout) {
        Process p = Objects.requireNonNull(process, name);
        p.destroyForcibly();
        if (!awaitExit(timeout)) {
            throw new KafkaClusterException(
                    name + " (pid " + p.pid() + ") survived SIGKILL for " + timeout.toMillis() + " ms");
        }
    }

    /**
     * {@code SIGTERM}, which makes Kafka shut down in a controlled way, then waits for the exit. If
     * it takes longer than {@code timeout}, kills the JVM and throws.
     */
    void stop(Duration timeout) {
        Process p = Objects.requireNonNull(process, name);
        p.destroy();
        if (!awaitExit(timeout)) {
            p.destroyForcibly();
            awaitExit(timeout);
            throw new KafkaClusterException(name + " (pid " + p.pid() + ") did not shut down within "
                    + timeout.toMillis() + " ms of SIGTERM, so it was killed" + outputTail());
        }
    }

    /** {@code SIGKILL} without waiting; for the shutdown hook and close(). */
    void killNow() {
        Process p = process;
        if (p != null) {
            p.destroyForcibly();
        }
    }

    /** Waits for the JVM, if any, to exit; true if it has. */
    boolean awaitExit(Duration timeout) {
        Process p = process;
        if (p == null) {
            return true;
        }
        try {
            return p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !p.isAlive();
        }
    }

    /** "exited with status 1", for messages about a node that ended on its own. */
    String exitDescription() {
        Process p = process;
        return p == null ? "was never started" : p.isAlive() ? "is running (pid " + p.pid() + ")"
                : "exited with status " + p.exitValue();
    }

    /** The last lines the JVM wrote, as a message suffix starting with a line break. */
    String outputTail() {
        try (RandomAccessFile file = new RandomAccessFile(output.toFile(), "r")) {
            long start = Math.max(0, file.length() - TAIL_BYTES);
            byte[] bytes = new byte[(int) (file.length() - start)];
            file.seek(start);
            file.readFully(bytes);
            List<String> lines = Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split("\n"));
            List<String> tail = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
            return "\n---- last " + tail.size() + " lines of " + name + "'s " + output + " ----\n"
                    + String.join("\n", tail);
        } catch (IOException e) {
            return "\n---- " + name + "'s output " + output + " is unreadable: " + e + " ----";
        }
    }

    @Override
    public String toString() {
        return name + " on port " + ports.plaintext() + " (" + exitDescription() + ")";
    }
}
