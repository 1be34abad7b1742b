package dev.sluice.gateway.api.intercept;

import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A decoded Kafka response: the API key and version of the request it answers, and its body.
 *
 * <p>The body is kafka-clients' generated (mutable) message object: an interceptor may change it in
 * place, or return a new response made with {@link #withBody}.
 *
 * <pre>{@code
 * return chain.proceed().thenApply(response -> {
 *     MetadataResponseData metadata = response.body(Api.METADATA);
 *     metadata.topics().removeIf(topic -> topic.name().startsWith("_"));
 *     return response;
 * });
 * }</pre>
 */
public final class KafkaResponse {

    private final ApiKeys apiKey;
    private final short apiVersion;
    private final ApiMessage body;

    private KafkaResponse(ApiKeys apiKey, short apiVersion, ApiMessage body) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.body = Objects.requireNonNull(body, "body");
        if (body.apiKey() != apiKey.id) {
            throw new IllegalArgumentException("a " + body.getClass().getSimpleName() + " is not a " + apiKey.name
                    + " response");
        }
        this.apiVersion = apiVersion;
    }

    /** A response to a request of {@code apiKey} at {@code version}. */
    public static KafkaResponse of(ApiKeys apiKey, short version, ApiMessage body) {
        return new KafkaResponse(apiKey, version, body);
    }

    public ApiKeys apiKey() {
        return apiKey;
    }

    public short apiVersion() {
        return apiVersion;
    }

    /** The body, untyped. */
    public ApiMessage body() {
        return body;
    }

    /**
     * The body as {@code api}'s response class.
     *
     * @throws IllegalArgumentException when this answers a request of another API
     */
    public <S extends ApiMessage> S body(Api<?, S> api) {
        if (api.key() != apiKey) {
            throw new IllegalArgumentException("this is a " + apiKey.name + " response, not " + api);
        }
        return api.responseType().cast(body);
    }

    /** The same API key and version with another body. */
    public KafkaResponse withBody(ApiMessage newBody) {
        return new KafkaResponse(apiKey, apiVersion, newBody);
    }

    @Override
    public String toString() {
        return apiKey.name + " v" + apiVersion + " response";
    }
}
