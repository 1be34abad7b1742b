package dev.sluice.gateway.benchmarks;

import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Heap per idle proxied connection (issue target: at most 4 KiB, plaintext).
 *
 * <p>This JVM runs only a {@link Gateway} ({@link PortPerBrokerRouting}, defaults otherwise). A
 * second JVM, {@link IdleConnectionPeer}, holds everything else: a stand-in broker (answers
 * ApiVersions and Metadata, and keeps every connection open) and the clients. So the heap measured
 * here holds the gateway's objects only: per connection, the client's channel, the upstream
 * channel, the session, and the JDK's socket objects behind both channels.
 *
 * <pre>
 *  this JVM (measured)              peer JVM
 *  Gateway  127.0.0.1:B  &lt;-------  N clients: connect, ApiVersions v3 round trip, then idle
 *           upstream     -------&gt;  stand-in broker 127.0.0.1:S (node 0), holds every connection
 * </pre>
 *
 * <p>Steps: a warm-up (open, round trip and close {@code warmup} connections, so classes, event
 * loops and allocator caches are initialised), then measure with 0, N/2 and N idle connections, and
 * again after all are closed. Each measurement is a live-object class histogram (the
 * {@code GC.class_histogram} diagnostic command, which runs a full GC first) and the heap used after
 * {@code System.gc()}. Bytes per connection = (live heap at N - live heap at 0) / N; the N/2 point
 * checks that it is linear. The histogram difference, per connection, says which classes hold them.
 * Direct memory (Netty's counters, the allocator's, the JDK's direct buffer pool) is printed at
 * each step as well.
 *
 * <pre>{@code
 * java -Xms1g -Xmx1g -cp gateway-benchmarks/target/benchmarks.jar \
 *     dev.sluice.gateway.benchmarks.IdleConnectionHeap connections=2000
 * }</pre>
 *
 * <p>Options ({@code key=value}): {@code connections} (2000), {@code warmup} (200), {@code top} (25
 * classes listed), {@code peerHeap} ({@code 512m}). Needs 2 x N file descriptors in each JVM.
 */
public final class IdleConnectionHeap {

    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private IdleConnectionHeap() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 1) {
                throw new IllegalArgumentException("arguments are key=value, not " + arg);
            }
            options.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        int connections = Integer.parseInt(options.getOrDefault("connections", "2000"));
        int warmup = Integer.parseInt(options.getOrDefault("warmup", "200"));
        int top = Integer.parseInt(options.getOrDefault("top", "25"));
        String peerHeap = options.getOrDefault("peerHeap", "512m");

        Process peer = new ProcessBuilder(javaBinary(), "-Xmx" + peerHeap, "-cp",
                System.getProperty("java.class.path"), IdleConnectionPeer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try (BufferedReader fromPeer = new BufferedReader(new InputStreamReader(peer.getInputStream(),
                StandardCharsets.UTF_8));
                PrintStream toPeer = new PrintStream(peer.getOutputStream(), true, StandardCharsets.UTF_8)) {
            int brokerPort = Integer.parseInt(expect(fromPeer, "BROKER"));
            int gatewayBootstrap = freePort();
            int gatewayBroker = freePort();
            PortPerBrokerRouting routing = PortPerBrokerRouting.builder()
                    .advertisedHost("127.0.0.1")
                    .bootstrapPort(gatewayBootstrap)
                    .brokerPort(0, gatewayBroker)
                    .maxBrokers(1)
                    .firstBrokerPort(gatewayBroker)
                    .build();
            Gateway gateway = Gateway.builder()
                    .name("idle-heap")
                    .upstream("127.0.0.1:" + brokerPort)
                    .bindAddress("127.0.0.1")
                    .routing(routing)
                    .build();
            gateway.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
            try {
                System.out.printf(Locale.ROOT, "gateway: bootstrap %d, broker 0 at %d -> stand-in broker %d; "
                        + "JVM %s, %s, max heap %d MiB, %d CPUs, load average %.2f%n", gatewayBootstrap, gatewayBroker,
                        brokerPort, System.getProperty("java.vm.version"), gcNames(),
                        Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors(),
                        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

                // Warm-up: the first connections initialise classes, event loops and allocator caches.
                open(toPeer, fromPeer, gatewayBroker, warmup);
                close(toPeer, fromPeer, gateway);
                open(toPeer, fromPeer, gatewayBroker, warmup);
                close(toPeer, fromPeer, gateway);

                Snapshot empty = Snapshot.take("0 connections", gateway);
                open(toPeer, fromPeer, gatewayBroker, connections / 2);
                Snapshot half = Snapshot.take(connections / 2 + " connections", gateway);
                open(toPeer, fromPeer, gatewayBroker, connections - connections / 2);
                Snapshot full = Snapshot.take(connections + " connections", gateway);
                close(toPeer, fromPeer, gateway);
                Snapshot after = Snapshot.take("after closing them", gateway);

                System.out.println();
                for (Snapshot s : List.of(empty, half, full, after)) {
                    System.out.println(s.summary());
                }
                System.out.println();
                System.out.printf(Locale.ROOT, "live heap per idle connection (class histogram): %.0f B over %d, "
                        + "%.0f B over the second %d%n",
                        (full.histogramBytes - empty.histogramBytes) / (double) connections, connections,
                        (full.histogramBytes - half.histogramBytes) / (double) (connections - connections / 2),
                        connections - connections / 2);
                System.out.printf(Locale.ROOT, "heap used after System.gc() per idle connection: %.0f B%n",
                        (full.heapUsed - empty.heapUsed) / (double) connections);
                System.out.printf(Locale.ROOT, "direct memory per idle connection: Netty counter %.0f B, "
                        + "allocator used %.0f B, allocator pinned %.0f B, JDK direct pool %.0f B%n",
                        (full.nettyDirect - empty.nettyDirect) / (double) connections,
                        (full.allocatorDirect - empty.allocatorDirect) / (double) connections,
                        (full.allocatorPinned - empty.allocatorPinned) / (double) connections,
                        (full.jdkDirect - empty.jdkDirect) / (double) connections);
                System.out.printf(Locale.ROOT, "left after closing: %.0f B per connection once open%n",
                        (after.histogramBytes - empty.histogramBytes) / (double) connections);
                System.out.println();
                printDifference("what holds it, per connection", empty, full, connections, top);
                printDifference("what is left after closing, per connection once open", empty, after, connections,
                        Math.min(top, 10));
            } finally {
                gateway.close();
            }
        } finally {
            peer.destroy();
            peer.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The classes whose live bytes grew from {@code from} to {@code to}, per connection, and by owner. */
    private static void printDifference(String title, Snapshot from, Snapshot to, int connections, int top)
            throws IOException {
        List<Map.Entry<String, long[]>> diff = new ArrayList<>();
        Map<String, long[]> fromClasses = from.classes();
        for (Map.Entry<String, long[]> e : to.classes().entrySet()) {
            long[] before = fromClasses.getOrDefault(e.getKey(), new long[2]);
            diff.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - before[0], e.getValue()[1] - before[1]}));
        }
        diff.sort((a, b) -> Long.compare(b.getValue()[1], a.getValue()[1]));
        Map<String, Long> owners = new java.util.TreeMap<>();
        for (Map.Entry<String, long[]> e : diff) {
            owners.merge(owner(e.getKey()), e.getValue()[1], Long::sum);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%s, by owner (from the class name; arrays have none):%n", title);
        owners.forEach((owner, bytes) -> System.out.printf(Locale.ROOT, "%10.1f  %s%n",
                bytes / (double) connections, owner));
        System.out.printf(Locale.ROOT, "%s, top %d classes by bytes:%n", title, top);
        System.out.printf(Locale.ROOT, "%10s %10s  %s%n", "B/conn", "obj/conn", "class");
        long listed = 0;
        for (int i = 0; i < Math.min(top, diff.size()); i++) {
            long[] d = diff.get(i).getValue();
            listed += d[1];
            System.out.printf(Locale.ROOT, "%10.1f %10.2f  %s%n", d[1] / (double) connections,
                    d[0] / (double) connections, diff.get(i).getKey());
        }
        System.out.printf(Locale.ROOT, "%10.1f %10s  (the rest)%n",
                (to.histogramBytes - from.histogramBytes - listed) / (double) connections, "");
    }

    private static String owner(String className) {
        if (className.startsWith("[")) {
            return className.startsWith("[L") ? "object arrays" : "primitive arrays (queues, strings, ...)";
        }
        if (className.startsWith("dev.sluice.")) {
            return "Sluice (dev.sluice)";
        }
        if (className.startsWith("io.netty.")) {
            return "Netty (io.netty)";
        }
        if (className.startsWith("sun.nio.") || className.startsWith("java.net.") || className.startsWith("java.io.")
                || className.startsWith("java.nio.")) {
            return "JDK sockets (sun.nio, java.net, java.io, java.nio)";
        }
        return "other JDK (String, locks, collections, ...)";
    }

    private static void open(PrintStream toPeer, BufferedReader fromPeer, int port, int count) throws IOException {
        toPeer.println("OPEN " + port + " " + count);
        expect(fromPeer, "OPENED");
    }

    private static void close(PrintStream toPeer, BufferedReader fromPeer, Gateway gateway) throws Exception {
        toPeer.println("CLOSE");
        expect(fromPeer, "CLOSED");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (gateway.openConnections() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the gateway still holds " + gateway.openConnections() + " connections");
            }
            Thread.sleep(20); // polling the gateway's count: there is no event to wait on from here
        }
    }

    private static String expect(BufferedReader in, String word) throws IOException {
        String line = in.readLine();
        if (line == null || !line.startsWith(word)) {
            throw new IllegalStateException("the peer said " + line + ", expected " + word);
        }
        return line.substring(word.length()).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + "/bin/java";
    }

    private static String gcNames() {
        List<String> names = new ArrayList<>();
        ManagementFactory.getGarbageCollectorMXBeans().forEach(b -> names.add(b.getName()));
        return String.join("+", names);
    }

    /** One measurement of the gateway's JVM. */
    private static final class Snapshot {
        final String label;
        final int gatewayConnections;
        /** The histogram's text, kept in a file: in memory it would be counted by the next snapshot. */
        final java.nio.file.Path histogramFile;
        long histogramBytes;
        long heapUsed;
        long nettyDirect;
        long allocatorDirect;
        long allocatorPinned;
        long jdkDirect;

        private Snapshot(String label, int gatewayConnections) throws IOException {
            this.label = label;
            this.gatewayConnections = gatewayConnections;
            this.histogramFile = java.nio.file.Files.createTempFile("sluice-idle-heap", ".txt");
            histogramFile.toFile().deleteOnExit();
        }

        /** The live objects per class: count and bytes. */
        Map<String, long[]> classes() throws IOException {
            Map<String, long[]> classes = new HashMap<>();
            for (String line : java.nio.file.Files.readAllLines(histogramFile)) {
                Matcher m = HISTOGRAM_LINE.matcher(line);
                if (m.find()) {
                    classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                            (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
                }
            }
            return classes;
        }

        static Snapshot take(String label, Gateway gateway) throws Exception {
            Snapshot s = new Snapshot(label, gateway.openConnections());
            for (int i = 0; i < 3; i++) {
                System.gc();
            }
            s.heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            String histogram = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            java.nio.file.Files.writeString(s.histogramFile, histogram);
            for (String line : histogram.split("\n")) {
                Matcher m = HISTOGRAM_LINE.matcher(line);
                if (m.find()) {
                    s.histogramBytes += Long.parseLong(m.group(2));
                }
            }
            s.nettyDirect = PlatformDependent.usedDirectMemory();
            ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
            if (allocator instanceof ByteBufAllocatorMetricProvider provider) {
                ByteBufAllocatorMetric metric = provider.metric();
                s.allocatorDirect = metric.usedDirectMemory();
            }
            if (allocator instanceof PooledByteBufAllocator pooled) {
                s.allocatorPinned = pooled.pinnedDirectMemory();
            }
            for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
                if ("direct".equals(pool.getName())) {
                    s.jdkDirect = pool.getMemoryUsed();
                }
            }
            return s;
        }

        String summary() {
            return String.format(Locale.ROOT, "%-22s gateway connections %5d | live heap %,12d B | heap used %,12d B"
                    + " | direct: Netty %,d B, allocator %s used %,d B pinned %,d B, JDK pool %,d B",
                    label, gatewayConnections, histogramBytes, heapUsed, nettyDirect,
                    ByteBufAllocator.DEFAULT.getClass().getSimpleName(), allocatorDirect, allocatorPinned, jdkDirect);
        }
    }
}
