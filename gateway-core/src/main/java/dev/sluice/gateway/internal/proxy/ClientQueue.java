package dev.sluice.gateway.internal.proxy;

import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one client that still owe it an answer, in the order the client sent them.
 *
 * <p>A slot is pending until its answer is ready (from the broker, from an interceptor, or made by
 * the gateway), then ready; payloads leave strictly from the head, so none overtakes an earlier
 * request's, however the work behind them is scheduled. A slot can also ask for the connection to
 * close once it reaches the head (an interceptor's {@code closeConnection}).
 *
 * <p>Stored as parallel primitive arrays, with a slot's correlation id, API key and version in one
 * long and its state in its payload (none while pending): adding and completing a slot allocates
 * nothing. A request's start time and size, which only an event listener reads, are kept by a
 * measured queue only. Capacity doubles when a client pipelines more than it holds; the session
 * bounds the count by pausing reads at its in-flight limit.
 *
 * <p>Not thread-safe: used on one event loop only.
 */
final class ClientQueue {

    /** The payload of a slot that closes the connection instead of being answered. */
    private static final Object CLOSE = new Object();

    private long[] headers;
    private long @Nullable [] startNanos;
    private int @Nullable [] requestBytes;
    private @Nullable Object[] payloads;
    private int mask;
    private long head;
    private long tail;

    /**
     * @param initialCapacity slots to start with
     * @param measured whether to keep each request's start time and size
     */
    ClientQueue(int initialCapacity, boolean measured) {
        allocate(Math.max(4, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1), measured);
    }

    private void allocate(int capacity, boolean measured) {
        headers = new long[capacity];
        if (measured) {
            startNanos = new long[capacity];
            requestBytes = new int[capacity];
        }
        payloads = new Object[capacity];
        mask = capacity - 1;
    }

    int size() {
        return (int) (tail - head);
    }

    boolean isEmpty() {
        return tail == head;
    }

    /** Appends a request whose answer is to come. Returns its sequence number. */
    long add(int correlationId, short apiKey, short apiVersion, long start, int bytes) {
        if (size() == payloads.length) {
            grow();
        }
        long seq = tail++;
        int i = (int) seq & mask;
        headers[i] = (long) correlationId << 32 | (apiKey & 0xFFFFL) << 16 | (apiVersion & 0xFFFFL);
        if (startNanos != null) {
            startNanos[i] = start;
            requestBytes[i] = bytes;
        }
        payloads[i] = null;
        return seq;
    }

    private void grow() {
        long[] hs = headers;
        long[] starts = startNanos;
        int[] bytes = requestBytes;
        Object[] pl = payloads;
        int oldMask = mask;
        allocate(payloads.length << 1, starts != null);
        for (long seq = head; seq < tail; seq++) {
            int from = (int) seq & oldMask;
            int to = (int) seq & mask;
            headers[to] = hs[from];
            if (starts != null) {
                startNanos[to] = starts[from];
                requestBytes[to] = bytes[from];
            }
            payloads[to] = pl[from];
        }
    }

    int correlationId(long seq) {
        return (int) (headers[(int) seq & mask] >>> 32);
    }

    short apiKey(long seq) {
        return (short) (headers[(int) seq & mask] >>> 16);
    }

    short apiVersion(long seq) {
        return (short) headers[(int) seq & mask];
    }

    /** The start time given to {@link #add}; a measured queue only. */
    long startNanos(long seq) {
        return startNanos[(int) seq & mask];
    }

    /** The request size given to {@link #add}; a measured queue only. */
    int requestBytes(long seq) {
        return requestBytes[(int) seq & mask];
    }

    boolean isHead(long seq) {
        return seq == head;
    }

    /** Whether {@code seq} is still owed an answer (not delivered, not released by a close). */
    boolean isPending(long seq) {
        return seq >= head && seq < tail && payloads[(int) seq & mask] == null;
    }

    /** Stores the (non-null) answer of a slot that cannot be delivered yet (ownership passes). */
    void markReady(long seq, Object answer) {
        payloads[(int) seq & mask] = answer;
    }

    /** The connection closes when this slot reaches the head; the request gets no answer. */
    void markClose(long seq) {
        payloads[(int) seq & mask] = CLOSE;
    }

    /** Removes the head slot, whose answer is being delivered right now without being stored. */
    void removeHead(long seq) {
        assert seq == head;
        payloads[(int) seq & mask] = null;
        head++;
    }

    /** Whether the head slot asks for the connection to close. */
    boolean headCloses() {
        return head < tail && payloads[(int) head & mask] == CLOSE;
    }

    /** The sequence number of the head slot if its answer is ready, else -1. */
    long readyHead() {
        if (head == tail) {
            return -1;
        }
        Object payload = payloads[(int) head & mask];
        return payload != null && payload != CLOSE ? head : -1;
    }

    /** Takes the answer of the ready head slot and removes the slot. */
    Object pollHead() {
        int i = (int) head & mask;
        Object payload = payloads[i];
        payloads[i] = null;
        head++;
        return payload;
    }

    /** Releases every answer still held. Called when the connection closes. */
    void releaseAll() {
        for (long seq = head; seq < tail; seq++) {
            int i = (int) seq & mask;
            Object payload = payloads[i];
            payloads[i] = null;
            if (payload != null && payload != CLOSE) {
                ReferenceCountUtil.release(payload);
            }
        }
        head = tail;
    }
}
