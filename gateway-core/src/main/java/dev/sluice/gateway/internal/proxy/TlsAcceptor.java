package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.ListenerSpec;
import dev.sluice.gateway.internal.cluster.Route;
import dev.sluice.gateway.internal.tls.UpstreamTlsConnector;
import dev.sluice.gateway.tls.ServerTls;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS handshake of a client connection on a TLS listener, before anything else happens on it.
 *
 * <p>Every TLS listener reads the ClientHello first (Netty's {@link SniHandler}, with the route's
 * explicit size limit), so the same limits hold whether or not the listener routes by server name.
 * On a listener {@linkplain ListenerSpec#isServerNameRouted() routed by server name} the routing
 * strategy turns the server name into a bootstrap or broker target; a missing or unknown name fails
 * the lookup, so no certificate is ever presented for it and no default context exists to fall back
 * to. One deadline covers the whole handshake, ClientHello included.
 *
 * <p>Only when the handshake has succeeded does the connection become a {@link ProxySession} and
 * open its upstream connection: a refused client never costs a broker connection.
 *
 * <p>The SSL context is taken once, at accept: a certificate reloaded later serves new connections,
 * and this one keeps the material it started with.
 */
final class TlsAcceptor extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(TlsAcceptor.class);
    private static final byte TLS_HANDSHAKE_RECORD = 0x16;

    private final ProxyRuntime runtime;
    private final SessionContext context;
    private final SslContext sslContext;
    private final long handshakeTimeoutMillis;
    private @Nullable ListenerSpec target;
    private @Nullable String serverName;
    private @Nullable ScheduledFuture<?> deadline;
    private boolean finished;

    private TlsAcceptor(ProxyRuntime runtime, SessionContext context, SslContext sslContext,
            long handshakeTimeoutMillis) {
        this.runtime = runtime;
        this.context = context;
        this.sslContext = sslContext;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    /** Adds the handshake handlers to an accepted channel of a TLS route. */
    static void install(ProxyRuntime runtime, Channel ch, SessionContext context) {
        Route route = context.route();
        ServerTls settings = route.tlsSettings();
        if (settings == null || route.tls() == null) {
            throw new IllegalStateException(route + " has no TLS");
        }
        long timeoutMillis = Math.max(1, settings.handshakeTimeout().toMillis());
        TlsAcceptor acceptor = new TlsAcceptor(runtime, context, route.tls().current(), timeoutMillis);
        ch.pipeline().addLast("tls-sniff", acceptor.new FirstByteCheck());
        ch.pipeline().addLast("sni", new SniHandler(acceptor::select, settings.maxClientHelloBytes(), timeoutMillis) {
            @Override
            protected SslHandler newSslHandler(SslContext sslContext, ByteBufAllocator allocator) {
                SslHandler handler = super.newSslHandler(sslContext, allocator);
                handler.setHandshakeTimeoutMillis(timeoutMillis); // the acceptor's deadline is the binding one
                return handler;
            }
        });
        ch.pipeline().addLast("tls-accept", acceptor);
    }

    /** The SNI lookup: the context for an acceptable server name, a failure for any other. */
    private Future<SslContext> select(@Nullable String requested, Promise<SslContext> promise) {
        String name = normalise(requested);
        ListenerSpec listener = context.listener();
        ListenerSpec routed = listener.isServerNameRouted()
                ? context.route().strategy().routeServerName(name, listener.port())
                : listener;
        if (routed == null || routed.isServerNameRouted()) {
            return promise.setFailure(new RefusedServerName(name == null
                    ? "no server name (SNI) in the TLS ClientHello; this listener routes by server name"
                    : "unknown server name '" + abbreviate(name) + "'"));
        }
        target = routed;
        serverName = name;
        return promise.setSuccess(sslContext);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(
                () -> refuse(ctx, "TLS handshake not complete within " + handshakeTimeoutMillis + " ms"),
                handshakeTimeoutMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read(); // child channels do not read on their own; the TLS handlers keep reading from here
        ctx.fireChannelActive();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (!(event instanceof SslHandshakeCompletionEvent completion)) {
            ctx.fireUserEventTriggered(event);
            return;
        }
        if (!completion.isSuccess()) {
            refuse(ctx, "TLS handshake failed: " + UpstreamTlsConnector.describe(completion.cause()));
            return;
        }
        ListenerSpec routed = target;
        if (finished || routed == null) {
            refuse(ctx, "TLS handshake completed without a routed server name");
            return;
        }
        finished = true;
        cancelDeadline();
        SslHandler ssl = ctx.pipeline().get(SslHandler.class);
        context.tlsEstablished(routed, serverName, ssl == null ? null : peerPrincipal(ssl));
        Channel channel = ctx.channel();
        ctx.pipeline().remove(this);
        runtime.startSession(channel, context);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        // No application data can precede the end of the handshake (no 0-RTT): a protocol violation.
        ReferenceCountUtil.release(msg);
        refuse(ctx, "data before the TLS handshake completed");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable refused = find(cause, RefusedServerName.class);
        refuse(ctx, refused != null ? refused.getMessage() : "TLS handshake failed: " + UpstreamTlsConnector.describe(cause));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            finished = true;
            cancelDeadline();
            LOG.debug("{} closed during the TLS handshake", context);
        }
        ctx.fireChannelInactive();
    }

    private void refuse(ChannelHandlerContext ctx, String reason) {
        if (finished) {
            return;
        }
        finished = true;
        cancelDeadline();
        LOG.warn("Refusing {} on port {}: {}", context, context.listener().port(), reason);
        runtime.listener.connectionRejected(context, reason);
        ctx.channel().close();
    }

    private void cancelDeadline() {
        ScheduledFuture<?> d = deadline;
        if (d != null) {
            d.cancel(false);
        }
    }

    private static @Nullable String peerPrincipal(SslHandler ssl) {
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain.length > 0 && chain[0] instanceof X509Certificate certificate) {
                return certificate.getSubjectX500Principal().getName();
            }
            return null;
        } catch (SSLPeerUnverifiedException e) {
            return null; // client authentication off, or requested and no certificate sent
        }
    }

    /** Lower case, without the trailing dot of a fully qualified name; {@code null} stays {@code null}. */
    static @Nullable String normalise(@Nullable String serverName) {
        if (serverName == null || serverName.isEmpty()) {
            return null;
        }
        String lower = serverName.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    private static String abbreviate(String name) {
        return name.length() <= 80 ? name : name.substring(0, 80) + "...(" + name.length() + " chars)";
    }

    private static @Nullable Throwable find(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Looks at the first byte a client sends: a TLS connection starts with a handshake record. The
     * common mistake, a client without {@code security.protocol=SSL}, gets a reason that says so
     * instead of a TLS parse error.
     */
    private final class FirstByteCheck extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable()
                    && bytes.getByte(bytes.readerIndex()) != TLS_HANDSHAKE_RECORD) {
                bytes.release();
                ChannelHandlerContext acceptor = ctx.pipeline().context(TlsAcceptor.this);
                refuse(acceptor == null ? ctx : acceptor, "not a TLS connection: the client sent plaintext where a"
                        + " TLS ClientHello belongs (a Kafka client needs security.protocol=SSL or SASL_SSL here)");
                return;
            }
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    /** The SNI lookup's refusal; carries the reason to the log and the event listener. */
    private static final class RefusedServerName extends Exception {
        private static final long serialVersionUID = 1L;

        RefusedServerName(String message) {
            super(message, null, false, false);
        }
    }
}
