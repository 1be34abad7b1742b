package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.jspecify.annotations.Nullable;

/**
 * Decodes message bodies with kafka-clients' generated classes and re-encodes whole frames, keeping
 * the original header bytes (correlation id already patched) untouched.
 */
public final class MessageCodec {

    private MessageCodec() {}

    /** Decodes the response body of {@code frame} that starts at {@code bodyStart}. */
    public static ApiMessage readResponse(ByteBuf frame, int bodyStart, ApiKeys key, short version) {
        return read(key.messageType.newResponse(), frame, bodyStart, key, version, "response");
    }

    /** Decodes the request body of {@code frame}. */
    public static ApiMessage readRequest(ByteBuf frame, ApiKeys key, short version) {
        int bodyStart = Headers.requestBodyStart(frame, key, version);
        return read(key.messageType.newRequest(), frame, bodyStart, key, version, "request");
    }

    private static ApiMessage read(ApiMessage message, ByteBuf frame, int bodyStart, ApiKeys key, short version,
            String what) {
        ByteBuf body = frame.slice(bodyStart, frame.writerIndex() - bodyStart);
        try {
            message.read(new ByteBufReadable(body), version);
        } catch (CorruptFrameException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new CorruptFrameException("cannot decode " + key + " v" + version + " " + what + ": " + e);
        }
        return message;
    }

    /**
     * A new frame: the header bytes of {@code original} ({@code [readerIndex, bodyStart)}), then
     * {@code body} encoded at {@code version}, with the size prefix set. The caller still owns
     * {@code original}.
     */
    public static ByteBuf reencode(ByteBufAllocator alloc, ByteBuf original, int bodyStart,
            ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int bodySize = body.size(cache, version);
        int headerLength = bodyStart - original.readerIndex();
        ByteBuf out = alloc.buffer(headerLength + bodySize);
        out.writeBytes(original, original.readerIndex(), headerLength);
        body.write(new ByteBufWritable(out), cache, version);
        Frames.fixSizePrefix(out);
        return out;
    }

    /**
     * A whole request frame built from scratch: size, request header for {@code key} at {@code
     * version} ({@code correlationId}, {@code clientId}, no tagged fields), then {@code body}.
     */
    public static ByteBuf encodeRequest(ByteBufAllocator alloc, ApiKeys key, short version, int correlationId,
            @Nullable String clientId, ApiMessage body) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(clientId);
        short headerVersion = key.requestHeaderVersion(version);
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuf out = alloc.buffer(Frames.SIZE_PREFIX + size);
        out.writeInt(size);
        ByteBufWritable writable = new ByteBufWritable(out);
        header.write(writable, cache, headerVersion);
        body.write(writable, cache, version);
        return out;
    }

    /**
     * A whole response frame built from scratch: size, response header for {@code key} at
     * {@code version} with {@code correlationId}, then {@code body}.
     */
    public static ByteBuf encodeResponse(ByteBufAllocator alloc, ApiKeys key, short version,
            int correlationId, ApiMessage body) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int bodySize = body.size(cache, version);
        boolean taggedHeader = key.responseHeaderVersion(version) >= 1;
        ByteBuf out = alloc.buffer(Frames.MIN_RESPONSE_FRAME + 1 + bodySize);
        out.writeInt(0);
        out.writeInt(correlationId);
        if (taggedHeader) {
            out.writeByte(0);
        }
        body.write(new ByteBufWritable(out), cache, version);
        Frames.fixSizePrefix(out);
        return out;
    }
}
