/**
 * Certificates for TLS tests, generated in memory with BouncyCastle: a {@link
 * dev.sluice.gateway.testkit.tls.TestCertificateAuthority} issues server certificates for host
 * names, wildcards and IP addresses, and client certificates for mutual TLS, each an {@link
 * dev.sluice.gateway.testkit.tls.IssuedCertificate} that hands out its key material as PEM text,
 * PEM files, a PKCS12 key store or plain {@code java.security} objects.
 *
 * <pre>{@code
 * TestCertificateAuthority ca = TestCertificateAuthority.create("Sluice Test CA");
 * IssuedCertificate gateway = ca.issueServerCertificate("*.kafka.test", "localhost", "127.0.0.1");
 * IssuedCertificate alice = ca.issueClientCertificate("alice");
 * try (ForkedKafkaCluster kafka = ForkedKafkaCluster.builder()
 *         .tls(ca.issueServerCertificate("localhost", "127.0.0.1")).build().start()) {
 *     Map<String, Object> props = kafka.tlsClientProperties(); // SSL, trusts the CA, verifies host names
 * }
 * }</pre>
 *
 * <p>Host names such as {@code broker-1.kafka.test} resolve in a test JVM started with {@code
 * -Djdk.net.hosts.file=<file>}; a TLS handshake alone needs no resolution at all, only the peer
 * host string given to the {@code SSLEngine}.
 */
@NullMarked
package dev.sluice.gateway.testkit.tls;

import org.jspecify.annotations.NullMarked;
