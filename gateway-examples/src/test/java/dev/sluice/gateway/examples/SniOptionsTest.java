package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.SniRouting;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo's SNI options: {@code --sni-domain} and {@code --tls-*}, parsed and checked. */
class SniOptionsTest {

    @Test
    void sniDomainWithGeneratedCertificateServesSniRoutingOnThePort() {
        DemoOptions options = DemoOptions.parse("--sni-domain", "Kafka.Test", "--tls-generate", "tls",
                "--port", "19443");

        assertThat(options.sni()).isEqualTo(new SniOptions("kafka.test", null, null, Path.of("tls")));
        assertThat(options.sni().generatesCertificate()).isTrue();
        assertThat(options.port()).isEqualTo(19443);
        RoutingStrategy routing = options.routing();
        assertThat(routing).isInstanceOfSatisfying(SniRouting.class, sni -> {
            assertThat(sni.listenPort()).isEqualTo(19443);
            assertThat(sni.advertisedPort()).isEqualTo(19443);
        });
        assertThat(routing.plan(List.of(new BrokerNode(3, "kafka-3", 9092, null))))
                .containsExactly(ListenerSpec.serverNameRouted(19443));
        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("bootstrap.kafka.test", 19443));
        assertThat(routing.advertisedAddress(3)).isEqualTo(new HostPort("broker-3.kafka.test", 19443));
        assertThat(routing.routeServerName("broker-3.kafka.test", 19443)).isEqualTo(ListenerSpec.broker(19443, 3));
        assertThat(routing.routeServerName("bootstrap.kafka.test", 19443)).isEqualTo(ListenerSpec.bootstrap(19443));
    }

    @Test
    void sniDomainWithCertificateFilesKeepsThePathsAsGiven() {
        DemoOptions options = DemoOptions.parse("--tls-cert=/etc/tls/cert.pem", "--sni-domain", "gw.example.com",
                "--tls-key", "tls/key.pem");

        assertThat(options.sni()).isEqualTo(new SniOptions("gw.example.com", Path.of("/etc/tls/cert.pem"),
                Path.of("tls/key.pem"), null));
        assertThat(options.sni().generatesCertificate()).isFalse();
        assertThat(options.port()).as("the default port").isEqualTo(9192);
        assertThat(options.routing().bootstrapAddress()).isEqualTo(new HostPort("bootstrap.gw.example.com", 9192));
    }

    @Test
    void sniNamesTheBootstrapAndEachBrokerUnderTheDomain() {
        SniOptions sni = new SniOptions("Kafka.TEST", Path.of("c.pem"), Path.of("k.pem"), null);

        assertThat(sni.domain()).isEqualTo("kafka.test");
        assertThat(sni.bootstrapHost()).isEqualTo("bootstrap.kafka.test");
        assertThat(sni.brokerHost(0)).isEqualTo("broker-0.kafka.test");
        assertThat(sni.brokerHost(100)).isEqualTo("broker-100.kafka.test");
    }

    @Test
    void sniNeedsNoBrokerPortsAfterItsPort() {
        DemoOptions options = DemoOptions.parse("--sni-domain", "kafka.test", "--tls-generate", "tls",
                "--port", "65535", "--embedded-brokers", "16");

        assertThat(options.routing().plan(List.of())).containsExactly(ListenerSpec.serverNameRouted(65535));
    }

    @Test
    void aOneLabelDomainIsAcceptedWithACertificateOfYourOwn() {
        DemoOptions options = DemoOptions.parse("--sni-domain", "internal", "--tls-cert", "c.pem", "--tls-key",
                "k.pem");

        assertThat(options.routing().bootstrapAddress()).isEqualTo(new HostPort("bootstrap.internal", 9192));
    }

    @Test
    void aDomainTooLongForTheLongestBrokerNameIsRefused() {
        String label = "a".repeat(60);
        String domain = String.join(".", label, label, label, label);

        assertThatThrownBy(() -> DemoOptions.parse("--sni-domain", domain, "--tls-generate", "tls"))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--sni-domain '" + domain + "' does not make valid host names: ");
    }

    @Test
    void theRecordChecksTheCertificateSourcesToo() {
        assertThatThrownBy(() -> new SniOptions("kafka.test", null, null, null))
                .isInstanceOf(UsageException.class)
                .hasMessage("--sni-domain kafka.test needs a certificate that covers *.kafka.test: --tls-cert FILE"
                        + " and --tls-key FILE, or --tls-generate DIR to generate one");
        assertThatThrownBy(() -> new SniOptions("kafka.test", Path.of("c.pem"), Path.of("k.pem"), Path.of("tls")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--tls-generate makes its own certificate: give it or --tls-cert and --tls-key, not both");
    }

    @Test
    void usageExplainsHowClientsReachTheSniGateway() {
        String usage = DemoOptions.usage();

        assertThat(usage).contains("SNI routing (--sni-domain DOMAIN):", "bootstrap.DOMAIN", "broker-N.DOMAIN",
                "/etc/hosts", "    127.0.0.1 bootstrap.DOMAIN\n", "    127.0.0.1 broker-0.DOMAIN\n",
                "DIR/ca.pem",
                "    kcat -X security.protocol=ssl -X ssl.ca.location=tls/ca.pem -b bootstrap.kafka.test:9192 -L\n",
                "security.protocol=SSL, ssl.truststore.type=PEM");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // arguments (space-separated)                                         | message contains
        "--sni-domain kafka.test                                                | --sni-domain kafka.test needs a certificate that covers *.kafka.test: --tls-cert FILE and --tls-key FILE, or --tls-generate DIR",
        "--sni-domain kafka.test --tls-cert c.pem                               | --tls-cert needs --tls-key: the private key of the certificate",
        "--sni-domain kafka.test --tls-key k.pem                                | --tls-key needs --tls-cert",
        "--sni-domain kafka.test --tls-generate tls --tls-cert c.pem --tls-key k.pem | --tls-generate makes its own certificate: give it or --tls-cert and --tls-key, not both",
        "--sni-domain kafka.test --tls-generate tls --tls-key k.pem             | --tls-generate makes its own certificate",
        "--sni-domain kafka.test --tls-cert= --tls-key k.pem                    | --tls-cert names no file: ''",
        "--sni-domain kafka.test --tls-generate                                 | --tls-generate needs a value: --tls-generate DIR",
        "--tls-generate tls                                                     | --tls-generate is for SNI routing over TLS and needs --sni-domain DOMAIN; the port-per-broker listeners are plaintext",
        "--tls-cert c.pem --tls-key k.pem                                       | --tls-cert is for SNI routing over TLS and needs --sni-domain DOMAIN",
        "--tls-key k.pem                                                        | --tls-key is for SNI routing over TLS",
        "--sni-domain kafka.test --tls-generate tls --max-brokers 4             | --max-brokers is for port-per-broker routing; with --sni-domain every broker is served on --port, under its own host name",
        "--sni-domain kafka.test --tls-generate tls --advertised-host localhost | --advertised-host is for port-per-broker routing; with --sni-domain clients are told bootstrap.kafka.test and broker-N.kafka.test",
        "--sni-domain kafka.test --tls-generate tls --sni-domain other.test     | --sni-domain is given twice ('kafka.test' and 'other.test')",
        "--sni-domain test --tls-generate tls                                   | --tls-generate issues a wildcard certificate for *.test, which needs a --sni-domain of two labels or more, such as kafka.test; was 'test'",
        "--sni-domain kafka..test --tls-generate tls                            | --sni-domain 'kafka..test' does not make valid host names: bootstrapHost 'bootstrap.kafka..test' is not a valid host name",
        "--sni-domain kafka_test.io --tls-generate tls                          | --sni-domain 'kafka_test.io' does not make valid host names",
        "--sni-domain kafka.test. --tls-generate tls                            | it ends with a dot",
        "--sni-domain -kafka.test --tls-generate tls                            | starts or ends with a hyphen",
        "--sni-domain 10.0.0.1 --tls-generate tls                               | it ends in an all-digit label",
        "--sni-domain kafka.test:9443 --tls-generate tls                        | --sni-domain 'kafka.test:9443' does not make valid host names",
        "--sni-domain= --tls-generate tls                                       | --sni-domain '' does not make valid host names",
    })
    void badSniCommandLinesAreRejectedWithAMessageNamingTheOption(String arguments, String message) {
        assertThatThrownBy(() -> DemoOptions.parse(arguments.strip().split(" +")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }
}
