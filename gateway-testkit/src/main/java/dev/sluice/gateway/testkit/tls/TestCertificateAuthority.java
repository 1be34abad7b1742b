package dev.sluice.gateway.testkit.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A certificate authority for tests, made in memory, that issues TLS server certificates for given
 * host names and IP addresses and client certificates for mutual TLS. Nothing touches the disk
 * until asked ({@link IssuedCertificate#writePem}, {@link IssuedCertificate#writePkcs12}).
 *
 * <pre>
 *   CN=&lt;commonName&gt;  (self-signed root, CA:true, keyCertSign)
 *     ├── server certificate: SAN dNSName / iPAddress, extendedKeyUsage serverAuth
 *     └── client certificate: CN=&lt;name&gt;, extendedKeyUsage clientAuth
 * </pre>
 *
 * <h2>Contract</h2>
 *
 * <ul>
 *   <li><b>Validity</b> of every certificate: from one hour ago (clock skew between JVMs does not
 *       matter) to one day from its creation.
 *   <li><b>Keys</b>: {@link KeyAlgorithm#EC_P256} unless told otherwise; the issued certificates
 *       use the CA's key algorithm. Certificates are signed with the JDK's own providers; the
 *       BouncyCastle provider is never registered, so no global {@code Security} state changes.
 *   <li><b>Names</b>: a subject alternative name that is an IPv4 or IPv6 literal becomes an
 *       {@code iPAddress} entry, anything else a {@code dNSName}. A wildcard is allowed only as the
 *       whole leftmost label ({@code *.kafka.test}); it matches exactly one label ({@code
 *       broker-1.kafka.test}, not {@code kafka.test} and not {@code a.b.kafka.test}).
 *   <li><b>Trust</b>: peers trust {@link #certificatePem()} (kafka-clients: {@code
 *       ssl.truststore.type=PEM}, {@code ssl.truststore.certificates}) or {@link #trustStore()}.
 * </ul>
 *
 * <h2>Threading</h2>
 *
 * <p>Immutable apart from the serial number counter; safe to share between threads and tests. A CA
 * takes about a millisecond to create with EC keys, so one per test class is plenty.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create("Sluice Test CA");
 * IssuedCertificate server = ca.issueServerCertificate("*.kafka.test", "localhost", "127.0.0.1");
 * SslContext netty = SslContextBuilder.forServer(
 *         new ByteArrayInputStream(server.certificateChainPem().getBytes(US_ASCII)),
 *         new ByteArrayInputStream(server.privateKeyPem().getBytes(US_ASCII))).build();
 * props.put("ssl.truststore.type", "PEM");
 * props.put("ssl.truststore.certificates", ca.certificatePem());
 * }</pre>
 *
 * <h2>Pitfalls</h2>
 *
 * <ul>
 *   <li>For tests only: the keys are unencrypted, in memory and in the files written.
 *   <li>A wildcard does not cover the bare domain: add {@code kafka.test} as a second name if a
 *       test connects to it.
 *   <li>Host name verification on a JDK {@code SSLEngine} needs the peer host passed to {@code
 *       createSSLEngine(host, port)} <em>and</em> {@code endpointIdentificationAlgorithm=HTTPS};
 *       without the latter any trusted certificate is accepted for any name.
 * </ul>
 */
public final class TestCertificateAuthority {
    private static final Duration BACKDATE = Duration.ofHours(1);
    private static final Duration LIFETIME = Duration.ofDays(1);
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern DNS_LABEL = Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final KeyAlgorithm keyAlgorithm;
    private final KeyPair keyPair;
    private final X509Certificate certificate;
    private final String certificatePem;

    private TestCertificateAuthority(KeyAlgorithm keyAlgorithm, KeyPair keyPair, X509Certificate certificate) {
        this.keyAlgorithm = keyAlgorithm;
        this.keyPair = keyPair;
        this.certificate = certificate;
        this.certificatePem = Pem.certificates(List.of(certificate));
    }

    /** Creates a root CA with an EC P-256 key and the subject {@code CN=<commonName>}. */
    public static TestCertificateAuthority create(String commonName) {
        return create(commonName, KeyAlgorithm.EC_P256);
    }

    /**
     * Creates a root CA with the subject {@code CN=<commonName>}; the certificates it issues have
     * keys of the same algorithm.
     *
     * @throws IllegalArgumentException if {@code commonName} is blank
     */
    public static TestCertificateAuthority create(String commonName, KeyAlgorithm keyAlgorithm) {
        Objects.requireNonNull(commonName, "commonName");
        Objects.requireNonNull(keyAlgorithm, "keyAlgorithm");
        checkCommonName(commonName);
        KeyPair keyPair = generateKeyPair(keyAlgorithm);
        X500Name subject = name(commonName);
        X509Certificate certificate = sign(keyAlgorithm, keyPair, subject, keyPair.getPublic(), subject, builder -> {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensionUtils().createSubjectKeyIdentifier(keyPair.getPublic()));
        });
        return new TestCertificateAuthority(keyAlgorithm, keyPair, certificate);
    }

    /**
     * Issues a server certificate for the given names: its subject is {@code CN=<first name>}, its
     * subject alternative names are all of them, in order.
     *
     * @param subjectAlternativeNames host names ({@code broker-1.kafka.test}), wildcards ({@code
     *     *.kafka.test}) or IP literals ({@code 127.0.0.1}, {@code ::1}); at least one
     * @throws IllegalArgumentException if there is none, or one is neither a valid host name,
     *     wildcard nor IP literal; the message quotes it
     */
    public IssuedCertificate issueServerCertificate(String... subjectAlternativeNames) {
        Objects.requireNonNull(subjectAlternativeNames, "subjectAlternativeNames");
        List<String> names = List.of(subjectAlternativeNames);
        if (names.isEmpty()) {
            throw new IllegalArgumentException("A server certificate needs at least one subject alternative name");
        }
        List<GeneralName> generalNames = new ArrayList<>();
        for (String san : names) {
            generalNames.add(generalName(san));
        }
        KeyPair pair = generateKeyPair(keyAlgorithm);
        X509Certificate issued = sign(keyAlgorithm, keyPair, name(certificate), pair.getPublic(), name(names.get(0)),
                builder -> {
                    leafExtensions(builder, pair.getPublic(), KeyPurposeId.id_kp_serverAuth);
                    builder.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(generalNames.toArray(GeneralName[]::new)));
                });
        return new IssuedCertificate(issued, pair.getPrivate(), certificate, names);
    }

    /**
     * Issues a client certificate for mutual TLS with the subject {@code CN=<commonName>}, which is
     * what a server sees as the peer's principal ({@code CN=alice}).
     *
     * @throws IllegalArgumentException if {@code commonName} is blank
     */
    public IssuedCertificate issueClientCertificate(String commonName) {
        Objects.requireNonNull(commonName, "commonName");
        checkCommonName(commonName);
        KeyPair pair = generateKeyPair(keyAlgorithm);
        X509Certificate issued = sign(keyAlgorithm, keyPair, name(certificate), pair.getPublic(), name(commonName),
                builder -> leafExtensions(builder, pair.getPublic(), KeyPurposeId.id_kp_clientAuth));
        return new IssuedCertificate(issued, pair.getPrivate(), certificate, List.of());
    }

    /** The CA's self-signed certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** The CA's certificate as one PEM {@code CERTIFICATE} block: what peers trust. */
    public String certificatePem() {
        return certificatePem;
    }

    /** The key algorithm of this CA and of every certificate it issues. */
    public KeyAlgorithm keyAlgorithm() {
        return keyAlgorithm;
    }

    /**
     * A new, in-memory PKCS12 trust store holding the CA certificate under the alias {@code ca},
     * for {@code TrustManagerFactory.init(KeyStore)}. It has no password: none is needed to read
     * certificate entries.
     */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", certificate);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("Could not build a PKCS12 trust store", e);
        }
    }

    @Override
    public String toString() {
        return "TestCertificateAuthority[" + certificate.getSubjectX500Principal().getName() + ", " + keyAlgorithm + "]";
    }

    @FunctionalInterface
    private interface Extensions {
        void add(X509v3CertificateBuilder builder) throws CertIOException, GeneralSecurityException;
    }

    private static void leafExtensions(X509v3CertificateBuilder builder, PublicKey key, KeyPurposeId purpose)
            throws CertIOException, GeneralSecurityException {
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        // keyEncipherment is for RSA key exchange (TLS 1.2); the JDK ignores it for EC keys.
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(Extension.subjectKeyIdentifier, false, extensionUtils().createSubjectKeyIdentifier(key));
    }

    private static X509Certificate sign(KeyAlgorithm algorithm, KeyPair issuer, X500Name issuerName,
            PublicKey subjectKey, X500Name subjectName, Extensions extensions) {
        Instant now = Instant.now();
        BigInteger serial = new BigInteger(63, RANDOM).add(BigInteger.ONE);
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuerName, serial,
                Date.from(now.minus(BACKDATE)), Date.from(now.plus(LIFETIME)), subjectName, subjectKey);
        try {
            extensions.add(builder);
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensionUtils().createAuthorityKeyIdentifier(issuer.getPublic()));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm.signatureAlgorithm()).build(issuer.getPrivate())));
        } catch (CertIOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("Could not sign a certificate for " + subjectName, e);
        }
    }

    private static JcaX509ExtensionUtils extensionUtils() {
        try {
            return new JcaX509ExtensionUtils();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-1 is unavailable for key identifiers", e);
        }
    }

    private static KeyPair generateKeyPair(KeyAlgorithm algorithm) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm.jcaName());
            switch (algorithm) {
                case EC_P256 -> generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
                case RSA_2048 -> generator.initialize(2048, RANDOM);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not generate a " + algorithm + " key pair", e);
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    }

    private static X500Name name(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    private static void checkCommonName(String commonName) {
        if (commonName.isBlank()) {
            throw new IllegalArgumentException("commonName must not be blank, was '" + commonName + "'");
        }
    }

    /** An IP literal becomes iPAddress, anything else must be a host name or a leftmost wildcard. */
    static GeneralName generalName(String san) {
        Objects.requireNonNull(san, "subjectAlternativeName");
        if (IPV4.matcher(san).matches() || san.contains(":")) {
            try {
                return new GeneralName(GeneralName.iPAddress, san);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + san + "' is not a valid IP address literal", e);
            }
        }
        String[] labels = san.split("\\.", -1);
        for (int i = 0; i < labels.length; i++) {
            boolean wildcard = i == 0 && labels[i].equals("*") && labels.length > 2;
            if (!wildcard && !DNS_LABEL.matcher(labels[i]).matches()) {
                throw new IllegalArgumentException("'" + san + "' is neither an IP literal nor a host name;"
                        + " a wildcard must be the whole leftmost label of at least three, as in '*.kafka.test'");
            }
        }
        return new GeneralName(GeneralName.dNSName, san);
    }
}
