package dev.sluice.gateway;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.ClusterMonitor.PlainCredentials;
import dev.sluice.gateway.internal.proxy.ProxyConfig;
import dev.sluice.gateway.tls.ServerTls;
import dev.sluice.gateway.tls.UpstreamTls;
import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.util.List;

/** Everything a {@link GatewayBuilder} collected, validated. Package-private. */
record GatewaySettings(
        String name,
        List<HostPort> upstream,
        List<RouteSettings> routes,
        String bindAddress,
        ProxyConfig proxy,
        int ioThreads,
        Duration upstreamRequestTimeout,
        Duration metadataRefreshInterval,
        Duration brokerRemovalDelay,
        Duration startupTimeout,
        @Nullable PlainCredentials upstreamPlain,
        @Nullable UpstreamTls upstreamTls,
        List<InterceptorSpec> interceptors,
        GatewayEventListener eventListener,
        @Nullable MembershipSettings membership) {

    /** {@link GatewayBuilder#membership}: the membership this node joins, as {@code self}. */
    record MembershipSettings(Membership membership, GatewayNode self) {}


    /** One {@link GatewayBuilder#routing} call: a strategy, with the TLS its listeners terminate or none. */
    record RouteSettings(RoutingStrategy strategy, @Nullable ServerTls tls) {}
}
