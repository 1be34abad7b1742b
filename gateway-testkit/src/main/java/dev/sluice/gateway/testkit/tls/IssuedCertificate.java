package dev.sluice.gateway.testkit.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * A certificate issued by a {@link TestCertificateAuthority}, with its private key and the CA
 * certificate, in every form a TLS stack in a test wants.
 *
 * <table>
 *   <caption>Who takes what</caption>
 *   <tr><th>Consumer</th><th>Use</th></tr>
 *   <tr><td>Netty</td><td>{@code SslContextBuilder.forServer(chainPemStream, keyPemStream)} with
 *       {@link #certificateChainPem()} and {@link #privateKeyPem()}; or {@link #certificate()} and
 *       {@link #privateKey()} directly</td></tr>
 *   <tr><td>kafka-clients</td><td>{@code ssl.keystore.type=PEM}, {@code
 *       ssl.keystore.certificate.chain=}{@link #certificateChainPem()}, {@code
 *       ssl.keystore.key=}{@link #privateKeyPem()} (no {@code ssl.key.password}: the key is not
 *       encrypted)</td></tr>
 *   <tr><td>A Kafka broker, JDK {@code KeyManagerFactory}</td><td>{@link #keyStore(char[])} or
 *       {@link #writePkcs12(Path, char[])}</td></tr>
 *   <tr><td>Command line tools, the demo launcher</td><td>{@link #writePem(Path)}</td></tr>
 * </table>
 *
 * <p>Immutable and thread-safe. The key is unencrypted: test material only.
 */
public final class IssuedCertificate {
    /** The alias of the key entry in {@link #keyStore(char[])}. */
    public static final String KEY_ALIAS = "key";

    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final X509Certificate caCertificate;
    private final List<String> subjectAlternativeNames;

    IssuedCertificate(X509Certificate certificate, PrivateKey privateKey, X509Certificate caCertificate,
            List<String> subjectAlternativeNames) {
        this.certificate = Objects.requireNonNull(certificate, "certificate");
        this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
        this.caCertificate = Objects.requireNonNull(caCertificate, "caCertificate");
        this.subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
    }

    /** The issued (leaf) certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The leaf certificate, then the CA certificate. */
    public List<X509Certificate> chain() {
        return List.of(certificate, caCertificate);
    }

    /** The certificate's private key, unencrypted. */
    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The issuing CA's certificate: what peers must trust. */
    public X509Certificate caCertificate() {
        return caCertificate;
    }

    /** The names given at issue, in order; empty for a client certificate. */
    public List<String> subjectAlternativeNames() {
        return subjectAlternativeNames;
    }

    /** {@link #chain()} as two PEM {@code CERTIFICATE} blocks, leaf first. */
    public String certificateChainPem() {
        return Pem.certificates(chain());
    }

    /** The private key as an unencrypted PKCS#8 PEM block ({@code -----BEGIN PRIVATE KEY-----}). */
    public String privateKeyPem() {
        return Pem.privateKey(privateKey);
    }

    /** The CA's certificate as one PEM block, the same as {@link TestCertificateAuthority#certificatePem()}. */
    public String caCertificatePem() {
        return Pem.certificates(List.of(caCertificate));
    }

    /**
     * A new, in-memory PKCS12 key store with one key entry, {@link #KEY_ALIAS}, holding the key and
     * {@link #chain()}; the store and the key are protected by {@code password}.
     */
    public KeyStore keyStore(char[] password) {
        Objects.requireNonNull(password, "password");
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(KEY_ALIAS, privateKey, password, chain().toArray(Certificate[]::new));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build a PKCS12 key store", e);
        }
    }

    /**
     * Writes {@link #keyStore(char[])} to {@code file}, replacing it, and returns {@code file}.
     * A Kafka broker reads it with {@code ssl.keystore.type=PKCS12}, {@code ssl.keystore.location},
     * {@code ssl.keystore.password} and {@code ssl.key.password} all set to {@code password}.
     *
     * @throws IOException if the file cannot be written
     */
    public Path writePkcs12(Path file, char[] password) throws IOException {
        Objects.requireNonNull(file, "file");
        KeyStore store = keyStore(password);
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        } catch (GeneralSecurityException e) {
            throw new IOException("Could not encode the PKCS12 key store for " + file, e);
        }
        return file;
    }

    /**
     * Writes {@code cert.pem} ({@link #certificateChainPem()}), {@code key.pem} ({@link
     * #privateKeyPem()}) and {@code ca.pem} ({@link #caCertificatePem()}) into {@code directory},
     * creating it if needed and replacing those files.
     *
     * @throws IOException if a file cannot be written
     */
    public PemFiles writePem(Path directory) throws IOException {
        Objects.requireNonNull(directory, "directory");
        Files.createDirectories(directory);
        PemFiles files = new PemFiles(directory.resolve("cert.pem"), directory.resolve("key.pem"),
                directory.resolve("ca.pem"));
        Files.writeString(files.certificateChain(), certificateChainPem(), StandardCharsets.US_ASCII);
        Files.writeString(files.privateKey(), privateKeyPem(), StandardCharsets.US_ASCII);
        Files.writeString(files.caCertificate(), caCertificatePem(), StandardCharsets.US_ASCII);
        return files;
    }

    @Override
    public String toString() {
        return "IssuedCertificate[" + certificate.getSubjectX500Principal().getName()
                + (subjectAlternativeNames.isEmpty() ? "" : ", SAN " + subjectAlternativeNames)
                + ", issuer " + caCertificate.getSubjectX500Principal().getName() + "]";
    }
}
