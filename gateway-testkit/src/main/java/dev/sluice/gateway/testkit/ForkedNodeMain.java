package dev.sluice.gateway.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The main class of a node of a {@link ForkedKafkaCluster}, run in the child JVM. It does what a
 * Kafka installation's scripts do, in one JVM instead of two:
 *
 * <pre>
 * ForkedNodeMain server.properties                     -&gt;  kafka-server-start.sh server.properties
 * ForkedNodeMain server.properties --format CLUSTER_ID -&gt;  kafka-storage.sh format -t CLUSTER_ID -c server.properties
 *                                                          kafka-server-start.sh server.properties
 * </pre>
 *
 * <p>and one thing they do not: it halts the node when its standard input ends. The parent JVM
 * holds the other end of that pipe, so when the parent dies, even by {@code SIGKILL} where no
 * shutdown hook runs, the operating system closes the pipe and the node follows it instead of
 * living on as an orphan that holds a port and memory.
 */
final class ForkedNodeMain {

    private ForkedNodeMain() {}

    public static void main(String[] args) throws IOException {
        boolean format = args.length == 3 && args[1].equals("--format");
        if (args.length != 1 && !format) {
            System.err.println("usage: ForkedNodeMain server.properties [--format CLUSTER_ID], was "
                    + Arrays.toString(args));
            System.exit(2);
        }
        watchParent();
        String serverProperties = args[0];
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

    private static void watchParent() {
        Thread watcher = new Thread(() -> {
            InputStream in = System.in;
            byte[] discard = new byte[64];
            try {
                while (in.read(discard) >= 0) {
                    // the parent never writes; anything it might is ignored
                }
            } catch (IOException e) {
                // the pipe broke: treat it like its end
            }
            System.err.println("ForkedNodeMain: the parent JVM is gone (standard input closed); halting");
            Runtime.getRuntime().halt(137);
        }, "sluice-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
