package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.tls.TlsProvider;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import org.jspecify.annotations.Nullable;

/**
 * A certificate chain with its private key, read from a {@link MaterialSnapshot} and checked: the
 * key must belong to the chain's first certificate, so a certificate rotated without its key (or
 * the other way round) is refused instead of failing every handshake.
 */
abstract sealed class LoadedKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A server context builder presenting these keys. */
    abstract SslContextBuilder forServer();

    /** Adds these keys to a client context builder. */
    abstract void addTo(SslContextBuilder client);

    static LoadedKeys load(String description, KeySource source, MaterialSnapshot snapshot, TlsProvider provider) {
        if (source instanceof KeySource.Pem pem) {
            List<X509Certificate> chain = PemDecoder.certificates(description, pem.certificateChain(),
                    snapshot.bytes(pem.certificateChain()));
            PrivateKey key = PemDecoder.privateKey(description, pem.privateKey(), snapshot.bytes(pem.privateKey()),
                    pem.keyPassword());
            if (!belongTogether(key, chain.get(0).getPublicKey())) {
                throw new GatewayException(description + ": the private key in " + pem.privateKey()
                        + " does not belong to the first certificate in " + pem.certificateChain() + " ("
                        + chain.get(0).getSubjectX500Principal().getName() + ")");
            }
            return new Chain(key, chain.toArray(X509Certificate[]::new));
        }
        KeySource.Store store = (KeySource.Store) source;
        return new Factory(keyManagerFactory(description, store, snapshot.bytes(store.file()), provider));
    }

    private static KeyManagerFactory keyManagerFactory(String description, KeySource.Store store, byte[] bytes,
            TlsProvider provider) {
        Path file = store.file();
        char[] storePassword = store.storePassword().toCharArray();
        char[] keyPassword = store.keyPassword().toCharArray();
        try {
            KeyStore keyStore = KeyStores.load(description, file, store.type(), bytes, storePassword);
            List<String> aliases = new ArrayList<>();
            for (String alias : Collections.list(keyStore.aliases())) {
                if (!keyStore.isKeyEntry(alias)) {
                    continue;
                }
                Key key = keyStore.getKey(alias, keyPassword);
                if (!(key instanceof PrivateKey privateKey)) {
                    continue; // a secret key entry (JCEKS): nothing TLS can present
                }
                Certificate[] chain = keyStore.getCertificateChain(alias);
                if (chain == null || chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
                    throw new GatewayException(description + ": key entry '" + alias + "' in " + file
                            + " has no X.509 certificate chain");
                }
                if (!belongTogether(privateKey, leaf.getPublicKey())) {
                    throw new GatewayException(description + ": the key of entry '" + alias + "' in " + file
                            + " does not belong to its certificate (" + leaf.getSubjectX500Principal().getName() + ")");
                }
                aliases.add(alias);
            }
            if (aliases.isEmpty()) {
                throw new GatewayException(description + ": " + file + " holds no private key entry");
            }
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore, keyPassword);
            // OpenSSL would otherwise convert the key to its own form on every handshake.
            return provider == TlsProvider.OPENSSL ? new OpenSslCachingX509KeyManagerFactory(factory) : factory;
        } catch (UnrecoverableKeyException e) {
            throw new GatewayException(description + ": the key password does not unlock a key in " + file, e);
        } catch (GeneralSecurityException e) {
            throw new GatewayException(description + ": cannot read the keys in " + file + ": " + e, e);
        } finally {
            Arrays.fill(storePassword, '\0');
            Arrays.fill(keyPassword, '\0');
        }
    }

    /**
     * Whether {@code key} signs what {@code publicKey} verifies. {@code true} for algorithms this
     * check does not know, leaving them to the TLS stack.
     */
    static boolean belongTogether(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "EdDSA", "Ed25519", "Ed448" -> "EdDSA";
            case "DSA" -> "SHA256withDSA";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(algorithm.equals("EdDSA") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        try {
            byte[] probe = new byte[32];
            RANDOM.nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** A chain and key from PEM: Netty picks the best way to hand them to the provider. */
    private static final class Chain extends LoadedKeys {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        Chain(PrivateKey key, X509Certificate[] chain) {
            this.key = key;
            this.chain = chain;
        }

        @Override
        SslContextBuilder forServer() {
            return SslContextBuilder.forServer(key, chain);
        }

        @Override
        void addTo(SslContextBuilder client) {
            client.keyManager(key, chain);
        }
    }

    /** The key entries of a key store. */
    private static final class Factory extends LoadedKeys {
        private final KeyManagerFactory factory;

        Factory(KeyManagerFactory factory) {
            this.factory = factory;
        }

        @Override
        SslContextBuilder forServer() {
            return SslContextBuilder.forServer(factory);
        }

        @Override
        void addTo(SslContextBuilder client) {
            client.keyManager(factory);
        }
    }

    /** Loading key stores from bytes, for keys and for trust. */
    static final class KeyStores {
        private KeyStores() {}

        static KeyStore load(String description, Path file, String type, byte[] bytes, char @Nullable [] password) {
            try {
                KeyStore store = KeyStore.getInstance(type);
                store.load(new ByteArrayInputStream(bytes), password);
                return store;
            } catch (IOException e) {
                throw new GatewayException(description + ": cannot read " + file + " as a " + type + " key store"
                        + " (wrong password, wrong type, or a damaged file): " + e.getMessage(), e);
            } catch (GeneralSecurityException e) {
                throw new GatewayException(description + ": cannot read " + file + " as a " + type + " key store: "
                        + e, e);
            }
        }
    }
}
