package dev.sluice.gateway.tls;

import dev.sluice.gateway.internal.tls.MaterialSources;
import dev.sluice.gateway.internal.tls.TrustSource;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Which certificate authorities a TLS peer must chain to: the JDK's default trust store, PEM
 * certificates, or a key store's certificate entries.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Only the names are kept here; the gateway reads the file when it starts and again when its
 *       content changes. A PEM file must hold at least one {@code CERTIFICATE} block, a key store at
 *       least one certificate; otherwise the start fails with a message naming the file.
 *   <li>{@link #jdkDefault()} is the JVM's {@code cacerts} (or {@code javax.net.ssl.trustStore} when
 *       set): the public certificate authorities. Right for brokers with publicly issued
 *       certificates; almost never right for client certificates, which is why {@link
 *       ServerTls.Builder#clientTrust} has no default.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Immutable and thread-safe; {@link #toString()} never prints the password.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * TrustMaterial internalCa = TrustMaterial.pem(Path.of("/etc/gateway/tls/ca.pem"));
 * TrustMaterial truststore = TrustMaterial.keyStore(Path.of("/etc/gateway/tls/truststore.jks"), "JKS", null);
 * }</pre>
 */
public final class TrustMaterial {

    static {
        MaterialSources.registerTrustReader(material -> material.source);
    }

    private static final TrustMaterial JDK_DEFAULT = new TrustMaterial(new TrustSource.JdkDefault());

    private final TrustSource source;

    private TrustMaterial(TrustSource source) {
        this.source = source;
    }

    /** The JDK's default trust store. */
    public static TrustMaterial jdkDefault() {
        return JDK_DEFAULT;
    }

    /**
     * One or more PEM {@code CERTIFICATE} blocks, each trusted as an anchor.
     *
     * @throws IllegalArgumentException if the path names no file name
     */
    public static TrustMaterial pem(Path caCertificates) {
        return new TrustMaterial(new TrustSource.Pem(KeyMaterial.file("caCertificates", caCertificates)));
    }

    /**
     * The certificate entries of a key store.
     *
     * @param type a {@link java.security.KeyStore} type this JVM knows, e.g. {@code PKCS12} or {@code JKS}
     * @param password the store's password, or {@code null} to read it without checking its integrity
     *     (enough for certificate entries in JKS and in unencrypted PKCS12 stores)
     * @throws IllegalArgumentException if the type is unknown (quoted) or the path names no file
     */
    public static TrustMaterial keyStore(Path file, String type, @Nullable String password) {
        return new TrustMaterial(new TrustSource.Store(KeyMaterial.file("file", file),
                KeyMaterial.keyStoreType(type), password));
    }

    /** The files this material is read from; empty for {@link #jdkDefault()}. */
    public List<Path> files() {
        return source.files();
    }

    /** Whether this is {@link #jdkDefault()}. */
    public boolean isJdkDefault() {
        return source instanceof TrustSource.JdkDefault;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TrustMaterial that && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    /** {@code TrustMaterial[PEM ca.pem]}, {@code TrustMaterial[JDK default]}; no password. */
    @Override
    public String toString() {
        return "TrustMaterial[" + source + "]";
    }
}
