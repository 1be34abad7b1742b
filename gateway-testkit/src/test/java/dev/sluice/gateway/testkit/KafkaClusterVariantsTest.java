package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Test;

/** One-broker clusters in the other configurations, each started and closed by its test. */
class KafkaClusterVariantsTest {

    @Test
    void plaintextBrokerStartsStopsClosesAndCannotBeStartedTwice() throws Exception {
        long starting = System.nanoTime();
        KafkaCluster kafka = KafkaCluster.builder().build().start();
        System.out.printf("1 combined node started in %d ms%n", millisSince(starting));
        try {
            kafka.createTopic("once", 2, 1);
            assertThat(Clients.produce(kafka.clientProperties(), "once", "k", "v").partition()).isBetween(0, 1);
            assertThatThrownBy(kafka::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("start() called on a cluster that is RUNNING");
            assertThatThrownBy(() -> kafka.createTopic("once", 2, 1))
                    .isInstanceOf(KafkaClusterException.class)
                    .hasMessage("Kafka refused createTopic('once', 2, 1)");

            kafka.shutdownBroker(0); // the combined node's controller keeps running; close() copes
            assertThat(kafka.runningBrokerIds()).isEmpty();
            assertThat(kafka.brokerIds()).containsExactly(0);
        } finally {
            long closing = System.nanoTime();
            kafka.close();
            System.out.printf("1 combined node closed in %d ms%n", millisSince(closing));
        }
        assertThatThrownBy(kafka::bootstrapServers).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void nonProductionClusterFinalizesTheLatestTestingMetadataVersion() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.builder().productionLike(false).build().start();
                Admin admin = kafka.admin()) {
            short level = admin.describeFeatures().featureMetadata().get()
                    .finalizedFeatures().get("metadata.version").maxVersionLevel();

            assertThat(level)
                    .isEqualTo(MetadataVersion.latestTesting().featureLevel())
                    .isGreaterThan(MetadataVersion.latestProduction().featureLevel());
        }
    }

    @Test
    void saslPlainClusterAuthenticatesTheAdminAndDeniesAUserWithoutAcls() throws Exception {
        try (KafkaCluster kafka = KafkaCluster.builder().saslPlain().build().start()) {
            kafka.createTopic("secured", 1, 1);

            assertThat(Clients.produce(kafka.clientProperties(), "secured", "k", "v").offset()).isZero();

            Map<String, Object> user = kafka.clientProperties();
            user.put("sasl.jaas.config",
                    KafkaCluster.plainJaasConfig(KafkaCluster.SASL_USER, KafkaCluster.SASL_USER_PASSWORD));
            user.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            assertThatThrownBy(() -> Clients.produce(user, "secured", "k", "v"))
                    .hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    private static long millisSince(long nanoTime) {
        return Duration.ofNanos(System.nanoTime() - nanoTime).toMillis();
    }
}
