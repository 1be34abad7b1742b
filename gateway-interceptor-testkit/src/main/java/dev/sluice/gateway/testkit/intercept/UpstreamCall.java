package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A request that reached the scripted broker: the client's request as the interceptors passed it on
 * ({@link Exchange#upstreamCall()}), or a request an interceptor sent of its own ({@code chain.send},
 * {@link InterceptorTester#sent()}).
 *
 * <pre>{@code
 * UpstreamCall lookup = tester.sent().get(0);
 * assertThat(lookup.request().body(Api.DESCRIBE_CONFIGS).resources()).hasSize(1);
 * lookup.respond(new DescribeConfigsResponseData()...);     // the interceptor's stage completes now
 * }</pre>
 *
 * <p>The {@link BrokerScript} answers it as it arrives, unless the script returned {@code null}; the
 * test then answers it with {@link #respond} or {@link #fail}. A Produce request with {@code acks=0}
 * is answered at once with an empty response, as by the gateway, which expects none from the broker.
 *
 * <p>Use it on the test's thread.
 */
public final class UpstreamCall {

    private final TestLoop loop;
    private final KafkaRequest request;
    private final boolean outOfBand;
    private final CompletableFuture<KafkaResponse> stage = new CompletableFuture<>();

    UpstreamCall(TestLoop loop, KafkaRequest request, boolean outOfBand) {
        this.loop = loop;
        this.request = request;
        this.outOfBand = outOfBand;
    }

    /** The request, as the broker would decode it; the object the interceptors passed on. */
    public KafkaRequest request() {
        return request;
    }

    /** Whether an interceptor sent it of its own ({@code chain.send}), rather than passing the client's on. */
    public boolean outOfBand() {
        return outOfBand;
    }

    /** Whether the broker (the script or the test) has answered it. */
    public boolean isAnswered() {
        return loop.call(stage::isDone);
    }

    /**
     * Answers it with {@code body}, the response message of the request's API; the interceptors see
     * the answer before this returns.
     *
     * @throws IllegalStateException when it was answered already
     * @throws IllegalArgumentException when {@code body} is not a response of the request's API, or
     *     cannot be encoded at the request's version
     */
    public void respond(ApiMessage body) {
        Objects.requireNonNull(body, "body");
        loop.run(() -> {
            requirePending();
            complete(body);
        });
    }

    /**
     * Fails it, as when the upstream connection closes before the answer: the stage the
     * interceptors hold completes exceptionally with {@code cause}.
     *
     * @throws IllegalStateException when it was answered already
     */
    public void fail(Throwable cause) {
        Objects.requireNonNull(cause, "cause");
        loop.run(() -> {
            requirePending();
            stage.completeExceptionally(cause);
        });
    }

    /** Answers it now, on the loop; the body goes through its encoding first. */
    void complete(ApiMessage body) {
        stage.complete(Wire.response(request, body));
    }

    CompletionStage<KafkaResponse> stage() {
        return stage;
    }

    private void requirePending() {
        if (stage.isDone()) {
            throw new IllegalStateException("the " + request + " request was answered already");
        }
    }

    @Override
    public String toString() {
        return (outOfBand ? "own request " : "forwarded request ") + request
                + (stage.isDone() ? " (answered)" : " (pending)");
    }
}
