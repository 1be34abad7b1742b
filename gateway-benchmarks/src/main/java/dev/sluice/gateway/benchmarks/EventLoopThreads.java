package dev.sluice.gateway.benchmarks;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A JMH executor whose worker threads are Netty {@code FastThreadLocalThread}s, like the gateway's
 * event loop threads. Netty's object pools (the {@code Recycler} behind retained slices, the
 * decoders' output lists) only recycle fully on such threads; on JMH's plain worker threads a
 * benchmark would count allocations the gateway does not make.
 *
 * <p>Selected in a fork with {@code -Djmh.executor=CUSTOM -Djmh.executor.class=}this class; JMH calls
 * the {@code (int, String)} constructor.
 */
public final class EventLoopThreads extends ThreadPoolExecutor {

    /** The JVM option that makes JMH use a custom executor. */
    public static final String SELECT = "-Djmh.executor=CUSTOM";
    /** The JVM option that names this class as that executor. */
    public static final String CLASS = "-Djmh.executor.class=dev.sluice.gateway.benchmarks.EventLoopThreads";

    public EventLoopThreads(int maxThreads, String prefix) {
        super(maxThreads, maxThreads, 0L, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                new DefaultThreadFactory(prefix, true));
    }
}
