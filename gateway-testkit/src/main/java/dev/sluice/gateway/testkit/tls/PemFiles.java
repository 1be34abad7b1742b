package dev.sluice.gateway.testkit.tls;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where {@link IssuedCertificate#writePem} put the three PEM files of one certificate.
 *
 * @param certificateChain the certificate, then the CA certificate ({@code CERTIFICATE} blocks)
 * @param privateKey the unencrypted PKCS#8 private key ({@code PRIVATE KEY} block)
 * @param caCertificate the issuing CA's certificate alone, for peers to trust
 */
public record PemFiles(Path certificateChain, Path privateKey, Path caCertificate) {
    public PemFiles {
        Objects.requireNonNull(certificateChain, "certificateChain");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(caCertificate, "caCertificate");
    }
}
