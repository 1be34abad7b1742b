package dev.sluice.gateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DemoOptionsTest {

    @Test
    void noArgumentsMeanAnEmbeddedBrokerBehindLocalhost9192() {
        DemoOptions options = DemoOptions.parse();

        assertThat(options).isEqualTo(DemoOptions.defaults());
        assertThat(options.bootstrap()).isNull();
        assertThat(options.embedded()).isTrue();
        assertThat(options.embeddedBrokers()).isEqualTo(1);
        assertThat(options.port()).isEqualTo(9192);
        assertThat(options.maxBrokers()).isEqualTo(64);
        assertThat(options.advertisedHost()).isEqualTo("localhost");
        assertThat(options.bindAddress()).isEqualTo("0.0.0.0");
        assertThat(options.sni()).isNull();
        assertThat(options.interceptors()).isEmpty();
        assertThat(options.cluster()).isNull();
        assertThat(options.help()).isFalse();
    }

    @Test
    void everyOptionIsReadWithItsValueAsTheNextArgument() {
        DemoOptions options = DemoOptions.parse("--bootstrap", "kafka-1:9092,kafka-2:9093", "--port", "19192",
                "--max-brokers", "8", "--advertised-host", "gw.example.com", "--bind-address", "127.0.0.1",
                "--interceptor", "audit");

        assertThat(options).isEqualTo(new DemoOptions("kafka-1:9092,kafka-2:9093", 1, 19192, 8, "gw.example.com",
                "127.0.0.1", null, null, List.of(DemoInterceptor.AUDIT), false));
        assertThat(options.embedded()).isFalse();
    }

    @Test
    void everyOptionIsReadWithItsValueAfterAnEqualsSign() {
        DemoOptions options = DemoOptions.parse("--embedded-brokers=3", "--port=20000", "--max-brokers=4",
                "--advertised-host=::1", "--bind-address=::", "--interceptor=chaos");

        assertThat(options).isEqualTo(new DemoOptions(null, 3, 20000, 4, "::1", "::", null, null,
                List.of(DemoInterceptor.CHAOS), false));
    }

    @Test
    void interceptorIsRepeatableAndKeepsTheOrderGiven() {
        DemoOptions options = DemoOptions.parse("--interceptor", "lineage", "--port", "19192",
                "--interceptor=safeguard", "--interceptor", "audit", "--interceptor", "chaos");

        assertThat(options.interceptors()).containsExactly(DemoInterceptor.LINEAGE, DemoInterceptor.SAFEGUARD,
                DemoInterceptor.AUDIT, DemoInterceptor.CHAOS);
    }

    @Test
    void everyInterceptorNameBuildsItsExampleWithItsOwnSpec() {
        assertThat(DemoInterceptor.values())
                .extracting(DemoInterceptor::cliName)
                .containsExactly("safeguard", "chaos", "audit", "lineage");
        assertThat(DemoInterceptor.values())
                .extracting(interceptor -> interceptor.spec().name())
                .containsExactly("safeguard-policy", "chaos", "audit", "lineage");
        assertThat(DemoInterceptor.SAFEGUARD.spec()).as("a new instance per call")
                .isNotSameAs(DemoInterceptor.SAFEGUARD.spec());
    }

    @Test
    void theRecordRefusesAnInterceptorListedTwiceAndKeepsACopyOfTheList() {
        List<DemoInterceptor> interceptors = new ArrayList<>(List.of(DemoInterceptor.LINEAGE));
        DemoOptions options = new DemoOptions(null, 1, 9192, 64, "localhost", "0.0.0.0", null, null, interceptors, false);
        interceptors.add(DemoInterceptor.AUDIT);

        assertThat(options.interceptors()).containsExactly(DemoInterceptor.LINEAGE);
        assertThatThrownBy(() -> new DemoOptions(null, 1, 9192, 64, "localhost", "0.0.0.0", null, null,
                List.of(DemoInterceptor.LINEAGE, DemoInterceptor.LINEAGE), false))
                .isInstanceOf(UsageException.class)
                .hasMessage("--interceptor lineage is given twice; each interceptor can be registered once");
    }

    @Test
    void bootstrapIsKeptExactlyAsGiven() {
        assertThat(DemoOptions.parse("--bootstrap", "[::1]:9092, localhost:9093").bootstrap())
                .isEqualTo("[::1]:9092, localhost:9093");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--help", "-h"})
    void helpIsRecognisedAndWinsOverWhatFollows(String flag) {
        assertThat(DemoOptions.parse("--port", "1234", flag, "--no-such-option").help()).isTrue();
    }

    @Test
    void usageDocumentsEveryOptionTheReadyLineAndTheExitCodes() {
        String usage = DemoOptions.usage();

        assertThat(usage).contains("--bootstrap HOST:PORT[,HOST:PORT...]", "--embedded-brokers N", "--port PORT",
                "--max-brokers N", "--advertised-host HOST", "--bind-address ADDRESS", "--sni-domain DOMAIN",
                "--tls-cert FILE", "--tls-key FILE", "--tls-generate DIR", "--interceptor NAME",
                "-h, --help", "READY bootstrap=HOST:PORT upstream=", "Exit codes: 0", "1 failed",
                "2 bad command line");
        assertThat(usage.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void usageListsEveryInterceptorOnALineOfItsOwnAndTheSafeguardsAcksRule() {
        List<String> lines = DemoOptions.usage().lines().toList();

        for (DemoInterceptor interceptor : DemoInterceptor.values()) {
            assertThat(lines).as("the line of %s", interceptor.cliName())
                    .containsOnlyOnce(String.format("        %-10s %s", interceptor.cliName(), interceptor.summary()));
        }
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("        safeguard")
                .contains("refuses produce requests whose acks is not all, telling the client why"));
    }

    @Test
    void routingAdvertisesTheBootstrapPortAndServesBrokersOnThePortsAfterIt() {
        RoutingStrategy routing = DemoOptions.parse("--port", "19192", "--max-brokers", "2",
                "--advertised-host", "gw.example.com").routing();

        List<ListenerSpec> listeners = routing.plan(List.of(
                new BrokerNode(0, "kafka-0", 9092, null), new BrokerNode(1, "kafka-1", 9092, null)));

        assertThat(routing).isInstanceOf(PortPerBrokerRouting.class);
        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("gw.example.com", 19192));
        assertThat(listeners).containsExactly(
                ListenerSpec.bootstrap(19192), ListenerSpec.broker(19193, 0), ListenerSpec.broker(19194, 1));
        assertThat(routing.advertisedAddress(1)).isEqualTo(new HostPort("gw.example.com", 19194));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // arguments (space-separated)                   | message contains
        "--nope                                           | unknown option '--nope'",
        "-p 9192                                          | unknown option '-p'",
        "9192                                             | unexpected argument '9192'",
        "--port                                           | --port needs a value: --port PORT",
        "--port --bind-address 127.0.0.1                  | --port needs a value",
        "--port 1 --port 2                                | --port is given twice ('1' and '2')",
        "--port nine                                      | --port must be a whole number, was 'nine'",
        "--port 0                                         | --port must be in 1..65535, was 0",
        "--port 65536                                     | --port must be in 1..65535, was 65536",
        "--port 65500                                     | needs broker ports 65501..65564, past 65535",
        "--max-brokers 0                                  | --max-brokers must be in 1..65535, was 0",
        "--embedded-brokers 0                             | --embedded-brokers must be in 1..16, was 0",
        "--embedded-brokers 17                            | --embedded-brokers must be in 1..16, was 17",
        "--embedded-brokers 3 --max-brokers 2             | --embedded-brokers 3 needs at least as many broker ports",
        "--bootstrap kafka:9092 --embedded-brokers 2      | use one or the other",
        "--bootstrap kafka                                | in 'kafka': expected HOST:PORT, got 'kafka'",
        "--bootstrap kafka:9092,                          | in 'kafka:9092,': expected HOST:PORT, got ''",
        "--bootstrap kafka:0                              | port must be in 1..65535, was 0",
        "--bootstrap=                                     | --bootstrap names no server",
        "--advertised-host gw:9192                        | --advertised-host: advertisedHost must not include a port",
        "--advertised-host=                               | --advertised-host: advertisedHost must be a host name",
        "--bind-address=                                  | --bind-address must be an address without spaces, was ''",
        "--interceptor                                    | --interceptor needs a value: --interceptor NAME",
        "--interceptor nope                               | --interceptor: unknown interceptor 'nope'; use one of safeguard, chaos, audit, lineage",
        "--interceptor Safeguard                          | unknown interceptor 'Safeguard'",
        "--interceptor=                                   | unknown interceptor ''",
        "--interceptor audit --interceptor audit          | --interceptor audit is given twice; each interceptor can be registered once",
        "--interceptor audit --interceptor=lineage --interceptor audit | --interceptor audit is given twice",
    })
    void badCommandLinesAreRejectedWithAMessageNamingTheOption(String arguments, String message) {
        assertThatThrownBy(() -> DemoOptions.parse(arguments.strip().split(" +")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining(message);
    }
}
