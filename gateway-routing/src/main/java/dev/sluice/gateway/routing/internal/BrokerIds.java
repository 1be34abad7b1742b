package dev.sluice.gateway.routing.internal;

import dev.sluice.gateway.api.BrokerNode;
import java.util.Arrays;
import java.util.Collection;

/** The broker ids of a plan, as the strategies keep them: sorted, each once, in a primitive array. */
public final class BrokerIds {

    private BrokerIds() {}

    /**
     * The distinct ids of {@code brokers}, ascending.
     *
     * @throws NullPointerException when {@code brokers} holds a null
     */
    public static int[] distinctSorted(Collection<BrokerNode> brokers) {
        int[] ids = new int[brokers.size()];
        int count = 0;
        for (BrokerNode broker : brokers) {
            if (broker == null) {
                throw new NullPointerException("brokers must not contain null");
            }
            ids[count++] = broker.id();
        }
        Arrays.sort(ids, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || ids[distinct - 1] != ids[i]) {
                ids[distinct++] = ids[i];
            }
        }
        return Arrays.copyOf(ids, distinct);
    }
}
