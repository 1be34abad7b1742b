package dev.sluice.gateway.api.intercept;

import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;

/**
 * A decoded Kafka request: API key, version, the client id of its header, and its body.
 *
 * <p>The header fields are immutable; the body is kafka-clients' generated (mutable) message object.
 * An interceptor may change the body in place before {@linkplain Interceptor.Chain#proceed passing it
 * on}, or pass a new request made with {@link #withBody}. The gateway re-encodes a body only when an
 * interceptor handled the request.
 *
 * <pre>{@code
 * KafkaRequest request = chain.request();
 * if (request.is(Api.PRODUCE)) {
 *     ProduceRequestData produce = request.body(Api.PRODUCE);
 *     short acks = produce.acks();
 * }
 * KafkaRequest own = KafkaRequest.of(Api.METADATA, (short) 12, new MetadataRequestData().setTopics(null));
 * }</pre>
 */
public final class KafkaRequest {

    private final ApiKeys apiKey;
    private final short apiVersion;
    private final @Nullable String clientId;
    private final ApiMessage body;

    private KafkaRequest(ApiKeys apiKey, short apiVersion, @Nullable String clientId, ApiMessage body) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.body = Objects.requireNonNull(body, "body");
        if (body.apiKey() != apiKey.id) {
            throw new IllegalArgumentException("a " + body.getClass().getSimpleName() + " is not a " + apiKey.name
                    + " request");
        }
        if (apiVersion < body.lowestSupportedVersion() || apiVersion > body.highestSupportedVersion()) {
            throw new IllegalArgumentException(apiKey.name + " v" + apiVersion + " is outside the versions "
                    + body.lowestSupportedVersion() + ".." + body.highestSupportedVersion() + " of kafka-clients");
        }
        this.apiVersion = apiVersion;
        this.clientId = clientId;
    }

    /** A request of {@code api} at {@code version}, with no client id. */
    public static <Q extends ApiMessage> KafkaRequest of(Api<Q, ?> api, short version, Q body) {
        return new KafkaRequest(api.key(), version, null, body);
    }

    /** A request with every header field given. */
    public static KafkaRequest of(ApiKeys apiKey, short version, @Nullable String clientId, ApiMessage body) {
        return new KafkaRequest(apiKey, version, clientId, body);
    }

    public ApiKeys apiKey() {
        return apiKey;
    }

    public short apiVersion() {
        return apiVersion;
    }

    /** The client id of the request header, or {@code null} when the client sent none. */
    public @Nullable String clientId() {
        return clientId;
    }

    /** The body, untyped. */
    public ApiMessage body() {
        return body;
    }

    /**
     * The body as {@code api}'s request class.
     *
     * @throws IllegalArgumentException when this is a request of another API
     */
    public <Q extends ApiMessage> Q body(Api<Q, ?> api) {
        if (api.key() != apiKey) {
            throw new IllegalArgumentException("this is a " + apiKey.name + " request, not " + api);
        }
        return api.requestType().cast(body);
    }

    /** Whether this is a request of {@code api}. */
    public boolean is(Api<?, ?> api) {
        return api.key() == apiKey;
    }

    /** The same header with another body of the same API key. */
    public KafkaRequest withBody(ApiMessage newBody) {
        return new KafkaRequest(apiKey, apiVersion, clientId, newBody);
    }

    @Override
    public String toString() {
        return apiKey.name + " v" + apiVersion + (clientId == null ? "" : " from " + clientId);
    }
}
