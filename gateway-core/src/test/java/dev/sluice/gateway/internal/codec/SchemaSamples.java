package dev.sluice.gateway.internal.codec;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.NavigableMap;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.Field;
import org.apache.kafka.common.protocol.types.NullableSchema;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.Struct;
import org.apache.kafka.common.protocol.types.TaggedFields;
import org.apache.kafka.common.protocol.types.Type;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * Random but valid values for any kafka-clients {@link Schema}, serialised by kafka-clients' own
 * {@code Schema.write}: populated messages of every API and version without hand-writing any of
 * them. Arrays get a few elements (or null, where nullable), nullable values are null about one
 * time in three, every known tagged field is present, and every tagged-field section also carries
 * an unknown tag.
 */
final class SchemaSamples {

    private static final int UNKNOWN_TAG = 1_000;

    private final Random random;

    SchemaSamples(long seed) {
        this.random = new Random(seed);
    }

    /** A serialised sample of {@code schema}, ready to read (position 0). */
    ByteBuffer serialize(Schema schema) {
        Object value = sample(schema);
        ByteBuffer buffer = ByteBuffer.allocate(schema.sizeOf(value));
        schema.write(buffer, value);
        if (buffer.hasRemaining()) {
            throw new AssertionError("sizeOf and write disagree for " + schema);
        }
        return buffer.flip();
    }

    private Object sample(Type type) {
        if (type instanceof NullableSchema schema) {
            return nullNow() ? null : struct(schema);
        } else if (type instanceof Schema schema) {
            return struct(schema);
        } else if (type instanceof TaggedFields tagged) {
            NavigableMap<Integer, Object> values = new TreeMap<>();
            for (var entry : tagged.fields().entrySet()) {
                Field field = entry.getValue();
                values.put(entry.getKey(), sample(field.type));
            }
            byte[] unknown = new byte[random.nextInt(4)];
            random.nextBytes(unknown);
            values.put(UNKNOWN_TAG, new RawTaggedField(UNKNOWN_TAG, unknown));
            return values;
        } else if (type instanceof ArrayOf || type instanceof CompactArrayOf) {
            if (type.isNullable() && nullNow()) {
                return null;
            }
            Type element = type.arrayElementType().orElseThrow();
            Object[] elements = new Object[random.nextInt(4)];
            for (int i = 0; i < elements.length; i++) {
                elements[i] = sample(element);
            }
            return elements;
        }
        return primitive(type);
    }

    private Struct struct(Schema schema) {
        Struct struct = new Struct(schema);
        for (BoundField field : schema.fields()) {
            struct.set(field, sample(field.def.type));
        }
        return struct;
    }

    private Object primitive(Type type) {
        if (type.isNullable() && nullNow()) {
            return null;
        }
        if (type == Type.BOOLEAN) {
            return random.nextBoolean();
        } else if (type == Type.INT8) {
            return (byte) random.nextInt();
        } else if (type == Type.INT16) {
            return (short) random.nextInt();
        } else if (type == Type.UINT16) {
            return random.nextInt(65_536);
        } else if (type == Type.INT32) {
            return random.nextInt();
        } else if (type == Type.UNSIGNED_INT32) {
            return random.nextLong() & 0xFFFFFFFFL;
        } else if (type == Type.INT64) {
            return random.nextLong();
        } else if (type == Type.FLOAT64) {
            return random.nextDouble();
        } else if (type == Type.UUID) {
            return new Uuid(random.nextLong(), random.nextLong());
        } else if (type == Type.VARINT) {
            return random.nextInt();
        } else if (type == Type.VARLONG) {
            return random.nextLong();
        } else if (type == Type.STRING || type == Type.NULLABLE_STRING
                || type == Type.COMPACT_STRING || type == Type.COMPACT_NULLABLE_STRING) {
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(3) == 0 ? 130 + random.nextInt(200) : random.nextInt(12);
            for (int i = 0; i < length; i++) {
                s.append(i % 17 == 3 ? 'é' : (char) ('a' + random.nextInt(26)));
            }
            return s.toString();
        } else if (type == Type.BYTES || type == Type.NULLABLE_BYTES
                || type == Type.COMPACT_BYTES || type == Type.COMPACT_NULLABLE_BYTES) {
            byte[] bytes = new byte[random.nextInt(3) == 0 ? 200 : random.nextInt(8)];
            random.nextBytes(bytes);
            return ByteBuffer.wrap(bytes);
        } else if (type == Type.RECORDS || type == Type.NULLABLE_RECORDS
                || type == Type.COMPACT_RECORDS || type == Type.COMPACT_NULLABLE_RECORDS) {
            SimpleRecord[] records = new SimpleRecord[1 + random.nextInt(5)];
            for (int i = 0; i < records.length; i++) {
                byte[] value = new byte[random.nextInt(300)];
                random.nextBytes(value);
                records[i] = new SimpleRecord(("key-" + i).getBytes(StandardCharsets.UTF_8), value);
            }
            return MemoryRecords.withRecords(Compression.NONE, records);
        }
        throw new IllegalArgumentException("no sample for protocol type " + type);
    }

    private boolean nullNow() {
        return random.nextInt(3) == 0;
    }
}
