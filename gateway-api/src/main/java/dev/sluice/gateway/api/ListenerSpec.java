package dev.sluice.gateway.api;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One listener a gateway must have open: a local port, and what a client connecting to it reaches.
 *
 * <p>A listener either serves the <em>bootstrap</em> role (any broker will do: the client only
 * wants metadata) or stands for exactly one broker (port-per-broker routing). Created by a {@link
 * RoutingStrategy}; the runtime opens and closes server sockets to match the strategy's plan.
 *
 * <pre>{@code
 * ListenerSpec bootstrap = ListenerSpec.bootstrap(9092);
 * ListenerSpec broker100 = ListenerSpec.broker(9093, 100);
 * }</pre>
 *
 * @param port the local TCP port to bind, 1..65535
 * @param brokerId the broker this listener stands for, or empty for a bootstrap listener
 */
public record ListenerSpec(int port, OptionalInt brokerId) {

    public ListenerSpec {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        Objects.requireNonNull(brokerId, "brokerId");
    }

    /** A listener any broker can serve. */
    public static ListenerSpec bootstrap(int port) {
        return new ListenerSpec(port, OptionalInt.empty());
    }

    /** A listener that stands for the broker with node id {@code brokerId}. */
    public static ListenerSpec broker(int port, int brokerId) {
        return new ListenerSpec(port, OptionalInt.of(brokerId));
    }

    /** Whether this listener serves the bootstrap role. */
    public boolean isBootstrap() {
        return brokerId.isEmpty();
    }
}
