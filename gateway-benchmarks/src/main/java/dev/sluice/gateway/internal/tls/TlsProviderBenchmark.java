package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.benchmarks.EventLoopThreads;
import dev.sluice.gateway.testkit.tls.KeyAlgorithm;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.TlsProvider;
import dev.sluice.gateway.tls.TrustMaterial;
import dev.sluice.gateway.tls.UpstreamTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLSession;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The TLS providers side by side ({@code provider} {@code JDK}, {@code OPENSSL}: BoringSSL through
 * netty-tcnative), with contexts made as the gateway makes them: {@link TlsContexts#server} from a
 * {@link ServerTls}, {@link TlsContexts#client} from an {@link UpstreamTls} with hostname
 * verification on, from PEM files a {@link TestCertificateAuthority} writes to a temporary directory
 * (deleted again once read). Both sides of a connection use the same provider and its default cipher
 * suites; each trial prints what it negotiated (protocol, cipher suite, the key exchange group where
 * the provider says, the ClientHello's size).
 *
 * <ul>
 *   <li>{@link #handshake}: one connection's TLS: a server and a client engine made, a full TLS 1.3
 *       handshake (the client asks for and verifies {@value #HOST}), the server's session tickets
 *       read, both sides closed (close_notify). Parameter {@code key}: the certificate's key, EC
 *       P-256 or RSA 2048. Sessions are never resumed: each connection gives the client a new peer
 *       port, the key of its session cache, so it never finds a session to offer, and every handshake
 *       checks that the ClientHello is no larger than the first one (an offer to resume adds a
 *       pre-shared key to it). The client cache is kept at {@value #CLIENT_SESSION_CACHE} entries, as
 *       a gateway connecting to a few brokers would have it, rather than letting one new host:port per
 *       handshake fill the default 20 480 entries with sessions nothing will use.
 *   <li>{@link #transfer}: over one handshaken connection (EC P-256), the server sends {@code
 *       payloadBytes} of plaintext to the client (a Fetch answer leaving the gateway: wrapped by the
 *       server, unwrapped by the client), then the client sends as many to the server (a Produce
 *       arriving). One operation moves {@code 2 x payloadBytes} of plaintext, each byte encrypted
 *       once and decrypted once; the received byte counts are checked.
 * </ul>
 *
 * <p>Buffers come from {@link ByteBufAllocator#DEFAULT}, the allocator of the gateway's channels
 * (Netty 4.2: the pooled adaptive allocator, direct buffers); the payloads are retained slices of one
 * direct buffer, as the gateway forwards frames. Nothing is leaked: records are released by the
 * receiving {@code SslHandler}, plaintext by the receiving side's sink, and the trial's tear-down
 * checks the payload buffers' reference counts.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Longer than the other classes': the JDK provider's TLS and crypto are Java code that keeps getting
// faster for seconds. On 2 cores transfer reaches its plateau after ~6 s, handshakes after ~20 s (see
// handshake()); BoringSSL is at its plateau within 2-3 s.
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-Dio.netty.leakDetection.level=disabled",
        EventLoopThreads.SELECT, EventLoopThreads.CLASS})
public class TlsProviderBenchmark {

    static final String HOST = "broker-1.kafka.test";
    static final int CLIENT_SESSION_CACHE = 16;
    static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;
    private static final int FIRST_PORT = 1024;
    private static final int LAST_PORT = 65_535;

    /** One connection's TLS: engines made, full handshake, closed. */
    @Benchmark
    @Warmup(iterations = 20, time = 1) // the JDK's handshakes speed up for ~20 s: 130/s at first, ~400/s from there
    public int handshake(Handshakes connections) {
        return connections.handshake();
    }

    /** {@code payloadBytes} from server to client, then as many from client to server. */
    @Benchmark
    public long transfer(Connection connection) {
        return connection.transfer();
    }

    /** Contexts for one {@code provider} and {@code key}, and the port counter that keeps sessions from resuming. */
    @State(Scope.Thread)
    public static class Handshakes {
        @Param({"JDK", "OPENSSL"})
        public TlsProvider provider;

        @Param({"EC_P256", "RSA_2048"})
        public KeyAlgorithm key;

        private Contexts contexts;
        private int port = FIRST_PORT;
        private int fullClientHelloBytes;

        @Setup(Level.Trial)
        public void setUp() {
            contexts = Contexts.create(provider, key);
            try (EmbeddedTlsPair first = connect()) {
                fullClientHelloBytes = first.clientHelloBytes();
                first.handshake();
                Contexts.requireTls13(provider + " " + key, first);
            }
        }

        int handshake() {
            try (EmbeddedTlsPair pair = connect()) {
                if (pair.clientHelloBytes() > fullClientHelloBytes) {
                    throw new IllegalStateException("the client offered to resume a session: ClientHello of "
                            + pair.clientHelloBytes() + " bytes, a full handshake's has " + fullClientHelloBytes);
                }
                return pair.handshake();
            }
        }

        private EmbeddedTlsPair connect() {
            port = port == LAST_PORT ? FIRST_PORT : port + 1;
            return new EmbeddedTlsPair(contexts.server(), contexts.client(), ALLOC, HOST, port);
        }
    }

    /** One handshaken connection (EC P-256) and the payloads each side sends. */
    @State(Scope.Thread)
    public static class Connection {
        @Param({"JDK", "OPENSSL"})
        public TlsProvider provider;

        /** Plaintext bytes per direction per operation. */
        @Param({"1024", "65536"})
        public int payloadBytes;

        private EmbeddedTlsPair pair;
        private ByteBuf fetchAnswer;
        private ByteBuf produceRequest;

        @Setup(Level.Trial)
        public void setUp() {
            Contexts contexts = Contexts.create(provider, KeyAlgorithm.EC_P256);
            pair = new EmbeddedTlsPair(contexts.server(), contexts.client(), ALLOC, HOST, FIRST_PORT);
            pair.handshake();
            Contexts.requireTls13(provider + " transfer", pair);
            Random random = new Random(payloadBytes);
            fetchAnswer = randomDirect(random, payloadBytes);
            produceRequest = randomDirect(random, payloadBytes);
            transfer(); // both directions once, checked, before measuring
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            pair.close();
            int fetchRefs = fetchAnswer.refCnt();
            int produceRefs = produceRequest.refCnt();
            fetchAnswer.release();
            produceRequest.release();
            if (fetchRefs != 1 || produceRefs != 1) {
                throw new IllegalStateException("payload slices leaked: reference counts " + fetchRefs + ", "
                        + produceRefs + " (1 expected)");
            }
        }

        long transfer() {
            long toClient = pair.serverToClient(fetchAnswer.retainedSlice());
            long toServer = pair.clientToServer(produceRequest.retainedSlice());
            if (toClient != payloadBytes || toServer != payloadBytes) {
                throw new IllegalStateException("sent " + payloadBytes + " bytes each way, received " + toClient
                        + " (client) and " + toServer + " (server)");
            }
            return toClient + toServer;
        }

        private static ByteBuf randomDirect(Random random, int bytes) {
            byte[] content = new byte[bytes];
            random.nextBytes(content);
            ByteBuf buf = ALLOC.directBuffer(bytes);
            buf.writeBytes(content);
            return buf;
        }
    }

    /** The server and client contexts the gateway would build for one provider and one key type. */
    record Contexts(SslContext server, SslContext client) {

        static Contexts create(TlsProvider provider, KeyAlgorithm key) {
            if (!provider.isAvailable()) {
                throw new IllegalStateException(provider + " is unavailable: " + provider.unavailabilityCause(),
                        provider.unavailabilityCause());
            }
            TestCertificateAuthority ca = TestCertificateAuthority.create("Sluice Benchmark CA", key);
            Path dir = null;
            try {
                dir = Files.createTempDirectory("sluice-tls-bench");
                PemFiles pem = ca.issueServerCertificate(HOST).writePem(dir);
                ServerTls serverTls = ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey()))
                        .provider(provider)
                        .reloadInterval(Duration.ZERO)
                        .build();
                UpstreamTls upstreamTls = UpstreamTls.builder()
                        .trust(TrustMaterial.pem(pem.caCertificate()))
                        .hostnameVerification(true)
                        .provider(provider)
                        .reloadInterval(Duration.ZERO)
                        .build();
                SslContext server = TlsContexts.server(serverTls).current();
                SslContext client = TlsContexts.client(upstreamTls).current();
                client.sessionContext().setSessionCacheSize(CLIENT_SESSION_CACHE);
                return new Contexts(server, client);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the benchmark's certificates", e);
            } finally {
                deleteRecursively(dir); // read into the contexts; never reloaded
            }
        }

        /** Checks the handshaken {@code pair} negotiated TLS 1.3 and prints what it negotiated, for the record. */
        static void requireTls13(String what, EmbeddedTlsPair pair) {
            SSLSession session = pair.clientSession();
            if (!"TLSv1.3".equals(session.getProtocol())) {
                throw new IllegalStateException(what + ": negotiated " + session.getProtocol() + ", not TLSv1.3");
            }
            System.out.println(what + ": " + session.getProtocol() + " " + session.getCipherSuite() + ", "
                    + pair.keyExchangeGroup() + ", ClientHello " + pair.clientHelloBytes() + " B");
        }

        private static void deleteRecursively(Path dir) {
            if (dir == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : (Iterable<Path>) files.sorted(Comparator.reverseOrder())::iterator) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete " + dir, e);
            }
        }
    }
}
