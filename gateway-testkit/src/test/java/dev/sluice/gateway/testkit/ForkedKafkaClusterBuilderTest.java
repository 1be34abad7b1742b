package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Builder rules and generated configuration, with no process started. */
class ForkedKafkaClusterBuilderTest {

    @Test
    void defaultsAreOneBrokerWithIdZeroAndController3000() {
        ForkedClusterSpec spec = ForkedKafkaCluster.builder().spec();

        assertThat(spec.brokerIds()).containsExactly(0);
        assertThat(spec.controllerId()).isEqualTo(3000);
        assertThat(spec.startTimeout()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void controllerIdMovesAsideForABrokerWith3000() {
        assertThat(ForkedKafkaCluster.builder().brokerIds(3000, 3001, 7).spec().controllerId()).isEqualTo(3002);
    }

    @Test
    void brokerConfigWiresNodeIdListenerAndQuorum() {
        ForkedClusterSpec spec = ForkedKafkaCluster.builder().brokerIds(100, 200, 300).spec();

        assertThat(spec.brokerConfig(200, ListenerPorts.only(41000), 41999, Path.of("/d"), null))
                .containsEntry("process.roles", "broker")
                .containsEntry("node.id", "200")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:41000")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:41000")
                .containsEntry("controller.quorum.voters", "3000@127.0.0.1:41999")
                .containsEntry("log.dirs", Path.of("/d").toString())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2")
                .containsEntry("share.coordinator.state.topic.replication.factor", "3")
                .containsEntry("share.coordinator.state.topic.min.isr", "2")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("unstable.api.versions.enable", "false")
                .containsEntry("broker.heartbeat.interval.ms", "500")
                .containsEntry("broker.session.timeout.ms", "3000");
        assertThat(spec.controllerConfig(41999, Path.of("/c")))
                .containsEntry("process.roles", "controller")
                .containsEntry("node.id", "3000")
                .containsEntry("listeners", "CONTROLLER://127.0.0.1:41999")
                .doesNotContainKey("advertised.listeners");
    }

    @Test
    void tlsAddsAnSslListenerBesidePlaintextWithAKeyStoreFile() {
        ForkedClusterSpec spec = ForkedKafkaCluster.builder()
                .tls(dev.sluice.gateway.testkit.tls.TestCertificateAuthority.create("CA").issueServerCertificate("localhost"))
                .spec();

        assertThat(spec.brokerConfig(0, new ListenerPorts(41000, 41001, 0), 41999, Path.of("/d"), Path.of("/k/broker.p12")))
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:41000,SSL://127.0.0.1:41001")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:41000,SSL://localhost:41001")
                .containsEntry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                .containsEntry("ssl.keystore.type", "PKCS12")
                .containsEntry("ssl.keystore.location", Path.of("/k/broker.p12").toAbsolutePath().toString().replace('\\', '/'))
                .containsEntry("ssl.keystore.password", ForkedClusterSpec.KEY_STORE_PASSWORD);
        assertThat(spec.controllerConfig(41999, Path.of("/c"))).doesNotContainKey("ssl.keystore.location");
    }

    @Test
    void saslPlainAddsASaslListenerWithListenerScopedJaasAndTlsComesFirst() {
        ForkedClusterSpec spec = ForkedKafkaCluster.builder()
                .tls(dev.sluice.gateway.testkit.tls.TestCertificateAuthority.create("CA").issueServerCertificate("localhost"))
                .saslPlain(Map.of("bob", "b-secret", "alice", "a-secret"))
                .spec();

        assertThat(spec.brokerConfig(0, new ListenerPorts(41000, 41001, 41002), 41999, Path.of("/d"), Path.of("/k.p12")))
                .containsEntry("listeners",
                        "PLAINTEXT://127.0.0.1:41000,SSL://127.0.0.1:41001,SASL_PLAINTEXT://127.0.0.1:41002")
                .containsEntry("advertised.listeners",
                        "PLAINTEXT://localhost:41000,SSL://localhost:41001,SASL_PLAINTEXT://localhost:41002")
                .containsEntry("listener.security.protocol.map",
                        "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT")
                .containsEntry("sasl.enabled.mechanisms", "PLAIN")
                .containsEntry("listener.name.sasl_plaintext.sasl.enabled.mechanisms", "PLAIN")
                .containsEntry("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " user_alice=\"a-secret\" user_bob=\"b-secret\";");
        assertThat(spec.controllerConfig(41999, Path.of("/c"))).doesNotContainKey("sasl.enabled.mechanisms");
    }

    @Test
    void saslPlainRefusesUsersThatWouldBreakTheJaasLineAndASecondCall() {
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().saslPlain(Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("saslPlain needs at least one user");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().saslPlain(Map.of("a b", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 'a b'");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().saslPlain(Map.of("alice", "say \"hi\"")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("without quotes");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().saslPlain(Map.of("a", "x"))
                        .saslPlain(Map.of("b", "y")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("saslPlain was already set for users [a], cannot set [b]");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().build().saslBootstrapServers())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("saslBootstrapServers() needs a cluster built with saslPlain(users)");
    }

    @Test
    void advertisedListenersArePlaintextListenersAdvertisedAtTheCallersAddressesAfterTheOthers() {
        ForkedClusterSpec spec = ForkedKafkaCluster.builder()
                .advertisedListener("RELAY", id -> InetSocketAddress.createUnresolved("relay.example", 19000 + id))
                .advertisedListener("RELAY_V6", id -> InetSocketAddress.createUnresolved("::1", 29000))
                .tls(dev.sluice.gateway.testkit.tls.TestCertificateAuthority.create("CA").issueServerCertificate("localhost"))
                .brokerIds(100, 200)
                .spec();
        ListenerPorts ports = new ListenerPorts(41000, 41001, 0, Map.of("RELAY", 41002, "RELAY_V6", 41003));

        assertThat(spec.brokerConfig(200, ports, 41999, Path.of("/d"), Path.of("/k.p12")))
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:41000,SSL://127.0.0.1:41001,"
                        + "RELAY://127.0.0.1:41002,RELAY_V6://127.0.0.1:41003")
                .containsEntry("advertised.listeners", "PLAINTEXT://localhost:41000,SSL://localhost:41001,"
                        + "RELAY://relay.example:19200,RELAY_V6://[::1]:29000")
                .containsEntry("listener.security.protocol.map",
                        "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL,RELAY:PLAINTEXT,RELAY_V6:PLAINTEXT")
                .containsEntry("inter.broker.listener.name", "PLAINTEXT");
        assertThat(spec.brokerListenerNames()).containsExactly("PLAINTEXT", "SSL", "RELAY", "RELAY_V6");
        assertThat(ports.port("RELAY")).isEqualTo(41002);
        assertThat(ports.port("SASL_PLAINTEXT")).isZero();
        assertThat(ports.port("OTHER")).isZero();
        assertThat(spec.controllerConfig(41999, Path.of("/c")).get("listeners")).isEqualTo("CONTROLLER://127.0.0.1:41999");
    }

    @Test
    void advertisedListenerNamesAreUpperCaseUnreservedAndDistinct() {
        for (String malformed : new String[] {"relay", "RE-LAY", "RELAY ", "", "RELAY.1"}) {
            assertThatThrownBy(() -> ForkedKafkaCluster.builder().advertisedListener(malformed, id -> relay(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("listener name must match [A-Z0-9_]+ (upper-case letters, digits, underscores), was '"
                            + malformed + "'");
        }
        for (String reserved : new String[] {"PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL", "CONTROLLER"}) {
            assertThatThrownBy(() -> ForkedKafkaCluster.builder().advertisedListener(reserved, id -> relay(1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("listener name '" + reserved
                            + "' is reserved; reserved are [CONTROLLER, PLAINTEXT, SASL_PLAINTEXT, SASL_SSL, SSL]");
        }
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().advertisedListener("RELAY", id -> relay(1))
                        .advertisedListener("RELAY", id -> relay(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("advertisedListener('RELAY') was already added");
        assertThat(ForkedKafkaCluster.builder().advertisedListener("RELAY_2", id -> relay(1))
                .advertisedListener("R", id -> relay(2)).spec().brokerListenerNames())
                .containsExactly("PLAINTEXT", "RELAY_2", "R");
    }

    @Test
    void advertisedAddressesAreCheckedForEveryBrokerWhenBuilding() {
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerIds(1, 2)
                        .advertisedListener("RELAY", id -> id == 2 ? null : relay(1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advertisedListener('RELAY') gave no address for broker 2");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder()
                        .advertisedListener("RELAY", id -> InetSocketAddress.createUnresolved("127.0.0.1", 0)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advertisedListener('RELAY') gave broker 0 the address 127.0.0.1:0; the host must match "
                        + "[0-9A-Za-z%._:-]+ and the port be in 1..65535");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder()
                        .advertisedListener("RELAY", id -> InetSocketAddress.createUnresolved("a,b", 9092)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("advertisedListener('RELAY') gave broker 0 the address a,b:9092;");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().advertisedListener("RELAY", id -> relay(1))
                        .build().listenerPort(0, "RELAY"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("listenerPort(0) needs a running cluster, but it is NEW");
    }

    @Test
    void brokerPropertyOverridesADefault() {
        assertThat(ForkedKafkaCluster.builder().brokerIds(1, 2, 3).brokerProperty("offsets.topic.replication.factor", "1")
                        .spec().brokerConfig(1, ListenerPorts.only(1), 2, Path.of("/d"), null))
                .containsEntry("offsets.topic.replication.factor", "1");
    }

    @Test
    void brokerIdsAreValidatedWithTheValues() {
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerIds())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerIds must name 1 to 16 brokers, got []");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerIds(100, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerIds must be non-negative, got [100, -1]");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerIds(100, 200, 100))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerIds must be distinct, got [100, 200, 100] (100 twice)");
    }

    @Test
    void repeatedSettingsAreRejectedWithBothValues() {
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerIds(1).brokerIds(2))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("brokerIds was already set to [1], cannot set [2]");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerProperty("a", "1").brokerProperty("a", "2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("brokerProperty('a') was already set to '1', cannot set '2'");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().startTimeout(Duration.ofSeconds(1))
                        .startTimeout(Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("startTimeout was already set to PT1S, cannot set PT2S");
    }

    @Test
    void wiringPropertiesAndNonPositiveTimeoutsAreRefused() {
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().brokerProperty("node.id", "5"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerProperty('node.id', '5') is managed by ForkedKafkaCluster and cannot be overridden");
        assertThatThrownBy(() -> ForkedKafkaCluster.builder().startTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("startTimeout must be positive, was PT0S");
    }

    @Test
    void unstartedClusterClosesQuietlyAndCannotStartAfterwards() {
        ForkedKafkaCluster cluster = ForkedKafkaCluster.builder().build();
        cluster.close();
        cluster.close();

        assertThatThrownBy(cluster::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("start() called on a cluster that is CLOSED");
        assertThatThrownBy(cluster::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bootstrapServers() needs a running cluster, but it is CLOSED");
    }

    private static InetSocketAddress relay(int port) {
        return InetSocketAddress.createUnresolved("127.0.0.1", port);
    }
}
