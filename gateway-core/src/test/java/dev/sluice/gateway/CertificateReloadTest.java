package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS listener's certificate is rotated by replacing its PEM files: new handshakes present the new
 * certificate within a few reload intervals, connections already open stay open, and a file caught
 * half written is ignored until it is whole.
 */
class CertificateReloadTest {

    private static final String HOST = GatewayHarness.ADVERTISED_HOST;
    private static final int PORTS = 4;
    private static final Duration RELOAD_INTERVAL = Duration.ofMillis(100);
    /** Far more than a reload interval, for the file watcher on a busy two-core machine. */
    private static final Duration PICKED_UP_WITHIN = Duration.ofSeconds(10);
    private static final TestCertificateAuthority CA = TestCertificateAuthority.create("Reload Test CA");

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @TempDir
    Path dir;

    private final ClosedConnections closed = new ClosedConnections();
    private Path chainFile;
    private Path keyFile;
    private int bootstrapPort;
    private Gateway gateway;
    private int generation;

    @AfterEach
    void closeGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void rotatedCertificateServesNewHandshakesWhileOpenConnectionsStayOpen() throws Exception {
        IssuedCertificate first = issue();
        startGatewayServing(first);
        String topic = "reload-rotation";
        KAFKA.cluster().createTopic(topic, 1, 1);
        String clientId = "producer-across-rotation";

        try (Producer<String, String> producer = sslProducer(clientId)) {
            producer.send(new ProducerRecord<>(topic, "before")).get(30, TimeUnit.SECONDS);
            assertThat(presentedSerial()).as("serial presented before the rotation").isEqualTo(serialOf(first));
            double connectionsCreated = metric(producer, "connection-creation-total");

            IssuedCertificate second = issue();
            install(second);
            Eventually.until(PICKED_UP_WITHIN, () -> "a new handshake to present serial " + serialOf(second),
                    () -> presentedSerial().equals(serialOf(second)));

            producer.send(new ProducerRecord<>(topic, "after")).get(30, TimeUnit.SECONDS);
            // Two signals that the producer's connections survived the rotation, each robust on its
            // own: the gateway closed no connection whose client id is the producer's (the probes'
            // handshake-only connections carry no client id, so they cannot be mistaken for it), and
            // the producer opened no connection after its first send (a producer that lost a
            // connection reconnects on the next send, and connection-creation-total counts it).
            assertThat(closed.ofClient(clientId)).as("gateway-side closes of the producer's connections").isZero();
            assertThat(metric(producer, "connection-creation-total"))
                    .as("connections the producer opened across the rotation").isEqualTo(connectionsCreated);
        }
        // The control for the first signal: closes of the producer's connections are seen, and by client id.
        Eventually.until(Duration.ofSeconds(10), () -> "the gateway to see the closed producer's connections close",
                () -> closed.ofClient(clientId) > 0);
    }

    @Test
    void halfWrittenCertificateIsIgnoredUntilTheWholeFileIsThere() throws Exception {
        IssuedCertificate first = issue();
        startGatewayServing(first);
        IssuedCertificate second = issue();
        install(second);
        Eventually.until(PICKED_UP_WITHIN, () -> "a new handshake to present serial " + serialOf(second),
                () -> presentedSerial().equals(serialOf(second)));

        // The next certificate's key is in place and its chain file caught mid-write: the first half
        // of the leaf's base64 body, no END line. Written in place, as a slow writer would.
        IssuedCertificate third = issue();
        String chainPem = third.certificateChainPem();
        String halfWritten = chainPem.substring(0, chainPem.indexOf("-----END CERTIFICATE-----") / 2);
        replace(keyFile, third.privateKeyPem());
        Files.writeString(chainFile, halfWritten, StandardCharsets.US_ASCII);
        Files.setLastModifiedTime(chainFile, nextModificationTime());

        // Nothing announces that a reload attempt failed, so watch for ten reload intervals: every
        // handshake in that window must still present the last good certificate.
        long until = System.nanoTime() + RELOAD_INTERVAL.multipliedBy(10).toNanos();
        int probes = 0;
        while (System.nanoTime() < until) {
            assertThat(presentedSerial()).as("serial presented while the chain file is half written (probe %d)", probes)
                    .isEqualTo(serialOf(second));
            probes++;
        }
        assertThat(probes).isPositive();

        install(third);
        Eventually.until(PICKED_UP_WITHIN, () -> "a new handshake to present serial " + serialOf(third),
                () -> presentedSerial().equals(serialOf(third)));
    }

