package dev.sluice.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.testkit.KafkaClusterExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who does not get in through the SNI listener, and what it costs: an unknown or missing server
 * name, an oversized ClientHello, a client that stalls its handshake and one that speaks plaintext
 * Kafka are each closed before the gateway opens any connection to a broker, with the reason told
 * to the event listener. A good handshake, by contrast, does open one (so the counter is live).
 */
class HandshakeRefusalSniTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @TempDir
    static Path certificates;

    private static final List<String> REJECTIONS = new CopyOnWriteArrayList<>();
    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofMillis(1_500);
    private static SniGateway sni;

    @BeforeAll
    static void startGateway() {
        sni = SniGateway.start(KAFKA.bootstrapServers(), certificates,
                tls -> tls.handshakeTimeout(HANDSHAKE_TIMEOUT).maxClientHelloBytes(8_192),
                builder -> builder.eventListener(new GatewayEventListener() {
                    @Override
                    public void connectionRejected(ConnectionContext connection, String reason) {
                        REJECTIONS.add(reason);
                    }
                }));
    }

    @AfterAll
    static void stopGateway() {
        if (sni != null) {
            sni.close();
        }
    }

    @Test
    void unknownServerNamesAreRefusedWithoutAnUpstreamConnection() {
        long before = sni.upstreamConnectionAttempts();
        int unknownBroker = KAFKA.cluster().brokerIds().stream().mapToInt(Integer::intValue).max().orElseThrow() + 5;
        for (String name : List.of("broker-" + unknownBroker + ".kafka.test", "evil.example.com", "kafka.test",
                "broker-01.kafka.test", "bootstrap.kafka.test.evil.example.com")) {
            assertThatThrownBy(() -> sni.handshake(name).close()).as(name).isInstanceOf(IOException.class);
            awaitRejection("unknown server name '" + name + "'");
        }
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void aClientHelloWithoutServerNameIsRefused() {
        long before = sni.upstreamConnectionAttempts();
        assertThatThrownBy(() -> sni.handshake(null).close()).isInstanceOf(IOException.class);
        awaitRejection("no server name (SNI)");
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void aClientHelloOverTheLimitIsRefusedBeforeItIsBuffered() throws IOException {
        long before = sni.upstreamConnectionAttempts();
        try (Socket socket = rawSocket()) {
            byte[] record = new byte[5 + 4 + 4_096];
            record[0] = 0x16; // handshake record
            record[1] = 0x03;
            record[2] = 0x01;
            int recordLength = record.length - 5;
            record[3] = (byte) (recordLength >>> 8);
            record[4] = (byte) recordLength;
            record[5] = 0x01; // ClientHello, declaring 1 MiB: far over the listener's 8 KiB
            record[6] = 0x10;
            record[7] = 0x00;
            record[8] = 0x00;
            OutputStream out = socket.getOutputStream();
            out.write(record);
            out.flush();
            assertClosedByGateway(socket);
        }
        awaitRejection("ClientHello");
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void aClientThatNeverFinishesItsHandshakeIsClosedAtTheDeadline() throws IOException {
        long before = sni.upstreamConnectionAttempts();
        try (Socket silent = rawSocket(); Socket partial = rawSocket()) {
            partial.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00, 0x01}); // a ClientHello begun
            partial.getOutputStream().flush();
            assertClosedByGateway(silent);
            assertClosedByGateway(partial);
        }
        awaitRejection("TLS handshake not complete within " + HANDSHAKE_TIMEOUT.toMillis() + " ms");
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void plaintextKafkaOnTheTlsPortIsRefused() throws IOException {
        long before = sni.upstreamConnectionAttempts();
        try (Socket socket = rawSocket()) {
            // An ApiVersions v0 request, as a client that forgot security.protocol=SSL sends it.
            byte[] request = {0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0, 0};
            socket.getOutputStream().write(request);
            socket.getOutputStream().flush();
            assertClosedByGateway(socket);
        }
        awaitRejection("not a TLS connection");
        assertThat(sni.upstreamConnectionAttempts()).isEqualTo(before);
    }

    @Test
    void knownNamesAreServedAndOnlyThenReachABroker() throws IOException {
        long before = sni.upstreamConnectionAttempts();
        int broker = KAFKA.cluster().brokerIds().get(0);
        for (String name : List.of(SniGateway.BOOTSTRAP_HOST, "broker-" + broker + ".kafka.test",
                "BROKER-" + broker + ".Kafka.Test")) {
            try (SSLSocket socket = sni.handshake(name)) {
                assertThat(socket.getSession().getPeerCertificates()[0])
                        .isEqualTo(sni.serverCertificate.certificate());
            }
        }
        Eventually.until(Duration.ofSeconds(10), () -> "three upstream connections after " + before,
                () -> sni.upstreamConnectionAttempts() >= before + 3);
    }

    private static Socket rawSocket() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", sni.port), 5_000);
        socket.setSoTimeout((int) HANDSHAKE_TIMEOUT.multipliedBy(6).toMillis());
        return socket;
    }

    /** Reads until the gateway closes the connection; a read timeout means it did not. */
    private static void assertClosedByGateway(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4_096];
        try {
            while (in.read(buffer) >= 0) {
                // an alert, perhaps: keep reading until the end of the stream
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway kept the connection open", e);
        } catch (SocketException e) {
            // reset by the gateway: closed too
        }
    }

    private static void awaitRejection(String fragment) {
        Eventually.until(Duration.ofSeconds(10), () -> "a rejection mentioning '" + fragment + "' in " + REJECTIONS,
                () -> REJECTIONS.stream().anyMatch(reason -> reason.contains(fragment)));
    }
}
