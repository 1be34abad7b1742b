package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SniRoutingBuilderTest {

    private static final String PATTERN = "broker-$(nodeId).gw.example.com";

    @Test
    void listenPortIsRequired() {
        assertThatThrownBy(() -> SniRouting.builder()
                        .bootstrapHost("bootstrap.gw.example.com").brokerHostPattern(PATTERN).build())
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("listenPort is required");
    }

    @Test
    void bootstrapHostIsRequired() {
        assertThatThrownBy(() -> SniRouting.builder().listenPort(9443).brokerHostPattern(PATTERN).build())
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("bootstrapHost is required");
    }

    @Test
    void brokerHostPatternIsRequired() {
        assertThatThrownBy(() -> SniRouting.builder().listenPort(9443).bootstrapHost("bootstrap.gw.example.com").build())
                .isInstanceOf(GatewayException.class)
                .hasMessageStartingWith("brokerHostPattern is required")
                .hasMessageContaining("$(nodeId)");
    }

    @Test
    void advertisedPortDefaultsToTheListenPort() {
        SniRouting routing = SniRoutingTest.routing().build();

        assertThat(routing.listenPort()).isEqualTo(9443);
        assertThat(routing.advertisedPort()).isEqualTo(9443);
        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("bootstrap.gw.example.com", 9443));
    }

    @Test
    void advertisedPortIsWhatClientsAreToldAndListenPortWhatIsBound() {
        SniRouting routing = SniRoutingTest.routing().advertisedPort(443).build();

        assertThat(routing.listenPort()).isEqualTo(9443);
        assertThat(routing.advertisedPort()).isEqualTo(443);
        assertThat(routing.bootstrapAddress()).isEqualTo(new HostPort("bootstrap.gw.example.com", 443));
    }

    @Test
    void portsOutsideTheTcpRangeAreRejectedWithTheirValue() {
        assertThatThrownBy(() -> SniRouting.builder().listenPort(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("listenPort must be in 1..65535, was 0");
        assertThatThrownBy(() -> SniRouting.builder().listenPort(65_536))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("listenPort must be in 1..65535, was 65536");
        assertThatThrownBy(() -> SniRouting.builder().advertisedPort(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("advertisedPort must be in 1..65535, was -1");
    }

    @Test
    void repeatedSettingsFailQuotingTheFirstValue() {
        assertThatThrownBy(() -> SniRouting.builder().listenPort(9443).listenPort(9444))
                .isInstanceOf(IllegalStateException.class).hasMessage("listenPort was already set to 9443");
        assertThatThrownBy(() -> SniRouting.builder().advertisedPort(443).advertisedPort(8443))
                .isInstanceOf(IllegalStateException.class).hasMessage("advertisedPort was already set to 443");
        assertThatThrownBy(() -> SniRouting.builder().bootstrapHost("A.example.com").bootstrapHost("b.example.com"))
                .isInstanceOf(IllegalStateException.class).hasMessage("bootstrapHost was already set to 'a.example.com'");
        assertThatThrownBy(() -> SniRouting.builder().brokerHostPattern(PATTERN).brokerHostPattern("b$(nodeId).x.com"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("brokerHostPattern was already set to '" + PATTERN + "'");
    }

    @Test
    void hostsAreKeptInLowerCase() {
        SniRouting routing = SniRouting.builder()
                .listenPort(9443)
                .bootstrapHost("Bootstrap.GW.Example.COM")
                .brokerHostPattern("Broker-$(nodeId).GW.example.com")
                .build();

        assertThat(routing.bootstrapHost()).isEqualTo("bootstrap.gw.example.com");
        assertThat(routing.brokerHostPattern()).isEqualTo(PATTERN);
        assertThat(routing.brokerHost(7)).isEqualTo("broker-7.gw.example.com");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "",
        "bootstrap",                              // one label: clients send no SNI
        "10.0.0.1",                               // IPv4 literal
        "gw.example.123",                         // all-digit last label
        "::1",                                    // IPv6 literal
        "[::1]",
        "gw.example.com:443",                     // port
        "gw.example.com.",                        // trailing dot
        ".gw.example.com",                        // empty label
        "gw..example.com",
        "-gw.example.com",                        // hyphen at a label's edge
        "gw-.example.com",
        "gw.-example.com",
        "gw_1.example.com",                       // underscore
        "gw example.com",                         // space
        "*.gw.example.com",                       // wildcard
        "b\u00fccher.example.com",                // unicode: must be given as xn--
        "gw.example.com\u0000",
    })
    void bootstrapHostMustBeAnSniHostName(String host) {
        assertThatThrownBy(() -> SniRouting.builder().bootstrapHost(host))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("bootstrapHost '" + host + "' is not a valid host name: ");
    }

    @Test
    void hostNameLimitsAreRfc1123s() {
        String label63 = "a".repeat(63);
        String name253 = label63 + "." + label63 + "." + label63 + "." + "b".repeat(61);

        assertThat(SniRouting.builder().bootstrapHost(label63 + ".example.com")).isNotNull();
        assertThat(SniRouting.builder().bootstrapHost(name253)).isNotNull();
        assertThatThrownBy(() -> SniRouting.builder().bootstrapHost("a" + label63 + ".example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 64 characters long, more than 63");
        assertThatThrownBy(() -> SniRouting.builder().bootstrapHost("a" + name253))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is 254 characters long, more than 253");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1gw.example.com", "a.b", "xn--bcher-kva.example.com", "gw-1.example.com"})
    void unusualButValidHostNamesAreAccepted(String host) {
        assertThat(SniRouting.builder().bootstrapHost(host)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "broker.gw.example.com",
        "broker-$(NODEID).gw.example.com",
        "broker-{nodeId}.gw.example.com",
        "b$(nodeId)-$(nodeId).gw.example.com",
    })
    void brokerHostPatternNeedsThePlaceholderExactlyOnce(String pattern) {
        assertThatThrownBy(() -> SniRouting.builder().brokerHostPattern(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerHostPattern must contain the placeholder $(nodeId) exactly once, was '"
                        + pattern + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "$(nodeId)",                              // a single label
        "broker-$(nodeId)",
        "gw.example.$(nodeId)",                   // an all-digit last label
        "broker-$(nodeId)-.gw.example.com",       // a hyphen at the label's end
        "-$(nodeId).gw.example.com",
        ".$(nodeId).gw.example.com",              // an empty label
        "broker-$(nodeId).gw.example.com.",
        "broker_$(nodeId).gw.example.com",
        "*.$(nodeId).gw.example.com",
        "broker-$(nodeId).10.0.0.1",
    })
    void brokerHostPatternMustGiveValidHostNames(String pattern) {
        assertThatThrownBy(() -> SniRouting.builder().brokerHostPattern(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("brokerHostPattern '" + pattern + "' does not give valid host names: ");
    }

    @Test
    void brokerHostPatternIsCheckedWithTheLongestNodeId() {
        String prefix = "b".repeat(53); // 53 + 10 digits = 63: fits; one more does not
        assertThat(SniRouting.builder().brokerHostPattern(prefix + "$(nodeId).gw.example.com")).isNotNull();

        assertThatThrownBy(() -> SniRouting.builder().brokerHostPattern(prefix + "b$(nodeId).gw.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("for node id 2147483647 it gives '" + prefix + "b2147483647.gw.example.com'")
                .hasMessageEndingWith("is 64 characters long, more than 63");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "broker$(nodeId).gw.example.com",
        "$(nodeId).brokers.gw.example.com",       // the placeholder as a whole label
        "b-$(nodeId)-z.gw.example.com",
        "gw.example.x$(nodeId)",
        "kafka1$(nodeId).gw.example.com",         // a prefix ending in a digit
    })
    void placeholderMayBeAnywhereInsideALabel(String pattern) {
        SniRouting routing = SniRoutingTest.routing(pattern).build();
        routing.plan(SniRoutingTest.brokers(12));
        String host = routing.brokerHost(12);

        assertThat(host).isEqualTo(pattern.replace("$(nodeId)", "12"));
        assertThat(routing.routeServerName(host, 9443)).isNotNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"broker-0.gw.example.com", "broker-007.gw.example.com", "BROKER-1.gw.example.com"})
    void bootstrapHostThatLooksLikeABrokerHostIsAmbiguous(String bootstrap) {
        assertThatThrownBy(() -> SniRouting.builder()
                        .listenPort(9443).bootstrapHost(bootstrap).brokerHostPattern(PATTERN).build())
                .isInstanceOf(GatewayException.class)
                .hasMessage("bootstrapHost '" + bootstrap.toLowerCase(Locale.ROOT)
                        + "' matches brokerHostPattern '" + PATTERN
                        + "': a client could not tell the bootstrap host from a broker's");
    }

    @Test
    void bootstrapHostMayShareThePatternsShapeWithoutDigits() {
        SniRouting routing = SniRouting.builder()
                .listenPort(9443).bootstrapHost("broker-all.gw.example.com").brokerHostPattern(PATTERN).build();

        assertThat(routing.routeServerName("broker-all.gw.example.com", 9443)).isNotNull();
    }
}
