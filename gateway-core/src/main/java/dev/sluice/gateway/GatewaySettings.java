package dev.sluice.gateway;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.observe.GatewayEventListener;
import dev.sluice.gateway.internal.cluster.ClusterMonitor.PlainCredentials;
import dev.sluice.gateway.internal.proxy.ProxyConfig;
import org.jspecify.annotations.Nullable;
import java.time.Duration;
import java.util.List;

/** Everything a {@link GatewayBuilder} collected, validated. Package-private. */
record GatewaySettings(
        String name,
        List<HostPort> upstream,
        RoutingStrategy routing,
        String bindAddress,
        ProxyConfig proxy,
        int ioThreads,
        Duration upstreamRequestTimeout,
        Duration metadataRefreshInterval,
        Duration brokerRemovalDelay,
        Duration startupTimeout,
        @Nullable PlainCredentials upstreamPlain,
        List<InterceptorSpec> interceptors,
        GatewayEventListener eventListener) {}
