package dev.sluice.gateway.internal.intercept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.intercept.Api;
import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.AbstractResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ErrorResponses} over every API key clients send to brokers, at every version kafka-clients
 * knows (unstable ones included), for the errors the runtime itself answers with and a policy error.
 * Readable spot checks of single APIs are in {@link ErrorResponsesPlacementTest}.
 */
class ErrorResponsesTest {

    private static final List<Errors> ERRORS =
            List.of(Errors.POLICY_VIOLATION, Errors.UNKNOWN_SERVER_ERROR, Errors.REQUEST_TIMED_OUT);

    /** Versions whose response has no error code at all for a request-level error. */
    private static final Map<ApiKeys, Set<Short>> NO_ERROR_CODE = Map.of(ApiKeys.DESCRIBE_LOG_DIRS, Set.of((short) 1, (short) 2));

    static Stream<Arguments> everyBrokerApiAndVersion() {
        return ApiKeys.brokerApis().stream().flatMap(key -> versions(key).mapToObj(v -> Arguments.of(key, (short) v)));
    }

    static Stream<Arguments> everyBrokerApiVersionAndError() {
        return everyBrokerApiAndVersion().flatMap(args -> ERRORS.stream().map(error -> Arguments.of(args.get()[0],
                args.get()[1], error)));
    }

    static Stream<Arguments> everyBrokerApiVersionWithATopLevelErrorCode() {
        return everyBrokerApiAndVersion().filter(args -> ((ApiKeys) args.get()[0]).messageType
                .responseSchemas()[(short) args.get()[1]].get("error_code") != null);
    }

    private static IntStream versions(ApiKeys key) {
        return IntStream.rangeClosed(key.oldestVersion(), key.latestVersion(true));
    }

    @ParameterizedTest(name = "{0} v{1} {2}")
    @MethodSource("everyBrokerApiVersionAndError")
    void populatedRequestGetsTheErrorInEveryErrorCodeOfItsResponse(ApiKeys key, short version, Errors error) {
        KafkaRequest request = KafkaRequest.of(key, version, "client", PopulatedRequests.of(key, version));

        KafkaResponse response = ErrorResponses.of(request, error, "msg");

        assertThat(response.apiKey()).isEqualTo(key);
        assertThat(response.apiVersion()).isEqualTo(version);
        assertThat(readBack(response)).isEqualTo(response.body());
        Map<String, Object> fields = ErrorFields.of(response);
        List<Object> codes = fields.entrySet().stream().filter(e -> e.getKey().endsWith("error_code"))
                .map(Map.Entry::getValue).toList();
        if (NO_ERROR_CODE.getOrDefault(key, Set.of()).contains(version)) {
            assertThat(codes).isEmpty();
            return;
        }
        assertThat(codes).as("error codes of %s", fields).isNotEmpty().containsOnly(error.code());
        assertThat(errorCounts(response)).containsKey(error);
        fields.forEach((path, value) -> {
            if (path.endsWith("error_message") && fields.containsKey(ErrorFields.codePathOf(path))) {
                assertThat(value).as(path).isEqualTo("msg");
            }
        });
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyBrokerApiAndVersion")
    void defaultRequestGetsAnEncodableResponseWithTheTopLevelErrorWhereTheVersionHasOne(ApiKeys key, short version) {
        KafkaRequest request = KafkaRequest.of(key, version, null, key.messageType.newRequest());

        KafkaResponse response = ErrorResponses.of(request, Errors.POLICY_VIOLATION, "msg");

        assertThat(response.apiKey()).isEqualTo(key);
        assertThat(response.apiVersion()).isEqualTo(version);
        assertThat(readBack(response)).isEqualTo(response.body());
        Map<String, Object> fields = ErrorFields.of(response);
        if (fields.containsKey("/error_code")) {
            assertThat(fields.get("/error_code")).isEqualTo(Errors.POLICY_VIOLATION.code());
        }
        if (fields.containsKey("/error_message")) {
            assertThat(fields.get("/error_message")).isEqualTo("msg");
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyBrokerApiVersionWithATopLevelErrorCode")
    void fallbackCarriesTheErrorAtTheTopLevelOfEveryVersionThatHasOne(ApiKeys key, short version) {
        ApiMessage body = ErrorResponses.topLevelOnly(key, version, Errors.REQUEST_TIMED_OUT,
                new IllegalArgumentException("test"));

        KafkaResponse response = KafkaResponse.of(key, version, body);
        assertThat(ErrorFields.of(response)).containsEntry("/error_code", Errors.REQUEST_TIMED_OUT.code());
        assertThat(readBack(response)).isEqualTo(body);
    }

    @Test
    void errorsNoneIsRejected() {
        KafkaRequest request = KafkaRequest.of(Api.PRODUCE, (short) 11, new ProduceRequestData());

        assertThatThrownBy(() -> ErrorResponses.of(request, Errors.NONE, "msg"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Errors.NONE is not an error");
    }

    @Test
    void requestThatCannotBeEncodedAtItsVersionGetsTheTopLevelErrorWhenTheVersionHasOne() {
        // group_instance_id arrived in v5: a v0 body that sets it cannot be encoded for kafka-clients to parse.
        JoinGroupRequestData join = new JoinGroupRequestData().setGroupId("g").setGroupInstanceId("static-1");
        KafkaRequest request = KafkaRequest.of(Api.JOIN_GROUP, (short) 0, join);

        KafkaResponse response = ErrorResponses.of(request, Errors.POLICY_VIOLATION, "msg");

        assertThat(response.body(Api.JOIN_GROUP).errorCode()).isEqualTo(Errors.POLICY_VIOLATION.code());
        assertThat(readBack(response)).isEqualTo(response.body());
    }

    @Test
    void requestThatCannotBeEncodedAtItsVersionAndHasNoTopLevelErrorCodeIsAnIllegalStateNamingApiAndVersion() {
        // group_instance_id arrived in v7; OffsetCommit answers per partition only.
        OffsetCommitRequestData commit = new OffsetCommitRequestData().setGroupId("g").setGroupInstanceId("static-1");
        KafkaRequest request = KafkaRequest.of(Api.OFFSET_COMMIT, (short) 2, commit);

        assertThatThrownBy(() -> ErrorResponses.of(request, Errors.POLICY_VIOLATION, "msg"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("OffsetCommit v2 has no top-level error code")
                .hasMessageContaining("groupInstanceId");
    }

    private static ApiMessage readBack(KafkaResponse response) {
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(response.body(), response.apiVersion());
        ApiMessage copy = response.apiKey().messageType.newResponse();
        copy.read(bytes, response.apiVersion());
        return copy;
    }

    static Map<Errors, Integer> errorCounts(KafkaResponse response) {
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(response.body(), response.apiVersion());
        return AbstractResponse.parseResponse(response.apiKey(), bytes, response.apiVersion()).errorCounts();
    }
}
