package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Unit tests for interceptors, without a network or a broker: hand it a request, see what would go
 * upstream and what the client gets back, answer as the broker, move a virtual clock.
 *
 * <p>It runs the gateway's own interceptor chain, so that ordering, {@code proceed} at most once,
 * error responses for failures and timeouts, and failure reports behave as in production. Only the
 * broker is a script ({@link BrokerScript}), and the connection's identity is whatever the test sets
 * ({@link TestConnectionContext}).
 *
 * <pre>{@code
 * InterceptorSpec namespace = InterceptorSpec.on(Api.CREATE_TOPICS).name("namespace").use(new NamespacePolicy("team-a."));
 * InterceptorTester tester = InterceptorTester.builder(namespace)
 *         .connection(c -> c.clientId("admin").saslPrincipal("alice"))
 *         .build();
 *
 * CreateTopicsRequestData create = new CreateTopicsRequestData();
 * create.topics().add(new CreatableTopic().setName("team-b.orders").setNumPartitions(1).setReplicationFactor((short) 1));
 * Exchange exchange = tester.send(KafkaRequest.of(Api.CREATE_TOPICS, (short) 7, create));
 *
 * assertThat(exchange.forwarded()).isEmpty();                          // never reached the broker
 * assertThat(exchange.error()).isEqualTo(Errors.POLICY_VIOLATION);      // the client's answer
 * assertThat(tester.failures()).isEmpty();                              // a refusal, not a failure
 * }</pre>
 *
 * <h2>Threading and time</h2>
 * The thread that builds the tester plays the connection's event loop: every call runs the
 * interceptors on it, and returns once everything that can happen now has happened. The broker's
 * answers arrive after the work in progress, as from a network. Stages an interceptor completes on
 * threads of its own are handed back to that thread on the next tester call, or by {@link
 * Exchange#awaitResponse}. Time is virtual: the interceptor timeout fires only when {@link
 * #advanceTime} moves past it, so timeout tests need no sleeps.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The tester MUST be used from the thread that built it; any other thread gets an {@code
 *       IllegalStateException}.
 *   <li>Interceptors get bodies decoded from their encoding, as in the gateway: compare bodies with
 *       {@code equals}, not identity. A body the request's version cannot carry fails in {@link #send}.
 *   <li>A broker script that throws, or an interceptor that passes on a request the gateway could
 *       not encode, fails the tester call in progress: a test bug is not an interceptor failure.
 *   <li>What the gateway does around the chain is not modelled: the order of answers between
 *       requests of one connection, identity read from ApiVersions and SASL requests, limits.
 * </ul>
 */
public final class InterceptorTester {

    private final List<InterceptorSpec> specs;
    private final Consumer<TestConnectionContext> identity;
    private final BrokerScript broker;
    private final Duration interceptorTimeout;
    private final TestLoop loop = new TestLoop();
    private final List<ReportedFailure> failures = new ArrayList<>();
    private final List<UpstreamCall> sent = new ArrayList<>();
    private long connections;
    private final TestConnection connection;

    private InterceptorTester(Builder builder) {
        this.specs = builder.specs;
        this.identity = builder.identity != null ? builder.identity : c -> { };
        this.broker = builder.broker != null ? builder.broker : BrokerScript.emptyResponses();
        this.interceptorTimeout = builder.interceptorTimeout != null ? builder.interceptorTimeout : Duration.ofSeconds(30);
        this.connection = newConnection();
    }

    /** Starts a tester of {@code specs}, registered in this order, as with {@code GatewayBuilder.intercept}. */
    public static Builder builder(InterceptorSpec... specs) {
        return new Builder(specs);
    }

    /** A tester of {@code specs} with the defaults: an anonymous client and {@link BrokerScript#emptyResponses()}. */
    public static InterceptorTester of(InterceptorSpec... specs) {
        return builder(specs).build();
    }

    /** Sends {@code request} on the {@linkplain #connection() first connection}; see {@link TestConnection#send}. */
    public Exchange send(KafkaRequest request) {
        return connection.send(request);
    }

