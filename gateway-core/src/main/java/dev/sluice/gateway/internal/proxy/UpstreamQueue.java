package dev.sluice.gateway.internal.proxy;

import org.jspecify.annotations.Nullable;

/**
 * The requests sent on one upstream connection that await the broker's response, in send order (the
 * order the broker answers in).
 *
 * <p>Each entry knows its upstream correlation id, API key and version (packed in one long), and
 * where the response goes: straight to a client slot (the pass-through path: a sequence number,
 * nothing allocated) or to a callback (an interceptor's {@code proceed} or {@code send}, which
 * decode the response). The callbacks' array is allocated with the first callback.
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

    private long[] headers;
    private long[] clientSeqs;
    private @Nullable Callback @Nullable [] callbacks;
    private int mask;
    private long head;
    private long tail;

    UpstreamQueue(int initialCapacity) {
        allocate(Math.max(4, Integer.highestOneBit(Math.max(1, initialCapacity - 1)) << 1));
    }

    private void allocate(int capacity) {
        headers = new long[capacity];
        clientSeqs = new long[capacity];
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
    }

    /** A request whose response goes to {@code callback}. */
    void addForCallback(int upstreamId, short apiKey, short apiVersion, Callback callback) {
        int i = append(upstreamId, apiKey, apiVersion);
        clientSeqs[i] = -1;
        Callback[] cbs = callbacks;
        if (cbs == null) {
            cbs = new Callback[headers.length];
            callbacks = cbs;
        }
        cbs[i] = callback;
    }

    private int append(int upstreamId, short apiKey, short apiVersion) {
        if (size() == headers.length) {
            grow();
        }
        int i = (int) tail++ & mask;
        headers[i] = (long) upstreamId << 32 | (apiKey & 0xFFFFL) << 16 | (apiVersion & 0xFFFFL);
        return i;
    }

    private void grow() {
        long[] hs = headers;
        long[] seqs = clientSeqs;
        Callback[] cbs = callbacks;
        int oldMask = mask;
        allocate(headers.length << 1);
        callbacks = cbs == null ? null : new Callback[headers.length];
        for (long seq = head; seq < tail; seq++) {
            int from = (int) seq & oldMask;
            int to = (int) seq & mask;
            headers[to] = hs[from];
            clientSeqs[to] = seqs[from];
            if (cbs != null) {
                callbacks[to] = cbs[from];
            }
        }
    }

    int headUpstreamId() {
        return (int) (headers[(int) head & mask] >>> 32);
    }

    short headApiKey() {
        return (short) (headers[(int) head & mask] >>> 16);
    }

    short headApiVersion() {
        return (short) headers[(int) head & mask];
    }

    /** The client slot of the head entry, or -1 when its response goes to a callback. */
    long headClientSeq() {
        return clientSeqs[(int) head & mask];
    }

    /** The callback of the head entry, or {@code null} when its response goes to a client slot. */
    @Nullable Callback headCallback() {
        Callback[] cbs = callbacks;
        return cbs == null ? null : cbs[(int) head & mask];
    }

    void removeHead() {
        Callback[] cbs = callbacks;
        if (cbs != null) {
            cbs[(int) head & mask] = null;
        }
        head++;
    }

    /** Tells every callback still waiting that the connection closed, and empties the queue. */
    void closeAll() {
        while (head < tail) {
            Callback callback = headCallback();
            removeHead();
            if (callback != null) {
                callback.onClosed();
            }
        }
    }
}
