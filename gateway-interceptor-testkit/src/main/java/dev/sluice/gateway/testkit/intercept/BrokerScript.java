package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * The broker behind an {@link InterceptorTester}: answers the requests that get past the
 * interceptors, and the interceptors' own requests ({@code chain.send}).
 *
 * <pre>{@code
 * BrokerScript broker = request -> request.is(Api.METADATA)
 *         ? new MetadataResponseData().setClusterId("test")
 *         : null;                                    // anything else: answered by the test
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Called on the test's thread, once per request, as the request reaches the broker.
 *   <li>Return the response body (the response message class of the request's API), or {@code null}
 *       to leave the request pending; the test answers it later with {@link UpstreamCall#respond}
 *       ({@link Exchange#respondUpstream} for the client's request).
 *   <li>The body is encoded at the request's version and decoded again before interceptors see it,
 *       as from a real broker: the script may return the same object every time, and fields the
 *       version lacks are dropped.
 *   <li>An exception thrown here fails the test (the tester call in progress throws it), not the
 *       interceptors.
 * </ul>
 */
@FunctionalInterface
public interface BrokerScript {

    /** The broker's answer to {@code request}, or {@code null} to leave it pending. */
    @Nullable ApiMessage answer(KafkaRequest request);

    /**
     * Answers every request with the default response of its API ({@code new ProduceResponseData()},
     * ...): no error at the top level, and no topics or partitions. The tester's default.
     */
    static BrokerScript emptyResponses() {
        return request -> request.apiKey().messageType.newResponse();
    }

    /** Answers nothing: every request waits for the test to answer it. */
    static BrokerScript manual() {
        return request -> null;
    }
}
