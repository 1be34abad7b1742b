package dev.sluice.gateway.internal.proxy;

import org.jspecify.annotations.Nullable;

/**
 * The requests sent on one upstream connection that await the broker's response, in send order (the
 * order the broker answers in).
 *
 * <p>Each entry knows its upstream correlation id, API key and version, and where the response goes:
 * straight to a client slot (the pass-through path: a sequence number, nothing allocated) or to a
 * callback (an interceptor's {@code proceed} or {@code send}, which decode the response).
 *
 * <p>Not thread-safe: used on one event loop only.
 */
final class UpstreamQueue {

    /** Where a response goes when it is not bound for a client slot directly. */
    interface Callback {
        /** Takes ownership of {@code frame} (correlation id not patched), on the event loop. */
        void onResponse(io.netty.buffer.ByteBuf frame, short apiKey, short apiVersion);

        /** The connection closed before the response came. */
        void onClosed();
    }

    private int[] upstreamIds;
    private short[] apiKeys;
    private short[] apiVersions;
    private long[] clientSeqs;
    private @Nullable Callback[] callbacks;
    private int mask;
    private long head;
    private long tail;

    UpstreamQueue(int initialCapacity) {
        allocate(Math.max(4, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1));
    }

    private void allocate(int capacity) {
        upstreamIds = new int[capacity];
        apiKeys = new short[capacity];
        apiVersions = new short[capacity];
        clientSeqs = new long[capacity];
        callbacks = new Callback[capacity];
        mask = capacity - 1;
    }

    int size() {
        return (int) (tail - head);
    }

    boolean isEmpty() {
        return head == tail;
    }

    /** A request whose response goes to client slot {@code clientSeq}. */
    void addForClient(int upstreamId, short apiKey, short apiVersion, long clientSeq) {
        int i = append(upstreamId, apiKey, apiVersion);
        clientSeqs[i] = clientSeq;
        callbacks[i] = null;
    }

    /** A request whose response goes to {@code callback}. */
    void addForCallback(int upstreamId, short apiKey, short apiVersion, Callback callback) {
        int i = append(upstreamId, apiKey, apiVersion);
        clientSeqs[i] = -1;
        callbacks[i] = callback;
    }

    private int append(int upstreamId, short apiKey, short apiVersion) {
        if (size() == apiKeys.length) {
            grow();
        }
        int i = (int) tail++ & mask;
        upstreamIds[i] = upstreamId;
        apiKeys[i] = apiKey;
        apiVersions[i] = apiVersion;
        return i;
    }

    private void grow() {
        int[] ids = upstreamIds;
        short[] keys = apiKeys;
        short[] versions = apiVersions;
        long[] seqs = clientSeqs;
        Callback[] cbs = callbacks;
        int oldMask = mask;
        allocate(apiKeys.length << 1);
        for (long seq = head; seq < tail; seq++) {
            int from = (int) seq & oldMask;
            int to = (int) seq & mask;
            upstreamIds[to] = ids[from];
            apiKeys[to] = keys[from];
            apiVersions[to] = versions[from];
            clientSeqs[to] = seqs[from];
            callbacks[to] = cbs[from];
        }
    }

    int headUpstreamId() {
        return upstreamIds[(int) head & mask];
    }

    short headApiKey() {
        return apiKeys[(int) head & mask];
    }

    short headApiVersion() {
        return apiVersions[(int) head & mask];
    }

    /** The client slot of the head entry, or -1 when its response goes to a callback. */
    long headClientSeq() {
        return clientSeqs[(int) head & mask];
    }

    /** The callback of the head entry, or {@code null} when its response goes to a client slot. */
    @Nullable Callback headCallback() {
        return callbacks[(int) head & mask];
    }

    void removeHead() {
        callbacks[(int) head & mask] = null;
        head++;
    }

    /** Tells every callback still waiting that the connection closed, and empties the queue. */
    void closeAll() {
        while (head < tail) {
            Callback callback = callbacks[(int) head & mask];
            removeHead();
            if (callback != null) {
                callback.onClosed();
            }
        }
    }
}
