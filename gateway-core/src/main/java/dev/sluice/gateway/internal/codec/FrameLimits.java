package dev.sluice.gateway.internal.codec;

/**
 * The frame size limits of one connection's inbound direction.
 *
 * @param maxFrameBytes the largest frame body accepted once the peer is authenticated (or when the
 *     listener does not authenticate)
 * @param maxFrameBytesBeforeAuthentication the largest frame body accepted before a client has
 *     authenticated, on listeners where clients authenticate
 * @param authenticating whether clients on this connection must authenticate (SASL passes through
 *     to the brokers) before the larger limit applies
 */
public record FrameLimits(int maxFrameBytes, int maxFrameBytesBeforeAuthentication, boolean authenticating) {

    public FrameLimits {
        if (maxFrameBytes < Frames.MIN_REQUEST_FRAME) {
            throw new IllegalArgumentException("maxFrameBytes must be >= " + Frames.MIN_REQUEST_FRAME
                    + ", was " + maxFrameBytes);
        }
        if (maxFrameBytesBeforeAuthentication < Frames.MIN_REQUEST_FRAME
                || maxFrameBytesBeforeAuthentication > maxFrameBytes) {
            throw new IllegalArgumentException("maxFrameBytesBeforeAuthentication must be in "
                    + Frames.MIN_REQUEST_FRAME + ".." + maxFrameBytes + ", was "
                    + maxFrameBytesBeforeAuthentication);
        }
    }

    /** Limits for a direction with no authentication phase (for example broker to gateway). */
    public static FrameLimits unauthenticated(int maxFrameBytes) {
        return new FrameLimits(maxFrameBytes, maxFrameBytes, false);
    }
}
