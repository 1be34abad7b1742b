package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.intercept.Interceptor;
import dev.sluice.gateway.api.intercept.InterceptorSpec;
import dev.sluice.gateway.internal.intercept.InterceptorChain;
import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.protocol.ApiKeys;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interceptors of one connection: which registered specs apply to a request (by API key and
 * version, and by their {@code when} predicate, evaluated per request), their instances (shared, or
 * made for this connection on first use), and the chain engine wired to the connection's event loop,
 * timeout and failure reporting. Created on the first intercepted request.
 *
 * <p>Not thread-safe: used on the connection's event loop.
 */
final class SessionInterceptors {

    private static final Logger LOG = LoggerFactory.getLogger(SessionInterceptors.class);

    private final ProxyRuntime runtime;
    private final SessionContext context;
    private final @Nullable Interceptor[] instances;
    private final InterceptorChain chain;

    SessionInterceptors(ProxyRuntime runtime, SessionContext context, EventLoop loop) {
        this.runtime = runtime;
        this.context = context;
        this.instances = new Interceptor[runtime.interceptors.size()];
        this.chain = new InterceptorChain(context,
                task -> {
                    if (loop.inEventLoop()) {
                        task.run();
                    } else {
                        loop.execute(task);
                    }
                },
                (task, nanos) -> {
                    var scheduled = loop.schedule(task, nanos, TimeUnit.NANOSECONDS);
                    return () -> scheduled.cancel(false);
                },
                runtime.config.interceptorTimeoutNanos(),
                (name, request, cause) -> {
                    LOG.warn("Interceptor {} failed {} on {}; the client gets an error response", name, request,
                            context, cause);
                    runtime.listener.interceptorFailed(context, name, request.apiKey().id, request.apiVersion(), cause);
                });
    }

    InterceptorChain chain() {
        return chain;
    }

    /** The interceptors that apply to a request of {@code apiKey} at {@code apiVersion} now, in order. */
    List<InterceptorChain.Named> applicable(short apiKey, short apiVersion) {
        List<InterceptorSpec> specs = runtime.interceptors;
        ApiKeys key = ApiKeys.forId(apiKey);
        List<InterceptorChain.Named> applicable = new ArrayList<>(specs.size());
        for (int i = 0; i < specs.size(); i++) {
            InterceptorSpec spec = specs.get(i);
            if (spec.covers(key, apiVersion) && appliesTo(spec)) {
                applicable.add(new InterceptorChain.Named(spec.name(), instance(i, spec)));
            }
        }
        return applicable;
    }

    private boolean appliesTo(InterceptorSpec spec) {
        try {
            return spec.appliesTo(context);
        } catch (RuntimeException e) {
            LOG.warn("The when(...) predicate of interceptor {} threw for {}; the interceptor is skipped",
                    spec.name(), context, e);
            return false;
        }
    }

    private Interceptor instance(int index, InterceptorSpec spec) {
        Interceptor instance = instances[index];
        if (instance == null) {
            instance = spec.newInstance();
            instances[index] = instance;
        }
        return instance;
    }
}
