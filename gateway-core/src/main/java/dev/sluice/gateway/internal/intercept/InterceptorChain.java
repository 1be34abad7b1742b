package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.ConnectionContext;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Runs a request through the interceptors that apply to it, in order, then upstream; runs the
 * response back through them in reverse.
 *
 * <p>Enforces the {@link Interceptor} contract: {@code proceed} at most once per call and with a
 * request of the same API key and version; an exception, a failed stage or a stage that misses the
 * timeout becomes an error response for that request (never a dead connection), reported through
 * {@link InterceptorFailure} with the interceptor's name. Stages returned to interceptors complete on
 * the connection's event loop: a stage an interceptor completed on another thread is handed back
 * through {@code loop} before the previous interceptor sees it.
 *
 * <p>One instance per connection; called on its event loop.
 */
public final class InterceptorChain {

    /** An interceptor with the name it reports under. */
    public record Named(String name, Interceptor interceptor) {
        public Named {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(interceptor, "interceptor");
        }
    }

    /** Schedules the interceptor timeout; the test kit may run without one. */
    @FunctionalInterface
    public interface Timer {
        /** Runs {@code task} on the event loop after {@code nanos}; returns a handle to cancel it. */
        Runnable schedule(Runnable task, long nanos);
    }

    private final ConnectionContext connection;
    private final Executor loop;
    private final Timer timer;
    private final long timeoutNanos;
    private final InterceptorFailure failures;

    public InterceptorChain(ConnectionContext connection, Executor loop, Timer timer, long timeoutNanos,
            InterceptorFailure failures) {
        this.connection = connection;
        this.loop = loop;
        this.timer = timer;
        this.timeoutNanos = timeoutNanos;
        this.failures = failures;
    }

    /**
     * Handles {@code request} with {@code interceptors} (those that apply to it, in registration
     * order), then {@code upstream}. The stage completes, on the event loop, with the response for
     * the client; it completes exceptionally only with {@link ConnectionClosing}, when an interceptor
     * asked to close the connection.
     */
    public CompletionStage<KafkaResponse> handle(KafkaRequest request, List<Named> interceptors, Upstream upstream) {
        return new Step(interceptors, 0, request, upstream).run();
    }

    /** One interceptor's turn: the chain it sees. */
    private final class Step implements Interceptor.Chain {

        private final List<Named> interceptors;
        private final int index;
        private final KafkaRequest request;
        private final Upstream upstream;
        private final CompletableFuture<KafkaResponse> result = new CompletableFuture<>();
        private @Nullable Runnable cancelTimer;
        private boolean downstreamPending;
        private boolean proceeded;

        Step(List<Named> interceptors, int index, KafkaRequest request, Upstream upstream) {
            this.interceptors = interceptors;
            this.index = index;
            this.request = request;
            this.upstream = upstream;
        }

        CompletionStage<KafkaResponse> run() {
            if (index == interceptors.size()) {
                return upstream.forward(request);
            }
            Named current = interceptors.get(index);
            CompletionStage<KafkaResponse> returned;
            try {
                returned = current.interceptor().intercept(this);
                if (returned == null) {
                    throw new IllegalStateException("interceptor " + current.name() + " returned null from intercept");
                }
            } catch (RuntimeException e) {
                failures.failed(current.name(), request, e);
                completeWithError(Errors.UNKNOWN_SERVER_ERROR, "interceptor " + current.name() + " failed");
                return result;
            }
            armTimer();
            returned.whenComplete((response, error) -> loop.execute(() -> deliver(response, error)));
            return result;
        }

        private void deliver(@Nullable KafkaResponse response, @Nullable Throwable error) {
            disarmTimer();
            if (result.isDone()) {
                return;
            }
            String name = interceptors.get(index).name();
            if (error != null) {
                Throwable cause = unwrap(error);
                if (cause instanceof ConnectionClosing closing) {
                    result.completeExceptionally(closing);
                    return;
                }
                failures.failed(name, request, cause);
                completeWithError(Errors.UNKNOWN_SERVER_ERROR, "interceptor " + name + " failed");
            } else if (response == null) {
                failures.failed(name, request, new IllegalStateException("completed with null"));
                completeWithError(Errors.UNKNOWN_SERVER_ERROR, "interceptor " + name + " failed");
            } else if (response.apiKey() != request.apiKey() || response.apiVersion() != request.apiVersion()) {
                failures.failed(name, request, new IllegalStateException("interceptor " + name + " answered a "
                        + request + " request with a " + response));
                completeWithError(Errors.UNKNOWN_SERVER_ERROR, "interceptor " + name + " failed");
            } else {
                result.complete(response);
            }
        }

