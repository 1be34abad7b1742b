package dev.sluice.gateway.internal.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The two pipeline ends of a {@link ProxySession}: each turns its channel's events into calls on the
 * session, which holds all the state. Not shareable: one pair per session.
 */
final class SessionHandlers {

    private SessionHandlers() {}

    /** Last handler of the client channel, after its frame decoder. */
    static final class ClientSide extends ChannelInboundHandlerAdapter {
        private final ProxySession session;

        ClientSide(ProxySession session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            session.onClientRead((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            session.onClientReadComplete();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            session.onClientWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.onException("client", cause);
        }
    }

    /** Last handler of the upstream channel, after its frame decoder. */
    static final class UpstreamSide extends ChannelInboundHandlerAdapter {
        private final ProxySession session;

        UpstreamSide(ProxySession session) {
            this.session = session;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            session.onUpstreamRead((ByteBuf) msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            session.flushClient();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            session.onUpstreamWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            session.close();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            session.onException("upstream", cause);
        }
    }
}
