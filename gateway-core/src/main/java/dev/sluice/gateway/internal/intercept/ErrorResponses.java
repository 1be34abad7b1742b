package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractRequest;
import org.jspecify.annotations.Nullable;

/**
 * The error response a broker would send for a request: built by kafka-clients' own request classes
 * ({@code AbstractRequest.getErrorResponse}), which know, for every API key and version, where the
 * error codes go (top level, per topic, per partition) and which fields carry a message.
 *
 * <p>Only on the failure path: the request is re-serialised once to reach those classes.
 */
public final class ErrorResponses {

    private ErrorResponses() {}

    /**
     * The response to {@code request} failed with {@code error}.
     *
     * @throws IllegalArgumentException for {@link Errors#NONE}, which is not an error
     */
    public static KafkaResponse of(KafkaRequest request, Errors error, @Nullable String message) {
        if (error == Errors.NONE) {
            throw new IllegalArgumentException("Errors.NONE is not an error; answer with respond(...) instead");
        }
        short version = request.apiVersion();
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(request.body(), version);
        AbstractRequest parsed = AbstractRequest.parseRequest(request.apiKey(), version, bytes).request;
        ApiMessage body = parsed.getErrorResponse(0, error.exception(message)).data();
        return KafkaResponse.of(request.apiKey(), version, body);
    }
}
