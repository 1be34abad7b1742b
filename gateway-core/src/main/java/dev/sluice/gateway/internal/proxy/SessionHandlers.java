package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.FrameDecoder;
import dev.sluice.gateway.internal.codec.FrameLimits;
import dev.sluice.gateway.internal.codec.ResponseFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import java.util.List;

/**
 * The two pipeline ends of a {@link ProxySession}: each turns its channel's events into calls on the
 * session, which holds all the state but the client stream's framing. Not shareable: one pair per
 * session.
 */
final class SessionHandlers {

    private SessionHandlers() {}

    /**
     * The client channel's one session handler: splits the client's bytes into frames and hands each
     * to the session as it is cut, so no handler follows it.
     */
    static final class ClientSide extends FrameDecoder {
        private final ProxySession session;

        ClientSide(ProxySession session, FrameLimits limits) {
            super(limits, true, "client");
            this.session = session;
        }

        @Override
        protected void frame(ChannelHandlerContext ctx, ByteBuf frame, List<Object> out) {
            session.onClientRead(frame);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            discardSomeReadBytes();
            session.onClientReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            session.onClientWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            try {
                super.channelInactive(ctx);
            } finally {
                session.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.onException("client", cause);
        }
    }

    /**
     * The upstream channel's one session handler: splits the broker's bytes into responses, streaming
     * the large ones the session accepts ({@link ResponseFrameDecoder}), and hands each frame or piece
     * to the session as it is cut.
     */
    static final class UpstreamSide extends ResponseFrameDecoder {
        private final ProxySession session;

        UpstreamSide(ProxySession session, FrameLimits limits, String direction) {
            super(limits, direction, session);
            this.session = session;
        }

        @Override
        protected void emit(ChannelHandlerContext ctx, ByteBuf message, List<Object> out) {
            session.onUpstreamRead(message);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            discardSomeReadBytes();
            session.flushClient();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            session.onUpstreamWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            try {
                super.channelInactive(ctx);
            } finally {
                session.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.onException("upstream", cause);
        }
    }
}
