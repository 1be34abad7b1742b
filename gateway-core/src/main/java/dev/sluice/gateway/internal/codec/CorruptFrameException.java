package dev.sluice.gateway.internal.codec;

import dev.sluice.gateway.api.GatewayException;

/**
 * The byte stream of a connection is not valid Kafka protocol: a length out of bounds, a declared
 * count larger than the bytes that remain, a header that cannot be parsed. The connection that
 * produced it is closed; nothing sized by the offending value has been allocated.
 */
public final class CorruptFrameException extends GatewayException {

    public CorruptFrameException(String message) {
        super(message);
    }
}
