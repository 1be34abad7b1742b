package dev.sluice.gateway.benchmarks.e2e;

import dev.sluice.gateway.testkit.ForkedKafkaCluster;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.jspecify.annotations.Nullable;

/**
 * The end-to-end harness of issue 6: one command starts a real broker (its own JVMs), HAProxy as a
 * plain TCP relay in front of it, and a Sluice gateway (its own JVM); it runs the same producer and
 * consumer load directly, through the relay (twice, to show the noise) and through the gateway,
 * rotating the order every round after a warm-up round, and prints the throughput ratios and the
 * added end-to-end latency for each {@link Scenario}.
 *
 * <pre>
 *   gateway-benchmarks/e2e.sh [--rounds 4] [--warmup 1] [--records 250000] [--record-size 1024]
 *       [--latency-rate 1000] [--latency-seconds 6] [--partitions 2] [--scenarios plain,interceptor,tls]
 *       [--gateway-tls-provider JDK|OPENSSL] [--gateway-jvm "-XX:..."] [--report gateway-benchmarks/results/e2e.md]
 * </pre>
 *
 * <p>Every measurement is a fresh load JVM ({@link LoadMain}) on fresh topics, deleted afterwards.
 * Ratios are taken within a round (route / direct of the same round), then summarised over the
 * rounds as median and min-max, so that a slow minute of the machine shifts both sides of a ratio.
 */
public final class EndToEnd {

