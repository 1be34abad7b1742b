package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;

/**
 * Offsets into a whole frame (size prefix included) and the few peeks and patches the pass-through
 * path needs. None of these allocate or move reader/writer indices.
 */
public final class Frames {

    /** Bytes of the {@code int32} size prefix. */
    public static final int SIZE_PREFIX = 4;
    /** Offset of {@code api_key} in a request frame. */
    public static final int REQUEST_API_KEY = 4;
    /** Offset of {@code api_version} in a request frame. */
    public static final int REQUEST_API_VERSION = 6;
    /** Offset of {@code correlation_id} in a request frame. */
    public static final int REQUEST_CORRELATION_ID = 8;
    /** Offset of {@code client_id} (header v1+) in a request frame. */
    public static final int REQUEST_CLIENT_ID = 12;
    /** Offset of {@code correlation_id} in a response frame. */
    public static final int RESPONSE_CORRELATION_ID = 4;
    /** Smallest request frame the codec accepts: size, api key, api version, correlation id. */
    public static final int MIN_REQUEST_FRAME = 12;
    /** Smallest response frame the codec accepts: size, correlation id. */
    public static final int MIN_RESPONSE_FRAME = 8;

    private Frames() {}

    public static short apiKey(ByteBuf frame) {
        return frame.getShort(frame.readerIndex() + REQUEST_API_KEY);
    }

    public static short apiVersion(ByteBuf frame) {
        return frame.getShort(frame.readerIndex() + REQUEST_API_VERSION);
    }

    public static int requestCorrelationId(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + REQUEST_CORRELATION_ID);
    }

    public static void setRequestCorrelationId(ByteBuf frame, int correlationId) {
        frame.setInt(frame.readerIndex() + REQUEST_CORRELATION_ID, correlationId);
    }

    public static int responseCorrelationId(ByteBuf frame) {
        return frame.getInt(frame.readerIndex() + RESPONSE_CORRELATION_ID);
    }

    public static void setResponseCorrelationId(ByteBuf frame, int correlationId) {
        frame.setInt(frame.readerIndex() + RESPONSE_CORRELATION_ID, correlationId);
    }

    /** Rewrites the size prefix to match the frame's readable bytes. */
    public static void fixSizePrefix(ByteBuf frame) {
        frame.setInt(frame.readerIndex(), frame.readableBytes() - SIZE_PREFIX);
    }
}
