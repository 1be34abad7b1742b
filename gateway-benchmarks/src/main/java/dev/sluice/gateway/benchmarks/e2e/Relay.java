package dev.sluice.gateway.benchmarks.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The plain TCP relay of the harness: HAProxy in TCP mode (Debian's package), listening on {@code
 * 127.0.0.1:R} and forwarding to a listener of the broker that is advertised at {@code
 * 127.0.0.1:R}.
 *
 * <p>The broker has such a listener for each relay ({@code ForkedKafkaClusterBuilder#advertisedListener}:
 * {@code RELAY}, and {@code RELAY_TLS} for the TLS scenario), bound to a port of its own. A client
 * that bootstraps from the relay is told the relay's address in every Metadata, FindCoordinator
 * and DescribeCluster answer, so every later connection goes through the relay too: clients really
 * stay on it, with no name resolution tricks in the load JVM.
 *
 * <p>With {@code tlsPem} (certificate chain and key in one PEM file) HAProxy terminates TLS and
 * forwards plaintext, which is what the gateway does with TLS on the client side; its listener is
 * advertised at {@code 127.0.0.1:R}, which the certificate covers.
 */
final class Relay implements AutoCloseable {

    static final String RELAY_ADDRESS = "127.0.0.1";

    /** The broker's listener behind the plaintext relay. */
    static final String LISTENER = "RELAY";

    /** The broker's listener behind the relay that terminates TLS. */
    static final String TLS_LISTENER = "RELAY_TLS";

    private final ChildProcess process;

    private Relay(ChildProcess process) {
        this.process = process;
    }

    /** The address the broker advertises on the listener behind a relay on {@code port}. */
    static InetSocketAddress advertisedAddress(int port) {
        return InetSocketAddress.createUnresolved(RELAY_ADDRESS, port);
    }

    /** Fails with how to install HAProxy if it is not on the PATH. */
    static String requireHaproxy() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path candidate = Path.of(dir, "haproxy");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        for (String fallback : List.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy")) {
            if (Files.isExecutable(Path.of(fallback))) {
                return fallback;
            }
        }
        throw new IllegalStateException("HAProxy is not installed (the harness's TCP relay). Install it: "
                + "`sudo apt-get install -y haproxy` (Debian/Ubuntu), `sudo dnf install haproxy`, `brew install haproxy`");
    }

    /**
     * Starts HAProxy on {@code 127.0.0.1:port}, forwarding to {@code 127.0.0.1:brokerPort}, and
     * returns once it accepts connections.
     */
    static Relay start(String haproxy, int port, int brokerPort, @Nullable Path tlsPem, Path workDir)
            throws IOException, InterruptedException {
        String bind = "  bind " + RELAY_ADDRESS + ":" + port + (tlsPem == null ? "" : " ssl crt " + tlsPem);
        String config = String.join("\n",
                "global",
                "  maxconn 4096",
                "defaults",
                "  mode tcp",
                "  timeout connect 5s",
                "  timeout client 10m",
                "  timeout server 10m",
                "frontend kafka",
                bind,
                "  default_backend broker",
                "backend broker",
                "  server broker 127.0.0.1:" + brokerPort,
                "");
        Path file = workDir.resolve(tlsPem == null ? "haproxy.cfg" : "haproxy-tls.cfg");
        Files.writeString(file, config);
        ChildProcess process = ChildProcess.start("haproxy", List.of(haproxy, "-db", "-f", file.toString()), workDir, false);
        awaitListening(process, port);
        return new Relay(process);
    }

    private static void awaitListening(ChildProcess process, int port) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("haproxy exited; output:\n" + process.tail());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(RELAY_ADDRESS, port), 1000);
                return;
            } catch (IOException e) {
                Thread.sleep(50); // polling a port that is about to open: nothing to wait on instead
            }
        }
        process.close();
        throw new IllegalStateException("haproxy did not listen on " + RELAY_ADDRESS + ":" + port + "; output:\n"
                + process.tail());
    }

    @Override
    public void close() {
        process.close();
    }
}
