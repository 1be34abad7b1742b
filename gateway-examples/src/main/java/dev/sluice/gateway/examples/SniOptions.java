package dev.sluice.gateway.examples;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.routing.SniRouting;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The demo's SNI routing settings ({@code --sni-domain} and the {@code --tls-*} options), checked:
 * the whole cluster is served over TLS on one port, and the host name a client asks for in its TLS
 * handshake (SNI) says which broker it means.
 *
 * <pre>
 *   --sni-domain kafka.test     clients bootstrap from  bootstrap.kafka.test:PORT
 *                               and reach broker N as   broker-N.kafka.test:PORT
 * </pre>
 *
 * <p>The certificate comes from exactly one of two places: PEM files given with {@code --tls-cert}
 * and {@code --tls-key} ({@link #certificate()}, {@link #privateKey()}), or a CA and a wildcard
 * certificate for {@code *.DOMAIN} that the demo generates when it starts and writes into the
 * {@code --tls-generate} directory ({@link #generateDirectory()}) as {@value #CA_FILE}, {@value
 * #CERTIFICATE_FILE} and {@value #KEY_FILE}.
 *
 * <pre>{@code
 * SniOptions sni = new SniOptions("kafka.test", null, null, Path.of("tls"));
 * sni.bootstrapHost();        // "bootstrap.kafka.test"
 * sni.brokerHost(2);          // "broker-2.kafka.test"
 * sni.routing(9192);          // an SniRouting listening on 9192
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>Every name must resolve to the gateway (DNS, or lines in the client's {@code /etc/hosts}),
 *       and the certificate must cover them all: a wildcard {@code *.DOMAIN} does.
 *   <li>A generated certificate is valid for one day and its key is written unencrypted: it is for
 *       trying the demo out, not for a deployment.
 * </ul>
 *
 * @param domain the parent domain of the bootstrap and broker host names, in lower case (it is
 *     lowered); a DNS name, such that {@code broker-2147483647.DOMAIN} is a valid host name too
 * @param certificate the PEM certificate chain the gateway presents ({@code --tls-cert}), or {@code
 *     null} when the certificate is generated
 * @param privateKey the certificate's unencrypted PKCS#8 PEM key ({@code --tls-key}); given exactly
 *     when {@code certificate} is
 * @param generateDirectory where a generated CA and certificate go ({@code --tls-generate}), or
 *     {@code null} when {@code certificate} and {@code privateKey} are given
 */
public record SniOptions(
        String domain, @Nullable Path certificate, @Nullable Path privateKey, @Nullable Path generateDirectory) {

    /** The file in {@link #generateDirectory()} with the generated CA's certificate: what clients trust. */
    public static final String CA_FILE = "ca.pem";
    /** The file in {@link #generateDirectory()} with the generated certificate chain the gateway presents. */
    public static final String CERTIFICATE_FILE = "cert.pem";
    /** The file in {@link #generateDirectory()} with the generated certificate's private key. */
    public static final String KEY_FILE = "key.pem";

    /** The first label of the host name clients bootstrap from. */
    private static final String BOOTSTRAP_LABEL = "bootstrap";
    /** The first label of a broker's host name, before its node id. */
    private static final String BROKER_LABEL_PREFIX = "broker-";

    /**
     * Checks the settings, in terms of the command line.
     *
     * @throws UsageException when the domain does not make valid host names, or the certificate is
     *     given in neither or both ways, or only half of {@code --tls-cert} and {@code --tls-key}
     */
    public SniOptions {
        Objects.requireNonNull(domain, "domain");
        try {
            hostNames(domain).listenPort(1).build();
        } catch (IllegalArgumentException | GatewayException e) {
            throw new UsageException("--sni-domain '" + domain + "' does not make valid host names: " + e.getMessage());
        }
        // Valid host names are ASCII: lowering them cannot turn a character into another valid one.
        domain = domain.toLowerCase(Locale.ROOT);
        if (generateDirectory != null) {
            if (certificate != null || privateKey != null) {
                throw new UsageException("--tls-generate makes its own certificate: give it or --tls-cert and"
                        + " --tls-key, not both");
            }
            if (domain.indexOf('.') < 0) {
                throw new UsageException("--tls-generate issues a wildcard certificate for *." + domain
                        + ", which needs a --sni-domain of two labels or more, such as kafka.test; was '"
                        + domain + "'");
            }
        } else if (certificate == null && privateKey == null) {
            throw new UsageException("--sni-domain " + domain + " needs a certificate that covers *." + domain
                    + ": --tls-cert FILE and --tls-key FILE, or --tls-generate DIR to generate one");
        } else if (certificate == null) {
            throw new UsageException("--tls-key needs --tls-cert: the certificate chain that goes with the key");
        } else if (privateKey == null) {
            throw new UsageException("--tls-cert needs --tls-key: the private key of the certificate");
        }
    }

    /** The host name clients bootstrap from: {@code bootstrap.DOMAIN}. */
    public String bootstrapHost() {
        return BOOTSTRAP_LABEL + "." + domain;
    }

    /** The host name broker {@code nodeId} is reached under: {@code broker-<nodeId>.DOMAIN}. */
    public String brokerHost(int nodeId) {
        return BROKER_LABEL_PREFIX + nodeId + "." + domain;
    }

    /** Whether the demo generates its certificate ({@code --tls-generate}) rather than reading one. */
    public boolean generatesCertificate() {
        return generateDirectory != null;
    }

    /**
     * A new routing strategy for these settings, listening on {@code listenPort} and advertising that
     * port. A strategy belongs to one gateway; call this once per gateway.
     *
     * @throws IllegalArgumentException when {@code listenPort} is not in 1..65535
     */
    public SniRouting routing(int listenPort) {
        return hostNames(domain).listenPort(listenPort).build();
    }

    /**
     * A routing builder with this demo's host names under {@code domain}. SniRouting's own checks of
     * the names are the checks of the domain: the builder rejects a domain that makes an invalid one.
     */
    private static SniRouting.Builder hostNames(String domain) {
        return SniRouting.builder()
                .bootstrapHost(BOOTSTRAP_LABEL + "." + domain)
                .brokerHostPattern(BROKER_LABEL_PREFIX + SniRouting.NODE_ID_PLACEHOLDER + "." + domain);
    }
}
