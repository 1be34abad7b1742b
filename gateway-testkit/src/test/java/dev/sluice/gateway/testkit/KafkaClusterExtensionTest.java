package dev.sluice.gateway.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FeatureMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.server.common.MetadataVersion;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaClusterExtensionTest {

    @RegisterExtension
    static final KafkaClusterExtension KAFKA = KafkaClusterExtension.brokers(1);

    @Test
    void recordProducedToTheBrokerIsConsumedBack() throws Exception {
        KAFKA.cluster().createTopic("round-trip", 1, 1);

        Clients.produce(KAFKA.cluster().clientProperties(), "round-trip", "key", "value");
        List<ConsumerRecord<String, String>> received =
                Clients.consume(KAFKA.cluster().clientProperties(), "round-trip", "round-trip-group", 1);

        assertThat(received).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("key");
            assertThat(r.value()).isEqualTo("value");
        });
    }

    @Test
    void singleBrokerClusterHasOneCombinedNodeWithIdZero() {
        assertThat(KAFKA.cluster().brokerIds()).containsExactly(0);
        assertThat(KAFKA.bootstrapServers()).matches("localhost:\\d+");
    }

    @Test
    void clusterIsProductionLikeByDefault() throws Exception {
        try (Admin admin = KAFKA.cluster().admin()) {
            FeatureMetadata features = admin.describeFeatures().featureMetadata().get();

            assertThat(features.finalizedFeatures().get("metadata.version").maxVersionLevel())
                    .isEqualTo(MetadataVersion.latestProduction().featureLevel());
        }
    }

    @Nested
    class NestedClass {
        @Test
        void sharesTheEnclosingClassesCluster() {
            assertThat(KAFKA.cluster().brokerIds()).containsExactly(0);
        }
    }
}
