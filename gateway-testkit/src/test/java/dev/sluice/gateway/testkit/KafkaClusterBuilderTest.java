package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Builder and lifecycle rules that need no broker. */
class KafkaClusterBuilderTest {

    @Test
    void defaultsAreOneProductionLikePlaintextBroker() {
        ClusterSpec spec = KafkaCluster.builder().spec();

        assertThat(spec.brokers()).isEqualTo(1);
        assertThat(spec.combined()).isTrue();
        assertThat(spec.productionLike()).isTrue();
        assertThat(spec.saslPlain()).isFalse();
    }

    @Test
    void replicationDefaultsFollowTheBrokerCount() {
        assertThat(KafkaCluster.builder().brokers(1).spec().effectiveProperties())
                .containsEntry("offsets.topic.replication.factor", "1")
                .containsEntry("transaction.state.log.replication.factor", "1")
                .containsEntry("transaction.state.log.min.isr", "1")
                .containsEntry("group.initial.rebalance.delay.ms", "0")
                .containsEntry("unstable.api.versions.enable", "false");
        assertThat(KafkaCluster.builder().brokers(3).spec().effectiveProperties())
                .containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
    }

    @Test
    void threeBrokersUseASeparateControllerNode() {
        assertThat(KafkaCluster.builder().brokers(3).spec().combined()).isFalse();
    }

    @Test
    void brokerPropertyOverridesADefault() {
        assertThat(KafkaCluster.builder().brokerProperty("offsets.topic.replication.factor", "1").brokers(3)
                        .spec().effectiveProperties())
                .containsEntry("offsets.topic.replication.factor", "1");
    }

    @Test
    void productionLikeFalseLeavesTheKitsUnstableDefaults() {
        assertThat(KafkaCluster.builder().productionLike(false).spec().effectiveProperties())
                .doesNotContainKeys("unstable.api.versions.enable", "unstable.feature.versions.enable");
    }

    @Test
    void brokerCountOutOfRangeIsRejectedWithTheValue() {
        assertThatThrownBy(() -> KafkaCluster.builder().brokers(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokers must be between 1 and 16, was 0");
    }

    @Test
    void repeatedSettingsAreRejectedWithBothValues() {
        assertThatThrownBy(() -> KafkaCluster.builder().brokers(1).brokers(3))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("brokers was already set to 1, cannot set 3");
        assertThatThrownBy(() -> KafkaCluster.builder().productionLike(true).productionLike(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("productionLike was already set to true, cannot set false");
        assertThatThrownBy(() -> KafkaCluster.builder().brokerProperty("a", "1").brokerProperty("a", "2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("brokerProperty('a') was already set to '1', cannot set '2'");
        assertThatThrownBy(() -> KafkaCluster.builder().saslPlain().saslPlain())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("saslPlain() was already called");
    }

    @Test
    void kitOwnedPropertiesAreRejected() {
        assertThatThrownBy(() -> KafkaCluster.builder().brokerProperty("node.id", "100"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerProperty('node.id', '100') is managed by the Kafka test kit and cannot be overridden");
    }

    @Test
    void unstableVersionsConflictWithProductionLike() {
        KafkaCluster.Builder builder = KafkaCluster.builder().brokerProperty("unstable.api.versions.enable", "true");

        assertThatThrownBy(builder::build)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("brokerProperty('unstable.api.versions.enable', 'true') conflicts with "
                        + "productionLike(true); use productionLike(false) for unstable versions");
    }

    @Test
    void unstartedClusterRefusesQueriesAndClosesQuietly() {
        KafkaCluster cluster = KafkaCluster.builder().build();

        assertThatThrownBy(cluster::bootstrapServers)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bootstrapServers() needs a running cluster, but it is NEW");
        cluster.close();
        cluster.close();
        assertThatThrownBy(cluster::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("start() called on a cluster that is CLOSED");
    }

    @Test
    void extensionRefusesUseOutsideItsClass() {
        KafkaClusterExtension extension = KafkaClusterExtension.brokers(1);

        assertThatThrownBy(extension::cluster)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("No Kafka cluster is running");
    }
}
