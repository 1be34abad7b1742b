package dev.sluice.gateway.testkit.intercept;

import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.Struct;

/**
 * Counts the error codes of a response as the client reads it: every {@code *error_code} field at any
 * depth (top level, topic, partition, group...), read through the response's protocol schema at its
 * version, so that no API needs code of its own.
 */
final class ErrorCodes {

    private ErrorCodes() {}

    static Map<Errors, Integer> count(KafkaResponse response) {
        short version = response.apiVersion();
        Struct struct = response.apiKey().messageType.responseSchemas()[version]
                .read(Wire.encode(response.body(), response.apiKey(), version, "response").buffer());
        Map<Errors, Integer> counts = new EnumMap<>(Errors.class);
        count(struct, counts);
        return counts;
    }

    private static void count(Object value, Map<Errors, Integer> counts) {
        if (value instanceof Struct struct) {
            for (BoundField field : struct.schema().fields()) {
                Object fieldValue = struct.get(field);
                if (field.def.name.endsWith("error_code") && fieldValue instanceof Short code) {
                    counts.merge(Errors.forCode(code), 1, Integer::sum);
                } else if (fieldValue != null) {
                    count(fieldValue, counts);
                }
            }
        } else if (value instanceof Object[] elements) {
            for (Object element : elements) {
                count(element, counts);
            }
        } else if (value instanceof Map<?, ?> taggedFields) {
            for (Object tagged : taggedFields.values()) {
                count(tagged, counts);
            }
        }
    }
}