    private EndToEnd() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(Options.USAGE);
            System.exit(2);
            return;
        }
        String haproxy;
        try {
            haproxy = Relay.requireHaproxy();
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(3);
            return;
        }
        String loadAtStart = loadAverage();
        Instant started = Instant.now();
        Path workDir = Files.createTempDirectory("sluice-e2e");
        List<Measurement> measurements = new ArrayList<>();
        boolean succeeded = false;
        try {
            TestCertificateAuthority ca = TestCertificateAuthority.create("Sluice e2e CA");
            IssuedCertificate certificate = ca.issueServerCertificate("localhost", "127.0.0.1");
            PemFiles pem = certificate.writePem(workDir);
            Path haproxyPem = workDir.resolve("haproxy.pem");
            Files.writeString(haproxyPem, certificate.certificateChainPem() + certificate.privateKeyPem());
            int relayPort = FreePorts.block(2);
            int relayTlsPort = relayPort + 1;
            log("broker JVM options (_JAVA_OPTIONS): " + System.getenv().getOrDefault("_JAVA_OPTIONS",
                    "(none: the test kit's -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx512m)"));
            try (ForkedKafkaCluster kafka = ForkedKafkaCluster.builder().tls(certificate)
                            .advertisedListener(Relay.LISTENER, id -> Relay.advertisedAddress(relayPort))
                            .advertisedListener(Relay.TLS_LISTENER, id -> Relay.advertisedAddress(relayTlsPort))
                            .build().start();
                    Admin admin = kafka.admin()) {
                int brokerId = kafka.brokerIds().get(0);
                int brokerPort = port(kafka.bootstrapServers());
                int brokerTlsPort = port(kafka.tlsBootstrapServers());
                int brokerRelayPort = kafka.listenerPort(brokerId, Relay.LISTENER);
                int brokerRelayTlsPort = kafka.listenerPort(brokerId, Relay.TLS_LISTENER);
                log("broker: PLAINTEXT localhost:" + brokerPort + ", SSL localhost:" + brokerTlsPort
                        + ", " + Relay.LISTENER + " 127.0.0.1:" + brokerRelayPort + " advertised as "
                        + Relay.RELAY_ADDRESS + ":" + relayPort + ", " + Relay.TLS_LISTENER + " 127.0.0.1:"
                        + brokerRelayTlsPort + " advertised as " + Relay.RELAY_ADDRESS + ":" + relayTlsPort);
                for (Scenario scenario : options.scenarios()) {
                    boolean tls = scenario == Scenario.TLS;
                    int relayed = tls ? relayTlsPort : relayPort;
                    try (Relay relay = Relay.start(haproxy, relayed, tls ? brokerRelayTlsPort : brokerRelayPort,
                                    tls ? haproxyPem : null, workDir);
                            ChildProcess gateway = startGateway(options, scenario, brokerPort, pem, workDir)) {
                        String gatewayBootstrap = gateway.awaitLine("READY ", Duration.ofMinutes(1)).substring(6);
                        log(scenario.id() + ": relay " + Relay.RELAY_ADDRESS + ":" + relayed + ", gateway "
                                + gatewayBootstrap);
                        for (int round = -options.warmupRounds(); round < options.rounds(); round++) {
                            List<Route> order = order(round);
                            for (Route route : order) {
                                String bootstrap = switch (route) {
                                    case DIRECT -> "localhost:" + (tls ? brokerTlsPort : brokerPort);
                                    case RELAY, RELAY_AGAIN -> Relay.RELAY_ADDRESS + ":" + relayed;
                                    case GATEWAY -> gatewayBootstrap;
                                };
                                Measurement m = measure(options, scenario, round, route, bootstrap,
                                        tls ? pem.caCertificate() : null, kafka, admin, workDir);
                                log(describe(m));
                                if (round >= 0) {
                                    measurements.add(m);
                                }
                            }
                        }
                    }
                }
            }
            succeeded = true;
        } finally {
            if (succeeded) {
                deleteRecursively(workDir);
            } else {
                System.err.println("Work directory kept for inspection: " + workDir);
            }
        }
        String loadAtEnd = loadAverage();
        Report report = new Report(options, measurements, started, Instant.now(), loadAtStart, loadAtEnd,
                String.join(" ", args));
        System.out.println();
        System.out.println(report.markdown());
        if (options.report() != null) {
            report.write(options.report());
            log("wrote " + options.report() + " and " + Report.svgPath(options.report()));
        }
        System.exit(0);
    }

    /** The order of the round: a rotation of direct, relay, gateway, relay (2nd), one step per round. */
    static List<Route> order(int round) {
        List<Route> base = List.of(Route.DIRECT, Route.RELAY, Route.GATEWAY, Route.RELAY_AGAIN);
        int shift = Math.floorMod(round, base.size());
        List<Route> order = new ArrayList<>(base.subList(shift, base.size()));
        order.addAll(base.subList(0, shift));
        return order;
    }

    private static ChildProcess startGateway(Options options, Scenario scenario, int brokerPort, PemFiles pem,
            Path workDir) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC"));
        jvm.addAll(options.gatewayJvmOptions()); // e.g. a flight recording, to profile the gateway
        List<String> command = ChildProcess.java(jvm.toArray(String[]::new));
        command.add(GatewayMain.class.getName());
        command.add("upstream=localhost:" + brokerPort);
        command.add("port=" + freePort());
        command.add("brokerPort=" + freePort());
        command.add("interceptor=" + (scenario == Scenario.INTERCEPTOR));
        if (scenario == Scenario.TLS) {
            command.add("tlsCert=" + pem.certificateChain());
            command.add("tlsKey=" + pem.privateKey());
            command.add("tlsProvider=" + options.gatewayTlsProvider());
        }
        return ChildProcess.start("gateway", command, workDir, true);
    }

    private static Measurement measure(Options options, Scenario scenario, int round, Route route, String bootstrap,
            @Nullable Path tlsCa, ForkedKafkaCluster kafka, Admin admin, Path workDir) throws Exception {
        String prefix = String.format(Locale.ROOT, "e2e-%s-%d-%s", scenario.id(), round + options.warmupRounds(),
                route.name().toLowerCase(Locale.ROOT));
        String topic = prefix + "-throughput";
        String latencyTopic = prefix + "-latency";
        kafka.createTopic(topic, options.partitions(), 1);
        kafka.createTopic(latencyTopic, options.partitions(), 1);
        List<String> command = ChildProcess.java("-Xms1g", "-Xmx1g", "-XX:+UseG1GC");
        command.add(LoadMain.class.getName());
        command.add("bootstrap=" + bootstrap);
        command.add("topic=" + topic);
        command.add("latencyTopic=" + latencyTopic);
        command.add("records=" + options.records());
        command.add("recordSize=" + options.recordSize());
        command.add("latencyRate=" + options.latencyRate());
        command.add("latencySeconds=" + options.latencySeconds());
        if (tlsCa != null) {
            command.add("tlsCa=" + tlsCa);
        }
        try (ChildProcess load = ChildProcess.start("load " + prefix, command, workDir, false)) {
            List<String> output = load.awaitSuccess(Duration.ofMinutes(10));
            checkStamps(output, scenario == Scenario.INTERCEPTOR && route == Route.GATEWAY ? options.records() : 0,
                    prefix);
            return Measurement.parse(scenario, round, route, output);
        } finally {
            admin.deleteTopics(List.of(topic, latencyTopic)).all().get();
        }
    }

    /** Fails the run unless exactly the records through the intercepting gateway carry its header. */
    private static void checkStamps(List<String> output, long expected, String run) {
        String consume = output.stream().filter(line -> line.startsWith("RESULT consume ")).findFirst()
                .orElseThrow(() -> new IllegalStateException(run + ": no consume result in " + output));
        String stamped = consume.substring(consume.indexOf("stamped=") + "stamped=".length()).trim();
        if (Long.parseLong(stamped) != expected) {
            throw new IllegalStateException(run + ": expected " + expected + " records with header "
                    + StampInterceptor.HEADER_KEY + ", consumed " + stamped + " (" + consume + ")");
        }
    }

    private static String describe(Measurement m) {
        return String.format(Locale.ROOT,
                "%-11s round %2d %-12s produce %7.1f MB/s %8.0f rec/s | consume %7.1f MB/s | latency p50 %6.3f p99 %6.3f ms",
                m.scenario().id(), m.round(), m.route().label(), m.produceMBps(), m.produceRecordsPerSecond(),
                m.consumeMBps(), m.p50Ms(), m.p99Ms());
    }

    private static int port(String hostPort) {
        return Integer.parseInt(hostPort.substring(hostPort.lastIndexOf(':') + 1).split(",")[0]);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void log(String message) {
        System.out.println("[e2e " + Instant.now().toString().substring(11, 19) + "] " + message);
        System.out.flush();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not delete " + dir, e);
        }
    }
}
