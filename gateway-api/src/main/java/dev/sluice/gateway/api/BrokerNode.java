package dev.sluice.gateway.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A broker as the upstream Kafka cluster describes itself: its node id, the address it advertises on
 * the listener the gateway connects to, and its rack.
 *
 * <p>This is the <em>real</em> address, the one the gateway hides from clients. Node ids may be
 * sparse (100, 200, 300) and may change when brokers are replaced; nothing in Sluice assumes
 * otherwise.
 *
 * @param id the broker's node id ({@code >= 0})
 * @param host the host the broker advertises
 * @param port the port the broker advertises
 * @param rack the broker's rack, or {@code null} when the cluster has no rack information
 */
public record BrokerNode(int id, String host, int port, @Nullable String rack) {

    public BrokerNode {
        if (id < 0) {
            throw new IllegalArgumentException("broker id must be >= 0, was " + id);
        }
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 0..65535, was " + port);
        }
    }

    /** The broker's advertised address. */
    public HostPort address() {
        return new HostPort(host, port);
    }
}
