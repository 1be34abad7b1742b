package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.ListenerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SniRoutingTest {

    private static final String BOOTSTRAP = "bootstrap.gw.example.com";
    private static final String PATTERN = "broker-$(nodeId).gw.example.com";
    private static final int PORT = 9443;
    private static final int MAX_ID = Integer.MAX_VALUE;

    @Test
    void planIsOneServerNameRoutedListenerWhateverTheBrokers() {
        SniRouting routing = routing().build();

        assertThat(routing.plan(List.of())).containsExactly(ListenerSpec.serverNameRouted(PORT));
        assertThat(routing.plan(brokers(1, 100, MAX_ID))).containsExactly(ListenerSpec.serverNameRouted(PORT));
    }

    @Test
    void planIsImmutable() {
        List<ListenerSpec> plan = routing().build().plan(brokers(1));

        assertThatThrownBy(() -> plan.add(ListenerSpec.bootstrap(1))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void planRejectsNullBrokers() {
        List<BrokerNode> withNull = new ArrayList<>(brokers(1));
        withNull.add(null);

        assertThatThrownBy(() -> routing().build().plan(withNull))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("brokers must not contain null");
    }

    @Test
    void sparseAndBigIdsAreAdvertisedAtTheirHostOnTheAdvertisedPort() {
        SniRouting routing = routing().advertisedPort(443).build();

        routing.plan(brokers(100, 1, MAX_ID, 0));

        assertThat(routing.advertisedAddress(0)).isEqualTo(new HostPort("broker-0.gw.example.com", 443));
        assertThat(routing.advertisedAddress(1)).isEqualTo(new HostPort("broker-1.gw.example.com", 443));
        assertThat(routing.advertisedAddress(100)).isEqualTo(new HostPort("broker-100.gw.example.com", 443));
        assertThat(routing.advertisedAddress(MAX_ID)).isEqualTo(new HostPort("broker-2147483647.gw.example.com", 443));
    }

    @Test
    void brokerNotInThePlanHasNoAdvertisedAddress() {
        SniRouting routing = routing().build();

        assertThat(routing.advertisedAddress(1)).isNull();
        routing.plan(brokers(1, 100));
        assertThat(routing.advertisedAddress(2)).isNull();
        assertThat(routing.advertisedAddress(-1)).isNull();
    }

    @Test
    void bootstrapHostRoutesToTheBootstrapRole() {
        SniRouting routing = routing().advertisedPort(443).build();

        assertThat(routing.routeServerName(BOOTSTRAP, PORT)).isEqualTo(ListenerSpec.bootstrap(PORT));
    }

    @Test
    void bootstrapHostRoutesBeforeAnyPlan() {
        assertThat(routing().build().routeServerName(BOOTSTRAP, PORT)).isEqualTo(ListenerSpec.bootstrap(PORT));
    }

    @Test
    void hostOfAPlannedBrokerRoutesToThatBroker() {
        SniRouting routing = routing().build();
        routing.plan(brokers(0, 1, 100, MAX_ID));

        assertThat(routing.routeServerName("broker-0.gw.example.com", PORT)).isEqualTo(ListenerSpec.broker(PORT, 0));
        assertThat(routing.routeServerName("broker-1.gw.example.com", PORT)).isEqualTo(ListenerSpec.broker(PORT, 1));
        assertThat(routing.routeServerName("broker-100.gw.example.com", PORT))
                .isEqualTo(ListenerSpec.broker(PORT, 100));
        assertThat(routing.routeServerName("broker-2147483647.gw.example.com", PORT))
                .isEqualTo(ListenerSpec.broker(PORT, MAX_ID));
    }

    @Test
    void hostOfABrokerNotInThePlanIsRefused() {
        SniRouting routing = routing().build();

        assertThat(routing.routeServerName("broker-1.gw.example.com", PORT)).isNull();
        routing.plan(brokers(1, 100));
        assertThat(routing.routeServerName("broker-2.gw.example.com", PORT)).isNull();
        assertThat(routing.routeServerName("broker-10.gw.example.com", PORT)).isNull();
        assertThat(routing.routeServerName("broker-2147483647.gw.example.com", PORT)).isNull();
    }

    @Test
    void brokerRemovedFromThePlanStopsRoutingAndAdvertising() {
        SniRouting routing = routing().build();
        routing.plan(brokers(1, 2, 3));

        routing.plan(brokers(1, 3));

        assertThat(routing.routeServerName("broker-2.gw.example.com", PORT)).isNull();
        assertThat(routing.advertisedAddress(2)).isNull();
        assertThat(routing.routeServerName("broker-1.gw.example.com", PORT)).isEqualTo(ListenerSpec.broker(PORT, 1));
        assertThat(routing.advertisedAddress(3)).isNotNull();

        routing.plan(brokers(1, 2, 3));
        assertThat(routing.routeServerName("broker-2.gw.example.com", PORT)).isEqualTo(ListenerSpec.broker(PORT, 2));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "BROKER-100.GW.EXAMPLE.COM",
        "Broker-100.Gw.Example.Com",
        "broker-100.gw.example.com.",
        "BROKER-100.gw.example.COM.",
    })
    void brokerHostMatchesIgnoringCaseAndOneTrailingDot(String name) {
        SniRouting routing = routing().build();
        routing.plan(brokers(100));

        assertThat(routing.routeServerName(name, PORT)).isEqualTo(ListenerSpec.broker(PORT, 100));
    }

    @ParameterizedTest
    @ValueSource(strings = {"BOOTSTRAP.GW.EXAMPLE.COM", "Bootstrap.Gw.Example.Com.", "bootstrap.gw.example.com."})
    void bootstrapHostMatchesIgnoringCaseAndOneTrailingDot(String name) {
        assertThat(routing().build().routeServerName(name, PORT)).isEqualTo(ListenerSpec.bootstrap(PORT));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "broker-01.gw.example.com",               // leading zero
        "broker-00.gw.example.com",
        "broker--1.gw.example.com",               // sign
        "broker-+1.gw.example.com",
        "broker-1x.gw.example.com",               // trailing garbage
        "broker-x1.gw.example.com",
        "broker-1 .gw.example.com",
        "broker-.gw.example.com",                 // no id
        "broker-0x1.gw.example.com",
        "broker-1e2.gw.example.com",
        "broker-2147483648.gw.example.com",       // Integer.MAX_VALUE + 1
        "broker-4294967297.gw.example.com",       // wraps to 1 in int arithmetic
        "broker-9999999999.gw.example.com",       // ten digits, too big
        "broker-99999999999.gw.example.com",      // eleven digits
        "broker-1.gw.example.com..",              // two trailing dots
        "broker-1",                               // prefix only
        "broker-1.gw.example",
        ".gw.example.com",                        // suffix only
        "1.gw.example.com",
        "xbroker-1.gw.example.com",               // something around a broker host
        "evil.broker-1.gw.example.com",
        "broker-1.gw.example.com.evil.com",
        "broker-1.gw.example.co",
        "broker-1.other.example.com",             // other domains
        "kafka-1.internal",
        "gw.example.com",
        "bootstrap.gw.example.co",
        "bootstrap.gw.example.com.evil.com",
        "xbootstrap.gw.example.com",
        "",
        ".",
        "..",
    })
    void anythingElseIsRefused(String name) {
        SniRouting routing = routing().build();
        routing.plan(brokers(0, 1, 100, MAX_ID));

        assertThat(routing.routeServerName(name, PORT)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "bro\u212Aer-1.gw.example.com",           // KELVIN SIGN, which String.toLowerCase turns into 'k'
        "broker-1.gw.\u0130xample.com",           // dotted capital I
        "broker-\u0661.gw.example.com",           // ARABIC-INDIC DIGIT ONE
        "broker-\uFF11.gw.example.com",           // FULLWIDTH DIGIT ONE
        "broker-1.gw.example.com\u0000",
        "broker-1.gw.example.com\u3002",          // IDEOGRAPHIC FULL STOP
        "\uD800broker-1.gw.example.com",          // lone surrogate
        "b\u00fccher.gw.example.com",
    })
    void nonAsciiLookalikesAreRefused(String name) {
        SniRouting routing = routing().build();
        routing.plan(brokers(1));

        assertThat(routing.routeServerName(name, PORT)).isNull();
    }

    static Stream<String> hugeNames() {
        String kb100 = "a".repeat(100 * 1024);
        String digits = "1".repeat(100 * 1024);
        return Stream.of(
                kb100,
                "broker-" + digits + ".gw.example.com",
                "broker-1" + kb100 + ".gw.example.com",
                "broker-1.gw.example.com" + kb100,
                BOOTSTRAP.repeat(4096),
                ".".repeat(100 * 1024),
                "\uFFFF".repeat(100 * 1024));
    }

    @ParameterizedTest
    @MethodSource("hugeNames")
    void hugeNamesAreRefused(String name) {
        SniRouting routing = routing().build();
        routing.plan(brokers(1, 11, 111));

        assertThat(routing.routeServerName(name, PORT)).isNull();
    }

    @Test
    void longestValidNameStillRoutes() {
        String prefix = "b".repeat(53);
        String suffix = "." + "c".repeat(63) + "." + "d".repeat(63) + "." + "e".repeat(58) + ".io";
        SniRouting routing = routing(prefix + "$(nodeId)" + suffix).build();
        routing.plan(brokers(MAX_ID));

        String host = routing.brokerHost(MAX_ID);
        assertThat(host).hasSize(253);
        assertThat(routing.routeServerName(host, PORT)).isEqualTo(ListenerSpec.broker(PORT, MAX_ID));
        assertThat(routing.routeServerName(host + ".", PORT)).isEqualTo(ListenerSpec.broker(PORT, MAX_ID));
    }

    @Test
    void missingServerNameIsRefused() {
        SniRouting routing = routing().build();
        routing.plan(brokers(1));

        assertThat(routing.routeServerName(null, PORT)).isNull();
    }

    @Test
    void portOtherThanTheListenPortIsRefused() {
        SniRouting routing = routing().advertisedPort(443).build();
        routing.plan(brokers(1));

        assertThat(routing.routeServerName(BOOTSTRAP, 443)).isNull();
        assertThat(routing.routeServerName("broker-1.gw.example.com", 9444)).isNull();
        assertThat(routing.routeServerName("broker-1.gw.example.com", 0)).isNull();
    }

    @Test
    void routingAllocatesNoNewListenerSpecs() {
        SniRouting routing = routing().build();
        routing.plan(brokers(1));

        assertThat(routing.routeServerName("broker-1.gw.example.com", PORT))
                .isSameAs(routing.routeServerName("BROKER-1.gw.example.com.", PORT));
        assertThat(routing.routeServerName(BOOTSTRAP, PORT)).isSameAs(routing.routeServerName(BOOTSTRAP, PORT));
        assertThat(routing.advertisedAddress(1)).isSameAs(routing.advertisedAddress(1));
    }

    @Test
    void brokerNamedTwiceIsPlannedOnce() {
        SniRouting routing = routing().build();

        routing.plan(List.of(new BrokerNode(5, "a.internal", 9092, null), new BrokerNode(5, "b.internal", 9092, null)));

        assertThat(routing).hasToString("SniRouting{listenPort=9443, bootstrap=bootstrap.gw.example.com:9443,"
                + " brokers=broker-$(nodeId).gw.example.com:9443, plan=[5]}");
    }

    @Test
    void brokerHostDoesNotDependOnThePlan() {
        SniRouting routing = routing().build();

        assertThat(routing.brokerHost(42)).isEqualTo("broker-42.gw.example.com");
        assertThat(routing.brokerHost(0)).isEqualTo("broker-0.gw.example.com");
        assertThatThrownBy(() -> routing.brokerHost(-1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("nodeId must be >= 0, was -1");
    }

    @Test
    void gettersReturnTheSettings() {
        SniRouting routing = routing().advertisedPort(443).build();

        assertThat(routing.listenPort()).isEqualTo(PORT);
        assertThat(routing.advertisedPort()).isEqualTo(443);
        assertThat(routing.bootstrapHost()).isEqualTo(BOOTSTRAP);
        assertThat(routing.brokerHostPattern()).isEqualTo(PATTERN);
        assertThat(SniRouting.NODE_ID_PLACEHOLDER).isEqualTo("$(nodeId)");
    }

    @Test
    void toStringShowsTheConfigurationAndThePlan() {
        SniRouting routing = routing().advertisedPort(443).build();
        routing.plan(brokers(100, 1));

        assertThat(routing).hasToString("SniRouting{listenPort=9443, bootstrap=bootstrap.gw.example.com:443,"
                + " brokers=broker-$(nodeId).gw.example.com:443, plan=[1, 100]}");
    }

    static SniRouting.Builder routing() {
        return routing(PATTERN);
    }

    static SniRouting.Builder routing(String brokerHostPattern) {
        return SniRouting.builder().listenPort(PORT).bootstrapHost(BOOTSTRAP).brokerHostPattern(brokerHostPattern);
    }

    static List<BrokerNode> brokers(int... ids) {
        List<BrokerNode> brokers = new ArrayList<>();
        for (int id : ids) {
            brokers.add(new BrokerNode(id, "kafka-" + id + ".internal", 9093, null));
        }
        return brokers;
    }
}
