package dev.sluice.gateway.examples;

import dev.sluice.gateway.Gateway;
import dev.sluice.gateway.GatewayBuilder;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.testkit.KafkaCluster;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running demo: a {@link Gateway} in front of an upstream Kafka cluster, and that cluster itself
 * when the demo started it ({@link DemoOptions#embedded()}).
 *
 * <pre>{@code
 * try (Demo demo = Demo.run(DemoOptions.parse("--port", "19192", "--interceptor", "safeguard"), System.out)) {
 *     // stdout has "READY bootstrap=localhost:19192 upstream=localhost:37411"
 *     // clients use demo.bootstrap(); the gateway serves until close()
 * }
 * try (Demo demo = Demo.run(DemoOptions.parse("--sni-domain", "kafka.test", "--tls-generate", "tls"), System.out)) {
 *     // stdout has "READY bootstrap=bootstrap.kafka.test:9192 upstream=localhost:37411"
 *     // clients speak TLS, trust tls/ca.pem and resolve bootstrap.kafka.test, broker-N.kafka.test to the gateway
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>The gateway is named {@value #GATEWAY_NAME} and runs the {@linkplain DemoOptions#interceptors()
 *       interceptors} of the options, each with its defaults, in their order.
 *   <li>It serves one route, {@link DemoOptions#routing()}: port-per-broker in plaintext, or, with
 *       {@link DemoOptions#sni()}, SNI routing over TLS on the bootstrap port alone. With {@link
 *       SniOptions#generatesCertificate()} the CA and certificate are generated and written before
 *       anything else starts; the gateway then presents them. Once the gateway serves, the host names
 *       in use are logged at INFO, with a hosts-file line for clients on this machine.
 *   <li>With {@link DemoOptions#cluster()}, the gateway is one node of a gateway cluster ({@link
 *       ClusterOptions}): it joins the Kafka-backed membership on its upstream cluster as it starts,
 *       and serves port-per-broker routing by broker id, balanced over the alive nodes unless a load
 *       balancer's host is advertised. An embedded cluster then accepts group session timeouts down
 *       to {@value ClusterOptions#EMBEDDED_MIN_SESSION_MS} ms.
 *   <li>{@link #run} returns once clients can be served (and, in a gateway cluster, the node has
 *       joined), after printing the {@linkplain #readyLine() READY line} to the stream it was given,
 *       or throws after releasing whatever it had started. In a gateway cluster it then prints a
 *       {@linkplain ClusterOptions#membersLine MEMBERS line} to that stream at once and on every
 *       change of the alive set, until {@link #close()}.
 *   <li>{@link #close()} stops the gateway (in a gateway cluster it leaves the membership first; no
 *       new connections; open ones get {@link #DRAIN_TIMEOUT} to close), then the embedded cluster.
 *       It does the work once; a concurrent or later call waits until the first has finished. The
 *       JVM is never exited.
 * </ul>
 *
 * <h2>Threading</h2>
 * Thread-safe. {@link #run} and {@link #close()} block the calling thread; a JVM shutdown hook may
 * call {@code close()}.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The embedded cluster runs in this JVM and shares its heap: about 300 MB for one broker.
 *   <li>Kafka's storage formatter writes two lines to {@code System.out} while the embedded cluster
 *       starts. Where stdout must carry the READY line only, point {@code System.out} elsewhere and
 *       pass the original stream as {@code out}, as {@link DemoLauncher#main} does.
 *   <li>The bootstrap port and the {@code maxBrokers} ports after it (without SNI) must be free on
 *       the bind address; a taken port makes {@code run} fail.
 *   <li>With SNI, the certificate files are read when the gateway starts: a missing or invalid one
 *       makes {@code run} fail with a message naming it.
 * </ul>
 */
public final class Demo implements AutoCloseable {

    /** How long {@link #close()} lets client connections finish before it closes them. */
    public static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(2);

    /** The gateway's name: what {@code sluice.gateway} lineage headers and audit lines say. */
    public static final String GATEWAY_NAME = "sluice-demo";

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);

    private final Gateway gateway;
    private final @Nullable KafkaCluster embedded;
    private final String upstream;
    private final @Nullable SniOptions sni;
    private final PlanRecordingRouting routing;
    private final @Nullable ClusterNode node;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();

    private Demo(Gateway gateway, @Nullable KafkaCluster embedded, String upstream, @Nullable SniOptions sni,
            PlanRecordingRouting routing, @Nullable ClusterNode node) {
        this.gateway = gateway;
        this.embedded = embedded;
        this.upstream = upstream;
        this.sni = sni;
        this.routing = routing;
        this.node = node;
    }

    /**
     * Starts the embedded cluster if the options ask for one, then the gateway; prints the {@linkplain
     * #readyLine() READY line} to {@code out} (and flushes it) once clients can be served.
     *
     * @param options what to start; must not ask for {@link DemoOptions#help() help}
     * @param out where the READY line goes, normally {@code System.out}
     * @return the running demo, for the caller to {@link #close()}
     * @throws GatewayException when the gateway could not start: a port it needs is taken, or the
     *     upstream cluster was not reachable within the gateway's startup timeout
     * @throws dev.sluice.gateway.testkit.KafkaClusterException when the embedded cluster could not start
     * @throws UncheckedIOException when a generated certificate could not be written
     */
    public static Demo run(DemoOptions options, PrintStream out) {
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(out, "out");
        if (options.help()) {
            throw new IllegalArgumentException("the options ask for --help, not for a gateway");
        }
        SniOptions sni = options.sni();
        // First, as it is the quickest to fail: a directory that cannot be written.
        @Nullable ServerTls tls = sni == null ? null : serverTls(sni);
        ClusterOptions cluster = options.cluster();
        KafkaCluster embedded = null;
        ClusterNode node = null;
        Gateway gateway = null;
        try {
            String upstream = options.bootstrap();
            if (upstream == null) {
                LOG.info("Starting an embedded Kafka cluster with {} broker(s)", options.embeddedBrokers());
                KafkaCluster.Builder kafka = KafkaCluster.builder().brokers(options.embeddedBrokers());
                if (cluster != null) {
                    // Lets --membership-session-timeout go below Kafka's 6 s minimum, for quick demos and tests.
                    kafka.brokerProperty("group.min.session.timeout.ms",
                            Integer.toString(ClusterOptions.EMBEDDED_MIN_SESSION_MS));
                }
                embedded = kafka.build().start();
                upstream = embedded.bootstrapServers();
                LOG.info("Embedded Kafka cluster serves at {}", upstream);
            }
            RoutingStrategy strategy;
            if (cluster == null) {
                strategy = options.routing();
            } else {
                node = ClusterNode.of(cluster, options.portPerBrokerRouting(), upstream);
                strategy = node.routing();
                LOG.info("Joining gateway cluster {} as {} ({} load balancing, session timeout {})",
                        cluster.clusterId(), node.self(), cluster.balancing().name().toLowerCase(Locale.ROOT),
                        ClusterOptions.format(cluster.sessionTimeout()));
            }
            PlanRecordingRouting routing = new PlanRecordingRouting(strategy);
            GatewayBuilder builder = Gateway.builder()
                    .name(GATEWAY_NAME)
                    .upstream(upstream)
                    .bindAddress(options.bindAddress());
            if (tls == null) {
                builder.routing(routing);
            } else {
                builder.routing(routing, tls);
            }
            if (node != null) {
                node.configure(builder);
            }
            register(options.interceptors(), builder);
            gateway = builder.build();
            join(gateway.start());
            Demo demo = new Demo(gateway, embedded, upstream, sni, routing, node);
            if (sni == null) {
                LOG.info("Gateway ready: clients bootstrap from {}, brokers are served on ports {}..{}, upstream {}",
                        gateway.bootstrapAddress(), options.port() + 1, options.port() + options.maxBrokers(),
                        upstream);
            } else {
                LOG.info("Gateway ready: clients bootstrap from {} over TLS, each broker is served on the same port"
                        + " under its own host name, upstream {}", gateway.bootstrapAddress(), upstream);
                List<String> names = demo.sniHostNames();
                LOG.info("Host names in use, each must resolve to this gateway: {}. For a client on this machine, an"
                        + " /etc/hosts line: {} {}", String.join(", ", names), localAddress(options.bindAddress()),
                        String.join(" ", names));
            }
            out.println(demo.readyLine());
            out.flush();
            if (node != null) {
                node.announce(out);
            }
            return demo;
        } catch (RuntimeException e) {
            if (gateway != null) {
                release(e, gateway::close);
            }
            if (node != null) {
                release(e, node::close);
            }
            if (embedded != null) {
                release(e, embedded::close);
            }
            throw e;
        }
    }

    /**
     * The TLS settings of an SNI demo: the PEM files given, or a CA and a certificate for {@code
     * *.DOMAIN} generated now and written to the directory given.
     */
    private static ServerTls serverTls(SniOptions sni) {
        Path directory = sni.generateDirectory();
        if (directory == null) {
            return ServerTls.builder(KeyMaterial.pem(Objects.requireNonNull(sni.certificate(), "certificate"),
                    Objects.requireNonNull(sni.privateKey(), "privateKey"))).build();
        }
        String wildcard = "*." + sni.domain();
        PemFiles files;
        try {
            files = TestCertificateAuthority.create("Sluice demo CA for " + sni.domain())
                    .issueServerCertificate(wildcard)
                    .writePem(directory);
            ownerOnly(files.privateKey());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the generated certificate into " + directory, e);
        }
        LOG.info("Generated a CA and a certificate for {}, valid for one day: clients trust {}; the gateway presents"
                + " {} with the key {}", wildcard, files.caCertificate(), files.certificateChain(), files.privateKey());
        return ServerTls.builder(KeyMaterial.pem(files.certificateChain(), files.privateKey())).build();
    }

    /** Makes the file readable by its owner only, where the file system has POSIX permissions. */
    private static void ownerOnly(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            LOG.debug("{} keeps its default permissions: its file system has no POSIX permissions", file);
        }
    }

    /** Where a client on this machine reaches listeners bound to {@code bindAddress}. */
    private static String localAddress(String bindAddress) {
        return bindAddress.equals("0.0.0.0") || bindAddress.equals("::") ? "127.0.0.1" : bindAddress;
    }

    /** Registers each interceptor with its defaults, in order, and logs which are active. */
    private static void register(List<DemoInterceptor> interceptors, GatewayBuilder builder) {
        if (interceptors.isEmpty()) {
            LOG.info("No interceptors: requests pass through unchanged (add some with --interceptor)");
            return;
        }
        for (int i = 0; i < interceptors.size(); i++) {
            DemoInterceptor interceptor = interceptors.get(i);
            InterceptorSpec spec = interceptor.spec();
            builder.intercept(spec);
            // A spec of a shared instance hands out that instance: its toString tells the settings.
            LOG.info("Interceptor {} of {}: --interceptor {} on {}: {}", i + 1, interceptors.size(),
                    interceptor.cliName(), spec.apis(), spec.newInstance());
        }
    }

    /**
     * The line {@link #run} prints when ready: {@code READY bootstrap=HOST:PORT upstream=SERVERS},
     * where {@code HOST:PORT} is the gateway's advertised bootstrap address and {@code SERVERS} the
     * upstream bootstrap servers as given, or the embedded cluster's.
     */
    public String readyLine() {
        return "READY bootstrap=" + bootstrap() + " upstream=" + upstream;
    }

    /** The address clients bootstrap from: the advertised host and the bootstrap port. */
    public String bootstrap() {
        return gateway.bootstrapAddress().toString();
    }

    /**
     * With SNI routing, the host names in use: the bootstrap host, then the host of each broker the
     * gateway serves now, by id. Empty without SNI routing.
     */
    List<String> sniHostNames() {
        if (sni == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        names.add(sni.bootstrapHost());
        for (int id : routing.brokerIds()) {
            names.add(sni.brokerHost(id));
        }
        return names;
    }

    /** The upstream cluster's bootstrap servers: as given, or the embedded cluster's. */
    public String upstream() {
        return upstream;
    }

    /** The gateway, for inspection ({@link Gateway#openListeners()}, {@link Gateway#openConnections()}). */
    public Gateway gateway() {
        return gateway;
    }

    /** Completes when {@link #close()} has finished; exceptionally if it failed. */
    public CompletionStage<Void> stopped() {
        return stopped;
    }

    /**
     * Stops the gateway, giving open connections up to {@link #DRAIN_TIMEOUT}, then the embedded
     * cluster. Later and concurrent calls wait for the first to finish and return.
     *
     * @throws RuntimeException the first failure (others suppressed) when this call did the work and
     *     something did not stop cleanly; everything else was still stopped
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            stopped.handle((ignored, failure) -> null).join();
            return;
        }
        LOG.info("Stopping the gateway (open connections get {} s to close){}", DRAIN_TIMEOUT.toSeconds(),
                embedded == null ? "" : ", then the embedded Kafka cluster");
        RuntimeException failure = null;
        if (node != null) {
            node.stopAnnouncing();
        }
        try {
            // With a cluster node: leaves the membership first, so the other nodes stop advertising this one.
            join(gateway.shutdown(DRAIN_TIMEOUT));
        } catch (RuntimeException e) {
            failure = e;
        }
        if (node != null) {
            try {
                node.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (embedded != null) {
            try {
                embedded.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            stopped.completeExceptionally(failure);
            throw failure;
        }
        LOG.info("Demo stopped");
        stopped.complete(null);
    }

    @Override
    public String toString() {
        return "Demo[bootstrap=" + bootstrap() + ", upstream=" + upstream + (embedded == null ? "" : " (embedded)") + "]";
    }

    /** Waits for a stage; a failure is rethrown as itself when unchecked, not wrapped in a CompletionException. */
    private static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static void release(RuntimeException failure, Runnable closer) {
        try {
            closer.run();
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }
}
