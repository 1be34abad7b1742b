package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.MessageCodec;
import dev.sluice.gateway.internal.intercept.InterceptorChain;
import dev.sluice.gateway.internal.intercept.Upstream;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * One intercepted request: decodes it, runs the interceptors over it, forwards what they pass on,
 * and answers the client with what they return, in its place in the client queue.
 *
 * <p>Owns the frames behind the decoded messages (kafka-clients' record sets are views of them, not
 * copies): the client's request frame, and the broker's response frame, released when the answer
 * has been encoded. Responses to an interceptor's own requests ({@link #send}) are decoded from a
 * copy, so they may outlive the exchange.
 *
 * <p>Runs on the session's event loop.
 */
final class Exchange implements Upstream {

    private final ProxySession session;
    private final ByteBuf requestFrame;
    private final ApiKeys key;
    private final short version;
    /** The client slot of the answer, or -1 when the client expects none (Produce with acks=0). */
    private final long seq;
    private final List<ByteBuf> held = new ArrayList<>(1);
    private @Nullable String closeReason;
    private boolean finished;

    Exchange(ProxySession session, ByteBuf requestFrame, ApiKeys key, short version, long seq) {
        this.session = session;
        this.requestFrame = requestFrame;
        this.key = key;
        this.version = version;
        this.seq = seq;
    }

    /** Decodes the request and runs {@code interceptors}; a corrupt request throws, frame still owned by the caller. */
    void run(InterceptorChain chain, List<InterceptorChain.Named> interceptors) {
        ApiMessage body = MessageCodec.readRequest(requestFrame, key, version);
        KafkaRequest request = KafkaRequest.of(key, version, Headers.requestClientId(requestFrame, key, version), body);
        chain.handle(request, interceptors, this).whenComplete(this::done);
    }

    private void done(@Nullable KafkaResponse response, @Nullable Throwable error) {
        try {
            if (session.isClosed()) {
                return;
            }
            if (error != null) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof InterceptorChain.ConnectionClosing) {
                    session.closeAt(seq, "an interceptor closed the connection: " + cause.getMessage());
                } else {
                    session.reject("the interceptor chain failed: " + cause);
                }
                return;
            }
            if (seq < 0) {
                // acks=0: the client reads no answer. A broker closes such a connection on error; so do we.
                if (response != null && hasProduceError(response.body())) {
                    session.reject("a Produce request with acks=0 failed in an interceptor");
                }
                return;
            }
            ByteBuf out = MessageCodec.encodeResponse(session.client.alloc(), key, version,
                    session.clientQueue.correlationId(seq), response.body());
            session.complete(seq, out);
            session.flushClient();
        } finally {
            finish();
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            requestFrame.release();
            for (ByteBuf frame : held) {
                frame.release();
            }
            held.clear();
        }
    }

    @Override
    public CompletionStage<KafkaResponse> forward(KafkaRequest request) {
        return sendUpstream(request, false);
    }

    @Override
    public CompletionStage<KafkaResponse> send(KafkaRequest request) {
        return sendUpstream(request, true);
    }

    /**
     * Writes {@code request} upstream under the gateway's own correlation id. Its response goes
     * through the response processors (so broker addresses are rewritten), then is decoded for the
     * chain: in place for the client's request (the frame is held until the exchange ends), from a
     * copy for an interceptor's own request (which may outlive the exchange).
     */
    private CompletionStage<KafkaResponse> sendUpstream(KafkaRequest request, boolean ownRequest) {
        ApiKeys requestKey = request.apiKey();
        short requestVersion = request.apiVersion();
        int upstreamId = session.nextUpstreamId();
        ByteBuf frame = MessageCodec.encodeRequest(session.client.alloc(), requestKey, requestVersion, upstreamId,
                request.clientId(), request.body());
        if (expectsNoResponse(request)) {
            session.writeUpstream(frame);
            return CompletableFuture.completedFuture(
                    KafkaResponse.of(requestKey, requestVersion, requestKey.messageType.newResponse()));
        }
        CompletableFuture<KafkaResponse> response = new CompletableFuture<>();
        session.upstreamQueue.addForCallback(upstreamId, requestKey.id, requestVersion, new UpstreamQueue.Callback() {
            @Override
            public void onResponse(ByteBuf answer, short apiKey, short apiVersion) {
                Object processed = session.process(answer, apiKey, apiVersion);
                if (processed instanceof ByteBuf buf) {
                    decodeInto(response, buf, apiKey, apiVersion, ownRequest);
                } else {
                    session.whenProcessed(processed, buf -> decodeInto(response, buf, apiKey, apiVersion, ownRequest));
                }
            }

            @Override
            public void onClosed() {
                response.completeExceptionally(new InterceptorChain.ConnectionClosing("the upstream connection closed"));
            }
        });
        session.writeUpstream(frame);
        return response;
    }

    @Override
    public void closeClient(String reason) {
        this.closeReason = reason;
    }

    /** Decodes a processed response frame into {@code target}; takes ownership of {@code frame}. */
    private void decodeInto(CompletableFuture<KafkaResponse> target, ByteBuf frame, short apiKey, short apiVersion,
            boolean ownRequest) {
        ByteBuf source = frame;
        try {
            if (ownRequest || finished) {
                // Nobody releases it later: decode from a copy the message may keep.
                source = Unpooled.wrappedBuffer(ByteBufUtil.getBytes(frame));
                frame.release();
            } else {
                held.add(frame);
            }
            ApiKeys responseKey = ApiKeys.forId(apiKey);
            int bodyStart = Headers.responseBodyStart(source, responseKey, apiVersion);
            target.complete(KafkaResponse.of(responseKey, apiVersion,
                    MessageCodec.readResponse(source, bodyStart, responseKey, apiVersion)));
        } catch (RuntimeException e) {
            target.completeExceptionally(e);
        }
    }

    private static boolean expectsNoResponse(KafkaRequest request) {
        return request.apiKey() == ApiKeys.PRODUCE && ((ProduceRequestData) request.body()).acks() == 0;
    }

    private static boolean hasProduceError(ApiMessage body) {
        if (!(body instanceof ProduceResponseData produce)) {
            return false;
        }
        for (var topic : produce.responses()) {
            for (var partition : topic.partitionResponses()) {
                if (partition.errorCode() != 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
