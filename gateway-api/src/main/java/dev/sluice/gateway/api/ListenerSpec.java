package dev.sluice.gateway.api;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One listener a gateway must have open: a local port, and what a client connecting to it reaches.
 *
 * <p>A listener has one of three {@linkplain Role roles}: it serves the <em>bootstrap</em> role (any
 * broker will do: the client only wants metadata), it stands for exactly one broker (port-per-broker
 * routing), or it is <em>routed by server name</em>: a TLS listener where the hostname the client
 * asked for in its TLS ClientHello (SNI) says which broker it means, as {@link
 * RoutingStrategy#routeServerName} decides. Created by a {@link RoutingStrategy}; the runtime opens
 * and closes server sockets to match the strategy's plan.
 *
 * <pre>{@code
 * ListenerSpec bootstrap = ListenerSpec.bootstrap(9092);
 * ListenerSpec broker100 = ListenerSpec.broker(9093, 100);
 * ListenerSpec sni = ListenerSpec.serverNameRouted(9443);
 * }</pre>
 *
 * @param port the local TCP port to bind, 1..65535
 * @param role what a connection to the port reaches
 * @param brokerId the broker this listener stands for; present exactly when the role is {@link
 *     Role#BROKER}
 */
public record ListenerSpec(int port, Role role, OptionalInt brokerId) {

    /** What a connection to a listener reaches. */
    public enum Role {
        /** Any broker: the client bootstraps (asks for metadata) here. */
        BOOTSTRAP,
        /** The one broker {@link ListenerSpec#brokerId()} names. */
        BROKER,
        /**
         * Decided per connection from the TLS server name the client sent, by {@link
         * RoutingStrategy#routeServerName}. Only a TLS listener can have this role.
         */
        SERVER_NAME
    }

    public ListenerSpec {
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be in 1..65535, was " + port);
        }
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(brokerId, "brokerId");
        if ((role == Role.BROKER) != brokerId.isPresent()) {
            throw new IllegalArgumentException("a " + role + " listener " + (role == Role.BROKER ? "needs" : "has no")
                    + " broker id, got " + brokerId);
        }
    }

    /** A listener any broker can serve. */
    public static ListenerSpec bootstrap(int port) {
        return new ListenerSpec(port, Role.BOOTSTRAP, OptionalInt.empty());
    }

    /** A listener that stands for the broker with node id {@code brokerId}. */
    public static ListenerSpec broker(int port, int brokerId) {
        return new ListenerSpec(port, Role.BROKER, OptionalInt.of(brokerId));
    }

    /** A TLS listener whose connections are routed by the server name (SNI) the client asks for. */
    public static ListenerSpec serverNameRouted(int port) {
        return new ListenerSpec(port, Role.SERVER_NAME, OptionalInt.empty());
    }

    /** Whether this listener serves the bootstrap role. */
    public boolean isBootstrap() {
        return role == Role.BOOTSTRAP;
    }

    /** Whether connections to this listener are routed by the TLS server name they ask for. */
    public boolean isServerNameRouted() {
        return role == Role.SERVER_NAME;
    }

    /** {@code bootstrap}, {@code broker 7} or {@code server name}: for logs. */
    public String describe() {
        return switch (role) {
            case BOOTSTRAP -> "bootstrap";
            case BROKER -> "broker " + brokerId.getAsInt();
            case SERVER_NAME -> "routed by server name";
        };
    }
}
