package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;

/**
 * Splits a broker's byte stream into response frames, and passes large ones on while they arrive.
 *
 * <p>A frame whose bytes are all there is emitted whole, as a retained slice of the inbound buffer
 * (size prefix included), as {@link FrameDecoder} does. A frame of at least {@link #STREAM_THRESHOLD}
 * bytes that has not fully arrived when its header has is offered to the {@link StreamGate}: if it
 * accepts, the decoder emits what has arrived (at least the size prefix and the correlation id) and
 * then every later byte of the frame as it comes, each piece a retained slice of what the channel
 * read, with no copy and nothing accumulated. A consumer's Fetch answer of megabytes so reaches its
 * client at the pace of the network, not after the gateway has held all of it.
 *
 * <p>One message per {@code decode} call: the gate is asked only once every earlier frame has been
 * handed on, so it sees the response queue as the frame finds it. Each message goes down the
 * pipeline; a subclass that consumes them itself overrides {@link #emit}, and with it {@link
 * #channelReadComplete}, as nothing then reaches the next handler.
 *
 * <p>The declared size is checked before anything else (zero, negative and over the limit close the
 * stream with a {@link CorruptFrameException}). Not sharable: one per channel, on its event loop.
 */
public class ResponseFrameDecoder extends ByteToMessageDecoder {

    /** The smallest frame that is passed on in pieces; smaller ones are gathered whole. */
    public static final int STREAM_THRESHOLD = 32 * 1024;

    /** Decides, frame by frame, whether a response may go on before it has fully arrived. */
    @FunctionalInterface
    public interface StreamGate {
        /**
         * Whether the response with this correlation id, {@code frameLength} bytes long (size prefix
         * included), is to be passed on in pieces. On {@code true}, the next messages are its pieces,
         * in order, {@code frameLength} bytes in all, the first starting with the size prefix.
         */
        boolean beginStream(int correlationId, int frameLength);
    }

    private final FrameLimits limits;
    private final String direction;
    private final StreamGate gate;
    private int streamRemaining;
    private boolean corrupt;

    /**
     * @param limits the size limits ({@link FrameLimits#maxFrameBytes()} applies to responses)
     * @param direction a short label for log and error messages, e.g. {@code "broker"}
     * @param gate asked about every frame that could be streamed
     */
    public ResponseFrameDecoder(FrameLimits limits, String direction, StreamGate gate) {
        this.limits = limits;
        this.direction = direction;
        this.gate = gate;
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupt) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (streamRemaining > 0) {
            int piece = Math.min(streamRemaining, readable);
            streamRemaining -= piece;
            emit(ctx, in.readRetainedSlice(piece), out);
            return;
        }
        if (readable < Frames.SIZE_PREFIX) {
            return;
        }
        int start = in.readerIndex();
        int size = in.getInt(start);
        int minFrame = Frames.MIN_RESPONSE_FRAME - Frames.SIZE_PREFIX;
        if (size < minFrame || size > limits.maxFrameBytes()) {
            corrupt = true;
            throw new CorruptFrameException(direction + " sent a frame of declared size " + size + " ("
                    + (size < minFrame ? "at least " + minFrame : "the limit is " + limits.maxFrameBytes())
                    + " bytes)" + FrameDecoder.misconfigurationHint(size));
        }
        int frameLength = Frames.SIZE_PREFIX + size;
        if (readable >= frameLength) {
            emit(ctx, in.readRetainedSlice(frameLength), out);
        } else if (frameLength >= STREAM_THRESHOLD && readable >= Frames.MIN_RESPONSE_FRAME
                && gate.beginStream(in.getInt(start + Frames.RESPONSE_CORRELATION_ID), frameLength)) {
            streamRemaining = frameLength - readable;
            emit(ctx, in.readRetainedSlice(readable), out);
        }
    }

    /**
     * Takes each whole frame or piece of a streamed one, in stream order, as a retained slice whose
     * ownership passes. Adds it to {@code out}, to go on down the pipeline.
     */
    protected void emit(ChannelHandlerContext ctx, ByteBuf message, List<Object> out) {
        out.add(message);
    }
}
