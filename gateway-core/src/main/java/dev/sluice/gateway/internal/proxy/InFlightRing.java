package dev.sluice.gateway.internal.proxy;

import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one client connection that still owe the client a response, in the order the
 * client sent them.
 *
 * <p>Each slot is either awaiting its upstream response, pending (the response arrived and is
 * being processed asynchronously), or ready (a response frame waiting for the slots before it).
 * Responses are delivered strictly from the head, so a response the gateway produces itself, or
 * one that finishes processing early, never overtakes an earlier request's response.
 *
 * <p>Stored as parallel primitive arrays: adding and completing a slot allocates nothing. Capacity
 * grows by doubling when a client pipelines more than it holds; the session bounds the count by
 * pausing reads at its in-flight limit.
 *
 * <p>Not thread-safe: used on one event loop only.
 */
final class InFlightRing {

    static final byte AWAITING_UPSTREAM = 1;
    static final byte PENDING = 2;
    static final byte READY = 3;

    private int[] upstreamIds;
    private int[] downstreamIds;
    private short[] apiKeys;
    private short[] apiVersions;
    private byte[] states;
    private @Nullable Object[] payloads;
    private int mask;
    /** Sequence numbers (monotonic, masked for the index): next to deliver, next to match, next free. */
    private long head;
    private long awaiting;
    private long tail;

    InFlightRing(int initialCapacity) {
        int capacity = Integer.highestOneBit(Math.max(4, initialCapacity - 1)) << 1;
        allocate(capacity);
    }

    private void allocate(int capacity) {
        upstreamIds = new int[capacity];
        downstreamIds = new int[capacity];
        apiKeys = new short[capacity];
        apiVersions = new short[capacity];
        states = new byte[capacity];
        payloads = new Object[capacity];
        mask = capacity - 1;
    }

    int size() {
        return (int) (tail - head);
    }

    boolean isEmpty() {
        return tail == head;
    }

    /** Appends a request that is forwarded upstream. Returns its sequence number. */
    long addUpstream(int upstreamId, int downstreamId, short apiKey, short apiVersion) {
        long seq = append(downstreamId, apiKey, apiVersion);
        int i = (int) seq & mask;
        upstreamIds[i] = upstreamId;
        states[i] = AWAITING_UPSTREAM;
        return seq;
    }

    /** Appends a request the gateway answers itself with {@code response} (ownership passes). */
    void addReady(int downstreamId, short apiKey, short apiVersion, Object response) {
        long seq = append(downstreamId, apiKey, apiVersion);
        int i = (int) seq & mask;
        upstreamIds[i] = 0;
        states[i] = READY;
        payloads[i] = response;
        if (awaiting == seq) {
            awaiting++;
        }
    }

    private long append(int downstreamId, short apiKey, short apiVersion) {
        if (size() == states.length) {
            grow();
        }
        long seq = tail++;
        int i = (int) seq & mask;
        downstreamIds[i] = downstreamId;
        apiKeys[i] = apiKey;
        apiVersions[i] = apiVersion;
        return seq;
    }

    private void grow() {
        int oldCapacity = states.length;
        int[] up = upstreamIds;
        int[] down = downstreamIds;
        short[] keys = apiKeys;
        short[] versions = apiVersions;
        byte[] st = states;
        Object[] pl = payloads;
        int oldMask = mask;
        allocate(oldCapacity << 1);
        for (long seq = head; seq < tail; seq++) {
            int from = (int) seq & oldMask;
            int to = (int) seq & mask;
            upstreamIds[to] = up[from];
            downstreamIds[to] = down[from];
            apiKeys[to] = keys[from];
            apiVersions[to] = versions[from];
            states[to] = st[from];
            payloads[to] = pl[from];
        }
    }

    /** The sequence number of the oldest slot awaiting an upstream response, or -1. */
    long nextAwaiting() {
        while (awaiting < tail && states[(int) awaiting & mask] != AWAITING_UPSTREAM) {
            awaiting++;
        }
        return awaiting < tail ? awaiting : -1;
    }

    int upstreamId(long seq) {
        return upstreamIds[(int) seq & mask];
    }

    int downstreamId(long seq) {
        return downstreamIds[(int) seq & mask];
    }

    short apiKey(long seq) {
        return apiKeys[(int) seq & mask];
    }

    short apiVersion(long seq) {
        return apiVersions[(int) seq & mask];
    }

    boolean isHead(long seq) {
        return seq == head;
    }

    /** Marks the matched slot as being processed asynchronously. */
    void markPending(long seq) {
        states[(int) seq & mask] = PENDING;
        if (seq == awaiting) {
            awaiting++;
        }
    }

    /** Stores the response for a slot that cannot be delivered yet (ownership passes). */
    void markReady(long seq, Object response) {
        int i = (int) seq & mask;
        states[i] = READY;
        payloads[i] = response;
        if (seq == awaiting) {
            awaiting++;
        }
    }

    /**
     * Removes the head slot whose response is being delivered right now, without storing it. Only
     * valid when {@code seq} is the head.
     */
    void removeHead(long seq) {
        assert seq == head;
        int i = (int) seq & mask;
        states[i] = 0;
        payloads[i] = null;
        head++;
        if (awaiting < head) {
            awaiting = head;
        }
    }

    /** The response of the head slot if it is ready, else {@code null}. Removes it. */
    @Nullable Object pollReady() {
        if (head == tail) {
            return null;
        }
        int i = (int) head & mask;
        if (states[i] != READY) {
            return null;
        }
        Object payload = payloads[i];
        payloads[i] = null;
        states[i] = 0;
        head++;
        if (awaiting < head) {
            awaiting = head;
        }
        return payload;
    }

    /** Releases every response still held. Called when the connection closes. */
    void releaseAll() {
        for (long seq = head; seq < tail; seq++) {
            int i = (int) seq & mask;
            Object payload = payloads[i];
            payloads[i] = null;
            states[i] = 0;
            if (payload != null) {
                ReferenceCountUtil.release(payload);
            }
        }
        head = tail;
        awaiting = tail;
    }
}
