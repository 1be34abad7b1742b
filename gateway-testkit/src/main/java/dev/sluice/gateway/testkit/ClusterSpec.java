package dev.sluice.gateway.testkit;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * What a {@link KafkaCluster} should look like, validated once. This is the only place that speaks
 * to Kafka's test kit builders, so a change in the kit's API is contained here.
 *
 * @param brokers number of broker nodes, at least 1
 * @param productionLike latest production metadata version and feature levels, no unstable APIs
 * @param saslPlain broker listener is SASL_PLAINTEXT with the PLAIN mechanism
 * @param brokerProperties user broker settings, applied after (and so over) the defaults
 */
record ClusterSpec(
        int brokers, boolean productionLike, boolean saslPlain, Map<String, String> brokerProperties) {

    static final int MAX_BROKERS = 16;

    /** Settings the test kit owns; overriding them would break the cluster's wiring. */
    static final Set<String> RESERVED_PROPERTIES = Set.of(
            "node.id",
            "broker.id",
            "process.roles",
            "listeners",
            "advertised.listeners",
            "listener.security.protocol.map",
            "inter.broker.listener.name",
            "controller.listener.names",
            "controller.quorum.voters",
            "controller.quorum.bootstrap.servers",
            "log.dir",
            "log.dirs",
            "metadata.log.dir");

    ClusterSpec {
        if (brokers < 1 || brokers > MAX_BROKERS) {
            throw new IllegalArgumentException(
                    "brokers must be between 1 and " + MAX_BROKERS + ", was " + brokers);
        }
        brokerProperties = Map.copyOf(Objects.requireNonNull(brokerProperties, "brokerProperties"));
        for (Map.Entry<String, String> e : brokerProperties.entrySet()) {
            if (RESERVED_PROPERTIES.contains(e.getKey())) {
                throw new IllegalArgumentException("brokerProperty('" + e.getKey() + "', '" + e.getValue()
                        + "') is managed by the Kafka test kit and cannot be overridden");
            }
            if (productionLike && BrokerDefaults.UNSTABLE_SWITCHES.contains(e.getKey()) && Boolean.parseBoolean(e.getValue())) {
                throw new IllegalArgumentException("brokerProperty('" + e.getKey() + "', '" + e.getValue()
                        + "') conflicts with productionLike(true); use productionLike(false) for unstable versions");
            }
        }
    }

    /** The node layout: one combined node for a single broker, else one separate controller. */
    boolean combined() {
        return brokers == 1;
    }

    /** {@link BrokerDefaults} sized to the broker count, then the user's properties on top. */
    Map<String, String> effectiveProperties() {
        Map<String, String> props = BrokerDefaults.sizedTo(brokers);
        if (productionLike) {
            BrokerDefaults.stableVersionsOnly(props);
        }
        props.putAll(brokerProperties);
        return props;
    }

    /** Builds (but does not format or start) the test kit. The kit owns temporary directories. */
    KafkaClusterTestKit newTestKit() throws Exception {
        TestKitNodes.Builder nodes = new TestKitNodes.Builder()
                .setCombined(combined())
                .setNumBrokerNodes(brokers)
                .setNumControllerNodes(1);
        if (productionLike) {
            nodes.setBootstrapMetadata(productionBootstrapMetadata());
        }
        if (saslPlain) {
            // Both: with SASL the kit installs an authorizer, and a PLAINTEXT controller listener would
            // see brokers as User:ANONYMOUS and deny their registration (CLUSTER_ACTION).
            nodes.setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
            nodes.setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT);
        }
        KafkaClusterTestKit.Builder kit = new KafkaClusterTestKit.Builder(nodes.build());
        effectiveProperties().forEach(kit::setConfigProp);
        return kit.build();
    }

    /**
     * What {@code kafka-storage format} writes for a release by default: the latest production
     * metadata version and each production feature at its default level for that version. Setting
     * only the metadata version would leave the kit's testing levels for the other features.
     */
    private static BootstrapMetadata productionBootstrapMetadata() {
        MetadataVersion version = MetadataVersion.latestProduction();
        Map<String, Short> features = new HashMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(version));
        }
        return BootstrapMetadata.fromVersions(version, features, "sluice-testkit");
    }
}
