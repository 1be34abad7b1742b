package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import dev.sluice.gateway.internal.intercept.InterceptorChain;
import dev.sluice.gateway.internal.intercept.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * One client connection of an {@link InterceptorTester}: its identity, its own instances of
 * per-connection interceptors, and its requests.
 *
 * <pre>{@code
 * TestConnection alice = tester.connection();
 * TestConnection bob = tester.newConnection(c -> c.saslPrincipal("bob"));
 * bob.send(request);                       // bob's rate limiter instance, not alice's
 * }</pre>
 *
 * <p>As in the gateway, a request runs through the interceptors whose spec covers its API key and
 * version and whose {@code when(...)} predicate holds for this connection at that moment, in
 * registration order; a per-connection interceptor is made when the connection first needs it. The
 * tester does not order answers between requests of one connection (the gateway does): each {@link
 * Exchange} stands alone.
 *
 * <p>Use it on the test's thread.
 */
public final class TestConnection {

    private final InterceptorTester tester;
    private final TestLoop loop;
    private final TestConnectionContext context;
    private final InterceptorChain chain;
    private final @Nullable Interceptor[] instances;
    private boolean firstRequest = true;
    private @Nullable String closeReason;

    TestConnection(InterceptorTester tester, TestLoop loop, TestConnectionContext context) {
        this.tester = tester;
        this.loop = loop;
        this.context = context;
        this.instances = new Interceptor[tester.specs().size()];
        this.chain = new InterceptorChain(context, loop, loop, tester.interceptorTimeout().toNanos(),
                (name, request, cause) -> tester.reported(new ReportedFailure(context.id(), name, request, cause)));
    }

    /** The connection's identity and attributes, as interceptors see them; change it at will. */
    public TestConnectionContext context() {
        return context;
    }

    /**
     * Sends {@code request} as the client: through the interceptors, to the {@link BrokerScript},
     * and back. Returns once everything that can happen now has happened; the {@link Exchange} may
     * still be pending (a broker or a stage that has not answered, a timeout not yet reached).
     *
     * <p>The interceptors get the request decoded from its encoding, as from a client: not {@code
     * request}'s body object, but an equal one.
     *
     * @throws IllegalArgumentException when {@code request}'s body cannot be encoded at its version
     * @throws IllegalStateException when an interceptor closed this connection before, or the broker
     *     script threw, or the interceptors passed on a request that cannot be encoded
     */
    public Exchange send(KafkaRequest request) {
        Objects.requireNonNull(request, "request");
        return loop.call(() -> {
            if (closeReason != null) {
                throw new IllegalStateException(context + " is closed: an interceptor closed it (" + closeReason + ")");
            }
            KafkaRequest decoded = Wire.decoded(request);
            if (firstRequest) {
                firstRequest = false;
                if (context.clientId() == null) {
                    context.clientId(decoded.clientId());
                }
            }
            Exchange exchange = new Exchange(loop, decoded);
            chain.handle(decoded, applicable(decoded), new ScriptedUpstream(exchange))
                    .whenComplete(exchange::completed);
            return exchange;
        });
    }

    /** Whether an interceptor closed this connection. */
    public boolean isClosed() {
        return closeReason != null;
    }

    /** Why an interceptor closed this connection, if one did. */
    public Optional<String> closeReason() {
        return Optional.ofNullable(closeReason);
    }

    private List<InterceptorChain.Named> applicable(KafkaRequest request) {
        List<InterceptorSpec> specs = tester.specs();
        List<InterceptorChain.Named> applicable = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            InterceptorSpec spec = specs.get(i);
            if (!spec.covers(request.apiKey(), request.apiVersion())) {
                continue;
            }
            boolean applies;
            try {
                applies = spec.appliesTo(context);
            } catch (RuntimeException e) {
                // The gateway logs this and skips the interceptor.
                tester.reported(new ReportedFailure(context.id(), spec.name(), request, e));
                applies = false;
            }
            if (applies) {
                applicable.add(new InterceptorChain.Named(spec.name(), instance(i, spec)));
            }
        }
        return applicable;
    }

    private Interceptor instance(int index, InterceptorSpec spec) {
        Interceptor instance = instances[index];
        if (instance == null) {
            instance = spec.newInstance();
            instances[index] = instance;
        }
        return instance;
    }

    @Override
    public String toString() {
        return context.toString();
    }

    /** The broker as one exchange sees it: the tester's script, answering after the work in progress. */
    private final class ScriptedUpstream implements Upstream {

        private final Exchange exchange;

        ScriptedUpstream(Exchange exchange) {
            this.exchange = exchange;
        }

        @Override
        public CompletionStage<KafkaResponse> forward(KafkaRequest request) {
            UpstreamCall call = new UpstreamCall(loop, request, false);
            exchange.forwardedTo(call);
            return answer(call, "passed on");
        }

        @Override
        public CompletionStage<KafkaResponse> send(KafkaRequest request) {
            UpstreamCall call = new UpstreamCall(loop, request, true);
            tester.sent(call);
            return answer(call, "sent");
        }

        @Override
        public void closeClient(String reason) {
            closeReason = reason;
        }

        private CompletionStage<KafkaResponse> answer(UpstreamCall call, String how) {
            KafkaRequest request = call.request();
            try {
                Wire.encode(request.body(), request.apiKey(), request.apiVersion(), "request");
            } catch (IllegalArgumentException e) {
                loop.problem(new IllegalStateException("an interceptor " + how + " a request the gateway cannot send: "
                        + e.getMessage(), e));
                return call.stage();
            }
            if (request.apiKey() == ApiKeys.PRODUCE && ((ProduceRequestData) request.body()).acks() == 0) {
                call.complete(ApiKeys.PRODUCE.messageType.newResponse());
                return call.stage();
            }
            ApiMessage body;
            try {
                body = tester.broker().answer(request);
            } catch (RuntimeException e) {
                loop.problem(new IllegalStateException("the broker script threw on " + request, e));
                return call.stage();
            }
            if (body != null) {
                loop.later(() -> {
                    try {
                        call.complete(body);
                    } catch (IllegalArgumentException e) {
                        loop.problem(new IllegalStateException("the broker script's answer to " + request
                                + " is wrong: " + e.getMessage(), e));
                    }
                });
            }
            return call.stage();
        }
    }
}
