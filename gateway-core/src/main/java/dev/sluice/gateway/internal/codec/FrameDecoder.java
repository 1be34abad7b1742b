package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Splits a Kafka byte stream into whole frames and emits each as a retained slice of the inbound
 * buffer, size prefix included. No frame is copied.
 *
 * <p>The declared size is checked before a single byte of the body is awaited: zero, negative or
 * larger than the limit in force closes the stream with a {@link CorruptFrameException}, so the
 * cumulation buffer never grows towards an attacker's number. On client connections that
 * authenticate, the lower pre-authentication limit applies until {@link #saslStepSucceeded()} has
 * been called and the client has moved on to a request other than {@code SaslAuthenticate}
 * (this also covers multi-round mechanisms such as SCRAM and GSSAPI: every round that the broker
 * accepted answers with error NONE, and only a finished exchange lets the client send anything
 * else).
 *
 * <p>Each frame is passed on down the pipeline; a subclass that consumes the frames itself overrides
 * {@link #frame}, and with it {@link #channelReadComplete}: nothing then reaches the next handler,
 * and the inherited method would ask for another read whenever auto-read is off.
 *
 * <p>Not sharable: one instance per channel, called on its event loop only.
 */
public class FrameDecoder extends ByteToMessageDecoder {

    private enum AuthState { UNAUTHENTICATED, SASL_STEP_SUCCEEDED, AUTHENTICATED }

    private final FrameLimits limits;
    private final int minFrame;
    private final String direction;
    private AuthState authState;
    private boolean corrupt;

    /**
     * @param limits the size limits
     * @param requests {@code true} for a stream of requests (client to gateway), {@code false} for
     *     responses; sets the smallest acceptable frame
     * @param direction a short label for log and error messages, e.g. {@code "client"}
     */
    public FrameDecoder(FrameLimits limits, boolean requests, String direction) {
        this.limits = limits;
        this.minFrame = (requests ? Frames.MIN_REQUEST_FRAME : Frames.MIN_RESPONSE_FRAME) - Frames.SIZE_PREFIX;
        this.direction = direction;
        this.authState = AuthState.UNAUTHENTICATED;
    }

    /** A {@code SaslAuthenticate} round was answered with error NONE by the broker. */
    public final void saslStepSucceeded() {
        if (authState == AuthState.UNAUTHENTICATED) {
            authState = AuthState.SASL_STEP_SUCCEEDED;
        }
    }

    /** Whether the larger, authenticated limit is in force. */
    public final boolean authenticated() {
        return !limits.authenticating() || authState == AuthState.AUTHENTICATED;
    }

    /**
     * Whether the client has completed a SASL authentication that the broker accepted (tracked on
     * every listener, whether or not it enforces the pre-authentication limit).
     */
    public final boolean saslAuthenticated() {
        return authState == AuthState.AUTHENTICATED;
    }

    /** Names the usual culprits when the first bytes are not Kafka at all. */
    static String misconfigurationHint(int firstFourBytes) {
        int b0 = firstFourBytes >>> 24;
        int b1 = (firstFourBytes >>> 16) & 0xFF;
        if (b0 == 0x16 && b1 == 0x03) {
            return "; this looks like a TLS handshake on a plaintext listener";
        }
        String start = new String(new char[] {(char) b0, (char) b1, (char) ((firstFourBytes >>> 8) & 0xFF),
                (char) (firstFourBytes & 0xFF)});
        for (String method : new String[] {"GET ", "POST", "PUT ", "HEAD", "DELE", "OPTI", "PATC", "CONN"}) {
            if (start.equals(method)) {
                return "; this looks like an HTTP request on a Kafka listener";
            }
        }
        return "";
    }

    @Override
    protected final void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (corrupt) {
            in.skipBytes(in.readableBytes());
            return;
        }
        while (in.readableBytes() >= Frames.SIZE_PREFIX) {
            int start = in.readerIndex();
            int size = in.getInt(start);
            if (size < minFrame) {
                corrupt = true;
                throw new CorruptFrameException(direction + " sent a frame of declared size " + size
                        + " (at least " + minFrame + " expected)" + misconfigurationHint(size));
            }
            if (authState == AuthState.SASL_STEP_SUCCEEDED) {
                if (in.readableBytes() < Frames.SIZE_PREFIX + 2) {
                    return;
                }
                if (in.getShort(start + Frames.REQUEST_API_KEY) != ApiKeys.SASL_AUTHENTICATE.id) {
                    authState = AuthState.AUTHENTICATED;
                }
            }
            int limit = authenticated() ? limits.maxFrameBytes() : limits.maxFrameBytesBeforeAuthentication();
            if (size > limit) {
                corrupt = true;
                throw new CorruptFrameException(direction + " sent a frame of declared size " + size
                        + " bytes, over the limit of " + limit + " bytes"
                        + (authenticated() ? "" : " before authentication") + misconfigurationHint(size));
            }
            int frameLength = Frames.SIZE_PREFIX + size;
            if (in.readableBytes() < frameLength) {
                return;
            }
            ByteBuf frame = in.retainedSlice(start, frameLength);
            in.skipBytes(frameLength);
            frame(ctx, frame, out);
        }
    }

    /**
     * Takes each whole frame, in stream order: a retained slice of the inbound bytes, size prefix
     * included, whose ownership passes. Adds it to {@code out}, to go on down the pipeline.
     */
    protected void frame(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
        out.add(frame);
    }
}
