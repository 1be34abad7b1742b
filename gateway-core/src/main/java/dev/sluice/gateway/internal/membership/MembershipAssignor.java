package dev.sluice.gateway.internal.membership;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A consumer-group assignor that assigns nothing of interest and tells every member who else is in
 * the group. Each member's subscription carries its own {@linkplain MemberEntry entry}; the group
 * leader gives every member the roster of all entries; each member hands the decoded roster to its
 * {@link Callback}.
 *
 * <pre>
 *  member A --JoinGroup(entry A)--+                      +--SyncGroup(roster)--> A: Callback.rosterChanged
 *  member B --JoinGroup(entry B)--+--> leader's assign --+--SyncGroup(roster)--> B: Callback.rosterChanged
 *  member C --JoinGroup(entry C)--+   (relays entries)   +--SyncGroup(roster)--> C: Callback.rosterChanged
 * </pre>
 *
 * <p>Not API. Public only because kafka-clients creates it by reflection from {@code
 * partition.assignment.strategy}; it then receives its {@link Callback} through {@link #configure}
 * under {@link #CALLBACK_CONFIG}. It follows the kafka-clients version's {@link
 * ConsumerPartitionAssignor} and works with the classic group protocol only ({@code
 * group.protocol=classic}: KIP-848 groups assign on the broker).
 *
 * <p>Threading: kafka-clients calls it on the consumer's polling thread, and so calls the callback
 * there too.
 */
public final class MembershipAssignor implements ConsumerPartitionAssignor, Configurable {

    /** The assignor's (and so the group protocol's) name. */
    public static final String NAME = "sluice-membership";

    /** The consumer configuration key whose value is this consumer's {@link Callback}. */
    public static final String CALLBACK_CONFIG = "sluice.membership.callback";

    private static final Logger LOG = LoggerFactory.getLogger(MembershipAssignor.class);

    private @Nullable Callback callback;

    /** For kafka-clients' reflection; {@link #configure} supplies the callback. */
    public MembershipAssignor() {}

    /** What the assignor asks of the membership it serves. Called on the consumer's polling thread. */
    public interface Callback {

        /** This member's entry, encoded, for its next JoinGroup. */
        byte[] ownEntry();

        /**
         * The group's new roster, one entry per node id (a member that could not be decoded is
         * missing from it).
         *
         * @param roster the entries, immutable
         * @param generation the group generation the roster belongs to
         */
        void rosterChanged(List<MemberEntry> roster, int generation);
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object value = configs.get(CALLBACK_CONFIG);
        if (!(value instanceof Callback given)) {
            throw new IllegalArgumentException(MembershipAssignor.class.getName() + " needs a "
                    + Callback.class.getName() + " under '" + CALLBACK_CONFIG + "', was " + value);
        }
        this.callback = given;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ByteBuffer subscriptionUserData(Set<String> topics) {
        return ByteBuffer.wrap(callback().ownEntry());
    }

    /**
     * Runs on the group leader. Relays every member's entry (undecoded, so that entries of newer
     * versions reach members that can read them) to every member, and gives the subscribed topics'
     * partitions to the member whose id sorts first: someone must own them, and who does not matter.
     */
    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = new TreeMap<>(groupSubscription.groupSubscription());
        List<ByteBuffer> entries = new ArrayList<>(members.size());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Map.Entry<String, Subscription> member : members.entrySet()) {
            ByteBuffer entry = member.getValue().userData();
            if (entry == null || !entry.hasRemaining()) {
                LOG.warn("Gateway membership member {} sent no node description; it is left out", member.getKey());
            } else {
                entries.add(entry);
            }
            for (String topic : member.getValue().topics()) {
                for (PartitionInfo partition : metadata.partitionsForTopic(topic)) {
                    TopicPartition tp = new TopicPartition(partition.topic(), partition.partition());
                    if (!partitions.contains(tp)) {
                        partitions.add(tp);
                    }
                }
            }
        }
        byte[] roster = MemberCodec.encodeRoster(entries);
        Map<String, Assignment> assignments = new HashMap<>();
        boolean first = true;
        for (String memberId : members.keySet()) {
            List<TopicPartition> owned = first ? partitions : Collections.emptyList();
            assignments.put(memberId, new Assignment(owned, ByteBuffer.wrap(roster)));
            first = false;
        }
        return new GroupAssignment(assignments);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        ByteBuffer roster = assignment.userData();
        if (roster == null || !roster.hasRemaining()) {
            LOG.warn("Gateway membership assignment of generation {} carries no roster; is a consumer that is not "
                    + "a Sluice gateway node leading group '{}'?", metadata.generationId(), metadata.groupId());
            return;
        }
        List<MemberEntry> decoded;
        try {
            decoded = MemberCodec.decodeRoster(roster.duplicate());
        } catch (MemberCodec.UnreadableEntry e) {
            LOG.warn("Ignoring the gateway membership roster of generation {} of group '{}': {}",
                    metadata.generationId(), metadata.groupId(), e.getMessage());
            return;
        }
        callback().rosterChanged(decoded, metadata.generationId());
    }

    private Callback callback() {
        return Objects.requireNonNull(callback, "configure() was not called");
    }
}
