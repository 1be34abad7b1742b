package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.KafkaRequest;
import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.Struct;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.jspecify.annotations.Nullable;

/**
 * The error response a broker would send for a request, for any API key and version.
 *
 * <h2>How it is built</h2>
 * <ol>
 *   <li>kafka-clients' own request classes ({@code AbstractRequest.parseRequest(...).getErrorResponse})
 *       know, per API key and version, where error codes go: at the top level, per topic, per
 *       partition, per group. The request is re-encoded once to reach them.
 *   <li>They fill {@code error_message} fields unevenly: the given message, the error's generic text,
 *       or nothing. Every {@code *error_message} next to an {@code *error_code} that carries the error
 *       is then set to {@code message}, when kafka-clients left it empty or generic. This walks the
 *       response's protocol schema, so it needs no code per API.
 *   <li>A Produce request with {@code acks=0} gets the response a broker would send with {@code
 *       acks=1}: a broker sends none, and closes the connection on error; the runtime needs the
 *       per-partition errors to do the same. It must not write this response to the client. Null
 *       record sets (which kafka-clients cannot size) count as empty.
 *   <li>When kafka-clients cannot build the response (the body cannot be encoded at its version, or
 *       its request class rejects it, as DescribeAcls does with {@code UNKNOWN} filter values), the
 *       API's empty response is used with its top-level {@code error_code} (and {@code
 *       error_message}) set, if the version has one.
 * </ol>
 *
 * <p>The body returned is decoded from the response's encoding at the request's version: what the
 * client will read, without the fields the version lacks (such as Produce's {@code error_message}
 * before v8).
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>A response can only carry the error where the request gave it room: Produce, ListOffsets,
 *       OffsetCommit, CreateTopics and the like have no top-level error code, so a request naming no
 *       topic gets an empty response, as from a broker; so does Metadata v0–12 for all topics.
 *       DescribeLogDirs v1–2 has no error code at all: its error response is an empty list of log
 *       directories.
 *   <li>Only on the failure path: it costs an encode and a decode of the request, and two of the
 *       response.
 * </ul>
 *
 * <p>Stateless and thread-safe.
 */
public final class ErrorResponses {

    private static final String ERROR_CODE = "error_code";
    private static final String ERROR_MESSAGE = "error_message";

    private ErrorResponses() {}

    /**
     * The response to {@code request} failed with {@code error}, with {@code message} (when not
     * {@code null}) wherever the response carries an error message for it.
     *
     * @throws IllegalArgumentException for {@link Errors#NONE}, which is not an error
     * @throws IllegalStateException when kafka-clients cannot build the response of this request
     *     (its body cannot be encoded at its version) and the version has no top-level error code
     */
    public static KafkaResponse of(KafkaRequest request, Errors error, @Nullable String message) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(error, "error");
        if (error == Errors.NONE) {
            throw new IllegalArgumentException("Errors.NONE is not an error; answer with respond(...) instead");
        }
        ApiKeys key = request.apiKey();
        short version = request.apiVersion();
        ApiMessage body;
        try {
            body = fromRequestClasses(request, error, message);
        } catch (RuntimeException e) {
            body = topLevelOnly(key, version, error, e);
        }
        return KafkaResponse.of(key, version, asEncoded(body, key, version, error, message));
    }

    private static ApiMessage fromRequestClasses(KafkaRequest request, Errors error, @Nullable String message) {
        short version = request.apiVersion();
        ByteBufferAccessor bytes = MessageUtil.toByteBufferAccessor(request.body(), version);
        AbstractRequest parsed = AbstractRequest.parseRequest(request.apiKey(), version, bytes).request;
        if (parsed instanceof ProduceRequest produce) {
            parsed = answerable(produce, version);
        }
        AbstractResponse response = parsed.getErrorResponse(0, error.exception(message));
        if (response == null) {
            throw new IllegalStateException("kafka-clients has no error response for " + request);
        }
        return response.data();
    }

    /**
     * A Produce request kafka-clients can answer: {@code acks=1} for {@code acks=0} (for which it
     * answers null, as a broker sends nothing) and empty record sets for null ones (which it cannot
     * size). {@code produce} is our own decoded copy, free to change.
     */
    private static ProduceRequest answerable(ProduceRequest produce, short version) {
        ProduceRequestData data = produce.data();
        if (data.acks() == 0) {
            data.setAcks((short) 1);
        }
        for (ProduceRequestData.TopicProduceData topic : data.topicData()) {
            for (ProduceRequestData.PartitionProduceData partition : topic.partitionData()) {
                if (partition.records() == null) {
                    partition.setRecords(MemoryRecords.EMPTY);
                }
            }
        }
        return new ProduceRequest(data, version);
    }

    /** The API's empty response with the top-level error code set; package-private for tests. */
    static ApiMessage topLevelOnly(ApiKeys key, short version, Errors error, RuntimeException cause) {
        Schema schema = key.messageType.responseSchemas()[version];
        if (schema.get(ERROR_CODE) == null) {
            throw new IllegalStateException(key.name + " v" + version + " has no top-level error code, and kafka-clients"
                    + " cannot build the error response of this request: " + cause, cause);
        }
        Struct struct = schema.read(MessageUtil.toByteBufferAccessor(key.messageType.newResponse(), version).buffer());
        struct.set(ERROR_CODE, error.code());
        return toMessage(key, version, schema, struct);
    }

    /**
     * {@code body} as the client reads it at {@code version} (fields the version lacks dropped), with
     * {@code message} filled in where kafka-clients left it out.
     */
    private static ApiMessage asEncoded(ApiMessage body, ApiKeys key, short version, Errors error,
            @Nullable String message) {
        Schema schema = key.messageType.responseSchemas()[version];
        Struct struct = schema.read(MessageUtil.toByteBufferAccessor(body, version).buffer());
        if (message != null) {
            fillMessages(struct, error, message);
        }
        return toMessage(key, version, schema, struct);
    }

    /**
     * Sets each {@code X_error_message} whose {@code X_error_code} carries {@code error} and that
     * kafka-clients left null, empty or generic, in {@code struct} and every struct below it.
     */
    private static void fillMessages(Struct struct, Errors error, String message) {
        boolean changed = false;
        for (BoundField field : struct.schema().fields()) {
            String name = field.def.name;
            Object value = struct.get(field);
            if (name.endsWith(ERROR_MESSAGE)) {
                BoundField code = struct.schema().get(name.substring(0, name.length() - ERROR_MESSAGE.length())
                        + ERROR_CODE);
                if (code != null && struct.get(code) instanceof Short carried && carried == error.code()
                        && (value == null || "".equals(value) || value.equals(error.message()))) {
                    struct.set(field, message);
                }
            } else {
                fillMessagesBelow(value, error, message);
            }
        }
    }

    private static void fillMessagesBelow(@Nullable Object value, Errors error, String message) {
        if (value instanceof Struct nested) {
            fillMessages(nested, error, message);
        } else if (value instanceof Object[] elements) {
            for (Object element : elements) {
                fillMessagesBelow(element, error, message);
            }
        } else if (value instanceof Map<?, ?> taggedFields) {
            for (Object tagged : taggedFields.values()) {
                fillMessagesBelow(tagged, error, message);
            }
        }
    }

    private static ApiMessage toMessage(ApiKeys key, short version, Schema schema, Struct struct) {
        ByteBuffer buffer = ByteBuffer.allocate(schema.sizeOf(struct));
        schema.write(buffer, struct);
        ApiMessage message = key.messageType.newResponse();
        message.read(new ByteBufferAccessor(buffer.flip()), version);
        return message;
    }
}
