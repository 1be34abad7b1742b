package dev.sluice.gateway.api.intercept;

import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Sees a request of an API key it registered for, and its response; may change either, answer the
 * request itself, fail it, or close the connection.
 *
 * <p>One method, in the spirit of OkHttp's interceptors: look at {@link Chain#request()}, call
 * {@link Chain#proceed} to pass it on (to the next interceptor, and in the end to the broker), and
 * return the response stage, changed or not. Not calling {@code proceed} short-circuits: return
 * {@link Chain#respond} or {@link Chain#fail} instead.
 *
 * <pre>{@code
 * Interceptor slowProduce = chain -> chain.proceed().thenApply(response -> {
 *     ProduceResponseData produce = response.body(Api.PRODUCE);
 *     ...                         // inspect or change the response
 *     return response;
 * });
 * }</pre>
 *
 * <h2>Order</h2>
 * Interceptors run in registration order on requests and in reverse order on responses.
 *
 * <h2>Threading</h2>
 * {@code intercept} and every callback chained onto a stage returned by {@link Chain#proceed} or
 * {@link Chain#send} run on the connection's event loop: never block there. For blocking work (a
 * database, a key service) hand off with {@code CompletableFuture.supplyAsync(work, yourExecutor)}
 * and continue from its stage: {@code proceed} and {@code send} may be called from any thread (they
 * hop to the event loop), and the runtime returns to the event loop when the stage {@code intercept}
 * returned completes, whatever thread completes it.
 *
 * <pre>{@code
 * // Hold a request 50 ms before it goes upstream, without blocking the event loop.
 * Interceptor delay = chain -> CompletableFuture
 *     .runAsync(() -> { }, CompletableFuture.delayedExecutor(50, TimeUnit.MILLISECONDS))
 *     .thenCompose(v -> chain.proceed());
 * }</pre>
 *
 * <h2>Failure</h2>
 * An exception thrown by {@code intercept}, an exceptionally completed stage, or a stage that does not
 * complete within the gateway's interceptor timeout fails that one request: the client gets an
 * error response for it ({@link Errors#UNKNOWN_SERVER_ERROR}, or {@link Errors#REQUEST_TIMED_OUT} on
 * timeout), an event is reported, and the connection and the gateway go on. The timeout counts an
 * interceptor's own time only: the clock stops while its request is downstream (later interceptors
 * and the broker), so a long-poll Fetch is not cut short.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>{@link Chain#proceed} MUST be called at most once per {@code intercept} call; the runtime
 *       enforces it and names the interceptor.
 *   <li>A short-circuit answer is still delivered in request order, behind the answers to the
 *       client's earlier requests.
 *   <li>Bodies are kafka-clients' mutable message objects, owned by the chain for the duration of the
 *       call. Do not keep references to them after the returned stage completes.
 * </ul>
 */
@FunctionalInterface
public interface Interceptor {

    /**
     * Handles one request.
     *
     * @return the response the client (or the previous interceptor) gets
     */
    CompletionStage<KafkaResponse> intercept(Chain chain);

    /**
     * An interceptor's view of the request in flight and of what comes after it.
     *
     * <p>Valid for one {@code intercept} call. Not thread-safe: use it on the connection's event loop
     * (in {@code intercept}, or in callbacks on stages the chain returned).
     */
    interface Chain {

        /** The request as the previous interceptor passed it (decoded, header included). */
        KafkaRequest request();

        /** The connection the request came in on: who the client is, and per-connection state. */
        ConnectionContext connection();

        /**
         * Passes {@code request} on to the next interceptor, or to the broker after the last one.
         *
         * @throws IllegalStateException when called a second time in the same {@code intercept} call
         * @throws IllegalArgumentException when {@code request} is of another API key or version than
         *     {@link #request()}
         */
        CompletionStage<KafkaResponse> proceed(KafkaRequest request);

        /** Passes {@link #request()} on unchanged. */
        default CompletionStage<KafkaResponse> proceed() {
            return proceed(request());
        }

        /**
         * Answers the request without passing it on: a completed stage holding a response with
         * {@code body}, which must be the response message of the request's API key.
         */
        CompletionStage<KafkaResponse> respond(org.apache.kafka.common.protocol.ApiMessage body);

        /**
         * Fails the request: a completed stage holding the error response a broker would send for
         * this API key and version (built by kafka-clients' own request classes): {@code error}
         * wherever that response carries it, per topic and partition where the API has them
         * (Produce, CreateTopics, ...; Fetch v13+ and a few others carry only a top-level code), and
         * {@code message} in every error message field.
         */
        CompletionStage<KafkaResponse> fail(Errors error, String message);

        /**
         * Sends a request of the interceptor's own to the broker this connection talks to, on the
         * same upstream connection. Its correlation id is the gateway's: the client never sees the
         * request or the response, and its own ids cannot collide with it. The request does not pass
         * through the interceptors.
         *
         * <p>The stage completes on the connection's event loop, exceptionally if the connection
         * closes first.
         */
        CompletionStage<KafkaResponse> send(KafkaRequest request);

        /**
         * Closes the client connection once the answers to its earlier requests have been written;
         * this request gets no answer. Returns a stage that never completes normally, to return
         * from {@code intercept}.
         */
        CompletionStage<KafkaResponse> closeConnection(String reason);
    }
}
