package dev.sluice.gateway.internal.membership;

import dev.sluice.gateway.api.membership.GatewayNode;
import java.util.Objects;

/**
 * One member of a Kafka-backed gateway membership: the node as it described itself, and the
 * incarnation of that description.
 *
 * <p>The incarnation tells apart two members with the same node id, typically a node restarted
 * before the group noticed its previous process die: the one with the higher incarnation is the
 * node, the other is ignored until the group drops it. Every member applies the same rule to the
 * same roster, so all agree.
 *
 * <p>Not API (see the {@linkplain dev.sluice.gateway.internal.membership package}).
 *
 * @param incarnation increases each time a node (re)joins; a wall-clock millisecond count in practice
 * @param node the node's description
 */
public record MemberEntry(long incarnation, GatewayNode node) {

    public MemberEntry {
        Objects.requireNonNull(node, "node");
    }

    /** Whether this entry wins over {@code other}, an entry with the same node id. */
    boolean supersedes(MemberEntry other) {
        if (incarnation != other.incarnation) {
            return incarnation > other.incarnation;
        }
        // Same id and incarnation: two processes misconfigured alike. Any rule all members share will do.
        return node.toString().compareTo(other.node.toString()) > 0;
    }
}
