package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.codec.CorruptFrameException;
import dev.sluice.gateway.internal.codec.FrameDecoder;
import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.ProduceRequests;
import dev.sluice.gateway.internal.codec.ResponseFrameDecoder;
import dev.sluice.gateway.internal.intercept.InterceptorChain;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection paired with one upstream connection, both on the client's event loop.
 *
 * <pre>
 * client --frames--> [peek key/version/corr id] --+-- not intercepted: patch corr id --> upstream
 *                                                  +-- intercepted: decode, interceptors, re-encode --> upstream
 * client <--in order-- [client queue] <--+-- processor or patch <-- [upstream queue] <-- upstream
 *                                        +-- interceptors in reverse, re-encode <--+
 * </pre>
 *
 * <p>Requests of API keys no interceptor registered for are forwarded as the retained slices the
 * frame decoder produced, with only the correlation id patched to the gateway's own upstream
 * numbering; their responses get the client's id patched back, and only the few keys with a {@link
 * ResponseProcessor} are read at all. Requests an interceptor registered for go through an {@link
 * Exchange}.
 *
 * <p>A large response whose answer is next for the client, and that nothing must see whole, is not
 * gathered: it goes to the client piece by piece as the broker's bytes arrive, through a {@link
 * ResponseStream} (cut-through; see {@link #beginStream}).
 *
 * <p>Two queues keep order: the {@link ClientQueue} holds the client's requests in the order it sent
 * them and delivers answers strictly from its head; the {@link UpstreamQueue} holds what was sent
 * upstream, in send order, which is the order the broker answers in. They differ once interceptors
 * delay, short-circuit or add requests.
 *
 * <p>Backpressure: the client is not read while the upstream connection is unwritable, while the
 * in-flight limit is reached, or while the upstream connection is being opened (frames a TLS handler
 * already decrypted wait in {@link EarlyFrames}); each reason is set and lifted on its own, and the
 * client is read only while none is set. The upstream connection is not read while the client is
 * unwritable.
 *
 * <p>Its two channels reach it through {@link SessionHandlers}. Not thread-safe: every method runs on
 * the client channel's event loop.
 */
final class ProxySession implements ResponseFrameDecoder.StreamGate {

    private static final Logger LOG = LoggerFactory.getLogger(ProxySession.class);

    /** Client reads pause: the broker connection is being opened. */
    private static final int CONNECTING = 1;
    /** Client reads pause: the broker connection has more queued for writing than its high water mark. */
    private static final int UPSTREAM_UNWRITABLE = 2;
    /** Client reads pause: the client has as many requests awaiting answers as it may have. */
    private static final int IN_FLIGHT = 4;

    final ProxyRuntime runtime;
    final Channel client;
    final SessionContext context;
    final ClientQueue clientQueue;
    final UpstreamQueue upstreamQueue;
    private final SessionHandlers.ClientSide clientSide;
    private @Nullable AdvertisedAddresses addresses;
    private @Nullable EarlyFrames early;
    private @Nullable Channel upstream;
    private @Nullable SessionInterceptors interceptors;
    private @Nullable ResponseStream stream;
    private int nextUpstreamId;
    private int readPauses = CONNECTING;
    private boolean clientDirty;
    private boolean upstreamDirty;
    private boolean inClientRead;
    private boolean closed;
    private long requests;
    private long bytesIn;
    private long bytesOut;

    ProxySession(ProxyRuntime runtime, Channel client, SessionContext context) {
        this.runtime = runtime;
        this.client = client;
        this.context = context;
        // Idle and lightly used connections keep a handful in flight; the queues double when needed.
        // Starting small keeps an idle connection's heap low (each slot costs 28 to 44 B over 4 to 7 arrays).
        int initial = Math.min(runtime.config.maxInFlightRequests(), 4);
        this.clientQueue = new ClientQueue(initial, !runtime.listener.isNoop());
        this.upstreamQueue = new UpstreamQueue(initial);
        this.clientSide = new SessionHandlers.ClientSide(this, runtime.config.clientLimits());
        runtime.listener.connectionOpened(context);
    }

    /** The client channel's handler: its frame decoder, which hands the frames to this session. */
    FrameDecoder clientHandler() {
        return clientSide;
    }

    /** Opens the upstream connection; client reads start once it is up. */
    void connectUpstream() {
        new UpstreamConnector(runtime, client.eventLoop(), context, () -> closed, UpstreamConnector.target(
                this::addUpstreamHandlers,
                channel -> {
                    upstream = channel;
                    replayEarlyFrames();
                    resumeReads(CONNECTING);
                },
                this::reject)).connect(context.listener());
    }

    /** The addresses this connection's clients are told: those of the route it came in on. */
    AdvertisedAddresses addresses() {
        AdvertisedAddresses a = addresses;
        if (a == null) {
            a = new AdvertisedAddresses(context.route().strategy(), context);
            addresses = a;
        }
        return a;
    }

    /** Sends the frames that arrived before the broker connection opened, as one client read. */
    private void replayEarlyFrames() {
        EarlyFrames held = early;
        if (held != null) {
            early = null;
            for (ByteBuf frame = held.poll(); frame != null; frame = held.poll()) {
                onClientRead(frame); // once the session closes, it releases the rest
            }
        }
        onClientReadComplete();
    }

    // ---------------------------------------------------------------- channel events

    void onClientRead(ByteBuf frame) {
        inClientRead = true;
        try {
            onClientFrame(frame);
        } catch (CorruptFrameException e) {
            ReferenceCountUtil.safeRelease(frame);
            onException("client", e);
        }
    }

    /** The end of a client read: flush what it wrote to the broker, then to the client. */
    void onClientReadComplete() {
        inClientRead = false;
        Channel up = upstream;
        if (up != null) {
            upstreamDirty = false;
            up.flush();
        }
        flushClient();
    }

    /** The client can take more (or no more) bytes: read the broker only while it can. */
    void onClientWritabilityChanged() {
        Channel up = upstream;
        if (up != null) {
            boolean read = client.isWritable() && !closed;
            if (!read && up.config().isAutoRead()) {
                runtime.upstreamReadPaused();
            }
            up.config().setAutoRead(read);
        }
    }

    void onUpstreamRead(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        ResponseStream s = stream;
        if (s != null) {
            try {
                if (s.accept(frame)) {
                    stream = null;
                    s.finish();
                }
            } catch (RuntimeException e) {
                onException("upstream", e);
            }
            return;
        }
        if (frame.readableBytes() < Frames.MIN_RESPONSE_FRAME) {
            frame.release();
            onException("upstream", new CorruptFrameException("broker sent a response frame too short"));
            return;
        }
        try {
            onUpstreamFrame(frame);
        } catch (RuntimeException e) {
            onException("upstream", e);
        }
    }

    /** The broker can take more (or no more) bytes: read the client only while it can. */
    void onUpstreamWritabilityChanged() {
        Channel up = upstream;
        if (up == null || up.isWritable()) {
            resumeReads(UPSTREAM_UNWRITABLE);
        } else {
            pauseReads(UPSTREAM_UNWRITABLE);
        }
    }

    private void addUpstreamHandlers(Channel ch, String label) {
        ch.pipeline().addLast("session",
                new SessionHandlers.UpstreamSide(this, runtime.config.upstreamLimits(), label));
    }

    /**
     * Pairs this session with an upstream channel opened elsewhere (benchmarks and tests drive the
     * data path over embedded channels this way). Must run on the client's event loop.
     */
    void attachUpstream(Channel ch) {
        addUpstreamHandlers(ch, "broker");
        upstream = ch;
        resumeReads(CONNECTING);
    }

    // ---------------------------------------------------------------- requests

    private void onClientFrame(ByteBuf frame) {
        Channel up = upstream;
        if (closed) {
            frame.release();
            return;
        }
        if (up == null) {
            EarlyFrames held = early;
            if (held == null) {
                held = new EarlyFrames();
                early = held;
            }
            if (!held.hold(frame, runtime.config.maxInFlightRequests())) {
                reject("more than " + runtime.config.maxInFlightRequests()
                        + " requests before the broker connection was open");
            }
            return;
        }
        short apiKey = Frames.apiKey(frame);
        short apiVersion = Frames.apiVersion(frame);
        int correlationId = Frames.requestCorrelationId(frame);
        int size = frame.readableBytes();
        requests++;
        bytesIn += size;
        if (!runtime.decoded.accepts(apiKey, apiVersion)) {
            frame.release();
            if (apiKey == ApiKeys.API_VERSIONS.id) {
                long seq = clientQueue.add(correlationId, apiKey, apiVersion, now(), size);
                complete(seq, runtime.apiVersions.unsupportedVersion(client.alloc(), correlationId));
                return;
            }
            reject("the gateway does not support " + apiName(apiKey) + " v" + apiVersion);
            return;
        }
        IdentityWatch.watch(runtime, context, frame, apiKey, apiVersion);
        boolean expectsResponse = apiKey != ApiKeys.PRODUCE.id || ProduceRequests.acks(frame, apiVersion) != 0;
        if (runtime.intercepted(apiKey)) {
            SessionInterceptors session = interceptors();
            List<InterceptorChain.Named> applicable = session.applicable(apiKey, apiVersion);
            if (!applicable.isEmpty()) {
                context.authenticated(clientSide.saslAuthenticated());
                long seq = expectsResponse ? clientQueue.add(correlationId, apiKey, apiVersion, now(), size) : -1;
                checkInFlightLimit();
                new Exchange(this, frame, ApiKeys.forId(apiKey), apiVersion, seq).run(session.chain(), applicable);
                return;
            }
        }
        int upstreamId = nextUpstreamId++;
        Frames.setRequestCorrelationId(frame, upstreamId);
        if (expectsResponse) {
            long seq = clientQueue.add(correlationId, apiKey, apiVersion, now(), size);
            upstreamQueue.addForClient(upstreamId, apiKey, apiVersion, seq);
            checkInFlightLimit();
        }
        up.write(frame, up.voidPromise());
    }

    private SessionInterceptors interceptors() {
        SessionInterceptors i = interceptors;
        if (i == null) {
            i = new SessionInterceptors(runtime, context, client.eventLoop());
            interceptors = i;
        }
        return i;
    }

    /** Writes a frame upstream (ownership passes); flushed at the end of the read, or now if outside one. */
    void writeUpstream(ByteBuf frame) {
        Channel up = upstream;
        if (closed || up == null) {
            frame.release();
            return;
        }
        up.write(frame, up.voidPromise());
        if (inClientRead) {
            upstreamDirty = true;
        } else {
            up.flush();
        }
    }

    /** The next correlation id of the gateway's own upstream numbering. */
    int nextUpstreamId() {
        return nextUpstreamId++;
    }

    // ---------------------------------------------------------------- responses

    private void onUpstreamFrame(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        int correlationId = Frames.responseCorrelationId(frame);
        if (upstreamQueue.isEmpty() || correlationId != upstreamQueue.headUpstreamId()) {
            frame.release();
            reject("broker answered correlation id " + correlationId + " but "
                    + (upstreamQueue.isEmpty() ? "no response" : upstreamQueue.headUpstreamId()) + " was expected");
            return;
        }
        short apiKey = upstreamQueue.headApiKey();
        short apiVersion = upstreamQueue.headApiVersion();
        long seq = upstreamQueue.headClientSeq();
        UpstreamQueue.Callback callback = upstreamQueue.headCallback();
        upstreamQueue.removeHead();
        if (callback != null) {
            callback.onResponse(frame, apiKey, apiVersion);
            return;
        }
        Frames.setResponseCorrelationId(frame, clientQueue.correlationId(seq));
        Object result = process(frame, apiKey, apiVersion);
        if (result instanceof ByteBuf out) {
            complete(seq, out);
        } else {
            whenProcessed(result, out -> complete(seq, out));
        }
    }

    /**
     * Takes the response at the head of the upstream queue in pieces when nothing stands between it
     * and the client: its answer is next for the client, no interceptor waits for it, and no
     * processor must see it whole (see {@link ResponseProcessors#streamable}).
     */
    @Override
    public boolean beginStream(int correlationId, int frameLength) {
        if (closed || stream != null || upstreamQueue.isEmpty() || upstreamQueue.headUpstreamId() != correlationId
                || upstreamQueue.headCallback() != null) {
            return false;
        }
        long seq = upstreamQueue.headClientSeq();
        short apiKey = upstreamQueue.headApiKey();
        short apiVersion = upstreamQueue.headApiVersion();
        if (!clientQueue.isHead(seq) || !clientQueue.isPending(seq) || !runtime.processors.streamable(apiKey)) {
            return false;
        }
        upstreamQueue.removeHead();
        stream = new ResponseStream(this, seq, clientQueue.correlationId(seq), apiKey, apiVersion, frameLength,
                runtime.processors.tailCursor(apiKey, apiVersion, frameLength));
        runtime.responseStreamed();
        return true;
    }

    /** Writes part of a streamed answer to the client (ownership passes); flushed with the read. */
    void writeClient(ByteBuf piece) {
        if (closed) {
            piece.release();
            return;
        }
        client.write(piece, client.voidPromise());
        clientDirty = true;
    }

    /** The last byte of the streamed answer of slot {@code seq} has been written. */
    void streamEnded(long seq, int bytes) {
        if (closed) {
            return;
        }
        reportDelivery(seq, bytes);
        clientQueue.removeHead(seq);
        drainToClient();
        resumeBelowInFlightLimit();
    }

    /**
     * Runs the response processor of {@code apiKey}, if any: returns the frame to deliver, or a
     * {@code CompletionStage<ByteBuf>}. Takes ownership of {@code frame}.
     */
    Object process(ByteBuf frame, short apiKey, short apiVersion) {
        ResponseProcessor processor = runtime.processors.forKey(apiKey);
        if (processor == null) {
            return frame;
        }
        try {
            return processor.process(this, frame, ApiKeys.forId(apiKey), apiVersion);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
    }

    /** Continues with the processed frame on the event loop; failures close the connection. */
    @SuppressWarnings("unchecked")
    void whenProcessed(Object pending, java.util.function.Consumer<ByteBuf> then) {
        ((CompletionStage<ByteBuf>) pending).whenComplete((out, error) -> client.eventLoop().execute(() -> {
            if (closed) {
                ReferenceCountUtil.release(out);
            } else if (error != null) {
                reject("processing a response failed: " + error);
            } else {
                then.accept(out);
                flushClient();
            }
        }));
    }

    /** Delivers (or queues) the answer of client slot {@code seq}; ownership of {@code answer} passes. */
    void complete(long seq, ByteBuf answer) {
        if (closed || !clientQueue.isPending(seq)) {
            answer.release();
            return;
        }
        if (clientQueue.isHead(seq)) {
            deliver(seq, answer);
            clientQueue.removeHead(seq);
            drainToClient();
        } else {
            clientQueue.markReady(seq, answer);
        }
        resumeBelowInFlightLimit();
    }

    /** The connection closes once every answer before slot {@code seq} is written; {@code seq} gets none. */
    void closeAt(long seq, String reason) {
        if (closed) {
            return;
        }
        if (seq < 0) {
            reject(reason);
            return;
        }
        LOG.info("Closing {} after the answers to its earlier requests: {}", context, reason);
        runtime.listener.connectionRejected(context, reason);
        clientQueue.markClose(seq);
        drainToClient();
    }

    private void drainToClient() {
        while (true) {
            if (clientQueue.headCloses()) {
                flushClient();
                close();
                return;
            }
            long seq = clientQueue.readyHead();
            if (seq < 0) {
                return;
            }
            deliver(seq, clientQueue.pollHead());
        }
    }

    /** Reports a delivery and writes it. */
    private void deliver(long seq, Object answer) {
        reportDelivery(seq, answer);
        client.write(answer, client.voidPromise());
        clientDirty = true;
    }

    void reportDelivery(long seq, Object answer) {
        reportDelivery(seq, answer instanceof ByteBuf b ? b.readableBytes() : 0);
    }

    private void reportDelivery(long seq, int responseBytes) {
        bytesOut += responseBytes;
        if (!runtime.listener.isNoop()) {
            runtime.listener.requestCompleted(context, clientQueue.apiKey(seq), clientQueue.apiVersion(seq),
                    clientQueue.requestBytes(seq), responseBytes, System.nanoTime() - clientQueue.startNanos(seq));
        }
    }

    void flushClient() {
        if (clientDirty) {
            clientDirty = false;
            client.flush();
        }
    }

    /** Called by the SaslAuthenticate processor when the broker accepted an authentication step. */
    void saslStepSucceeded() {
        clientSide.saslStepSucceeded();
    }

    // ---------------------------------------------------------------- flow control and lifecycle

    private long now() {
        return runtime.listener.isNoop() ? 0 : System.nanoTime();
    }

    private void checkInFlightLimit() {
        if (clientQueue.size() >= runtime.config.maxInFlightRequests()) {
            pauseReads(IN_FLIGHT);
        }
    }

    private void resumeBelowInFlightLimit() {
        if ((readPauses & IN_FLIGHT) != 0 && clientQueue.size() < runtime.config.maxInFlightRequests()) {
            resumeReads(IN_FLIGHT);
        }
    }

    /** Stops reading the client for {@code reason}. */
    private void pauseReads(int reason) {
        readPauses |= reason;
        client.config().setAutoRead(false);
    }

    /** Lifts {@code reason}; reading resumes when no other reason remains and the session is open. */
    private void resumeReads(int reason) {
        readPauses &= ~reason;
        if (readPauses == 0 && !closed) {
            client.config().setAutoRead(true);
        }
    }

    boolean isClosed() {
        return closed;
    }

    /** Closes the connection on purpose, telling the log and the event listener why. */
    void reject(String reason) {
        if (closed) {
            return;
        }
        LOG.warn("Closing {}: {}", context, reason);
        runtime.listener.connectionRejected(context, reason);
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        EarlyFrames held = early;
        if (held != null) {
            early = null;
            held.releaseAll();
        }
        if (stream != null) {
            stream.release();
            stream = null;
        }
        clientQueue.releaseAll();
        upstreamQueue.closeAll();
        closeAfterFlush(client);
        Channel up = upstream;
        if (up != null) {
            closeAfterFlush(up);
        }
        runtime.listener.connectionClosed(context, requests, bytesIn, bytesOut);
    }

    private static void closeAfterFlush(Channel channel) {
        if (channel.isActive()) {
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            channel.close();
        }
    }

    void onException(String side, Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof CorruptFrameException) {
            reject(root.getMessage());
        } else if (root instanceof IOException) {
            LOG.debug("Closing {}: {} connection failed: {}", context, side, root.toString());
            close();
        } else {
            LOG.warn("Closing {}: unexpected error on the {} side", context, side, root);
            close();
        }
    }

    static String apiName(short apiKey) {
        return ApiKeys.hasId(apiKey) ? ApiKeys.forId(apiKey).name : "api key " + apiKey;
    }
}
