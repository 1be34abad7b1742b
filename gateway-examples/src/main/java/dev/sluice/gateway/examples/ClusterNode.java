package dev.sluice.gateway.examples;

import dev.sluice.gateway.GatewayBuilder;
import dev.sluice.gateway.api.RoutingStrategy;
import dev.sluice.gateway.api.membership.GatewayNode;
import dev.sluice.gateway.api.membership.Membership;
import dev.sluice.gateway.membership.KafkaMembership;
import dev.sluice.gateway.routing.BalancedRouting;
import dev.sluice.gateway.routing.PortPerBrokerRouting;
import java.io.PrintStream;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's part in a gateway cluster: its {@link KafkaMembership} on the upstream cluster, the
 * routing that goes with the {@linkplain ClusterOptions.Balancing balancing}, and the {@code
 * MEMBERS} lines it prints.
 *
 * <ul>
 *   <li>{@link ClusterOptions.Balancing#INTERNAL}: a {@link BalancedRouting} over the membership and
 *       the demo's port plan.
 *   <li>{@link ClusterOptions.Balancing#EXTERNAL}: the port plan alone, advertising the load
 *       balancer's host; the membership is joined all the same, for the {@code MEMBERS} lines.
 * </ul>
 *
 * <p>The gateway joins the membership when it starts and leaves it first when it shuts down ({@link
 * GatewayBuilder#membership}); {@link #close()} then stops the rest. Thread-safe: the {@code MEMBERS}
 * lines are printed on the membership's thread.
 */
final class ClusterNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final KafkaMembership membership;
    private final GatewayNode self;
    private final RoutingStrategy routing;
    private final @Nullable BalancedRouting balanced;
    private volatile Membership.@Nullable Registration announcing;

    private ClusterNode(KafkaMembership membership, GatewayNode self, RoutingStrategy routing,
            @Nullable BalancedRouting balanced) {
        this.membership = membership;
        this.self = self;
        this.routing = routing;
        this.balanced = balanced;
    }

    /**
     * The node of {@code cluster} that serves {@code ports} in front of {@code upstream}; it starts
     * nothing until the gateway {@linkplain #configure configured} with it starts.
     */
    static ClusterNode of(ClusterOptions cluster, PortPerBrokerRouting ports, String upstream) {
        Objects.requireNonNull(cluster, "cluster");
        KafkaMembership membership = cluster.membership(Objects.requireNonNull(upstream, "upstream"));
        GatewayNode self = cluster.self(ports.bootstrapAddress().host(), ports.bootstrapAddress().port());
        if (cluster.balancing() == ClusterOptions.Balancing.EXTERNAL) {
            return new ClusterNode(membership, self, ports, null);
        }
        BalancedRouting balanced = BalancedRouting.builder().ports(ports).membership(membership).build();
        return new ClusterNode(membership, self, balanced, balanced);
    }

    /** The routing strategy the gateway serves. */
    RoutingStrategy routing() {
        return routing;
    }

    /** This node as the others see it. */
    GatewayNode self() {
        return self;
    }

    /** Makes the gateway a member: it joins on start and leaves first on shutdown. */
    void configure(GatewayBuilder builder) {
        builder.membership(membership, self);
    }

    /**
     * Prints a {@code MEMBERS} line to {@code out} now and whenever the alive set changes, until
     * {@link #close()}.
     */
    void announce(PrintStream out) {
        announcing = membership.addListener(alive -> {
            String line = ClusterOptions.membersLine(alive);
            LOG.info("Gateway cluster members: {}", line);
            out.println(line);
            out.flush();
        });
    }

    /** Stops printing {@code MEMBERS} lines: from now on the alive set is this node's to leave. */
    void stopAnnouncing() {
        Membership.Registration registration = announcing;
        if (registration != null) {
            registration.close();
        }
    }

    /**
     * Stops printing and following the membership, and leaves it in case the gateway did not (a start
     * that failed), waiting at most {@link Demo#DRAIN_TIMEOUT} for that. Idempotent.
     */
    @Override
    public void close() {
        stopAnnouncing();
        if (balanced != null) {
            balanced.close();
        }
        try {
            membership.leave().toCompletableFuture().get(Demo.DRAIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Leaving the gateway cluster failed ({}): {}", membership, e.toString());
        }
    }

    @Override
    public String toString() {
        return "ClusterNode[" + self + ", " + routing + "]";
    }
}
