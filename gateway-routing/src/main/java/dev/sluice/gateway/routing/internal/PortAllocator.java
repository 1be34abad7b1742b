package dev.sluice.gateway.routing.internal;

import dev.sluice.gateway.api.GatewayException;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Hands out listener ports to broker ids: dense, stable and reusable.
 *
 * <ul>
 *   <li><b>Dense:</b> a new broker takes the lowest free port of the range {@code [firstPort,
 *       firstPort + poolSize)}, whatever its id, so ids 100, 200, 300 get three consecutive ports.
 *   <li><b>Stable:</b> a broker keeps its port for as long as every call to {@link #assign} names it.
 *   <li><b>Reusable:</b> a broker missing from a call loses its port; a later new broker may take it.
 *   <li><b>Pinned:</b> a broker with a pin always gets its pinned port. A pinned port inside the range
 *       is reserved for its broker even while that broker is absent.
 * </ul>
 *
 * <p>New brokers named in the same call are served in ascending id order. A call that cannot be
 * satisfied throws and leaves the allocator as it was.
 *
 * <p>{@linkplain #derivedFromIds() Derived from ids} instead, the plan is a function of the broker
 * set alone, the same on every gateway node whatever order they saw brokers in: a broker's port is
 * {@code firstPort + id mod poolSize}, or, when a smaller id already took that one (ids equal modulo
 * the pool size), the next free port after it.
 *
 * <p>Not thread-safe: owned by one routing strategy, which calls it under its plan lock.
 *
 * <pre>{@code
 * PortAllocator ports = new PortAllocator(9093, 64, Map.of());
 * ports.assign(new int[] {100, 200, 300});  // [9093, 9094, 9095]
 * ports.assign(new int[] {100, 300, 400});  // [9093, 9095, 9094]: 400 reuses 200's port
 * }</pre>
 */
public final class PortAllocator {

    private final int firstPort;
    private final int poolSize;
    private final Map<Integer, Integer> pins;
    private final BitSet reserved = new BitSet();
    private final boolean fromIds;
    private int collisions;
    private int[] ids = new int[0];
    private int[] ports = new int[0];

    /**
     * @param firstPort the first port of the range
     * @param poolSize how many ports the range has ({@code maxBrokers})
     * @param pins broker id to the port it must always get; ports may lie inside or outside the range
     *     and must be distinct (the routing builder checks this)
     */
    public PortAllocator(int firstPort, int poolSize, Map<Integer, Integer> pins) {
        this(firstPort, poolSize, pins, false);
    }

    /**
     * @param fromIds whether ports derive from broker ids (see the class comment) rather than from the
     *     order brokers were seen in
     */
    public PortAllocator(int firstPort, int poolSize, Map<Integer, Integer> pins, boolean fromIds) {
        this.fromIds = fromIds;
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be >= 1, was " + poolSize);
        }
        this.firstPort = firstPort;
        this.poolSize = poolSize;
        this.pins = Map.copyOf(pins);
        for (int port : this.pins.values()) {
            if (inRange(port)) {
                reserved.set(port - firstPort);
            }
        }
    }

    /**
     * Assigns a port to every broker in {@code sortedIds}, keeping the ports of brokers that already
     * had one and freeing the ports of brokers not named.
     *
     * @param sortedIds the current broker ids, strictly ascending
     * @return the port of {@code sortedIds[i]} at index {@code i}
     * @throws GatewayException when the range has no free port left for a new broker; the allocator
     *     is then unchanged
     */
    public int[] assign(int[] sortedIds) {
        for (int i = 1; i < sortedIds.length; i++) {
            if (sortedIds[i - 1] >= sortedIds[i]) {
                throw new IllegalArgumentException(
                        "ids must be strictly ascending, got " + Arrays.toString(sortedIds));
            }
        }
        int[] assigned = new int[sortedIds.length];
        BitSet used = (BitSet) reserved.clone();
        for (int i = 0; i < sortedIds.length; i++) {
            Integer pinned = pins.get(sortedIds[i]);
            int current = fromIds ? 0 : currentPort(sortedIds[i]);
            if (pinned != null) {
                assigned[i] = pinned;
            } else if (current != 0) {
                assigned[i] = current;
                used.set(current - firstPort);
            }
        }
        int displaced = 0;
        for (int i = 0; i < sortedIds.length; i++) {
            if (assigned[i] == 0) {
                int preferred = fromIds ? Math.floorMod(sortedIds[i], poolSize) : 0;
                int free = used.nextClearBit(preferred);
                if (free >= poolSize) {
                    free = used.nextClearBit(0);
                }
                if (free >= poolSize) {
                    throw exhausted(sortedIds[i], sortedIds, assigned);
                }
                if (fromIds && free != preferred) {
                    displaced++;
                }
                used.set(free);
                assigned[i] = firstPort + free;
            }
        }
        collisions = displaced;
        ids = sortedIds.clone();
        ports = assigned.clone();
        return assigned;
    }

    /** Whether ports derive from broker ids rather than discovery order. */
    public boolean derivedFromIds() {
        return fromIds;
    }

    /**
     * With ports {@linkplain #derivedFromIds() derived from ids}: how many brokers of the last {@link
     * #assign} did not get {@code id mod poolSize} because another broker's id is equal modulo the
     * pool size. Zero otherwise.
     */
    public int collisions() {
        return collisions;
    }

    private int currentPort(int id) {
        int index = Arrays.binarySearch(ids, id);
        return index >= 0 ? ports[index] : 0;
    }

    private boolean inRange(int port) {
        return port >= firstPort && port < firstPort + poolSize;
    }

    private GatewayException exhausted(int id, int[] sortedIds, int[] assigned) {
        StringJoiner holders = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < sortedIds.length; i++) {
            if (assigned[i] != 0 && inRange(assigned[i]) && !pins.containsKey(sortedIds[i])) {
                holders.add(sortedIds[i] + "=" + assigned[i]);
            }
        }
        String pinNote = reserved.isEmpty()
                ? ""
                : " (" + reserved.cardinality() + " of them reserved by brokerPort pins)";
        return new GatewayException("no free broker port for broker " + id + ": all " + poolSize
                + " ports of " + firstPort + ".." + (firstPort + poolSize - 1) + " (maxBrokers=" + poolSize
                + ") are taken" + pinNote + ", in use by " + holders
                + "; raise maxBrokers or pin the broker with brokerPort(" + id + ", port)");
    }
}
