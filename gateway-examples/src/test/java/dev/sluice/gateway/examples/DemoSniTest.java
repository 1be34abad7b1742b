package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.testkit.FreePorts;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo with {@code --sni-domain kafka.test --tls-generate DIR}, in-process as the launcher runs
 * it: an embedded broker, the gateway on one TLS port, real kafka-clients that know only the
 * bootstrap name and the generated CA. Runs in the SNI test JVM, whose hosts file ({@code
 * src/test/resources/sni-hosts}) resolves {@code bootstrap.kafka.test} and {@code broker-N.kafka.test}
 * to 127.0.0.1. One end-to-end test on purpose: each embedded cluster costs seconds.
 */
class DemoSniTest {

    private static final Pattern READY = Pattern.compile("READY bootstrap=(\\S+) upstream=(\\S+)");
    private static final String TOPIC = "demo-sni";

    @TempDir
    Path tls;

    @Test
    void demoServesTheClusterOverTlsByServerNameWithTheCertificateItGenerated() throws Exception {
        int port = FreePorts.block(1);
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        DemoOptions options = DemoOptions.parse("--embedded-brokers", "1", "--sni-domain", "kafka.test",
                "--tls-generate", tls.toString(), "--port", Integer.toString(port), "--bind-address", "127.0.0.1");

        Demo demo = Demo.run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8));
        try (demo) {
            List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(1);
            Matcher ready = READY.matcher(lines.get(0));
            assertThat(ready.matches()).as("READY line: %s", lines.get(0)).isTrue();
            String bootstrap = ready.group(1);
            assertThat(bootstrap).isEqualTo("bootstrap.kafka.test:" + port);
            assertThat(ready.group(2)).isEqualTo(demo.upstream()).doesNotContain(":" + port);

            String caPem = Files.readString(tls.resolve("ca.pem"), StandardCharsets.US_ASCII);
            assertGeneratedFilesFormAWildcardCertificateOfTheirCa(caPem);

            Map<String, Object> client = tlsClientConfig(bootstrap, caPem);
            Collection<Node> nodes;
            try (Admin admin = Admin.create(client)) {
                nodes = admin.describeCluster().nodes().get();
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            assertThat(nodes).as("brokers, as the gateway advertises them").hasSize(1).allSatisfy(node -> {
                assertThat(node.host()).isEqualTo("broker-" + node.id() + ".kafka.test");
                assertThat(node.port()).isEqualTo(port);
            });
            assertThat(demo.sniHostNames()).as("the names the demo logs for a hosts file")
                    .containsExactly("bootstrap.kafka.test", "broker-" + nodes.iterator().next().id() + ".kafka.test");

            produce(client, "over-tls");
            assertThat(consume(client)).containsExactly("over-tls");
        }

        assertThat(demo.stopped().toCompletableFuture()).isCompleted();
        assertThat(demo.gateway().openListeners()).isEmpty();
    }

    @Test
    void aDirectoryThatCannotBeWrittenFailsTheStartBeforeAnythingRuns() throws IOException {
        Path file = Files.writeString(tls.resolve("not-a-directory"), "x");
        Path directory = file.resolve("tls");
        DemoOptions options = DemoOptions.parse("--bootstrap", "127.0.0.1:1", "--sni-domain", "kafka.test",
                "--tls-generate", directory.toString(), "--port", Integer.toString(FreePorts.block(1)));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        assertThatThrownBy(() -> Demo.run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessage("cannot write the generated certificate into " + directory);
        assertThat(stdout.size()).as("READY printed by the failed demo").isZero();
    }

    @Test
    void aMissingCertificateFileFailsTheStartNamingIt() {
        Path missing = tls.resolve("missing-cert.pem");
        DemoOptions options = DemoOptions.parse("--bootstrap", "127.0.0.1:1", "--sni-domain", "kafka.test",
                "--tls-cert", missing.toString(), "--tls-key", tls.resolve("key.pem").toString(),
                "--port", Integer.toString(FreePorts.block(1)), "--bind-address", "127.0.0.1");
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();

        assertThatThrownBy(() -> Demo.run(options, new PrintStream(stdout, true, StandardCharsets.UTF_8)))
                .hasMessageContaining(missing.toString());
        assertThat(stdout.size()).as("READY printed by the failed demo").isZero();
    }

    /** ca.pem, cert.pem and key.pem parse, chain to one another, and cover every name under kafka.test. */
    private void assertGeneratedFilesFormAWildcardCertificateOfTheirCa(String caPem) throws Exception {
        assertThat(tls).isDirectoryContaining(path -> path.getFileName().toString().equals("ca.pem"))
                .isDirectoryContaining(path -> path.getFileName().toString().equals("cert.pem"))
                .isDirectoryContaining(path -> path.getFileName().toString().equals("key.pem"));
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        List<X509Certificate> caCertificates = certificates(x509, caPem);
        assertThat(caCertificates).hasSize(1);
        X509Certificate ca = caCertificates.get(0);
        ca.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).as("a CA").isGreaterThanOrEqualTo(0);

        List<X509Certificate> chain = certificates(x509, Files.readString(tls.resolve("cert.pem")));
        assertThat(chain).as("the server certificate, then its CA").hasSize(2).last().isEqualTo(ca);
        X509Certificate server = chain.get(0);
        server.verify(ca.getPublicKey());
        server.checkValidity();
        assertThat(server.getSubjectAlternativeNames()).containsExactly(List.of(2, "*.kafka.test"));

        PrivateKey key = privateKey(Files.readString(tls.resolve("key.pem")), server.getPublicKey().getAlgorithm());
        String algorithm = key.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256with" + key.getAlgorithm();
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(new byte[] {1, 2, 3});
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(server.getPublicKey());
        verifier.update(new byte[] {1, 2, 3});
        assertThat(verifier.verify(signature)).as("key.pem is the key of cert.pem").isTrue();
    }

    private static List<X509Certificate> certificates(CertificateFactory x509, String pem) throws Exception {
        List<X509Certificate> certificates = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))) {
            x509.generateCertificates(in).forEach(certificate -> certificates.add((X509Certificate) certificate));
        }
        return certificates;
    }

    private static PrivateKey privateKey(String pem, String algorithm) throws Exception {
        assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----");
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "")
                .replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64)));
    }

    /** TLS trusting exactly the generated CA, with kafka-clients' default hostname verification. */
    private static Map<String, Object> tlsClientConfig(String bootstrap, String caPem) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        config.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caPem);
        return config;
    }

    private static void produce(Map<String, Object> client, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, value, value)).get();
        }
    }

    private static List<String> consume(Map<String, Object> client) {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "demo-sni-group");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(TOPIC));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
