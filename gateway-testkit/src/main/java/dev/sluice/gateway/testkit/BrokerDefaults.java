package dev.sluice.gateway.testkit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The broker settings that {@link ClusterSpec} and {@link ForkedClusterSpec} both apply before the
 * user's own, so that brokers in the test JVM and in child JVMs behave alike. The public Javadoc of
 * {@link KafkaCluster} and {@link ForkedKafkaCluster} lists them under "Defaults"; change it with
 * them.
 */
final class BrokerDefaults {

    /** The broker switches that advertise unstable API and feature versions to clients. */
    static final List<String> UNSTABLE_SWITCHES =
            List.of("unstable.api.versions.enable", "unstable.feature.versions.enable");

    private BrokerDefaults() {}

    /**
     * Returns a new, mutable map, in a stable order, of the settings sized to {@code brokers}: the
     * internal topics replicated to every broker with a min ISR of {@code min(2, brokers)}, no
     * initial rebalance delay, and fast broker liveness.
     */
    static Map<String, String> sizedTo(int brokers) {
        Map<String, String> props = new LinkedHashMap<>();
        String replication = Integer.toString(brokers);
        String minIsr = Integer.toString(Math.min(2, brokers));
        props.put("offsets.topic.replication.factor", replication);
        props.put("transaction.state.log.replication.factor", replication);
        props.put("transaction.state.log.min.isr", minIsr);
        props.put("share.coordinator.state.topic.replication.factor", replication);
        props.put("share.coordinator.state.topic.min.isr", minIsr);
        props.put("group.initial.rebalance.delay.ms", "0");
        // Broker<->controller liveness, invisible to clients. Kafka's 2 s heartbeat and 9 s session make a
        // controlled shutdown take ~2.4 s, a restart ~10 s (the old registration must expire first), and
        // fence a killed broker only 9 s after its death.
        props.put("broker.heartbeat.interval.ms", "500");
        props.put("broker.session.timeout.ms", "3000");
        return props;
    }

    /** Turns off every {@link #UNSTABLE_SWITCHES switch}, so clients negotiate what a released broker offers. */
    static void stableVersionsOnly(Map<String, String> props) {
        for (String option : UNSTABLE_SWITCHES) {
            props.put(option, "false");
        }
    }
}
