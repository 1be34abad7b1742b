package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.Iterator;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;

/**
 * Narrows a broker's ApiVersions answer to what the gateway can carry (KIP-511 aware).
 *
 * <p>For every key the gateway decodes, the advertised range becomes the intersection of the
 * broker's and the codec's; a key with no common version is removed. Other keys, vendor keys
 * included, keep the broker's range. An error answer (the broker's v0 UNSUPPORTED_VERSION reply to
 * a client newer than itself) passes through untouched so that the client retries lower.
 */
final class ApiVersionsFilter {

    private final DecodedApis decoded;

    ApiVersionsFilter(DecodedApis decoded) {
        this.decoded = decoded;
    }

    /** Returns the frame to deliver; releases {@code frame} if it returns a different one. */
    ByteBuf filter(ByteBufAllocator alloc, ByteBuf frame, short version) {
        int bodyStart = Headers.responseBodyStart(frame, ApiKeys.API_VERSIONS, version);
        if (frame.writerIndex() - bodyStart < 2 || frame.getShort(bodyStart) != Errors.NONE.code()) {
            return frame;
        }
        ApiVersionsResponseData data = (ApiVersionsResponseData)
                MessageCodec.readResponse(frame, bodyStart, ApiKeys.API_VERSIONS, version);
        boolean changed = false;
        for (Iterator<ApiVersion> it = data.apiKeys().iterator(); it.hasNext(); ) {
            ApiVersion api = it.next();
            if (!decoded.decodes(api.apiKey())) {
                continue;
            }
            short min = (short) Math.max(api.minVersion(), decoded.min(api.apiKey()));
            short max = (short) Math.min(api.maxVersion(), decoded.max(api.apiKey()));
            if (min > max) {
                it.remove();
                changed = true;
            } else if (min != api.minVersion() || max != api.maxVersion()) {
                api.setMinVersion(min).setMaxVersion(max);
                changed = true;
            }
        }
        if (!changed) {
            return frame;
        }
        ByteBuf out = MessageCodec.reencode(alloc, frame, bodyStart, data, version);
        frame.release();
        return out;
    }

    /**
     * The answer a broker gives to an ApiVersions request newer than it knows: a version 0 body
     * with UNSUPPORTED_VERSION and the ApiVersions range it does support, so the client retries.
     */
    ByteBuf unsupportedVersion(ByteBufAllocator alloc, int correlationId) {
        ApiVersionsResponseData data = new ApiVersionsResponseData()
                .setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        data.apiKeys().add(new ApiVersion()
                .setApiKey(ApiKeys.API_VERSIONS.id)
                .setMinVersion(decoded.min(ApiKeys.API_VERSIONS.id))
                .setMaxVersion(decoded.max(ApiKeys.API_VERSIONS.id)));
        return MessageCodec.encodeResponse(alloc, ApiKeys.API_VERSIONS, (short) 0, correlationId, data);
    }
}
