package dev.sluice.gateway.internal.proxy;

import io.netty.channel.Channel;

/**
 * Why a client connection is not read right now. Each reason is set and lifted on its own; the
 * channel is read only while none is set. A new session starts {@link #CONNECTING}.
 *
 * <p>Not thread-safe: the session's event loop only.
 */
final class ClientReads {

    /** The broker connection is being opened. */
    static final int CONNECTING = 1;
    /** The broker connection has more queued for writing than its high water mark. */
    static final int UPSTREAM_UNWRITABLE = 2;
    /** The client has as many requests awaiting answers as it may have. */
    static final int IN_FLIGHT = 4;

    private final Channel client;
    private int reasons = CONNECTING;

    ClientReads(Channel client) {
        this.client = client;
    }

    /** Stops reading the client for {@code reason}. */
    void pause(int reason) {
        reasons |= reason;
        client.config().setAutoRead(false);
    }

    /** Lifts {@code reason}; reading resumes when no other reason remains and the session is open. */
    void resume(int reason, boolean open) {
        reasons &= ~reason;
        if (reasons == 0 && open) {
            client.config().setAutoRead(true);
        }
    }

    /** Whether {@code reason} is set. */
    boolean pausedFor(int reason) {
        return (reasons & reason) != 0;
    }
}
