package dev.sluice.gateway.testkit;

import java.util.Map;
import java.util.Objects;

/**
 * The ports of one forked node's listeners. {@link #plaintext} is always there (the controller's
 * CONTROLLER listener, a broker's PLAINTEXT one); the others are 0, or absent from {@link
 * #advertised}, if the node has no such listener.
 *
 * @param plaintext the PLAINTEXT (broker) or CONTROLLER (controller) listener's port
 * @param tls the SSL listener's port, 0 for none
 * @param sasl the SASL_PLAINTEXT listener's port, 0 for none
 * @param advertised the ports of the listeners of {@link ForkedKafkaClusterBuilder#advertisedListener},
 *     by listener name
 */
record ListenerPorts(int plaintext, int tls, int sasl, Map<String, Integer> advertised) {

    ListenerPorts {
        advertised = Map.copyOf(Objects.requireNonNull(advertised, "advertised"));
        if (plaintext <= 0 || tls < 0 || sasl < 0 || advertised.values().stream().anyMatch(port -> port <= 0)) {
            throw new IllegalArgumentException("ports must be positive (0 for an absent listener), were "
                    + plaintext + ", " + tls + ", " + sasl + ", " + advertised);
        }
    }

    ListenerPorts(int plaintext, int tls, int sasl) {
        this(plaintext, tls, sasl, Map.of());
    }

    /** A node with one listener only. */
    static ListenerPorts only(int port) {
        return new ListenerPorts(port, 0, 0);
    }

    /** The port of a broker's listener {@code name}, 0 if it has none of that name. */
    int port(String name) {
        return switch (name) {
            case ForkedClusterSpec.PLAINTEXT_LISTENER -> plaintext;
            case ForkedClusterSpec.TLS_LISTENER -> tls;
            case ForkedClusterSpec.SASL_LISTENER -> sasl;
            default -> advertised.getOrDefault(name, 0);
        };
    }
}
