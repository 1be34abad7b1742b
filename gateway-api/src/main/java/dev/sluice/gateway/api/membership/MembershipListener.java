package dev.sluice.gateway.api.membership;

import java.util.Set;

/**
 * Hears the alive set of a {@link Membership} whenever it changes.
 *
 * <p>Each call carries the <em>complete</em> current set, never a delta: a listener that misses
 * nothing and a listener that only keeps the last set it saw reach the same state. The first call
 * comes as soon as the listener is {@linkplain Membership#addListener added}, with the set at that
 * moment; later calls come only when the set has changed.
 *
 * <pre>{@code
 * MembershipListener remap = alive -> mapping = NodeMapping.of(alive);   // a volatile field
 * Membership.Registration registration = membership.addListener(remap);
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Called from the membership's own thread (or from the thread that caused the change, for
 *       {@code StaticMembership} (gateway-core)), one call at a time per listener, in the order the changes
 *       happened. It MUST be fast and MUST NOT block: hand anything slow to another thread.
 *   <li>It SHOULD NOT throw. Implementations catch and log what it throws; the exception does not
 *       reach the membership's other listeners or the code that caused the change.
 *   <li>The set is immutable and may be kept after the call.
 * </ul>
 */
@FunctionalInterface
public interface MembershipListener {

    /**
     * The alive set is now {@code alive}.
     *
     * @param alive every node currently alive, this node included once it has joined; immutable,
     *     possibly empty
     */
    void membersChanged(Set<GatewayNode> alive);
}
