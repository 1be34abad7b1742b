package dev.sluice.gateway;

import dev.sluice.gateway.routing.SniRouting;
import dev.sluice.gateway.testkit.FreePorts;
import dev.sluice.gateway.testkit.tls.IssuedCertificate;
import dev.sluice.gateway.testkit.tls.PemFiles;
import dev.sluice.gateway.testkit.tls.TestCertificateAuthority;
import dev.sluice.gateway.tls.KeyMaterial;
import dev.sluice.gateway.tls.ServerTls;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.jspecify.annotations.Nullable;

/**
 * A gateway with one SNI-routed TLS listener ({@code bootstrap.kafka.test}, {@code
 * broker-<id>.kafka.test}) in front of a test cluster, with a wildcard certificate for {@code
 * *.kafka.test} from a CA of its own. Needs the test JVM's hosts file (tests named {@code *SniTest}
 * get it) for clients to resolve those names to loopback.
 */
final class SniGateway implements AutoCloseable {

    static final String DOMAIN = "kafka.test";
    static final String BOOTSTRAP_HOST = "bootstrap." + DOMAIN;

    final Gateway gateway;
    final int port;
    final TestCertificateAuthority ca;
    final IssuedCertificate serverCertificate;

    private SniGateway(Gateway gateway, int port, TestCertificateAuthority ca, IssuedCertificate serverCertificate) {
        this.gateway = gateway;
        this.port = port;
        this.ca = ca;
        this.serverCertificate = serverCertificate;
    }

    static SniGateway start(String upstream, Path directory) {
        return start(upstream, directory, tls -> tls, builder -> { });
    }

    /**
     * @param tls adjusts the listener's TLS settings (client authentication and such)
     * @param customize adjusts the gateway (interceptors, event listener, more routes)
     */
    static SniGateway start(String upstream, Path directory, UnaryOperator<ServerTls.Builder> tls,
            Consumer<GatewayBuilder> customize) {
        TestCertificateAuthority ca = TestCertificateAuthority.create("Sluice SNI test CA");
        IssuedCertificate certificate = ca.issueServerCertificate("*." + DOMAIN);
        PemFiles pem;
        try {
            pem = certificate.writePem(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int port = FreePorts.block(1);
        ServerTls serverTls = tls.apply(ServerTls.builder(KeyMaterial.pem(pem.certificateChain(), pem.privateKey())))
                .build();
        GatewayBuilder builder = Gateway.builder()
                .name("sni-gw")
                .upstream(upstream)
                .bindAddress("127.0.0.1")
                .ioThreads(2)
                .startupTimeout(Duration.ofSeconds(30))
                .routing(SniRouting.builder()
                        .listenPort(port)
                        .bootstrapHost(BOOTSTRAP_HOST)
                        .brokerHostPattern("broker-$(nodeId)." + DOMAIN)
                        .build(), serverTls);
        customize.accept(builder);
        Gateway gateway = builder.build();
        gateway.start().toCompletableFuture().join();
        return new SniGateway(gateway, port, ca, certificate);
    }

    String bootstrapServers() {
        return BOOTSTRAP_HOST + ":" + port;
    }

    /** kafka-clients settings for this gateway: TLS, trusting exactly the test CA, hostname verification on. */
    Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, ca.certificatePem());
        return config;
    }

    /** {@link #clientConfig()} presenting {@code client}'s certificate (mutual TLS). */
    Map<String, Object> clientConfig(IssuedCertificate client) {
        Map<String, Object> config = clientConfig();
        config.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_KEYSTORE_CERTIFICATE_CHAIN_CONFIG, client.certificateChainPem());
        config.put(SslConfigs.SSL_KEYSTORE_KEY_CONFIG, client.privateKeyPem());
        return config;
    }

    boolean isSniAddress(String host, int nodePort) {
        return nodePort == port && host.matches("broker-\\d+\\." + DOMAIN.replace(".", "\\."));
    }

    /**
     * A TLS handshake with a plain JDK socket to the gateway's port, asking for {@code serverName}
     * (none when {@code null}), trusting the test CA. Hostname verification is off here: refusal
     * tests ask for names no certificate should match and must see the gateway refuse, not the client.
     *
     * @return the socket after a successful handshake; the caller closes it
     * @throws IOException when the gateway refused the handshake or closed the connection
     */
    SSLSocket handshake(@Nullable String serverName) throws IOException {
        return handshake(serverName, null);
    }

    /**
     * {@link #handshake(String)} presenting {@code clientCertificate} when the gateway asks for one.
     * Under TLS 1.3 the client finishes its handshake before the server has judged its certificate: a
     * refusal shows on the first read.
     */
    SSLSocket handshake(@Nullable String serverName, @Nullable IssuedCertificate clientCertificate) throws IOException {
        SSLSocket socket = (SSLSocket) sslContext(clientCertificate).getSocketFactory().createSocket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setServerNames(serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            return socket;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private SSLContext sslContext(@Nullable IssuedCertificate clientCertificate) {
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init((KeyStore) ca.trustStore());
            KeyManager[] keys = null;
            if (clientCertificate != null) {
                char[] password = "test".toCharArray();
                KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                factory.init(clientCertificate.keyStore(password), password);
                keys = new KeyManager[] {new AlwaysPresent((X509ExtendedKeyManager) factory.getKeyManagers()[0])};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return context;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Presents the certificate whatever CAs the server says it accepts: the JDK's own key manager
     * would send an empty chain for a certificate of another CA, and a test of an untrusted
     * certificate must really present one.
     */
    private static final class AlwaysPresent extends X509ExtendedKeyManager {
        private final X509ExtendedKeyManager delegate;

        AlwaysPresent(X509ExtendedKeyManager delegate) {
            this.delegate = delegate;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return IssuedCertificate.KEY_ALIAS;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return IssuedCertificate.KEY_ALIAS;
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {IssuedCertificate.KEY_ALIAS};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return delegate.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return delegate.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return delegate.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return delegate.getPrivateKey(alias);
        }
    }

    /** Connections to brokers the gateway's data path has tried to open so far. */
    long upstreamConnectionAttempts() {
        return java.util.Objects.requireNonNull(gateway.runtime()).upstreamConnectionAttempts();
    }

    /** Responses the gateway passed to their clients while they were still arriving (cut-through). */
    long streamedResponses() {
        return java.util.Objects.requireNonNull(gateway.runtime()).streamedResponses();
    }

    @Override
    public void close() {
        gateway.close();
    }
}
