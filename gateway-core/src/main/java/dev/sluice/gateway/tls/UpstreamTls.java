package dev.sluice.gateway.tls;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * TLS from the gateway to the brokers (upstream): which authorities the brokers' certificates must
 * chain to, whether their names are checked, and optionally the certificate the gateway presents.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Each broker's certificate must chain to {@link #trust()} and, while {@link
 *       #hostnameVerification()} is on, name the host the gateway connects to (the broker's
 *       advertised host, or a bootstrap server's host), under the same HTTPS rules Kafka clients
 *       apply with {@code ssl.endpoint.identification.algorithm=https}.
 *   <li>With {@link #keyMaterial()} set, the gateway presents that certificate to brokers that ask
 *       for one. Brokers then see <em>the gateway's</em> identity on every connection, not the
 *       client's: ACLs keyed on TLS principals apply to the gateway as a whole. Clients that need
 *       their own identity upstream must authenticate with SASL, which the gateway passes through.
 *   <li>Files are read when the gateway starts (missing or invalid material fails the start, naming
 *       the file) and checked for changes every {@link #reloadInterval()}; new content that is
 *       valid serves new connections, invalid content is logged once and ignored.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Immutable and thread-safe; the builder is not thread-safe.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * UpstreamTls simple = UpstreamTls.trusting(Path.of("tls/cluster-ca.pem"));
 * UpstreamTls mutual = UpstreamTls.builder()
 *     .trust(TrustMaterial.pem(Path.of("tls/cluster-ca.pem")))
 *     .keyMaterial(KeyMaterial.keyStore(Path.of("tls/gateway.p12"), "PKCS12", password))
 *     .build();
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li>Turning {@link Builder#hostnameVerification(boolean) hostname verification} off means any
 *       certificate the trusted authorities ever issued, for any host, is accepted as any broker:
 *       with a shared or public CA, anyone able to divert traffic can impersonate the cluster.
 *       Prefer fixing the brokers' certificates (subject alternative names for every advertised
 *       host).
 *   <li>The default trust is the JDK's public authorities: right for a managed Kafka service, wrong
 *       for a cluster with its own CA, whose handshakes then fail with a certificate path error.
 * </ul>
 */
public final class UpstreamTls {
    private final TrustMaterial trust;
    private final @Nullable KeyMaterial keyMaterial;
    private final boolean hostnameVerification;
    private final TlsProvider provider;
    private final List<String> protocols;
    private final List<String> cipherSuites;
    private final Duration handshakeTimeout;
    private final Duration reloadInterval;

    private UpstreamTls(Builder builder) {
        this.trust = builder.trust;
        this.keyMaterial = builder.keyMaterial;
        this.hostnameVerification = builder.hostnameVerification;
        this.provider = builder.provider;
        this.protocols = builder.protocols;
        this.cipherSuites = builder.cipherSuites;
        this.handshakeTimeout = builder.handshakeTimeout;
        this.reloadInterval = builder.reloadInterval;
    }

    /** Starts settings with the defaults: JDK trust store, hostname verification, no client certificate. */
    public static Builder builder() {
        return new Builder();
    }

    /** TLS to brokers whose certificates chain to the PEM certificates in {@code caPem}; defaults otherwise. */
    public static UpstreamTls trusting(Path caPem) {
        return builder().trust(TrustMaterial.pem(caPem)).build();
    }

    /** What the brokers' certificates must chain to. */
    public TrustMaterial trust() {
        return trust;
    }

    /** The certificate the gateway presents to brokers; {@code null} for none. */
    public @Nullable KeyMaterial keyMaterial() {
        return keyMaterial;
    }

    /** Whether a broker's certificate must name the host the gateway connects to. */
    public boolean hostnameVerification() {
        return hostnameVerification;
    }

    /** The TLS implementation. */
    public TlsProvider provider() {
        return provider;
    }

    /** The TLS versions offered, by JSSE name ({@code TLSv1.3}). */
    public List<String> protocols() {
        return protocols;
    }

    /** The cipher suites offered; empty means the provider's defaults. */
    public List<String> cipherSuites() {
        return cipherSuites;
    }

    /** How long the handshake with a broker may take, from connecting. */
    public Duration handshakeTimeout() {
        return handshakeTimeout;
    }

    /** How often the files are checked for changes; {@link Duration#ZERO} when never. */
    public Duration reloadInterval() {
        return reloadInterval;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof UpstreamTls that
                && trust.equals(that.trust)
                && Objects.equals(keyMaterial, that.keyMaterial)
                && hostnameVerification == that.hostnameVerification
                && provider == that.provider
                && protocols.equals(that.protocols)
                && cipherSuites.equals(that.cipherSuites)
                && handshakeTimeout.equals(that.handshakeTimeout)
                && reloadInterval.equals(that.reloadInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(trust, keyMaterial, hostnameVerification, provider, protocols, cipherSuites,
                handshakeTimeout, reloadInterval);
    }

    /** For logs; never prints a password. */
    @Override
    public String toString() {
        return "UpstreamTls[" + trust
                + (keyMaterial == null ? "" : ", " + keyMaterial)
                + ", hostnameVerification " + hostnameVerification
                + ", " + provider + " " + protocols
                + (cipherSuites.isEmpty() ? "" : ", cipherSuites " + cipherSuites)
                + ", handshakeTimeout " + handshakeTimeout
                + ", reloadInterval " + reloadInterval + "]";
    }

    /**
     * Builds {@link UpstreamTls}. Every setter validates its argument at once and throws {@link
     * IllegalArgumentException} quoting the bad value; a later call replaces an earlier one. Not
     * thread-safe.
     */
    public static final class Builder {
        private TrustMaterial trust = TrustMaterial.jdkDefault();
        private @Nullable KeyMaterial keyMaterial;
        private boolean hostnameVerification = true;
        private TlsProvider provider = TlsProvider.JDK;
        private List<String> protocols = Checks.DEFAULT_PROTOCOLS;
        private List<String> cipherSuites = List.of();
        private Duration handshakeTimeout = Checks.DEFAULT_HANDSHAKE_TIMEOUT;
        private Duration reloadInterval = Checks.DEFAULT_RELOAD_INTERVAL;

        private Builder() {}

        /** What the brokers' certificates must chain to. Default {@link TrustMaterial#jdkDefault()}. */
        public Builder trust(TrustMaterial trust) {
            this.trust = Objects.requireNonNull(trust, "trust");
            return this;
        }

        /**
         * The certificate the gateway presents to brokers that require one (their {@code
         * ssl.client.auth=required}). Default: none. Brokers see the gateway's identity, not the
         * clients'.
         */
        public Builder keyMaterial(KeyMaterial keyMaterial) {
            this.keyMaterial = Objects.requireNonNull(keyMaterial, "keyMaterial");
            return this;
        }

        /**
         * Whether a broker's certificate must name the host the gateway connects to. Default {@code
         * true}. Turning it off accepts any certificate of a trusted authority as any broker; see the
         * class's pitfalls.
         */
        public Builder hostnameVerification(boolean hostnameVerification) {
            this.hostnameVerification = hostnameVerification;
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

        /** The cipher suites to offer; no repeats. Default, and with no argument: the provider's defaults. */
        public Builder cipherSuites(String... cipherSuites) {
            this.cipherSuites = Checks.cipherSuites(cipherSuites);
            return this;
        }

        /** How long the handshake with a broker may take; positive. Default 10 s. */
        public Builder handshakeTimeout(Duration timeout) {
            this.handshakeTimeout = Checks.positive("handshakeTimeout", timeout);
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

        /** Builds the settings. Files are not read here. */
        public UpstreamTls build() {
            return new UpstreamTls(this);
        }
    }
}
