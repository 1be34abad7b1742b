package dev.sluice.gateway.testkit.tls;

/**
 * The key pair type of a generated certificate. {@link #EC_P256} is the default: a key pair takes
 * well under a millisecond, where RSA 2048 takes tens to hundreds of milliseconds.
 *
 * <p>Both work with the JDK's TLS, Netty's {@code SslContextBuilder} and kafka-clients' PEM key
 * stores ({@code ssl.keystore.type=PEM}).
 */
public enum KeyAlgorithm {
    /** ECDSA on the NIST P-256 curve ({@code secp256r1}), signed with SHA256withECDSA. */
    EC_P256("EC", "SHA256withECDSA"),
    /** RSA with a 2048-bit modulus, signed with SHA256withRSA. */
    RSA_2048("RSA", "SHA256withRSA");

    private final String jcaName;
    private final String signatureAlgorithm;

    KeyAlgorithm(String jcaName, String signatureAlgorithm) {
        this.jcaName = jcaName;
        this.signatureAlgorithm = signatureAlgorithm;
    }

    /** The JCA key algorithm name: {@code EC} or {@code RSA}. */
    String jcaName() {
        return jcaName;
    }

    /** The JCA signature algorithm this key type signs certificates with. */
    String signatureAlgorithm() {
        return signatureAlgorithm;
    }
}
