package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import dev.sluice.gateway.internal.intercept.InterceptorChain;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * One request a client sent through the interceptors: what went upstream, and what the client gets
 * back.
 *
 * <pre>{@code
 * Exchange exchange = tester.send(KafkaRequest.of(Api.PRODUCE, (short) 11, produce));
 * assertThat(exchange.forwarded()).isEmpty();                    // short-circuited
 * assertThat(exchange.error()).isEqualTo(Errors.POLICY_VIOLATION);
 * ProduceResponseData response = exchange.response().body(Api.PRODUCE);
 * }</pre>
 *
 * <p>The client gets exactly one of: a {@linkplain #response() response}, or no answer because an
 * interceptor {@linkplain #connectionClosed() closed the connection}. Until then the exchange is
 * pending: the broker has not answered ({@link #respondUpstream}), an interceptor's stage has not
 * completed, or a timeout has not yet fired ({@link InterceptorTester#advanceTime}).
 *
 * <p>Like the gateway, the tester answers a Produce request with {@code acks=0} by the chain too; the
 * gateway writes nothing to such a client, and closes the connection when the response carries an
 * error.
 *
 * <p>Use it on the test's thread. Each call first runs what other threads handed to the loop.
 */
public final class Exchange {

    private final TestLoop loop;
    private final KafkaRequest request;
    private @Nullable UpstreamCall forwarded;
    private @Nullable KafkaResponse response;
    private @Nullable String closeReason;
    private @Nullable Throwable chainFailure;

    Exchange(TestLoop loop, KafkaRequest request) {
        this.loop = loop;
        this.request = request;
    }

    /** The request as the first interceptor got it (decoded from its encoding, so not the test's object). */
    public KafkaRequest request() {
        return request;
    }

    /** What went upstream after the last interceptor, or empty if none passed it on (yet). */
    public Optional<KafkaRequest> forwarded() {
        return upstreamCall().map(UpstreamCall::request);
    }

    /** The forwarded request with its answer, or empty if none passed it on (yet). */
    public Optional<UpstreamCall> upstreamCall() {
        return loop.call(() -> Optional.ofNullable(forwarded));
    }

    /**
     * Answers the forwarded request, as the broker; the interceptors see the answer before this
     * returns.
     *
     * @throws IllegalStateException when nothing went upstream, or the broker answered already
     */
    public void respondUpstream(ApiMessage body) {
        Objects.requireNonNull(body, "body");
        UpstreamCall call = upstreamCall().orElseThrow(() -> new IllegalStateException("nothing went upstream for the "
                + request + " request: the interceptors answered it themselves, or have not passed it on yet"));
        call.respond(body);
    }

    /** Whether the client has its answer: a response, or a closed connection. */
    public boolean isComplete() {
        return loop.call(() -> response != null || closeReason != null || chainFailure != null);
    }

    /**
     * The response the client gets.
     *
     * @throws IllegalStateException when there is none: still pending, or the connection was closed
     * @throws IllegalArgumentException when the gateway could not encode it at the request's version
     */
    public KafkaResponse response() {
        return loop.call(() -> {
            if (response != null) {
                Wire.encode(response.body(), response.apiKey(), response.apiVersion(), "response");
                return response;
            }
            if (closeReason != null) {
                throw new IllegalStateException("the client gets no response to " + request
                        + ": an interceptor closed the connection (" + closeReason + ")");
            }
            if (chainFailure != null) {
                throw new IllegalStateException("the interceptor chain failed on " + request, chainFailure);
            }
            throw new IllegalStateException("the client has no response to " + request + " yet: " + pendingReason());
        });
    }

    /**
     * Runs what other threads hand to the loop until the client has its answer; for interceptors
     * that complete on threads of their own. Waits in real time.
     *
     * @throws IllegalStateException when {@code timeout} passes first, or there is no response
     */
    public KafkaResponse awaitResponse(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (!loop.await(() -> response != null || closeReason != null || chainFailure != null, timeout)) {
            throw new IllegalStateException("no answer to " + request + " within " + timeout + ": " + pendingReason());
        }
        return response();
    }

    /**
     * The one error the response carries, or {@link Errors#NONE}: for responses that fail as a whole,
     * and for those whose every failed entry failed alike.
     *
     * @throws IllegalStateException when it carries several different errors ({@link #errorCounts()}
     *     has them all), or there is no response
     */
    public Errors error() {
        Map<Errors, Integer> counts = errorCounts();
        counts.remove(Errors.NONE);
        if (counts.size() > 1) {
            throw new IllegalStateException("the response to " + request + " carries several errors " + counts
                    + "; see errorCounts()");
        }
        return counts.isEmpty() ? Errors.NONE : counts.keySet().iterator().next();
    }

    /**
     * How many times each error code appears in the response as the client reads it, at every level
     * (top level, topics, partitions, groups...), {@link Errors#NONE} included.
     *
     * @throws IllegalStateException when there is no response
     */
    public Map<Errors, Integer> errorCounts() {
        return ErrorCodes.count(response());
    }

    /** Why the client gets no answer, when an interceptor closed the connection instead. */
    public Optional<String> connectionClosed() {
        return loop.call(() -> Optional.ofNullable(closeReason));
    }

    void forwardedTo(UpstreamCall call) {
        this.forwarded = call;
    }

    void completed(@Nullable KafkaResponse answer, @Nullable Throwable failure) {
        if (failure == null) {
            this.response = answer;
            return;
        }
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        if (cause instanceof InterceptorChain.ConnectionClosing) {
            this.closeReason = cause.getMessage();
        } else {
            this.chainFailure = cause;
        }
    }

    private String pendingReason() {
        UpstreamCall call = forwarded;
        if (call != null && !call.stage().toCompletableFuture().isDone()) {
            return "the broker has not answered the forwarded request; answer it with respondUpstream(...)";
        }
        return "an interceptor's stage has not completed; complete it, or advanceTime(...) past the interceptor"
                + " timeout";
    }

    @Override
    public String toString() {
        return "exchange of " + request;
    }
}
