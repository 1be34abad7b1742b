package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.StructureCursor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import org.jspecify.annotations.Nullable;

/**
 * One response on its way to the client while its bytes still arrive from the broker (cut-through):
 * each piece the {@link dev.sluice.gateway.internal.codec.ResponseFrameDecoder} hands on is written to
 * the client at once, the first with the client's correlation id patched in.
 *
 * <p>When the response has a part to rewrite (the node endpoints at the end of a Fetch response),
 * a {@link StructureCursor} walks the pieces as they pass, holding back only the few bytes a
 * piece boundary cut from a length or count, until it reaches that part; from there on the bytes are
 * held, and rewritten to the same length once the frame is complete (the size prefix has gone out).
 *
 * <p>The client slot stays at the head of the {@link ClientQueue}, pending, until the last byte has
 * been written, so no other answer can come between the pieces. Not thread-safe: on the session's
 * event loop.
 */
final class ResponseStream {

    private static final int TAIL_COMPONENTS = 64;

    private final ProxySession session;
    private final long seq;
    private final int clientCorrelationId;
    private final short apiKey;
    private final short apiVersion;
    private final int frameLength;
    private final @Nullable StructureCursor cursor;
    private int received;
    private @Nullable ByteBuf carry;
    private @Nullable CompositeByteBuf tail;

    ResponseStream(ProxySession session, long seq, int clientCorrelationId, short apiKey, short apiVersion,
            int frameLength, @Nullable StructureCursor cursor) {
        this.session = session;
        this.seq = seq;
        this.clientCorrelationId = clientCorrelationId;
        this.apiKey = apiKey;
        this.apiVersion = apiVersion;
        this.frameLength = frameLength;
        this.cursor = cursor;
    }

    /**
     * Passes on the next piece of the frame (ownership passes). Returns whether it was the last; the
     * caller then calls {@link #finish}.
     */
    boolean accept(ByteBuf piece) {
        int from = received;
        int to = from + piece.readableBytes();
        if (to > frameLength) {
            piece.release();
            throw new IllegalStateException("a piece runs " + (to - frameLength) + " bytes past its frame");
        }
        received = to;
        if (from == 0) {
            piece.setInt(piece.readerIndex() + Frames.RESPONSE_CORRELATION_ID, clientCorrelationId);
        }
        CompositeByteBuf held = tail;
        if (held != null) {
            held.addComponent(true, piece);
        } else if (cursor == null) {
            session.writeClient(piece);
        } else {
            int stop;
            try {
                stop = walk(cursor, piece, from, to);
            } catch (RuntimeException e) {
                piece.release();
                throw e;
            }
            if (stop < 0) {
                session.writeClient(piece);
            } else {
                int sent = stop - from;
                if (sent > 0) {
                    session.writeClient(piece.retainedSlice(piece.readerIndex(), sent));
                }
                held = piece.alloc().compositeBuffer(TAIL_COMPONENTS);
                if (to > stop) {
                    held.addComponent(true, piece.retainedSlice(piece.readerIndex() + sent, to - stop));
                }
                piece.release();
                tail = held;
            }
        }
        return to == frameLength;
    }

    /**
     * Walks {@code piece} (frame bytes {@code [from, to)}), after the bytes the previous one left
     * unparsed. Returns the frame offset where the held tail starts, or -1 if not within these bytes.
     */
    private int walk(StructureCursor walk, ByteBuf piece, int from, int to) {
        ByteBuf cut = carry;
        if (cut != null) {
            carry = null;
            int carried = cut.readableBytes();
            int joinedTo = Math.min(to, from + 2 * StructureCursor.MAX_CARRY);
            ByteBuf joined = piece.alloc().heapBuffer(carried + joinedTo - from);
            try {
                joined.writeBytes(cut).writeBytes(piece, piece.readerIndex(), joinedTo - from);
                if (walk.advance(joined, joined.readerIndex(), from - carried, joinedTo)) {
                    return walk.offset();
                }
                if (walk.offset() < from) {
                    // Still inside the cut value: the whole piece was shorter than it is.
                    carry = copy(joined, joined.readerIndex() + walk.offset() - (from - carried), joinedTo - walk.offset());
                    return -1;
                }
            } finally {
                cut.release();
                joined.release();
            }
        }
        if (walk.advance(piece, piece.readerIndex(), from, to)) {
            return walk.offset();
        }
        if (walk.offset() < to) {
            carry = copy(piece, piece.readerIndex() + walk.offset() - from, to - walk.offset());
        }
        return -1;
    }

    private static ByteBuf copy(ByteBuf source, int index, int length) {
        if (length > StructureCursor.MAX_CARRY) {
            throw new IllegalStateException("a walk left " + length + " bytes unparsed");
        }
        ByteBuf copy = source.alloc().heapBuffer(length);
        copy.writeBytes(source, index, length);
        return copy;
    }

    /** After the last piece: rewrites and writes the held tail, if any, and ends the client slot. */
    void finish() {
        CompositeByteBuf held = tail;
        tail = null;
        if (held == null) {
            session.streamEnded(seq, frameLength);
            return;
        }
        int length = held.readableBytes();
        Object processed;
        try {
            processed = session.runtime.processors.processTail(session, held, apiKey, apiVersion);
        } catch (RuntimeException e) {
            held.release();
            throw e;
        }
        if (processed instanceof ByteBuf out) {
            end(out, length);
        } else {
            session.whenProcessed(processed, out -> end(out, length));
        }
    }

    private void end(ByteBuf rewrittenTail, int length) {
        if (rewrittenTail.readableBytes() != length) {
            int actual = rewrittenTail.readableBytes();
            rewrittenTail.release();
            session.reject("the tail of a streamed response, " + length + " bytes, was rewritten to " + actual);
            return;
        }
        session.writeClient(rewrittenTail);
        session.streamEnded(seq, frameLength);
    }

    /** Releases what is held; the stream is abandoned (the session closed). */
    void release() {
        if (carry != null) {
            carry.release();
            carry = null;
        }
        if (tail != null) {
            tail.release();
            tail = null;
        }
    }
}
