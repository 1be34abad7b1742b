package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.jspecify.annotations.Nullable;

/**
 * The smallest chain that runs one interceptor: {@code proceed} goes to a scripted broker, {@code
 * fail} builds the broker's error response with kafka-clients (as the runtime does), and the test
 * reads back what the interceptor forwarded or whether it closed the connection.
 */
final class FakeChain implements Interceptor.Chain {

    private final KafkaRequest request;
    private final ConnectionContext connection;
    private final Function<KafkaRequest, CompletionStage<KafkaResponse>> broker;
    private @Nullable KafkaRequest forwarded;
    private @Nullable String closedBecause;

    FakeChain(KafkaRequest request, ConnectionContext connection,
            Function<KafkaRequest, CompletionStage<KafkaResponse>> broker) {
        this.request = request;
        this.connection = connection;
        this.broker = broker;
    }

    /** A chain whose broker answers every request at once with the body {@code answer} makes. */
    static FakeChain answering(KafkaRequest request, ConnectionContext connection,
            Function<KafkaRequest, ? extends ApiMessage> answer) {
        return new FakeChain(request, connection, forwarded -> CompletableFuture.completedFuture(
                KafkaResponse.of(forwarded.apiKey(), forwarded.apiVersion(), answer.apply(forwarded))));
    }

    /** A chain whose broker must not be reached. */
    static FakeChain unreachable(KafkaRequest request, ConnectionContext connection) {
        return new FakeChain(request, connection, forwarded -> {
            throw new AssertionError("the request should not reach the broker: " + forwarded);
        });
    }

    /**
     * The response of a stage the interceptor returned, which must be complete, and which must encode
     * at its version (a field set that the version lacks would fail on the wire).
     */
    static KafkaResponse now(CompletionStage<KafkaResponse> stage) {
        CompletableFuture<KafkaResponse> future = stage.toCompletableFuture();
        if (!future.isDone()) {
            throw new AssertionError("the response is not complete");
        }
        KafkaResponse response = future.join();
        MessageUtil.toByteBufferAccessor(response.body(), response.apiVersion());
        return response;
    }

    /** The request passed on to the broker, or {@code null}. */
    @Nullable KafkaRequest forwarded() {
        return forwarded;
    }

    /** Why the interceptor closed the connection, or {@code null}. */
    @Nullable String closedBecause() {
        return closedBecause;
    }

    @Override
    public KafkaRequest request() {
        return request;
    }

    @Override
    public ConnectionContext connection() {
        return connection;
    }

    @Override
    public CompletionStage<KafkaResponse> proceed(KafkaRequest next) {
        if (forwarded != null) {
            throw new IllegalStateException("proceed() called twice");
        }
        if (next.apiKey() != request.apiKey() || next.apiVersion() != request.apiVersion()) {
            throw new IllegalArgumentException(next + " passed on in place of " + request);
        }
        forwarded = next;
        return broker.apply(next);
    }

    @Override
    public CompletionStage<KafkaResponse> respond(ApiMessage body) {
        return CompletableFuture.completedFuture(KafkaResponse.of(request.apiKey(), request.apiVersion(), body));
    }

    @Override
    public CompletionStage<KafkaResponse> fail(Errors error, String message) {
        short version = request.apiVersion();
        AbstractRequest parsed = AbstractRequest.parseRequest(request.apiKey(), version,
                MessageUtil.toByteBufferAccessor(request.body(), version)).request;
        ApiMessage body = parsed.getErrorResponse(0, error.exception(message)).data();
        return CompletableFuture.completedFuture(KafkaResponse.of(request.apiKey(), version, body));
    }

    @Override
    public CompletionStage<KafkaResponse> send(KafkaRequest own) {
        throw new UnsupportedOperationException("the examples send no requests of their own");
    }

    @Override
    public CompletionStage<KafkaResponse> closeConnection(String reason) {
        closedBecause = reason;
        return CompletableFuture.failedFuture(new IllegalStateException("connection closed: " + reason));
    }
}
