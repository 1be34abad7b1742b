package dev.sluice.gateway.internal.cluster;

import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.internal.tls.ReloadableSslContext;
import dev.sluice.gateway.tls.ServerTls;
import org.jspecify.annotations.Nullable;

/**
 * One routing strategy a gateway serves, with the TLS its listeners terminate (none for plaintext).
 * A gateway has one route per {@code GatewayBuilder#routing} call; a connection belongs to the route
 * whose listener it came in on, and is told that route's addresses.
 *
 * @param name for logs: {@code route 1 (PortPerBrokerRouting[...])}
 * @param strategy the routing strategy
 * @param tlsSettings the listeners' TLS settings, or {@code null} for plaintext
 * @param tls the listeners' TLS context, present exactly when {@code tlsSettings} is
 */
public record Route(String name, RoutingStrategy strategy, @Nullable ServerTls tlsSettings,
        @Nullable ReloadableSslContext tls) {

    public Route {
        if ((tlsSettings == null) != (tls == null)) {
            throw new IllegalArgumentException("TLS settings and context go together");
        }
    }

    /** A plaintext route. */
    public static Route plaintext(String name, RoutingStrategy strategy) {
        return new Route(name, strategy, null, null);
    }

    /** Whether this route's listeners terminate TLS. */
    public boolean usesTls() {
        return tls != null;
    }

    @Override
    public String toString() {
        return name;
    }
}
