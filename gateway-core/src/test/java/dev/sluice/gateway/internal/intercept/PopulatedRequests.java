package dev.sluice.gateway.internal.intercept;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.NullableSchema;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.Struct;
import org.apache.kafka.common.protocol.types.TaggedFields;
import org.apache.kafka.common.protocol.types.Type;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Requests of any API key and version with one of everything: every array holds one element, every
 * nullable value and every known tagged field is present, numbers are 1 (so Produce has {@code
 * acks=1} and ACL filters say {@code ANY}), strings are {@code "x"} and record sets hold one record.
 * Built from the request's protocol schema, so that an error response has a topic, a partition, a
 * group... to put its error codes in, without hand-writing a request per API.
 */
final class PopulatedRequests {

    private PopulatedRequests() {}

    /** A populated request body of {@code key} at {@code version}, decoded by its message class. */
    static ApiMessage of(ApiKeys key, short version) {
        Schema schema = key.messageType.requestSchemas()[version];
        Struct struct = struct(schema);
        ByteBuffer buffer = ByteBuffer.allocate(schema.sizeOf(struct));
        schema.write(buffer, struct);
        ApiMessage body = key.messageType.newRequest();
        body.read(new ByteBufferAccessor(buffer.flip()), version);
        return body;
    }

    private static Struct struct(Schema schema) {
        Struct struct = new Struct(schema);
        for (BoundField field : schema.fields()) {
            struct.set(field, value(field.def.type));
        }
        return struct;
    }

    private static Object value(Type type) {
        if (type instanceof Schema schema) {
            return struct(schema);
        } else if (type instanceof NullableSchema schema) {
            return struct(schema);
        } else if (type instanceof TaggedFields tagged) {
            NavigableMap<Integer, Object> values = new TreeMap<>();
            tagged.fields().forEach((tag, field) -> values.put(tag, value(field.type)));
            return values;
        } else if (type instanceof ArrayOf || type instanceof CompactArrayOf) {
            return new Object[] {value(type.arrayElementType().orElseThrow())};
        }
        return primitive(type);
    }

    private static Object primitive(Type type) {
        if (type == Type.BOOLEAN) {
            return false;
        } else if (type == Type.INT8) {
            return (byte) 1;
        } else if (type == Type.INT16) {
            return (short) 1;
        } else if (type == Type.UINT16 || type == Type.INT32 || type == Type.VARINT) {
            return 1;
        } else if (type == Type.UNSIGNED_INT32 || type == Type.INT64 || type == Type.VARLONG) {
            return 1L;
        } else if (type == Type.FLOAT64) {
            return 1.0;
        } else if (type == Type.UUID) {
            return new Uuid(1, 1);
        } else if (type == Type.STRING || type == Type.NULLABLE_STRING
                || type == Type.COMPACT_STRING || type == Type.COMPACT_NULLABLE_STRING) {
            return "x";
        } else if (type == Type.BYTES || type == Type.NULLABLE_BYTES
                || type == Type.COMPACT_BYTES || type == Type.COMPACT_NULLABLE_BYTES) {
            return ByteBuffer.wrap(new byte[] {1});
        } else if (type == Type.RECORDS || type == Type.NULLABLE_RECORDS
                || type == Type.COMPACT_RECORDS || type == Type.COMPACT_NULLABLE_RECORDS) {
            return MemoryRecords.withRecords(Compression.NONE, new SimpleRecord("x".getBytes(StandardCharsets.UTF_8)));
        }
        throw new IllegalArgumentException("no value for protocol type " + type);
    }
}
