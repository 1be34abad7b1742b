package dev.sluice.gateway.api.membership;

import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The set of gateway nodes that currently form one gateway cluster, as this node sees it.
 *
 * <p>A node {@linkplain #join joins} with its own description, reads the {@linkplain #alive alive
 * set} or {@linkplain #addListener listens} for changes to it, and {@linkplain #leave leaves}
 * gracefully when it shuts down. The runtime uses the alive set to decide which gateway node it
 * advertises to each client for each broker; a node that is not in the set is not advertised.
 *
 * <p>Sluice ships {@code StaticMembership} (gateway-core), where the host supplies the list. A host can implement
 * this interface over its own discovery (Kubernetes endpoints, Consul, ...).
 *
 * <pre>{@code
 * Membership membership = StaticMembership.of(peers);
 * membership.join(self).toCompletableFuture().get(30, TimeUnit.SECONDS);
 * Membership.Registration registration = membership.addListener(alive -> remap(alive));
 * ...
 * registration.close();
 * membership.leave().toCompletableFuture().get(30, TimeUnit.SECONDS);
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>No two nodes in an alive set share a {@link GatewayNode#nodeId() node id}.
 *   <li>Every set handed out ({@link #alive()} and listener arguments) is an immutable snapshot:
 *       later changes produce a new set, never modify one already given.
 *   <li>Between {@link #join} completing and {@link #leave} being called, the alive set contains
 *       this node.
 * </ul>
 *
 * <h2>Threading</h2>
 * All methods are thread-safe and may be called from any thread. {@link #alive()} MUST NOT block.
 * Listeners are called from the membership's own thread (or the thread that caused the change),
 * one call at a time per listener and in the order of the changes; they MUST NOT block.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>An implementation MUST NOT hold the locks that guard its state while it calls a listener: a
 *       listener that calls back into the membership, or waits for a thread that does, would
 *       deadlock it.
 *   <li>A listener's exception MUST be contained (caught and logged), never passed to the code that
 *       caused the change nor allowed to stop the other listeners from hearing it.
 * </ul>
 */
public interface Membership {

    /**
     * Starts taking part as {@code self}. The returned stage completes once {@code self} is in the
     * alive set (and so visible to the other members); it completes exceptionally when joining
     * failed.
     *
     * <p>Joining again with the same description is a no-op; joining with a new description of the
     * same node id replaces the old one.
     *
     * @param self this node as the others must see it
     */
    CompletionStage<Void> join(GatewayNode self);

    /**
     * The nodes currently alive: an immutable snapshot, never {@code null}, possibly empty. Includes
     * this node once it has joined and until it leaves.
     */
    Set<GatewayNode> alive();

    /**
     * Adds a listener. It is called at once with the current alive set, then with the new set after
     * every change, until the returned registration is closed.
     *
     * <p>The same listener object added twice is two registrations and hears every change twice.
     *
     * @return the handle that removes the listener; closing it more than once has no further effect
     */
    Registration addListener(MembershipListener listener);

    /**
     * Leaves gracefully: the other members stop seeing this node promptly (rather than after a
     * failure-detection timeout). The returned stage completes when the departure has been made
     * known. Leaving a membership that this node has not joined completes at once.
     */
    CompletionStage<Void> leave();

    /**
     * A listener's place in a membership. Closing it removes the listener: once {@link #close()}
     * returns, the listener is not called again. A close from inside the listener's own call lets
     * that call finish; a close from another thread may wait for a call under way. Closing is
     * idempotent and never throws.
     */
    @FunctionalInterface
    interface Registration extends AutoCloseable {

        /** Removes the listener; a no-op when it has already been removed. */
        @Override
        void close();
    }
}
