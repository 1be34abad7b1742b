package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import java.util.Objects;

/**
 * A failure the gateway would report (log, and tell its {@code GatewayEventListener}): an interceptor
 * that threw, completed its stage exceptionally or with the wrong response, called {@code proceed}
 * twice, or missed the interceptor timeout; or a {@code when(...)} predicate that threw (the gateway
 * then skips that interceptor).
 *
 * <pre>{@code
 * assertThat(tester.failures()).singleElement().satisfies(failure -> {
 *     assertThat(failure.interceptor()).isEqualTo("acks-policy");
 *     assertThat(failure.cause()).isInstanceOf(TimeoutException.class);
 * });
 * }</pre>
 *
 * @param connectionId the {@link TestConnectionContext#id()} of the connection
 * @param interceptor the name of the interceptor, as registered ({@code InterceptorSpec.name()})
 * @param request the request it failed, as it was passed to that interceptor
 * @param cause what went wrong
 */
public record ReportedFailure(long connectionId, String interceptor, KafkaRequest request, Throwable cause) {

    public ReportedFailure {
        Objects.requireNonNull(interceptor, "interceptor");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(cause, "cause");
    }
}