    private IssuedCertificate issue() {
        return CA.issueServerCertificate(HOST, "localhost");
    }

    private void startGatewayServing(IssuedCertificate certificate) throws IOException {
        PemFiles files = certificate.writePem(dir);
        chainFile = files.certificateChain();
        keyFile = files.privateKey();
        bootstrapPort = FreePorts.block(PORTS);
        gateway = Gateway.builder()
                .name("reload-gw")
                .upstream(KAFKA.bootstrapServers())
                .bindAddress(HOST)
                .ioThreads(2)
                .startupTimeout(Duration.ofSeconds(30))
                .eventListener(closed)
                .routing(PortPerBrokerRouting.builder()
                                .advertisedHost(HOST)
                                .bootstrapPort(bootstrapPort)
                                .maxBrokers(PORTS - 1)
                                .build(),
                        ServerTls.builder(KeyMaterial.pem(chainFile, keyFile))
                                .reloadInterval(RELOAD_INTERVAL)
                                .build())
                .build();
        gateway.start().toCompletableFuture().join();
    }

    /**
     * Rotates to {@code certificate} the way the {@code KeyMaterial} Javadoc asks: each file written
     * under a temporary name, then renamed over the old one, key first. Between the two renames the
     * key and the chain do not match, which the gateway must also sit out.
     */
    private void install(IssuedCertificate certificate) throws IOException {
        replace(keyFile, certificate.privateKeyPem());
        replace(chainFile, certificate.certificateChainPem());
    }

    private void replace(Path target, String content) throws IOException {
        Path temporary = Files.writeString(target.resolveSibling(target.getFileName() + ".tmp"), content,
                StandardCharsets.US_ASCII);
        // A later modification time than any earlier version, whatever the file system's clock
        // granularity: a watcher that looks at times (not only content) cannot miss the change.
        Files.setLastModifiedTime(temporary, nextModificationTime());
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private FileTime nextModificationTime() {
        return FileTime.from(Instant.now().plusSeconds(++generation));
    }

    /**
     * The serial of the certificate a brand-new TLS handshake with the bootstrap listener presents. A
     * new JDK SSLContext each time, so no session is resumed (a resumed session would report the
     * certificate of the session it resumed).
     */
    private BigInteger presentedSerial() throws Exception {
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(CA.trustStore());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(HOST, bootstrapPort)) {
            socket.setSoTimeout(5_000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }

    private static BigInteger serialOf(IssuedCertificate certificate) {
        return certificate.certificate().getSerialNumber();
    }

    /** A kafka-clients producer over TLS to the gateway, verifying its host name (kafka-clients' default). */
    private Producer<String, String> sslProducer(String clientId) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + bootstrapPort);
        config.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, SecurityProtocol.SSL.name);
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, CA.certificatePem());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    /** The producer-wide ({@code producer-metrics}) value of a kafka-clients {@code Selector} metric. */
    private static double metric(Producer<?, ?> producer, String name) {
        for (Map.Entry<MetricName, ? extends Metric> e : producer.metrics().entrySet()) {
            if (e.getKey().name().equals(name) && e.getKey().group().equals("producer-metrics")) {
                return ((Number) e.getValue().metricValue()).doubleValue();
            }
        }
        throw new AssertionError("no producer-metrics metric " + name + " in " + producer.metrics().keySet());
    }

    /** Remembers the client id of every client connection the gateway saw close. */
    private static final class ClosedConnections implements GatewayEventListener {
        private final Queue<String> clientIds = new ConcurrentLinkedQueue<>();

        @Override
        public void connectionClosed(ConnectionContext connection, long requests, long bytesIn, long bytesOut) {
            clientIds.add(String.valueOf(connection.clientId()));
        }

        long ofClient(String clientId) {
            return clientIds.stream().filter(clientId::equals).count();
        }
    }
}
