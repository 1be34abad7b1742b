package dev.sluice.gateway.internal.intercept;

import dev.sluice.gateway.api.intercept.KafkaResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.Struct;

/**
 * The error fields of an encoded response, by path: every {@code *error_code} and {@code
 * *error_message} at any depth, read through the response's protocol schema, e.g. {@code
 * /responses[0]/partition_responses[0]/error_code -> 44}.
 */
final class ErrorFields {

    private ErrorFields() {}

    /** The error fields of {@code response}, encoded at its version; values may be null. */
    static Map<String, Object> of(KafkaResponse response) {
        short version = response.apiVersion();
        Struct struct = response.apiKey().messageType.responseSchemas()[version]
                .read(MessageUtil.toByteBufferAccessor(response.body(), version).buffer());
        Map<String, Object> fields = new LinkedHashMap<>();
        collect(struct, "", fields);
        return fields;
    }

    /** The error code field next to the error message field at {@code messagePath}. */
    static String codePathOf(String messagePath) {
        return messagePath.substring(0, messagePath.length() - "message".length()) + "code";
    }

    private static void collect(Object value, String path, Map<String, Object> fields) {
        if (value instanceof Struct struct) {
            for (BoundField field : struct.schema().fields()) {
                String name = field.def.name;
                Object fieldValue = struct.get(field);
                if (name.endsWith("error_code") || name.endsWith("error_message")) {
                    fields.put(path + "/" + name, fieldValue);
                } else if (fieldValue != null) {
                    collect(fieldValue, path + "/" + name, fields);
                }
            }
        } else if (value instanceof Object[] elements) {
            for (int i = 0; i < elements.length; i++) {
                collect(elements[i], path + "[" + i + "]", fields);
            }
        } else if (value instanceof Map<?, ?> tagged) {
            tagged.forEach((tag, taggedValue) -> collect(taggedValue, path + "{" + tag + "}", fields));
        }
    }
}
