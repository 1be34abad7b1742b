package dev.sluice.gateway.examples;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The demo launcher's command line, parsed and validated: what {@link Demo#run} needs to start a
 * gateway.
 *
 * <pre>{@code
 * DemoOptions options = DemoOptions.parse("--bootstrap", "kafka-1:9092,kafka-2:9092", "--port=19092",
 *         "--interceptor", "safeguard", "--interceptor", "lineage");
 * options.port();            // 19092; brokers are served on 19093, 19094, ...
 * options.interceptors();    // [SAFEGUARD, LINEAGE], in the order given
 * DemoOptions.usage();       // the --help text
 *
 * DemoOptions sni = DemoOptions.parse("--sni-domain", "kafka.test", "--tls-generate", "tls");
 * sni.routing();             // SNI over TLS on 9192: bootstrap.kafka.test, broker-N.kafka.test
 *
 * DemoOptions node = DemoOptions.parse("--bootstrap", "localhost:41395", "--port", "9292",
 *         "--cluster-id", "c1", "--node-id", "n2");
 * node.cluster();            // node n2 of gateway cluster c1, internal load balancing
 * }</pre>
 *
 * <h2>Syntax</h2>
 * Options are {@code --name VALUE} or {@code --name=VALUE}, in any order, each at most once except
 * {@code --interceptor}, which may be repeated with different names (the order matters).
 * {@code --help} (or {@code -h}) anywhere an option may stand asks for {@link #usage()}; the rest
 * of the line is then ignored. {@link #parse} rejects anything else with a {@link UsageException}
 * whose message names the option and quotes the value.
 *
 * <h2>Routing</h2>
 * Without {@code --sni-domain}, port-per-broker routing in plaintext: the bootstrap port, then one
 * port per broker. With it, SNI routing over TLS on the bootstrap port alone ({@link SniOptions}):
 * {@code --max-brokers} and {@code --advertised-host} do not apply and are refused when given, and
 * the {@code --tls-*} options are refused without it.
 *
 * <h2>Gateway clusters</h2>
 * With {@code --cluster-id} (which needs {@code --node-id}) the demo is one node of a gateway
 * cluster ({@link ClusterOptions}): port-per-broker routing with the port plan {@linkplain
 * PortPerBrokerRouting.PortPlan#BROKER_ID by broker id}, the same on every node. Without {@code
 * --advertised-host} the nodes balance clients among themselves ({@link ClusterOptions.Balancing#INTERNAL});
 * with it, every node advertises that host, a load balancer in front ({@link
 * ClusterOptions.Balancing#EXTERNAL}). {@code --rack} and {@code --membership-session-timeout} need
 * {@code --cluster-id}; {@code --sni-domain} is refused with it (not supported yet).
 *
 * @param bootstrap the upstream cluster's bootstrap servers exactly as given ({@code
 *     HOST:PORT[,HOST:PORT...]}), or {@code null} to start an embedded cluster
 * @param embeddedBrokers brokers of the embedded cluster, 1..{@value #MAX_EMBEDDED_BROKERS}; unused
 *     with {@code bootstrap}
 * @param port the gateway's bootstrap port; broker ports follow it, from {@code port + 1}, unless
 *     {@code sni} serves every broker on this port
 * @param maxBrokers how many broker ports follow the bootstrap port, and so how many brokers the
 *     gateway can serve; unused with {@code sni}
 * @param advertisedHost the host clients are told to connect to; unused with {@code sni}
 * @param bindAddress the local address the gateway's listeners bind
 * @param sni SNI routing over TLS instead of port-per-broker routing, or {@code null}
 * @param cluster the gateway cluster this demo is a node of, or {@code null} for a lone gateway;
 *     never together with {@code sni}
 * @param interceptors the example interceptors to register, in the order they see requests; each at
 *     most once
 * @param help {@code --help} was given: the launcher prints {@link #usage()} and nothing runs; the
 *     other components then hold their defaults
 */
public record DemoOptions(
        @Nullable String bootstrap,
        int embeddedBrokers,
        int port,
        int maxBrokers,
        String advertisedHost,
        String bindAddress,
        @Nullable SniOptions sni,
        @Nullable ClusterOptions cluster,
        List<DemoInterceptor> interceptors,
        boolean help) {

    /** The bootstrap port when {@code --port} is not given. */
    public static final int DEFAULT_PORT = 9192;
    /** Broker ports after the bootstrap port when {@code --max-brokers} is not given (the routing default). */
    public static final int DEFAULT_MAX_BROKERS = 64;
    /** The most brokers an embedded cluster can have (a limit of the test kit). */
    public static final int MAX_EMBEDDED_BROKERS = 16;

    private static final String DEFAULT_ADVERTISED_HOST = "localhost";
    private static final String DEFAULT_BIND_ADDRESS = "0.0.0.0";
    private static final String SNI_CLUSTER = "--cluster-id with --sni-domain is not supported yet: gateway clusters"
            + " use port-per-broker routing; leave out one or the other";

    /** The options, in the order {@code --help} lists them. */
    enum Option {
        BOOTSTRAP("--bootstrap", "HOST:PORT[,HOST:PORT...]",
                "Bootstrap servers of the Kafka cluster to put the gateway in front of. Without it, the demo"
                        + " starts an embedded Kafka cluster on localhost."),
        EMBEDDED_BROKERS("--embedded-brokers", "N",
                "Brokers of the embedded cluster, 1.." + MAX_EMBEDDED_BROKERS + " (default 1). Not with --bootstrap."),
        PORT("--port", "PORT",
                "Bootstrap port of the gateway (default " + DEFAULT_PORT + "). Brokers are served on the ports"
                        + " after it: PORT+1, PORT+2, ...; with --sni-domain, on PORT itself."),
        MAX_BROKERS("--max-brokers", "N",
                "How many broker ports follow the bootstrap port, PORT+1..PORT+N, and so how many brokers the"
                        + " gateway can serve (default " + DEFAULT_MAX_BROKERS + ")."),
        ADVERTISED_HOST("--advertised-host", "HOST",
                "Host name or address the gateway tells clients to connect to; clients must reach this"
                        + " machine under it (default " + DEFAULT_ADVERTISED_HOST + ")."),
        BIND_ADDRESS("--bind-address", "ADDRESS",
                "Local address the gateway listens on (default " + DEFAULT_BIND_ADDRESS + ", every interface)."),
        SNI_DOMAIN("--sni-domain", "DOMAIN",
                "Serves the cluster over TLS on PORT alone, routed by the host name clients ask for (SNI):"
                        + " they bootstrap from bootstrap.DOMAIN and reach broker N as broker-N.DOMAIN, all on"
                        + " PORT. Needs --tls-cert and --tls-key, or --tls-generate. Not with --max-brokers or"
                        + " --advertised-host. See \"SNI routing\" below."),
        TLS_CERT("--tls-cert", "FILE",
                "With --sni-domain: the PEM certificate chain the gateway presents, its own certificate"
                        + " first. It must cover bootstrap.DOMAIN and every broker-N.DOMAIN, e.g. as *.DOMAIN."),
        TLS_KEY("--tls-key", "FILE",
                "With --sni-domain and --tls-cert: the certificate's private key, an unencrypted PKCS#8 PEM"
                        + " file (BEGIN PRIVATE KEY)."),
        TLS_GENERATE("--tls-generate", "DIR",
                "With --sni-domain, instead of --tls-cert and --tls-key: generates a CA and a certificate for"
                        + " *.DOMAIN (valid for one day) when the demo starts, and writes DIR/" + SniOptions.CA_FILE
                        + " for clients to trust, DIR/" + SniOptions.CERTIFICATE_FILE + " and DIR/"
                        + SniOptions.KEY_FILE + " (unencrypted), creating DIR or replacing those files. For"
                        + " trying things out only."),
        CLUSTER_ID("--cluster-id", "ID",
                "Makes the demo one node of a gateway cluster: nodes with the same ID in front of the same"
                        + " Kafka cluster find each other through a consumer group on it (letters, digits, '.',"
                        + " '_', '-'). Needs --node-id. Without --advertised-host the nodes spread clients among"
                        + " themselves (internal load balancing); with it, every node advertises that host, a TCP"
                        + " load balancer in front of the nodes. Not with --sni-domain. See \"Gateway clusters\""
                        + " below."),
        NODE_ID("--node-id", "ID",
                "With --cluster-id: this node's id, unique within the cluster and the same across restarts"
                        + " (letters, digits, '.', '_', '-')."),
        RACK("--rack", "RACK",
                "With --cluster-id: this node's rack or zone; clients are told a gateway node in the broker's"
                        + " rack when there is one (default none)."),
        MEMBERSHIP_SESSION_TIMEOUT("--membership-session-timeout", "DURATION",
                "Advanced, with --cluster-id: how soon the other nodes drop this one after it dies without"
                        + " leaving, e.g. 3s or 500ms (default " + ClusterOptions.format(ClusterOptions.DEFAULT_SESSION_TIMEOUT)
                        + ", at least " + ClusterOptions.MIN_SESSION_MS + "ms). It must lie within the brokers'"
                        + " group.min.session.timeout.ms (6s by default; 1s on the embedded cluster) and"
                        + " group.max.session.timeout.ms."),
        INTERCEPTOR("--interceptor", "NAME",
                "Registers an example interceptor with its defaults (none by default). Repeat it for several:"
                        + " each name at most once, run in the order given. NAME is one of:");

        final String flag;
        final String metavar;
        final String description;

        Option(String flag, String metavar, String description) {
            this.flag = flag;
            this.metavar = metavar;
            this.description = description;
        }

        static @Nullable Option named(String flag) {
            for (Option option : values()) {
                if (option.flag.equals(flag)) {
                    return option;
                }
            }
            return null;
        }
    }

    /**
     * Checks the components. {@link #parse} reports the same problems as a {@link UsageException}
     * in terms of the command line.
     *
     * @throws UsageException when a value is out of range, the values contradict each other, or an
     *     interceptor is listed twice
     */
    public DemoOptions {
        Objects.requireNonNull(advertisedHost, "advertisedHost");
        Objects.requireNonNull(bindAddress, "bindAddress");
        interceptors = List.copyOf(Objects.requireNonNull(interceptors, "interceptors"));
        if (bootstrap != null) {
            checkBootstrap(bootstrap);
        }
        checkRange(Option.EMBEDDED_BROKERS, embeddedBrokers, 1, MAX_EMBEDDED_BROKERS);
        checkRange(Option.PORT, port, 1, 65_535);
        checkRange(Option.MAX_BROKERS, maxBrokers, 1, 65_535);
        if (sni == null && (long) port + maxBrokers > 65_535) {
            throw new UsageException("--port " + port + " with --max-brokers " + maxBrokers + " needs broker ports "
                    + (port + 1) + ".." + ((long) port + maxBrokers) + ", past 65535; lower --port or --max-brokers");
        }
        if (sni != null && cluster != null) {
            throw new UsageException(SNI_CLUSTER);
        }
        if (sni == null && bootstrap == null && embeddedBrokers > maxBrokers) {
            throw new UsageException("--embedded-brokers " + embeddedBrokers + " needs at least as many broker ports,"
                    + " but --max-brokers is " + maxBrokers);
        }
        try {
            PortPerBrokerRouting.builder().advertisedHost(advertisedHost);
        } catch (IllegalArgumentException e) {
            throw new UsageException("--advertised-host: " + e.getMessage());
        }
        if (bindAddress.isBlank() || bindAddress.chars().anyMatch(Character::isWhitespace)) {
            throw new UsageException("--bind-address must be an address without spaces, was '" + bindAddress + "'");
        }
        Set<DemoInterceptor> seen = EnumSet.noneOf(DemoInterceptor.class);
        for (DemoInterceptor interceptor : interceptors) {
            if (!seen.add(interceptor)) {
                throw new UsageException(duplicateInterceptor(interceptor.cliName()));
            }
        }
    }

    /** The options when none are given: an embedded one-broker cluster behind {@code localhost:9192}. */
    public static DemoOptions defaults() {
        return new DemoOptions(null, 1, DEFAULT_PORT, DEFAULT_MAX_BROKERS, DEFAULT_ADVERTISED_HOST,
                DEFAULT_BIND_ADDRESS, null, null, List.of(), false);
    }

    private static DemoOptions helpRequested() {
        return new DemoOptions(null, 1, DEFAULT_PORT, DEFAULT_MAX_BROKERS, DEFAULT_ADVERTISED_HOST,
                DEFAULT_BIND_ADDRESS, null, null, List.of(), true);
    }

    /**
     * Parses a command line.
     *
     * @param args the arguments of {@code main}
     * @return the options; {@link #help()} is true when {@code --help} or {@code -h} was given
     * @throws UsageException when an option is unknown, repeated (an interceptor named twice), missing
     *     its value or has a bad value, or options contradict each other
     */
    public static DemoOptions parse(String... args) {
        Objects.requireNonNull(args, "args");
        Map<Option, String> given = new EnumMap<>(Option.class);
        List<String> interceptorNames = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = Objects.requireNonNull(args[i], "args[" + i + "]");
            if (arg.equals("--help") || arg.equals("-h")) {
                return helpRequested();
            }
            if (arg.startsWith("-") && !arg.startsWith("--")) {
                throw new UsageException("unknown option '" + arg + "'");
            }
            if (!arg.startsWith("--")) {
                throw new UsageException("unexpected argument '" + arg + "'; every value follows its option,"
                        + " as in --port 9192");
            }
            int equals = arg.indexOf('=');
            String flag = equals < 0 ? arg : arg.substring(0, equals);
            Option option = Option.named(flag);
            if (option == null) {
                throw new UsageException("unknown option '" + flag + "'");
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length && !args[i + 1].startsWith("--")) {
                value = args[++i];
            } else {
                throw new UsageException(flag + " needs a value: " + flag + " " + option.metavar);
            }
            if (option == Option.INTERCEPTOR) {
                if (interceptorNames.contains(value)) {
                    throw new UsageException(duplicateInterceptor(value));
                }
                interceptorNames.add(value);
                continue;
            }
            String previous = given.putIfAbsent(option, value);
            if (previous != null) {
                throw new UsageException(flag + " is given twice ('" + previous + "' and '" + value + "')");
            }
        }
        if (given.containsKey(Option.BOOTSTRAP) && given.containsKey(Option.EMBEDDED_BROKERS)) {
            throw new UsageException("--embedded-brokers is for the embedded cluster started when --bootstrap is"
                    + " not given; use one or the other");
        }
        SniOptions sni = sniOptions(given);
        ClusterOptions cluster = clusterOptions(given);
        if (sni != null && cluster != null) {
            throw new UsageException(SNI_CLUSTER);
        }
        List<DemoInterceptor> interceptors = new ArrayList<>();
        for (String name : interceptorNames) {
            interceptors.add(interceptorNamed(name));
        }
        return new DemoOptions(
                given.get(Option.BOOTSTRAP),
                intValue(given, Option.EMBEDDED_BROKERS, 1),
                intValue(given, Option.PORT, DEFAULT_PORT),
                intValue(given, Option.MAX_BROKERS, DEFAULT_MAX_BROKERS),
                given.getOrDefault(Option.ADVERTISED_HOST, DEFAULT_ADVERTISED_HOST),
                given.getOrDefault(Option.BIND_ADDRESS, DEFAULT_BIND_ADDRESS),
                sni,
                cluster,
                interceptors,
                false);
    }

    /**
     * The gateway cluster settings of the command line, or {@code null} without {@code --cluster-id}:
     * the other cluster options are refused without it.
     */
    private static @Nullable ClusterOptions clusterOptions(Map<Option, String> given) {
        String clusterId = given.get(Option.CLUSTER_ID);
        if (clusterId == null) {
            for (Option option : List.of(Option.NODE_ID, Option.RACK, Option.MEMBERSHIP_SESSION_TIMEOUT)) {
                if (given.containsKey(option)) {
                    throw new UsageException(option.flag + " is for a node of a gateway cluster and needs"
                            + " --cluster-id ID");
                }
            }
            return null;
        }
        String nodeId = given.get(Option.NODE_ID);
        if (nodeId == null) {
            throw new UsageException("--cluster-id needs --node-id ID: each node of gateway cluster '" + clusterId
                    + "' needs an id of its own");
        }
        String timeout = given.get(Option.MEMBERSHIP_SESSION_TIMEOUT);
        return new ClusterOptions(clusterId, nodeId, given.get(Option.RACK),
                timeout == null ? ClusterOptions.DEFAULT_SESSION_TIMEOUT
                        : ClusterOptions.parseDuration(Option.MEMBERSHIP_SESSION_TIMEOUT.flag, timeout),
                given.containsKey(Option.ADVERTISED_HOST)
                        ? ClusterOptions.Balancing.EXTERNAL : ClusterOptions.Balancing.INTERNAL);
    }

    /**
     * The SNI settings of the command line, or {@code null} without {@code --sni-domain}: the options
     * of one routing are refused with the other's.
     */
    private static @Nullable SniOptions sniOptions(Map<Option, String> given) {
        String domain = given.get(Option.SNI_DOMAIN);
        if (domain == null) {
            for (Option tls : List.of(Option.TLS_CERT, Option.TLS_KEY, Option.TLS_GENERATE)) {
                if (given.containsKey(tls)) {
                    throw new UsageException(tls.flag + " is for SNI routing over TLS and needs --sni-domain DOMAIN;"
                            + " the port-per-broker listeners are plaintext");
                }
            }
            return null;
        }
        if (given.containsKey(Option.MAX_BROKERS)) {
            throw new UsageException("--max-brokers is for port-per-broker routing; with --sni-domain every broker is"
                    + " served on --port, under its own host name");
        }
        if (given.containsKey(Option.ADVERTISED_HOST)) {
            throw new UsageException("--advertised-host is for port-per-broker routing; with --sni-domain clients are"
                    + " told bootstrap." + domain + " and broker-N." + domain);
        }
        return new SniOptions(domain, pathValue(given, Option.TLS_CERT), pathValue(given, Option.TLS_KEY),
                pathValue(given, Option.TLS_GENERATE));
    }

    /** The {@code --help} text: every option, what the demo prints, how it stops, its exit codes. */
    public static String usage() {
        return DemoUsage.text();
    }

    /** Whether the demo starts its own Kafka cluster, because no {@link #bootstrap} was given. */
    public boolean embedded() {
        return bootstrap == null;
    }

    /**
     * A new routing strategy for these options. Without {@link #sni}: port-per-broker routing, the
     * bootstrap on {@code advertisedHost:port} and brokers on {@code port+1 .. port+maxBrokers}. With
     * it: {@linkplain SniOptions#routing(int) SNI routing} on {@code port}, which needs the gateway to
     * terminate TLS. A strategy belongs to one gateway; call this once per gateway.
     */
    public RoutingStrategy routing() {
        if (sni != null) {
            return sni.routing(port);
        }
        return portPerBrokerRouting();
    }

    /**
     * A new port-per-broker routing for these options, whatever {@link #sni} says: the bootstrap on
     * {@code advertisedHost:port}, brokers on {@code port+1 .. port+maxBrokers}; with {@link #cluster},
     * ports by {@linkplain PortPerBrokerRouting.PortPlan#BROKER_ID broker id}, so that every node of
     * the gateway cluster has the same plan.
     */
    public PortPerBrokerRouting portPerBrokerRouting() {
        return PortPerBrokerRouting.builder()
                .advertisedHost(advertisedHost)
                .bootstrapPort(port)
                .firstBrokerPort(port + 1)
                .maxBrokers(maxBrokers)
                .portPlan(cluster == null ? PortPerBrokerRouting.PortPlan.DISCOVERY_ORDER
                        : PortPerBrokerRouting.PortPlan.BROKER_ID)
                .build();
    }

    private static void checkBootstrap(String bootstrap) {
        if (bootstrap.isBlank()) {
            throw new UsageException("--bootstrap names no server: '" + bootstrap + "'");
        }
        for (String server : bootstrap.split(",", -1)) {
            try {
                HostPort.parse(server);
            } catch (IllegalArgumentException e) {
                throw new UsageException(
                        "--bootstrap takes HOST:PORT[,HOST:PORT...]; in '" + bootstrap + "': " + e.getMessage());
            }
        }
    }

    private static @Nullable Path pathValue(Map<Option, String> given, Option option) {
        String text = given.get(option);
        if (text == null) {
            return null;
        }
        if (text.isBlank()) {
            throw new UsageException(option.flag + " names no file: '" + text + "'");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new UsageException(option.flag + " is not a path: '" + text + "' (" + e.getReason() + ")");
        }
    }

    private static DemoInterceptor interceptorNamed(String name) {
        DemoInterceptor interceptor = DemoInterceptor.named(name);
        if (interceptor == null) {
            throw new UsageException("--interceptor: unknown interceptor '" + name + "'; use one of "
                    + DemoInterceptor.allNames());
        }
        return interceptor;
    }

    private static String duplicateInterceptor(String name) {
        return "--interceptor " + name + " is given twice; each interceptor can be registered once";
    }

    private static int intValue(Map<Option, String> given, Option option, int defaultValue) {
        String text = given.get(option);
        if (text == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new UsageException(option.flag + " must be a whole number, was '" + text + "'");
        }
    }

    private static void checkRange(Option option, int value, int min, int max) {
        if (value < min || value > max) {
            throw new UsageException(option.flag + " must be in " + min + ".." + max + ", was " + value);
        }
    }

}