        /**
         * Starts (or restarts) this interceptor's timeout. It measures the interceptor's own time: it
         * is stopped while the request is downstream (later interceptors and the broker, which may
         * legitimately take long: a long-poll Fetch, a JoinGroup) and restarted when the answer is back.
         */
        private void armTimer() {
            if (timeoutNanos <= 0 || result.isDone() || downstreamPending) {
                return;
            }
            disarmTimer();
            String name = interceptors.get(index).name();
            cancelTimer = timer.schedule(() -> {
                cancelTimer = null;
                if (!result.isDone()) {
                    failures.failed(name, request, new TimeoutException("interceptor " + name
                            + " did not complete within " + timeoutNanos / 1_000_000 + " ms"));
                    completeWithError(Errors.REQUEST_TIMED_OUT, "interceptor " + name + " timed out");
                }
            }, timeoutNanos);
        }

        private void disarmTimer() {
            Runnable cancel = cancelTimer;
            if (cancel != null) {
                cancelTimer = null;
                cancel.run();
            }
        }

        /**
         * Answers with the error response a broker would send. When even that cannot be built (a body
         * an interceptor changed beyond encoding, on an API with no top-level error code), the
         * connection is closed rather than the request left unanswered.
         */
        private void completeWithError(Errors error, String message) {
            try {
                result.complete(ErrorResponses.of(request, error, message));
            } catch (RuntimeException e) {
                String reason = "no error response can be built for " + request + ": " + e.getMessage();
                upstream.closeClient(reason);
                result.completeExceptionally(new ConnectionClosing(reason));
            }
        }

        private KafkaResponse errorResponse(Errors error, String message) {
            return ErrorResponses.of(request, error, message);
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
            Objects.requireNonNull(next, "request");
            String name = interceptors.get(index).name();
            if (proceeded) {
                throw new IllegalStateException("interceptor " + name + " must call proceed() at most once");
            }
            if (next.apiKey() != request.apiKey() || next.apiVersion() != request.apiVersion()) {
                throw new IllegalArgumentException("interceptor " + name + " passed on a " + next
                        + " request in place of a " + request + " request");
            }
            proceeded = true;
            // proceed may be called from any thread (after a timer, from a blocking executor): the rest
            // of the chain and the upstream write always run on the connection's event loop.
            CompletableFuture<KafkaResponse> downstream = new CompletableFuture<>();
            loop.execute(() -> {
                downstreamPending = true;
                disarmTimer();
                new Step(interceptors, index + 1, next, upstream).run().whenComplete((response, error) -> {
                    downstreamPending = false;
                    armTimer();
                    if (error != null) {
                        downstream.completeExceptionally(error);
                    } else {
                        downstream.complete(response);
                    }
                });
            });
            return downstream;
        }

        @Override
        public CompletionStage<KafkaResponse> respond(ApiMessage body) {
            return CompletableFuture.completedFuture(KafkaResponse.of(request.apiKey(), request.apiVersion(), body));
        }

        @Override
        public CompletionStage<KafkaResponse> fail(Errors error, String message) {
            Objects.requireNonNull(error, "error");
            return CompletableFuture.completedFuture(errorResponse(error, message));
        }

        @Override
        public CompletionStage<KafkaResponse> send(KafkaRequest ownRequest) {
            Objects.requireNonNull(ownRequest, "request");
            CompletableFuture<KafkaResponse> result = new CompletableFuture<>();
            loop.execute(() -> upstream.send(ownRequest).whenComplete((response, error) -> {
                if (error != null) {
                    result.completeExceptionally(error);
                } else {
                    result.complete(response);
                }
            }));
            return result;
        }

        @Override
        public CompletionStage<KafkaResponse> closeConnection(String reason) {
            upstream.closeClient(reason);
            return CompletableFuture.failedFuture(new ConnectionClosing(reason));
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof java.util.concurrent.CompletionException
                || cause instanceof java.util.concurrent.ExecutionException) && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The stage of a request whose interceptor closed the connection: it gets no answer. */
    public static final class ConnectionClosing extends RuntimeException {
        public ConnectionClosing(String reason) {
            super(reason, null, false, false);
        }
    }
}
