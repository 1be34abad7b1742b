package dev.sluice.gateway.internal.proxy;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Handles the responses of one API key that the gateway must read or change.
 *
 * <p>Called on the session's event loop with the response frame, correlation id already patched to
 * the client's. Takes ownership of the frame: returns either a {@link ByteBuf} to deliver (the
 * same frame or a new one, the old one then released) or a {@code CompletionStage<ByteBuf>} that
 * completes with it later, on any thread (and owns the frame until then). If it throws, the
 * frame is still the caller's, which releases it.
 */
@FunctionalInterface
interface ResponseProcessor {

    Object process(ProxySession session, ByteBuf frame, ApiKeys key, short version);
}