    /** The connection made with the tester, which {@link #send} uses. */
    public TestConnection connection() {
        return connection;
    }

    /** Another client connection, with the builder's identity and its own per-connection interceptors. */
    public TestConnection newConnection() {
        return newConnection(c -> { });
    }

    /** Another client connection: the builder's identity, then {@code identity}'s changes to it. */
    public TestConnection newConnection(Consumer<TestConnectionContext> identity) {
        Objects.requireNonNull(identity, "identity");
        return loop.call(() -> {
            TestConnectionContext context = new TestConnectionContext().id(++connections);
            this.identity.accept(context);
            identity.accept(context);
            return new TestConnection(this, loop, context);
        });
    }

    /**
     * Moves the virtual clock forward by {@code duration}, firing each interceptor timeout that falls
     * due on the way, in order.
     */
    public void advanceTime(Duration duration) {
        Objects.requireNonNull(duration, "duration");
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time only moves forward, got " + duration);
        }
        loop.advance(duration);
    }

    /** Virtual time since the tester was built. */
    public Duration elapsed() {
        return Duration.ofNanos(loop.nowNanos());
    }

    /** The requests interceptors sent of their own ({@code chain.send}), on every connection, in order. */
    public List<UpstreamCall> sent() {
        return loop.call(() -> List.copyOf(sent));
    }

    /** The failures the gateway would have reported so far, on every connection, in order. */
    public List<ReportedFailure> failures() {
        return loop.call(() -> List.copyOf(failures));
    }

    /** How long one interceptor may take over a request. */
    public Duration interceptorTimeout() {
        return interceptorTimeout;
    }

    List<InterceptorSpec> specs() {
        return specs;
    }

    BrokerScript broker() {
        return broker;
    }

    void reported(ReportedFailure failure) {
        failures.add(failure);
    }

    void sent(UpstreamCall call) {
        sent.add(call);
    }

    /** Collects a tester's settings; each may be given once. */
    public static final class Builder {

        private final List<InterceptorSpec> specs;
        private @Nullable Consumer<TestConnectionContext> identity;
        private @Nullable BrokerScript broker;
        private @Nullable Duration interceptorTimeout;

        private Builder(InterceptorSpec[] specs) {
            List<InterceptorSpec> list = new ArrayList<>(specs.length);
            for (InterceptorSpec spec : specs) {
                Objects.requireNonNull(spec, "spec");
                for (InterceptorSpec existing : list) {
                    if (existing == spec) {
                        throw new IllegalArgumentException("interceptor " + spec.name() + " is already registered");
                    }
                }
                list.add(spec);
            }
            this.specs = List.copyOf(list);
        }

        /** Sets the identity of every connection: {@code c -> c.clientId("app").saslPrincipal("alice")}. */
        public Builder connection(Consumer<TestConnectionContext> identity) {
            Objects.requireNonNull(identity, "identity");
            if (this.identity != null) {
                throw new IllegalStateException("connection(...) already set");
            }
            this.identity = identity;
            return this;
        }

        /** The broker behind the interceptors. Default: {@link BrokerScript#emptyResponses()}. */
        public Builder upstream(BrokerScript broker) {
            Objects.requireNonNull(broker, "broker");
            if (this.broker != null) {
                throw new IllegalStateException("upstream(...) already set");
            }
            this.broker = broker;
            return this;
        }

        /** How long one interceptor may take over a request (virtual time). Default 30 s, as the gateway's. */
        public Builder interceptorTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (this.interceptorTimeout != null) {
                throw new IllegalStateException("interceptorTimeout already set to " + this.interceptorTimeout
                        + ", cannot set " + timeout);
            }
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("interceptorTimeout must be positive, got " + timeout);
            }
            this.interceptorTimeout = timeout;
            return this;
        }

        /** The tester, with its first connection; the calling thread becomes its event loop. */
        public InterceptorTester build() {
            return new InterceptorTester(this);
        }
    }
}
