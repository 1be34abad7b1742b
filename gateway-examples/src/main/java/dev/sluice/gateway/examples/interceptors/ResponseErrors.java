package dev.sluice.gateway.examples.interceptors;

import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.CreateTopicsResponse;
import org.apache.kafka.common.requests.DeleteTopicsResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ListOffsetsResponse;
import org.apache.kafka.common.requests.MetadataResponse;
import org.apache.kafka.common.requests.OffsetCommitResponse;
import org.apache.kafka.common.requests.OffsetFetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;

/**
 * The error codes in a response, counted, {@code NONE} left out.
 *
 * <p>Counting is kafka-clients' own ({@code AbstractResponse.errorCounts()}), which knows for every
 * API and version where error codes sit. The common APIs are wrapped directly around the decoded
 * body; any other is re-encoded once and parsed, which costs a copy of the response: acceptable
 * for the admin and coordination APIs this falls back to, and never done for Produce and Fetch.
 */
final class ResponseErrors {

    private static final Map<ApiKeys, BiFunction<ApiMessage, Short, AbstractResponse>> WRAPPERS =
            new EnumMap<>(ApiKeys.class);

    static {
        WRAPPERS.put(ApiKeys.PRODUCE, (body, version) -> new ProduceResponse((ProduceResponseData) body));
        WRAPPERS.put(ApiKeys.FETCH, (body, version) -> FetchResponse.of((FetchResponseData) body));
        WRAPPERS.put(ApiKeys.METADATA, (body, version) -> new MetadataResponse((MetadataResponseData) body, version));
        WRAPPERS.put(ApiKeys.CREATE_TOPICS,
                (body, version) -> new CreateTopicsResponse((CreateTopicsResponseData) body));
        WRAPPERS.put(ApiKeys.DELETE_TOPICS,
                (body, version) -> new DeleteTopicsResponse((DeleteTopicsResponseData) body));
        WRAPPERS.put(ApiKeys.OFFSET_COMMIT,
                (body, version) -> new OffsetCommitResponse((OffsetCommitResponseData) body));
        WRAPPERS.put(ApiKeys.OFFSET_FETCH,
                (body, version) -> new OffsetFetchResponse((OffsetFetchResponseData) body, version));
        WRAPPERS.put(ApiKeys.LIST_OFFSETS, (body, version) -> new ListOffsetsResponse((ListOffsetsResponseData) body));
    }

    private ResponseErrors() {}

    static Map<Errors, Integer> count(KafkaResponse response) {
        BiFunction<ApiMessage, Short, AbstractResponse> wrapper = WRAPPERS.get(response.apiKey());
        short version = response.apiVersion();
        AbstractResponse parsed = wrapper != null
                ? wrapper.apply(response.body(), version)
                : AbstractResponse.parseResponse(response.apiKey(),
                        MessageUtil.toByteBufferAccessor(response.body(), version), version);
        Map<Errors, Integer> counts = new EnumMap<>(Errors.class);
        parsed.errorCounts().forEach((error, count) -> {
            if (error != Errors.NONE && count > 0) {
                counts.put(error, count);
            }
        });
        return counts;
    }
}
