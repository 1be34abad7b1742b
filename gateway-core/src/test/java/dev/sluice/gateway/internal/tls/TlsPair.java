package dev.sluice.gateway.internal.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;

/**
 * A TLS handshake between a server and a client {@link SslContext}, each in an {@link
 * EmbeddedChannel}, bytes moved between them by hand: no sockets, no threads, no waiting.
 */
final class TlsPair {
    private static final int MAX_ROUNDS = 100;

    /** What each side saw. Failures are the handshake futures' causes. */
    record Outcome(@Nullable Throwable serverFailure, @Nullable Throwable clientFailure,
            @Nullable X509Certificate serverCertificate, @Nullable String clientPrincipal, @Nullable String protocol) {

        boolean succeeded() {
            return serverFailure == null && clientFailure == null;
        }
    }

    private TlsPair() {}

    /** Runs a handshake of a client connecting to {@code host} (SNI and hostname verification use it). */
    static Outcome handshake(SslContext server, SslContext client, String host) {
        SslHandler serverSsl = server.newHandler(ByteBufAllocator.DEFAULT);
        SslHandler clientSsl = client.newHandler(ByteBufAllocator.DEFAULT, host, 9093);
        EmbeddedChannel serverChannel = new EmbeddedChannel(serverSsl, new SwallowFailures());
        EmbeddedChannel clientChannel = new EmbeddedChannel(clientSsl, new SwallowFailures());
        try {
            for (int round = 0; round < MAX_ROUNDS; round++) {
                boolean moved = shuttle(clientChannel, serverChannel) | shuttle(serverChannel, clientChannel);
                if (!moved) {
                    break;
                }
            }
            Throwable serverFailure = failure(serverSsl.handshakeFuture());
            Throwable clientFailure = failure(clientSsl.handshakeFuture());
            return new Outcome(serverFailure, clientFailure,
                    clientFailure == null ? peerCertificate(clientSsl) : null,
                    serverFailure == null ? peerPrincipal(serverSsl) : null,
                    clientFailure == null ? clientSsl.engine().getSession().getProtocol() : null);
        } finally {
            clientChannel.finishAndReleaseAll();
            serverChannel.finishAndReleaseAll();
        }
    }

    private static boolean shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        boolean moved = false;
        for (Object message = from.readOutbound(); message != null; message = from.readOutbound()) {
            moved = true;
            if (to.isOpen()) {
                to.writeInbound(message);
            } else {
                ReferenceCountUtil.release(message);
            }
        }
        return moved;
    }

    private static @Nullable Throwable failure(Future<?> handshake) {
        if (!handshake.isDone()) {
            return new IllegalStateException("handshake did not finish");
        }
        return handshake.cause();
    }

    private static @Nullable X509Certificate peerCertificate(SslHandler ssl) {
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            return (X509Certificate) chain[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static @Nullable String peerPrincipal(SslHandler ssl) {
        try {
            return ssl.engine().getSession().getPeerPrincipal().getName();
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** Handshake failures are read from the futures; keep them from failing the embedded channel. */
    private static final class SwallowFailures extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // recorded by the handshake future
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }
    }
}
