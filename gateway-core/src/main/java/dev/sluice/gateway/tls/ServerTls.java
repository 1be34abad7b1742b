package dev.sluice.gateway.tls;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * TLS for a gateway listener: what Kafka clients connecting to the gateway see (downstream).
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>The gateway presents the certificate of {@link #keyMaterial()}; there is no other (no
 *       default or self-signed fallback). Settings are read when the gateway starts: material that
 *       is missing or invalid, or a provider that is unavailable, fails the start with a message
 *       naming the file or the provider.
 *   <li>Every {@link #reloadInterval()} the gateway checks the files (modification time and size,
 *       then a hash of the content) and, when their content changed and still forms valid
 *       material, serves new connections with it. Connections already open keep the material they
 *       started with. Invalid new content (say, a half-written file) is logged once and ignored: the
 *       current certificate stays until the files are valid again.
 *   <li>With {@link ClientAuth#REQUESTED} or {@link ClientAuth#REQUIRED} the client certificate
 *       must chain to {@link #clientTrust()}, which must then be set explicitly: trusting the JDK's
 *       public authorities for client certificates would admit anyone who can buy a certificate.
 *       {@link TrustMaterial#jdkDefault()} given explicitly is accepted.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * ServerTls tls = ServerTls.builder(KeyMaterial.pem(Path.of("tls/cert.pem"), Path.of("tls/key.pem")))
 *     .clientAuth(ClientAuth.REQUIRED)
 *     .clientTrust(TrustMaterial.pem(Path.of("tls/clients-ca.pem")))
 *     .provider(TlsProvider.OPENSSL.isAvailable() ? TlsProvider.OPENSSL : TlsProvider.JDK)
 *     .build();
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li>Kafka clients verify the host name by default ({@code ssl.endpoint.identification.algorithm=https}):
 *       the certificate must name every address the gateway advertises, e.g. with a wildcard
 *       {@code *.kafka.example.com} when brokers get one host name each.
 *   <li>{@link #protocols()} and {@link #cipherSuites()} are checked against the provider when the
 *       gateway starts; a cipher suite the provider lacks fails the start rather than being dropped.
 * </ul>
 */
public final class ServerTls {
    /** The smallest accepted {@link Builder#maxClientHelloBytes(int)}. */
    public static final int MIN_CLIENT_HELLO_BYTES = 512;
    /** The largest accepted {@link Builder#maxClientHelloBytes(int)}: a TLS handshake message's length field. */
    public static final int MAX_CLIENT_HELLO_BYTES = 16_777_215;
    /** The default {@link Builder#maxClientHelloBytes(int)}: 16 KiB. */
    public static final int DEFAULT_MAX_CLIENT_HELLO_BYTES = 16_384;

    private final KeyMaterial keyMaterial;
    private final ClientAuth clientAuth;
    private final @Nullable TrustMaterial clientTrust;
    private final TlsProvider provider;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;
    private final int maxClientHelloBytes;
    private final Duration reloadInterval;

    private ServerTls(Builder builder) {
        this.keyMaterial = builder.keyMaterial;
        this.clientAuth = builder.clientAuth;
        this.clientTrust = builder.clientTrust;
        this.provider = builder.provider;
        this.protocols = builder.protocols;
        this.cipherSuites = builder.cipherSuites;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.maxClientHelloBytes = builder.maxClientHelloBytes;
        this.reloadInterval = builder.reloadInterval;
    }

    /** Starts settings that present the certificate of {@code keys}. */
    public static Builder builder(KeyMaterial keys) {
        return new Builder(keys);
    }

    /** The certificate chain and key the gateway presents. */
    public KeyMaterial keyMaterial() {
        return keyMaterial;
    }

    /** Whether clients are asked for a certificate. */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** What client certificates must chain to; {@code null} when not set (then client auth is {@link ClientAuth#NONE}). */
    public @Nullable TrustMaterial clientTrust() {
        return clientTrust;
    }

    /** The TLS implementation. */
    public TlsProvider provider() {
        return provider;
    }

    /** The TLS versions offered, by JSSE name ({@code TLSv1.3}). */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites offered, by IANA/JSSE name; empty means the provider's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** How long a client has, from connecting, to complete the TLS handshake. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** The largest TLS ClientHello accepted; a larger one closes the connection before it is buffered. */
    public int maxClientHelloBytes() {
        return maxClientHelloBytes;
    }

    /** How often the files are checked for changes; {@link Duration#ZERO} when never. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerTls that
                && keyMaterial.equals(that.keyMaterial)
                && clientAuth == that.clientAuth
                && Objects.equals(clientTrust, that.clientTrust)
                && provider == that.provider
                && protocols.equals(that.protocols)
                && cipherSuites.equals(that.cipherSuites)
                && handshakeTimeout.equals(that.handshakeTimeout)
                && maxClientHelloBytes == that.maxClientHelloBytes
                && reloadInterval.equals(that.reloadInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keyMaterial, clientAuth, clientTrust, provider, protocols, cipherSuites, handshakeTimeout,
                maxClientHelloBytes, reloadInterval);
    }

    /** For logs; never prints a password. */
    @Override
    public String toString() {
        return "ServerTls[" + keyMaterial
                + ", clientAuth " + clientAuth + (clientTrust == null ? "" : " trusting " + clientTrust)
                + ", " + provider + " " + protocols
                + (cipherSuites.isEmpty() ? "" : ", cipherSuites " + cipherSuites)
                + ", handshakeTimeout " + handshakeTimeout
                + ", maxClientHelloBytes " + maxClientHelloBytes
                + ", reloadInterval " + reloadInterval + "]";
    }

    /**
     * Builds {@link ServerTls}. Every setter validates its argument at once and throws {@link
     * IllegalArgumentException} quoting the bad value; a later call replaces an earlier one. {@link
     * #build()} checks the combination. Not thread-safe.
     */
    public static final class Builder {
        private final KeyMaterial keyMaterial;
        private ClientAuth clientAuth = ClientAuth.NONE;
        private @Nullable TrustMaterial clientTrust;
        private TlsProvider provider = TlsProvider.JDK;
        private List<String> protocols = Checks.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Duration handshakeTimeout = Checks.DEFAULT_HANDSHAKE_TIMEOUT;
        private int maxClientHelloBytes = DEFAULT_MAX_CLIENT_HELLO_BYTES;
        private Duration reloadInterval = Checks.DEFAULT_RELOAD_INTERVAL;

        private Builder(KeyMaterial keyMaterial) {
            this.keyMaterial = Objects.requireNonNull(keyMaterial, "keys");
        }

        /**
         * Whether clients are asked for a certificate. Default {@link ClientAuth#NONE}. Anything else
         * needs {@link #clientTrust}.
         */
        public Builder clientAuth(ClientAuth clientAuth) {
            this.clientAuth = Objects.requireNonNull(clientAuth, "clientAuth");
            return this;
        }

        /**
         * What client certificates must chain to. No default: required when {@link #clientAuth} is
         * {@link ClientAuth#REQUESTED} or {@link ClientAuth#REQUIRED}, and refused by {@link
         * #build()} with {@link ClientAuth#NONE} (it would have no effect).
         */
        public Builder clientTrust(TrustMaterial clientTrust) {
            this.clientTrust = Objects.requireNonNull(clientTrust, "clientTrust");
            return this;
        }

        /** The TLS implementation. Default {@link TlsProvider#JDK}. */
        public Builder provider(TlsProvider provider) {
            this.provider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * The TLS versions to offer, from {@code TLSv1.3}, {@code TLSv1.2}, {@code TLSv1.1}, {@code
         * TLSv1}; at least one, no repeats. Default {@code TLSv1.3, TLSv1.2}.
         */
        public Builder protocols(String... protocols) {
            this.protocols = Checks.protocols(protocols);
            return this;
        }

        /**
         * The cipher suites to offer, by name ({@code TLS_AES_128_GCM_SHA256}); no repeats. Default,
         * and with no argument: the provider's defaults.
         */
        public Builder cipherSuites(String... cipherSuites) {
            this.cipherSuites = Checks.cipherSuites(cipherSuites);
            return this;
        }

        /** How long a client has, from connecting, to complete the handshake; positive. Default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Checks.positive("handshakeTimeout", timeout);
            return this;
        }

        /**
         * The largest ClientHello accepted, {@value ServerTls#MIN_CLIENT_HELLO_BYTES}..{@value
         * ServerTls#MAX_CLIENT_HELLO_BYTES} bytes. Default {@value
         * ServerTls#DEFAULT_MAX_CLIENT_HELLO_BYTES}: room for
         * a post-quantum key share and many extensions, and a bound on what an unauthenticated peer
         * makes the gateway buffer.
         */
        public Builder maxClientHelloBytes(int bytes) {
            if (bytes < MIN_CLIENT_HELLO_BYTES || bytes > MAX_CLIENT_HELLO_BYTES) {
                throw new IllegalArgumentException("maxClientHelloBytes must be in " + MIN_CLIENT_HELLO_BYTES + ".."
                        + MAX_CLIENT_HELLO_BYTES + ", was " + bytes);
            }
            this.maxClientHelloBytes = bytes;
            return this;
        }

        /**
         * How often the files are checked for changes: {@link Duration#ZERO} never, otherwise at
         * least 100 ms. Default 10 s.
         */
        public Builder reloadInterval(Duration interval) {
            this.reloadInterval = Checks.reloadInterval(interval);
            return this;
        }

        /**
         * Builds the settings. Files are not read here.
         *
         * @throws IllegalStateException when client authentication is on without {@link #clientTrust},
         *     or {@link #clientTrust} is set while it is off
         */
        public ServerTls build() {
            if (clientAuth != ClientAuth.NONE && clientTrust == null) {
                throw new IllegalStateException("clientAuth " + clientAuth + " needs clientTrust(...): the authorities"
                        + " client certificates must chain to (TrustMaterial.jdkDefault() only if you mean the JDK's"
                        + " public ones)");
            }
            if (clientAuth == ClientAuth.NONE && clientTrust != null) {
                throw new IllegalStateException("clientTrust " + clientTrust + " is set but clientAuth is NONE:"
                        + " set clientAuth(REQUESTED or REQUIRED), or drop clientTrust");
            }
            return new ServerTls(this);
        }
    }
}
