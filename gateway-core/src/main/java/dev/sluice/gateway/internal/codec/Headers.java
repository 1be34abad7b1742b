package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;

/** Finds where the body of a request or response frame starts, by the header version in force. */
public final class Headers {

    private Headers() {}

    /**
     * Absolute index of the request body in {@code frame}.
     *
     * @throws CorruptFrameException when the header does not fit in the frame
     */
    public static int requestBodyStart(ByteBuf frame, ApiKeys key, short version) {
        int start = frame.readerIndex();
        int limit = frame.writerIndex();
        short headerVersion = key.requestHeaderVersion(version);
        int index = start + Frames.REQUEST_CLIENT_ID;
        if (headerVersion >= 1) {
            if (index + 2 > limit) {
                throw new CorruptFrameException("request header truncated");
            }
            short clientIdLength = frame.getShort(index);
            index += 2;
            if (clientIdLength > 0) {
                index += clientIdLength;
            }
            if (index > limit) {
                throw new CorruptFrameException("client_id runs past the end of the frame");
            }
        }
        if (headerVersion >= 2) {
            index = StructureWalker.skipTaggedFields(frame, index, limit);
        }
        return index;
    }

    /**
     * The client id of a request frame's header (v1+), or {@code null} when the header has none or
     * it is null. Allocates the string: for the decoding path, not for pass-through.
     */
    public static @Nullable String requestClientId(ByteBuf frame, ApiKeys key, short version) {
        if (key.requestHeaderVersion(version) < 1) {
            return null;
        }
        int index = frame.readerIndex() + Frames.REQUEST_CLIENT_ID;
        if (index + 2 > frame.writerIndex()) {
            throw new CorruptFrameException("request header truncated");
        }
        short length = frame.getShort(index);
        if (length < 0) {
            return null;
        }
        if (index + 2 + length > frame.writerIndex()) {
            throw new CorruptFrameException("client_id runs past the end of the frame");
        }
        return frame.toString(index + 2, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * Absolute index of the response body in {@code frame}, for a response to a request of
     * {@code key} at {@code version}.
     */
    public static int responseBodyStart(ByteBuf frame, ApiKeys key, short version) {
        int index = frame.readerIndex() + Frames.MIN_RESPONSE_FRAME;
        if (key.responseHeaderVersion(version) >= 1) {
            index = StructureWalker.skipTaggedFields(frame, index, frame.writerIndex());
        }
        return index;
    }
}
