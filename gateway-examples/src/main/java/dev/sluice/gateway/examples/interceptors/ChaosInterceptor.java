package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * Makes the cluster look unreliable, for testing clients: at configured rates it delays responses,
 * answers with broker errors, and drops connections.
 *
 * <pre>{@code
 * ChaosInterceptor chaos = ChaosInterceptor.builder()
 *     .apis(Api.PRODUCE, Api.FETCH, Api.OFFSET_COMMIT)
 *     .latency(0.2, Duration.ofMillis(50), Duration.ofMillis(500))
 *     .errors(0.05, Errors.NOT_LEADER_OR_FOLLOWER, Errors.REQUEST_TIMED_OUT)
 *     .dropRate(0.001)
 *     .seed(42)                                  // the same seed, the same chaos
 *     .build();
 * Gateway.builder()...intercept(chaos.spec())...
 * }</pre>
 *
 * <h2>What happens to a request</h2>
 * Three independent draws per request, in this order:
 * <ol>
 *   <li>with probability {@code dropRate} the connection is closed (the request is not forwarded
 *       and gets no answer; answers to earlier requests are still written);
 *   <li>otherwise, with probability {@code errorRate}, the request is not forwarded and is answered
 *       with one of the configured errors, picked uniformly, wherever the response has an error
 *       code (per partition for Produce and Fetch);
 *   <li>independently, with probability {@code latencyRate}, the answer (forwarded or error) is
 *       delivered after a delay drawn uniformly from {@code min..max}.
 * </ol>
 *
 * <table>
 *   <caption>Defaults</caption>
 *   <tr><th>Setting</th><th>Default</th></tr>
 *   <tr><td>{@link Builder#apis apis}</td><td>Produce, Fetch</td></tr>
 *   <tr><td>{@link Builder#latency latency}</td><td>rate 0.1, 0..100 ms</td></tr>
 *   <tr><td>{@link Builder#errors errors}</td><td>rate 0.05, NOT_LEADER_OR_FOLLOWER,
 *       REQUEST_TIMED_OUT</td></tr>
 *   <tr><td>{@link Builder#dropRate dropRate}</td><td>0.01</td></tr>
 *   <tr><td>{@link Builder#seed seed}</td><td>a random one</td></tr>
 *   <tr><td>{@link Builder#scheduler scheduler}</td><td>{@link CompletableFuture#delayedExecutor}</td></tr>
 * </table>
 *
 * <h2>Latency is added to the response</h2>
 * The request is forwarded at once and its response held back: the client waits the same, but the
 * broker has already acted (a delayed Produce is already appended), as with a slow network on the
 * way back. The interceptor cannot delay the forwarding instead: {@link Interceptor.Chain#proceed}
 * must be called on the connection's event loop, and the SPI offers no way back onto it after a
 * timer. The delay never blocks the event loop; it runs on the {@linkplain Builder#scheduler
 * scheduler}, and the runtime hands the response back to the event loop. Kafka answers a
 * connection's requests in order, so a delayed response also holds back the responses to the
 * client's later requests on that connection.
 *
 * <h2>Threading</h2>
 * Thread-safe: one instance serves every connection. The random draws of a request are taken under
 * a lock, so the whole sequence of decisions follows from the seed; which connection gets which
 * decision depends on the order requests arrive in. Nothing is static: two instances with the same
 * seed make the same decisions.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The maximum latency MUST stay below the gateway's interceptor timeout, or delayed requests
 *       fail with {@code REQUEST_TIMED_OUT} from the runtime instead.
 *   <li>A Produce with {@code acks=0} gets no response: an injected error or delay is invisible to
 *       that producer, and an error means its records are silently lost.
 *   <li>A scheduler given with {@link Builder#scheduler} stays the caller's: the interceptor never
 *       shuts it down. Once it is shut down, delayed requests fail with an error response.
 *   <li>Errors are injected where the response has an error code, whatever the API; pick errors
 *       the APIs you register would really return. For Fetch v13+ (topics by id) the error
 *       response carries the error at the top level only, so consumers reset their fetch session
 *       rather than refresh metadata.
 *   <li>It is a test tool: registering it on Produce and Fetch decodes all their traffic.
 * </ul>
 */
public final class ChaosInterceptor implements Interceptor {

    private final List<Api<?, ?>> apis;
    private final double latencyRate;
    private final long minLatencyNanos;
    private final long maxLatencyNanos;
    private final double errorRate;
    private final List<Errors> errors;
    private final double dropRate;
    private final @Nullable ScheduledExecutorService scheduler;
    private final SplittableRandom random;

    private ChaosInterceptor(Builder builder) {
        this.apis = builder.apis;
        this.latencyRate = builder.latencyRate;
        this.minLatencyNanos = builder.minLatency.toNanos();
        this.maxLatencyNanos = builder.maxLatency.toNanos();
        this.errorRate = builder.errorRate;
        this.errors = builder.errors;
        this.dropRate = builder.dropRate;
        this.scheduler = builder.scheduler;
        this.random = builder.seed != null ? new SplittableRandom(builder.seed) : new SplittableRandom();
    }

    /** A builder with the defaults of the class documentation. */
    public static Builder builder() {
        return new Builder();
    }

    /** Registers this interceptor, shared by every connection, as {@code chaos} on the configured APIs. */
    public InterceptorSpec spec() {
        return InterceptorSpec.on(apis.toArray(new Api<?, ?>[0])).name("chaos").use(this);
    }

    @Override
    public CompletionStage<KafkaResponse> intercept(Chain chain) {
        boolean drop;
        @Nullable Errors error = null;
        long delayNanos = 0;
        synchronized (random) {
            drop = random.nextDouble() < dropRate;
            if (!drop && random.nextDouble() < errorRate) {
                error = errors.get(random.nextInt(errors.size()));
            }
            if (!drop && random.nextDouble() < latencyRate) {
                delayNanos = maxLatencyNanos > minLatencyNanos
                        ? random.nextLong(minLatencyNanos, maxLatencyNanos + 1) : minLatencyNanos;
            }
        }
        if (drop) {
            return chain.closeConnection("chaos: dropped the connection at " + chain.request());
        }
        CompletionStage<KafkaResponse> answer = error != null
                ? chain.fail(error, "chaos: injected " + error.name() + " by the gateway")
                : chain.proceed();
        return delayNanos > 0 ? delayed(answer, delayNanos) : answer;
    }

    private CompletionStage<KafkaResponse> delayed(CompletionStage<KafkaResponse> answer, long delayNanos) {
        CompletableFuture<KafkaResponse> late = new CompletableFuture<>();
        answer.whenComplete((response, failure) -> {
            Runnable deliver = () -> {
                if (failure != null) {
                    late.completeExceptionally(failure);
                } else {
                    late.complete(response);
                }
            };
            try {
                after(delayNanos).execute(deliver);
            } catch (RejectedExecutionException e) {
                late.completeExceptionally(e);
            }
        });
        return late;
    }

    private Executor after(long delayNanos) {
        ScheduledExecutorService given = scheduler;
        if (given == null) {
            return CompletableFuture.delayedExecutor(delayNanos, TimeUnit.NANOSECONDS);
        }
        return task -> given.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
        return "ChaosInterceptor[apis=" + apis + ", latency=" + latencyRate + " x " + Duration.ofNanos(minLatencyNanos)
                + ".." + Duration.ofNanos(maxLatencyNanos) + ", errors=" + errorRate + " x " + errors
                + ", dropRate=" + dropRate + "]";
    }

    /**
     * Collects the settings of a {@link ChaosInterceptor}. Each setting may be given once; a second
     * call, or a value out of range, fails at once with a message quoting the values. Not
     * thread-safe.
     */
    public static final class Builder {

        private List<Api<?, ?>> apis = List.of(Api.PRODUCE, Api.FETCH);
        private double latencyRate = 0.1;
        private Duration minLatency = Duration.ZERO;
        private Duration maxLatency = Duration.ofMillis(100);
        private double errorRate = 0.05;
        private List<Errors> errors = List.of(Errors.NOT_LEADER_OR_FOLLOWER, Errors.REQUEST_TIMED_OUT);
        private double dropRate = 0.01;
        private @Nullable Long seed;
        private @Nullable ScheduledExecutorService scheduler;
        private boolean apisSet;
        private boolean latencySet;
        private boolean errorsSet;
        private boolean dropRateSet;

        private Builder() {}

        /** The APIs whose requests suffer. Default: Produce and Fetch. */
        public Builder apis(Api<?, ?>... apis) {
            List<Api<?, ?>> wanted = List.of(apis);
            once(apisSet, "apis", this.apis, wanted);
            if (wanted.isEmpty()) {
                throw new IllegalArgumentException("apis must name at least one API");
            }
            if (wanted.stream().distinct().count() != wanted.size()) {
                throw new IllegalArgumentException("apis must not repeat an API, got " + wanted);
            }
            this.apis = wanted;
            this.apisSet = true;
            return this;
        }

        /**
         * Delays a share {@code rate} of the responses by a duration drawn uniformly from {@code
         * min..max}. Default: rate 0.1, 0..100 ms.
         */
        public Builder latency(double rate, Duration min, Duration max) {
            Objects.requireNonNull(min, "min");
            Objects.requireNonNull(max, "max");
            once(latencySet, "latency", latencyRate + " x " + minLatency + ".." + maxLatency,
                    rate + " x " + min + ".." + max);
            checkRate("latency rate", rate);
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("latency must be 0 <= min <= max, got " + min + ".." + max);
            }
            this.latencyRate = rate;
            this.minLatency = min;
            this.maxLatency = max;
            this.latencySet = true;
            return this;
        }

        /**
         * Answers a share {@code rate} of the requests with one of {@code errors} instead of
         * forwarding them. Default: rate 0.05, NOT_LEADER_OR_FOLLOWER and REQUEST_TIMED_OUT.
         */
        public Builder errors(double rate, Errors... errors) {
            List<Errors> wanted = List.of(errors);
            once(errorsSet, "errors", errorRate + " x " + this.errors, rate + " x " + wanted);
            checkRate("error rate", rate);
            if (wanted.isEmpty() || wanted.contains(Errors.NONE)
                    || wanted.stream().distinct().count() != wanted.size()) {
                throw new IllegalArgumentException("errors must name at least one error, none twice and not NONE,"
                        + " got " + wanted);
            }
            this.errorRate = rate;
            this.errors = wanted;
            this.errorsSet = true;
            return this;
        }

        /** Closes the connection at a share {@code rate} of the requests. Default: 0.01. */
        public Builder dropRate(double rate) {
            once(dropRateSet, "dropRate", dropRate, rate);
            checkRate("drop rate", rate);
            this.dropRate = rate;
            this.dropRateSet = true;
            return this;
        }

        /** The seed of the random draws, for reproducible runs. Default: a random seed. */
        public Builder seed(long seed) {
            once(this.seed != null, "seed", this.seed, seed);
            this.seed = seed;
            return this;
        }

        /**
         * Where delays run. The caller keeps ownership: the interceptor never shuts it down. Default:
         * {@link CompletableFuture#delayedExecutor}, which needs no shutting down.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            Objects.requireNonNull(scheduler, "scheduler");
            once(this.scheduler != null, "scheduler", this.scheduler, scheduler);
            this.scheduler = scheduler;
            return this;
        }

        public ChaosInterceptor build() {
            return new ChaosInterceptor(this);
        }

        private static void checkRate(String what, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(what + " must be in 0..1, got " + rate);
            }
        }

        private static void once(boolean set, String setting, @Nullable Object current, Object wanted) {
            if (set) {
                throw new IllegalStateException(setting + " already set to " + current + ", cannot set " + wanted);
            }
        }
    }
}
