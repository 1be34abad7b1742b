package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The main class of a node of a {@link ForkedKafkaCluster}, run in the child JVM. It does what a
 * Kafka installation's scripts do, in one JVM instead of two:
 *
 * <pre>
 * ForkedNodeMain server.properties            -&gt;  kafka-server-start.sh server.properties
 * ForkedNodeMain server.properties --format ID -&gt;  kafka-storage.sh format -t ID -c server.properties
 *                                                 kafka-server-start.sh server.properties
 * </pre>
 *
 * <p>and one thing they do not: soon after the parent JVM is gone, even when the parent died of
 * {@code SIGKILL} and ran no shutdown hook, the node deletes its own directory (the one holding
 * {@code server.properties}, if it lies in a {@code sluice-forked-kafka-*} directory) and halts, so
 * that nothing lives on holding a port, memory or disk. It watches the parent's process handle
 * rather than the end of a standard input pipe: {@code Process.destroy()} closes that pipe too, and
 * a graceful {@code SIGTERM} must not turn into a halt.
 */
final class ForkedNodeMain {

    private static final long PARENT_POLL_MILLIS = 500;

    private ForkedNodeMain() {}

    public static void main(String[] args) throws IOException {
        boolean format = args.length == 3 && args[1].equals("--format");
        if (args.length != 1 && !format) {
            System.err.println("usage: ForkedNodeMain server.properties [--format CLUSTER_ID], was "
                    + Arrays.toString(args));
            System.exit(2);
        }
        String serverProperties = args[0];
        watchParent(Path.of(serverProperties).toAbsolutePath().getParent());
        if (format) {
            int status = kafka.tools.StorageTool.execute(
                    new String[] {"format", "-t", args[2], "-c", serverProperties}, System.out);
            if (status != 0) {
                System.err.println("kafka-storage format exited with " + status);
                System.exit(status);
            }
        }
        kafka.Kafka.main(new String[] {serverProperties});
    }

    private static void watchParent(Path nodeDir) {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return; // already orphaned, or the platform cannot tell: nothing to watch
        }
        Thread watcher = new Thread(() -> {
            try {
                while (parent.isAlive()) { // compares start times too, so a reused pid does not fool it
                    Thread.sleep(PARENT_POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("ForkedNodeMain: parent JVM " + parent.pid() + " is gone; deleting " + nodeDir
                    + " and halting");
            deleteOwnDirectory(nodeDir);
            Runtime.getRuntime().halt(137);
        }, "sluice-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** Best effort: Kafka may still be writing. The last node to go also removes the cluster's directory. */
    private static void deleteOwnDirectory(Path nodeDir) {
        Path root = nodeDir.getParent();
        if (root == null || !root.getFileName().toString().startsWith(ForkedNode.ROOT_PREFIX)) {
            return; // not laid out by ForkedKafkaCluster: delete nothing
        }
        try (Stream<Path> files = Files.walk(nodeDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leave the rest
        }
        root.toFile().delete(); // fails while another node's directory is still in it
    }
}
