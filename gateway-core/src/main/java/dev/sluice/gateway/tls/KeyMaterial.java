package dev.sluice.gateway.tls;

import dev.sluice.gateway.internal.tls.KeySource;
import dev.sluice.gateway.internal.tls.MaterialSources;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.util.List;
import java.util.Objects;

/**
 * Where a certificate chain and its private key come from: PEM files or a key store file.
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li>Only the names are kept here; the gateway reads the files when it starts and again when
 *       their content changes (see {@link ServerTls#reloadInterval()}). A file that is missing or
 *       unreadable at start fails the start with a message naming it.
 *   <li>PEM: the chain file holds one or more {@code CERTIFICATE} blocks, the host's certificate
 *       first, then its intermediates. The key file holds one PKCS#8 key: {@code BEGIN PRIVATE KEY},
 *       or {@code BEGIN ENCRYPTED PRIVATE KEY} with a password. Both may be the same file. RSA, EC
 *       and EdDSA keys are read; the key must belong to the first certificate.
 *   <li>Key store: every key entry is offered (the TLS stack picks one by key type); at least one
 *       must exist, and each entry's key must be readable with the key password.
 * </ul>
 *
 * <h2>Threading and ownership</h2>
 *
 * <p>Immutable and thread-safe. Passwords are kept as given, for as long as the value lives, so that
 * a changed file can be read again; {@link #toString()} never prints them.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * KeyMaterial pem = KeyMaterial.pem(Path.of("/etc/gateway/tls/cert.pem"), Path.of("/etc/gateway/tls/key.pem"));
 * KeyMaterial p12 = KeyMaterial.keyStore(Path.of("/etc/gateway/tls/server.p12"), "PKCS12", storePassword);
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li>A PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) key is
 *       refused; convert it with {@code openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pkcs8.pem}.
 *   <li>When rotating PEM files, write the certificate and the key together (ideally each to a
 *       temporary name, then rename): until both are consistent the gateway keeps its current
 *       certificate and logs a warning.
 * </ul>
 */
public final class KeyMaterial {

    static {
        MaterialSources.registerKeyReader(material -> material.source);
    }

    private final KeySource source;

    private KeyMaterial(KeySource source) {
        this.source = source;
    }

    /**
     * A PEM certificate chain and an unencrypted PKCS#8 private key ({@code BEGIN PRIVATE KEY}).
     *
     * @throws IllegalArgumentException if a path names no file name (e.g. a root directory)
     */
    public static KeyMaterial pem(Path certificateChain, Path privateKey) {
        return new KeyMaterial(new KeySource.Pem(file("certificateChain", certificateChain),
                file("privateKey", privateKey), null));
    }

    /**
     * A PEM certificate chain and an encrypted PKCS#8 private key ({@code BEGIN ENCRYPTED PRIVATE
     * KEY}, as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes it).
     *
     * @throws IllegalArgumentException if a path names no file name
     */
    public static KeyMaterial pem(Path certificateChain, Path privateKey, String keyPassword) {
        Objects.requireNonNull(keyPassword, "keyPassword");
        return new KeyMaterial(new KeySource.Pem(file("certificateChain", certificateChain),
                file("privateKey", privateKey), keyPassword));
    }

    /**
     * A key store whose keys are protected by the store's password.
     *
     * @param type a {@link KeyStore} type this JVM knows, e.g. {@code PKCS12} or {@code JKS}
     * @throws IllegalArgumentException if the type is unknown (quoted) or the path names no file
     */
    public static KeyMaterial keyStore(Path file, String type, String password) {
        Objects.requireNonNull(password, "password");
        return keyStore(file, type, password, password);
    }

    /**
     * A key store whose keys have a password of their own.
     *
     * @param type a {@link KeyStore} type this JVM knows, e.g. {@code PKCS12} or {@code JKS}
     * @throws IllegalArgumentException if the type is unknown (quoted) or the path names no file
     */
    public static KeyMaterial keyStore(Path file, String type, String storePassword, String keyPassword) {
        Objects.requireNonNull(storePassword, "storePassword");
        Objects.requireNonNull(keyPassword, "keyPassword");
        return new KeyMaterial(new KeySource.Store(file("file", file), keyStoreType(type), storePassword, keyPassword));
    }

    /** The files this material is read from: {@code [chain, key]} for PEM, {@code [store]} for a key store. */
    public List<Path> files() {
        return source.files();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyMaterial that && source.equals(that.source);
    }

    @Override
    public int hashCode() {
        return source.hashCode();
    }

    /** {@code KeyMaterial[PEM cert.pem, key.pem]} or {@code KeyMaterial[PKCS12 server.p12]}; no password. */
    @Override
    public String toString() {
        return "KeyMaterial[" + source + "]";
    }

    static Path file(String what, Path path) {
        Objects.requireNonNull(path, what);
        if (path.getFileName() == null) {
            throw new IllegalArgumentException(what + " must name a file, was '" + path + "'");
        }
        return path;
    }

    static String keyStoreType(String type) {
        Objects.requireNonNull(type, "type");
        try {
            KeyStore.getInstance(type);
            return type;
        } catch (KeyStoreException e) {
            throw new IllegalArgumentException("unknown key store type '" + type + "'", e);
        }
    }
}
