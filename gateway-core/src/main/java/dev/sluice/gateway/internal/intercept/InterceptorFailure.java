package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;

/** Told when an interceptor failed a request, so the runtime can report the event. */
@FunctionalInterface
public interface InterceptorFailure {

    void failed(String interceptor, KafkaRequest request, Throwable cause);
}
