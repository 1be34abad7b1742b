package dev.sluice.gateway.internal.proxy;

import io.netty.buffer.ByteBuf;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;

/**
 * Frames a client sent before its broker connection was open. Client reads are paused while the
 * session connects, but a TLS handler may already hold decrypted data of the read that finished its
 * handshake; those frames wait here, in order, and go first once the broker is connected.
 *
 * <p>Owns the frames it holds. Not thread-safe: the session's event loop only. A session makes one
 * when the first such frame arrives, which on plaintext listeners never happens.
 */
final class EarlyFrames {

    private final ArrayDeque<ByteBuf> frames = new ArrayDeque<>(4);

    /**
     * Holds {@code frame} (ownership passes) and returns whether no more than {@code limit} frames are
     * held now; the caller refuses the connection when not.
     */
    boolean hold(ByteBuf frame, int limit) {
        frames.add(frame);
        return frames.size() <= limit;
    }

    /** The oldest frame held (ownership passes), or {@code null} when none is. */
    @Nullable ByteBuf poll() {
        return frames.poll();
    }

    /** Releases every frame held. */
    void releaseAll() {
        for (ByteBuf frame = frames.poll(); frame != null; frame = frames.poll()) {
            frame.release();
        }
    }
}
