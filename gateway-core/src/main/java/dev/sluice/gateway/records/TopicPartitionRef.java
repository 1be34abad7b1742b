package dev.sluice.gateway.records;

import org.apache.kafka.common.Uuid;
import org.jspecify.annotations.Nullable;

/** A partition as a Produce request or Fetch response names it, completed from {@link TopicNames}. */
record TopicPartitionRef(@Nullable String name, @Nullable Uuid id, int partition) {

    /** From a message's topic fields: an empty name and the zero id mean "not carried". */
    static TopicPartitionRef of(@Nullable String carriedName, @Nullable Uuid carriedId, int partition,
            @Nullable TopicNames names) {
        String name = carriedName == null || carriedName.isEmpty() ? null : carriedName;
        Uuid id = carriedId == null || Uuid.ZERO_UUID.equals(carriedId) ? null : carriedId;
        if (names != null) {
            if (name == null && id != null) {
                name = names.name(id);
            } else if (id == null && name != null) {
                id = names.id(name);
            }
        }
        return new TopicPartitionRef(name, id, partition);
    }

    @Override
    public String toString() {
        return (name != null ? name : String.valueOf(id)) + "-" + partition;
    }
}
