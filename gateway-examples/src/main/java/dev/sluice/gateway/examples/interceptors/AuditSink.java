package dev.sluice.gateway.examples.interceptors;

/**
 * Where {@link AuditInterceptor} delivers its events: a log, a queue, a metrics library.
 *
 * <pre>{@code
 * AuditSink toLog = AuditSink.slf4j();                      // logger "sluice.audit", one line each
 * AuditSink toQueue = event -> {
 *     if (!queue.offer(event)) {
 *         dropped.increment();                               // never block the event loop
 *     }
 * };
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Called on the connection's event loop, once per audited request, when its response is
 *       known and before the client gets it: it MUST be fast and MUST NOT block. A slow sink delays
 *       every response on that event loop; hand slow work (a database, a remote service) to a
 *       queue or another thread.
 *   <li>Called concurrently from several event loops: it must be thread-safe.
 *   <li>It should not throw. An exception is caught and logged by the interceptor, the event is
 *       lost, and the request goes on unharmed.
 * </ul>
 */
@FunctionalInterface
public interface AuditSink {

    /** Records one event. */
    void record(AuditEvent event);

    /**
     * A sink that logs each event at INFO, on the logger {@code sluice.audit}, as one logfmt line:
     *
     * <pre>
     * time=2026-01-05T10:15:30.120Z gateway=gw conn=7 remote=10.1.2.3:40000 client=billing principal=alice
     *   api=CreateTopics version=7 topics=team-a.orders outcome=RESPONDED errors=POLICY_VIOLATION:1
     *   error_count=1 latency_us=2130
     * </pre>
     *
     * (one line; wrapped here). Every key is always present, in this order; a {@code null} value or
     * an empty list is empty ({@code principal=}), an empty string is {@code ""}; a value with
     * spaces, quotes, {@code =} or control characters is quoted with backslash escapes, so a client
     * id cannot forge fields or lines; lists are comma-separated (topic names cannot contain commas);
     * errors are {@code NAME:count} in the order of their codes. {@code unresolved_topic_ids=}
     * follows {@code topics} only when there are some.
     *
     * <p>Writing to a slow appender blocks the event loop: route {@code sluice.audit} to an
     * asynchronous appender in production.
     */
    static AuditSink slf4j() {
        return Slf4jAuditSink.INSTANCE;
    }
}
