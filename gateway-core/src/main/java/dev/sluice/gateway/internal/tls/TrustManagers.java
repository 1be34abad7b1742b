package dev.sluice.gateway.internal.tls;

import dev.sluice.gateway.api.GatewayException;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.List;
import javax.net.ssl.TrustManagerFactory;
import org.jspecify.annotations.Nullable;

/** Trust managers from a {@link TrustSource}, reading files only from a {@link MaterialSnapshot}. */
final class TrustManagers {
    private TrustManagers() {}

    static TrustManagerFactory load(String description, TrustSource source, MaterialSnapshot snapshot) {
        KeyStore anchors;
        if (source instanceof TrustSource.JdkDefault) {
            anchors = null;
        } else if (source instanceof TrustSource.Pem pem) {
            anchors = fromPem(description, pem, snapshot);
        } else {
            TrustSource.Store store = (TrustSource.Store) source;
            char[] password = store.password() == null ? null : store.password().toCharArray();
            anchors = LoadedKeys.KeyStores.load(description, store.file(), store.type(),
                    snapshot.bytes(store.file()), password);
            if (certificateCount(anchors) == 0) {
                throw new GatewayException(description + ": " + store.file() + " holds no certificate to trust"
                        + (password == null ? " (readable without a password)" : ""));
            }
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(anchors);
            return factory;
        } catch (GeneralSecurityException e) {
            throw new GatewayException(description + ": cannot build trust from " + source + ": " + e, e);
        }
    }

    private static KeyStore fromPem(String description, TrustSource.Pem pem, MaterialSnapshot snapshot) {
        List<X509Certificate> certificates = PemDecoder.certificates(description, pem.caCertificates(),
                snapshot.bytes(pem.caCertificates()));
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("ca-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new GatewayException(description + ": cannot hold the certificates of " + pem.caCertificates()
                    + " in a trust store: " + e, e);
        }
    }

    private static int certificateCount(@Nullable KeyStore store) {
        if (store == null) {
            return 0;
        }
        try {
            int count = 0;
            for (String alias : Collections.list(store.aliases())) {
                if (store.isCertificateEntry(alias) || store.isKeyEntry(alias) && store.getCertificate(alias) != null) {
                    count++;
                }
            }
            return count;
        } catch (GeneralSecurityException e) {
            return 0;
        }
    }
}
