package dev.sluice.gateway.internal.tls;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.internal.tcnative.SSL;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import javax.net.ssl.SSLSession;

/**
 * One TLS connection between a server and a client {@link SslContext}, each side an {@link
 * EmbeddedChannel} holding its {@link SslHandler} and a sink that counts and releases the plaintext
 * it reads. Records are moved from one side's outbound queue into the other side's pipeline by hand,
 * all of a side's pending records as one read: one thread, no sockets, no waiting.
 *
 * <pre>
 *   server: SslHandler ─ sink        client: SslHandler ─ sink
 *              │   ▲                           │   ▲
 *     outbound │   └───── records ─────────────┘   │
 *              └────────── records ────────────────┘
 * </pre>
 *
 * <p>Both channels use the given allocator (the gateway's channels use {@link
 * ByteBufAllocator#DEFAULT}). Every buffer is released: records by the receiving {@link SslHandler},
 * plaintext by the sinks, anything still queued by {@link #close()}. Exceptions that reach the end of
 * a pipeline (a failed handshake, a bad record) are rethrown by the next call.
 *
 * <p>Not thread-safe: one benchmark thread owns it.
 */
final class EmbeddedTlsPair implements AutoCloseable {

    /** Flights of records; a TLS 1.3 handshake with its session tickets needs 3 or 4. */
    private static final int MAX_ROUNDS = 16;

    private final SslHandler serverSsl;
    private final SslHandler clientSsl;
    private final PlaintextSink serverSink = new PlaintextSink();
    private final PlaintextSink clientSink = new PlaintextSink();
    private final EmbeddedChannel server;
    private final EmbeddedChannel client;
    private final int clientHelloBytes;

    /**
     * Opens both channels; the client's {@link SslHandler} writes its ClientHello at once. {@code
     * host} is the server name the client asks for and verifies, {@code port} with it the key of the
     * client's session cache.
     */
    EmbeddedTlsPair(SslContext serverContext, SslContext clientContext, ByteBufAllocator alloc, String host, int port) {
        serverSsl = serverContext.newHandler(alloc);
        clientSsl = clientContext.newHandler(alloc, host, port);
        server = channel(alloc, serverSsl, serverSink);
        client = channel(alloc, clientSsl, clientSink);
        Object hello = client.outboundMessages().peek();
        clientHelloBytes = hello instanceof ByteBuf buf ? buf.readableBytes() : 0;
    }

    /** Bytes of the client's first record, its ClientHello; it grows when the client offers to resume a session. */
    int clientHelloBytes() {
        return clientHelloBytes;
    }

    /**
     * Moves records both ways until neither side has any left (the handshake, then the server's
     * session tickets) and checks both sides completed the handshake.
     *
     * @return the bytes of records exchanged
     * @throws IllegalStateException if either side failed or did not finish
     */
    int handshake() {
        int wireBytes = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int moved = deliver(client, server) + deliver(server, client);
            if (moved == 0) {
                break;
            }
            wireBytes += moved;
        }
        requireDone("server", serverSsl.handshakeFuture());
        requireDone("client", clientSsl.handshakeFuture());
        return wireBytes;
    }

    /** The session the client negotiated (protocol, cipher suite). */
    SSLSession clientSession() {
        return clientSsl.engine().getSession();
    }

    /**
     * The key exchange group negotiated, as BoringSSL names it ({@code X25519}, {@code
     * X25519MLKEM768}); the JDK's engine does not say which it used.
     */
    String keyExchangeGroup() {
        if (!(clientSsl.engine() instanceof ReferenceCountedOpenSslEngine engine)) {
            return "group not exposed by the JDK";
        }
        try {
            return SSL.getGroupName(engine.sslPointer());
        } catch (Exception e) {
            return "group unknown (" + e + ")";
        }
    }

    /**
     * The server writes {@code plaintext} (its ownership passes) and flushes, as the gateway does with
     * an answer to a client; the client reads the records.
     *
     * @return the plaintext bytes the client read
     */
    long serverToClient(ByteBuf plaintext) {
        server.write(plaintext, server.voidPromise());
        server.flush();
        deliver(server, client);
        return clientSink.take();
    }

    /** The client writes {@code plaintext} (its ownership passes); the server reads it. Returns the bytes read. */
    long clientToServer(ByteBuf plaintext) {
        client.write(plaintext, client.voidPromise());
        client.flush();
        deliver(client, server);
        return serverSink.take();
    }

    /** Closes both sides (each writes its close_notify) and releases whatever is still queued. */
    @Override
    public void close() {
        try {
            client.finishAndReleaseAll();
        } finally {
            server.finishAndReleaseAll();
        }
    }

    /** All of {@code from}'s pending records into {@code to}, as one read; returns their bytes. */
    private static int deliver(EmbeddedChannel from, EmbeddedChannel to) {
        ChannelPipeline pipeline = to.pipeline();
        int bytes = 0;
        for (Object message = from.readOutbound(); message != null; message = from.readOutbound()) {
            bytes += ((ByteBuf) message).readableBytes();
            pipeline.fireChannelRead(message);
        }
        if (bytes > 0) {
            pipeline.fireChannelReadComplete();
        }
        to.runPendingTasks();
        to.checkException();
        return bytes;
    }

    private static EmbeddedChannel channel(ByteBufAllocator alloc, ChannelHandler... handlers) {
        EmbeddedChannel channel = EmbeddedChannel.builder().register(false).handlers(handlers).build();
        channel.config().setAllocator(alloc);
        try {
            channel.register();
        } catch (Exception e) {
            throw new IllegalStateException("cannot register an embedded channel", e);
        }
        return channel;
    }

    private static void requireDone(String side, Future<?> handshake) {
        if (!handshake.isDone()) {
            throw new IllegalStateException(side + " handshake did not finish in " + MAX_ROUNDS + " rounds");
        }
        if (!handshake.isSuccess()) {
            throw new IllegalStateException(side + " handshake failed: " + handshake.cause(), handshake.cause());
        }
    }

    /** The end of a pipeline: counts the plaintext bytes read and releases them. */
    private static final class PlaintextSink extends ChannelInboundHandlerAdapter {
        private long bytes;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof ByteBuf buf) {
                bytes += buf.readableBytes();
                buf.release();
            } else {
                ReferenceCountUtil.release(msg);
                throw new IllegalStateException("unexpected message " + msg.getClass().getName());
            }
        }

        long take() {
            long taken = bytes;
            bytes = 0;
            return taken;
        }
    }
}
