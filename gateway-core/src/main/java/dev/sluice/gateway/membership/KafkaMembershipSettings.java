package dev.sluice.gateway.membership;

import java.time.Duration;
import java.util.Map;

/**
 * What a {@link KafkaMembership.Builder} collected: validated there, immutable here.
 *
 * @param replicationFactor the membership topic's replication factor, or 0 for {@code min(3, brokers)}
 */
record KafkaMembershipSettings(
        String bootstrapServers,
        Map<String, Object> clientProperties,
        String clusterId,
        String topic,
        Duration sessionTimeout,
        Duration heartbeatInterval,
        Duration joinTimeout,
        String name,
        short replicationFactor) {

    KafkaMembershipSettings {
        clientProperties = Map.copyOf(clientProperties);
    }

    /** Names the client properties but not their values, which may be secrets. */
    @Override
    public String toString() {
        return "KafkaMembershipSettings[bootstrapServers=" + bootstrapServers + ", clientProperties="
                + clientProperties.keySet() + ", clusterId=" + clusterId + ", topic=" + topic + ", sessionTimeout="
                + sessionTimeout + ", heartbeatInterval=" + heartbeatInterval + ", joinTimeout=" + joinTimeout
                + ", name=" + name + ", replicationFactor=" + replicationFactor + "]";
    }

    /** The consumer group every node of the gateway cluster joins. */
    String groupId() {
        return "sluice-gateway-" + clusterId;
    }

    /**
     * How long the group waits for a member to rejoin during a rebalance ({@code max.poll.interval.ms}
     * of the classic protocol). The polling thread polls every few hundred milliseconds unless a
     * listener blocks it, so this only bounds how long a stuck member can hold up a rebalance.
     */
    Duration rebalanceTimeout() {
        Duration floor = Duration.ofSeconds(30);
        return sessionTimeout.compareTo(floor) > 0 ? sessionTimeout : floor;
    }
}
