package dev.sluice.gateway.internal.proxy;

import io.netty.util.ReferenceCountUtil;
import org.jspecify.annotations.Nullable;

/**
 * The requests of one client that still owe it an answer, in the order the client sent them.
 *
 * <p>A slot is pending until its answer is ready (from the broker, from an interceptor, or made by
 * the gateway), then ready; answers leave strictly from the head, so none overtakes an earlier
 * request's, however the work behind them is scheduled. A slot can also ask for the connection to
 * close once it reaches the head (an interceptor's {@code closeConnection}).
 *
 * <p>Stored as parallel primitive arrays: adding and completing a slot allocates nothing. Capacity
 * doubles when a client pipelines more than it holds; the session bounds the count by pausing reads
 * at its in-flight limit.
 *
 * <p>Not thread-safe: used on one event loop only.
 */
final class ClientQueue {

    private static final byte PENDING = 1;
    private static final byte READY = 2;
    private static final byte CLOSE = 3;

    private int[] correlationIds;
    private short[] apiKeys;
    private short[] apiVersions;
    private long[] startNanos;
    private int[] requestBytes;
    private byte[] states;
    private @Nullable Object[] payloads;
    private int mask;
    private long head;
    private long tail;

    ClientQueue(int initialCapacity) {
        allocate(Math.max(4, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1));
    }

    private void allocate(int capacity) {
        correlationIds = new int[capacity];
        apiKeys = new short[capacity];
        apiVersions = new short[capacity];
        startNanos = new long[capacity];
        requestBytes = new int[capacity];
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

    /** Appends a request whose answer is to come. Returns its sequence number. */
    long add(int correlationId, short apiKey, short apiVersion, long start, int bytes) {
        if (size() == states.length) {
            grow();
        }
        long seq = tail++;
        int i = (int) seq & mask;
        correlationIds[i] = correlationId;
        apiKeys[i] = apiKey;
        apiVersions[i] = apiVersion;
        startNanos[i] = start;
        requestBytes[i] = bytes;
        states[i] = PENDING;
        payloads[i] = null;
        return seq;
    }

    private void grow() {
        int[] ids = correlationIds;
        short[] keys = apiKeys;
        short[] versions = apiVersions;
        long[] starts = startNanos;
        int[] bytes = requestBytes;
        byte[] st = states;
        Object[] pl = payloads;
        int oldMask = mask;
        allocate(states.length << 1);
        for (long seq = head; seq < tail; seq++) {
            int from = (int) seq & oldMask;
            int to = (int) seq & mask;
            correlationIds[to] = ids[from];
            apiKeys[to] = keys[from];
            apiVersions[to] = versions[from];
            startNanos[to] = starts[from];
            requestBytes[to] = bytes[from];
            states[to] = st[from];
            payloads[to] = pl[from];
        }
    }

    int correlationId(long seq) {
        return correlationIds[(int) seq & mask];
    }

    short apiKey(long seq) {
        return apiKeys[(int) seq & mask];
    }

    short apiVersion(long seq) {
        return apiVersions[(int) seq & mask];
    }

    long startNanos(long seq) {
        return startNanos[(int) seq & mask];
    }

    int requestBytes(long seq) {
        return requestBytes[(int) seq & mask];
    }

    boolean isHead(long seq) {
        return seq == head;
    }

    /** Whether {@code seq} is still owed an answer (not delivered, not released by a close). */
    boolean isPending(long seq) {
        return seq >= head && seq < tail && states[(int) seq & mask] == PENDING;
    }

    /** Stores the answer of a slot that cannot be delivered yet (ownership passes). */
    void markReady(long seq, Object answer) {
        int i = (int) seq & mask;
        states[i] = READY;
        payloads[i] = answer;
    }

    /** The connection closes when this slot reaches the head; the request gets no answer. */
    void markClose(long seq) {
        states[(int) seq & mask] = CLOSE;
    }

    /** Removes the head slot, whose answer is being delivered right now without being stored. */
    void removeHead(long seq) {
        assert seq == head;
        int i = (int) seq & mask;
        states[i] = 0;
        payloads[i] = null;
        head++;
    }

    /** Whether the head slot asks for the connection to close. */
    boolean headCloses() {
        return head < tail && states[(int) head & mask] == CLOSE;
    }

    /** The sequence number of the head slot if its answer is ready, else -1. */
    long readyHead() {
        return head < tail && states[(int) head & mask] == READY ? head : -1;
    }

    /** Takes the answer of the ready head slot and removes the slot. */
    Object pollHead() {
        int i = (int) head & mask;
        Object payload = payloads[i];
        payloads[i] = null;
        states[i] = 0;
        head++;
        return payload;
    }

    /** Releases every answer still held. Called when the connection closes. */
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
    }
}
