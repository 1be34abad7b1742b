package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.TaggedFields;
import org.apache.kafka.common.protocol.types.Type;

/**
 * Walks the structure of a Kafka message without decoding it, to find where a top-level field
 * starts. Compiled once from a kafka-clients {@link Schema}; walking allocates nothing and skips
 * strings, byte arrays and record sets by their declared length, so finding the tagged fields at the
 * end of a Fetch response costs a loop over its partitions, not over its records.
 *
 * <p>Every declared length and count is checked against the bytes that remain before it is used;
 * a frame that lies about its structure fails with {@link CorruptFrameException}.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class StructureWalker {

    private final Node[] fields;
    private final String[] names;
    private final Struct body;
    private final Struct headerTagsAndBody;

    private StructureWalker(Node[] fields, String[] names) {
        this.fields = fields;
        this.names = names;
        this.body = new Struct(fields);
        Node[] withTags = new Node[fields.length + 1];
        withTags[0] = Tagged.INSTANCE;
        System.arraycopy(fields, 0, withTags, 1, fields.length);
        this.headerTagsAndBody = new Struct(withTags);
    }

    /** Compiles a walker for messages of the given schema (one API key at one version). */
    public static StructureWalker of(Schema schema) {
        BoundField[] bound = schema.fields();
        Node[] nodes = new Node[bound.length];
        String[] names = new String[bound.length];
        Map<Type, Node> cache = new IdentityHashMap<>();
        for (int i = 0; i < bound.length; i++) {
            nodes[i] = compile(bound[i].def.type, cache);
            names[i] = bound[i].def.name;
        }
        return new StructureWalker(nodes, names);
    }

    /** The index of the top-level field with this name, or -1. */
    public int fieldIndex(String name) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the top-level tagged fields section, or -1 for a non-flexible version. */
    public int taggedFieldsIndex() {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] instanceof Tagged) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Returns the absolute index in {@code buf} at which top-level field {@code fieldIndex} starts,
     * for a message body that starts at {@code bodyStart} and ends at {@code limit}.
     */
    public int offsetOf(ByteBuf buf, int bodyStart, int limit, int fieldIndex) {
        int index = bodyStart;
        for (int i = 0; i < fieldIndex; i++) {
            index = fields[i].skip(buf, index, limit);
        }
        return index;
    }

    /** Skips top-level field {@code fieldIndex} that starts at {@code index}; returns the index after it. */
    public int skipField(ByteBuf buf, int index, int limit, int fieldIndex) {
        return fields[fieldIndex].skip(buf, index, limit);
    }

    /** Returns the index just past the whole message, checking that it fits within {@code limit}. */
    public int skipAll(ByteBuf buf, int bodyStart, int limit) {
        return offsetOf(buf, bodyStart, limit, fields.length);
    }

    /**
     * A walk over a response frame that arrives in pieces, which stops where top-level field
     * {@code stopField} starts.
     *
     * @param frameLength the whole frame's length, size prefix included
     * @param flexibleHeader whether the response header carries tagged fields (header version 1)
     * @param stopField a top-level field index; {@link #fieldCount()} walks to the end of the body
     */
    public StructureCursor cursor(int frameLength, boolean flexibleHeader, int stopField) {
        if (stopField < 0 || stopField > fields.length) {
            throw new IllegalArgumentException("no top-level field " + stopField);
        }
        return flexibleHeader
                ? new StructureCursor(headerTagsAndBody, stopField + 1, frameLength)
                : new StructureCursor(body, stopField, frameLength);
    }

    /** The number of top-level fields, the tagged-fields section included. */
    public int fieldCount() {
        return fields.length;
    }

    /** Skips one tagged-fields section at {@code index}; returns the index after it. */
    public static int skipTaggedFields(ByteBuf buf, int index, int limit) {
        return Tagged.INSTANCE.skip(buf, index, limit);
    }

    private static Node compile(Type type, Map<Type, Node> cache) {
        Node cached = cache.get(type);
        if (cached != null) {
            return cached;
        }
        Node node;
        if (type instanceof Schema schema) {
            BoundField[] bound = schema.fields();
            Node[] children = new Node[bound.length];
            for (int i = 0; i < bound.length; i++) {
                children[i] = compile(bound[i].def.type, cache);
            }
            node = new Struct(children);
            if (type.isNullable()) {
                // NullableSchema: an int8 marker (-1 null, 1 present) before the struct.
                node = new NullableStruct(node);
            }
        } else if (type instanceof TaggedFields) {
            node = Tagged.INSTANCE;
        } else if (type instanceof CompactArrayOf || type instanceof ArrayOf) {
            Type element = type.arrayElementType().orElseThrow();
            node = new Array(compile(element, cache), type instanceof CompactArrayOf);
        } else {
            node = primitive(type);
        }
        cache.put(type, node);
        return node;
    }

    private static Node primitive(Type type) {
        if (type == Type.BOOLEAN || type == Type.INT8) {
            return Fixed.ONE;
        } else if (type == Type.INT16 || type == Type.UINT16) {
            return Fixed.TWO;
        } else if (type == Type.INT32 || type == Type.UNSIGNED_INT32) {
            return Fixed.FOUR;
        } else if (type == Type.INT64 || type == Type.FLOAT64) {
            return Fixed.EIGHT;
        } else if (type == Type.UUID) {
            return Fixed.SIXTEEN;
        } else if (type == Type.VARINT || type == Type.VARLONG) {
            return VarNumber.INSTANCE;
        } else if (type == Type.STRING || type == Type.NULLABLE_STRING) {
            return ShortLengthBytes.INSTANCE;
        } else if (type == Type.BYTES || type == Type.NULLABLE_BYTES
                || type == Type.RECORDS || type == Type.NULLABLE_RECORDS) {
            return IntLengthBytes.INSTANCE;
        } else if (type == Type.COMPACT_STRING || type == Type.COMPACT_NULLABLE_STRING
                || type == Type.COMPACT_BYTES || type == Type.COMPACT_NULLABLE_BYTES
                || type == Type.COMPACT_RECORDS || type == Type.COMPACT_NULLABLE_RECORDS) {
            return CompactLengthBytes.INSTANCE;
        }
        throw new IllegalArgumentException("no structure walker for protocol type " + type);
    }

    private static int advance(int index, long length, int limit) {
        if (length < 0 || index + length > limit) {
            throw new CorruptFrameException("declared length " + length + " exceeds the "
                    + (limit - index) + " bytes that remain");
        }
        return (int) (index + length);
    }

    /** A compiled protocol type: skips one value of it. Shared with {@link StructureCursor}. */
    interface Node {
        int skip(ByteBuf buf, int index, int limit);
    }

    enum Fixed implements Node {
        ONE(1), TWO(2), FOUR(4), EIGHT(8), SIXTEEN(16);

        final int width;

        Fixed(int width) {
            this.width = width;
        }

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            return advance(index, width, limit);
        }
    }

    enum VarNumber implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            return Varints.skipVarlong(buf, index, limit);
        }
    }

    enum ShortLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 2, limit);
            short length = buf.getShort(index);
            return length == -1 ? start : advance(start, length, limit);
        }
    }

    enum IntLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 4, limit);
            int length = buf.getInt(index);
            return length == -1 ? start : advance(start, length, limit);
        }
    }

    enum CompactLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            long packed = Varints.getUnsignedVarint(buf, index, limit);
            int start = index + Varints.length(packed);
            long lengthPlusOne = Integer.toUnsignedLong(Varints.value(packed));
            return lengthPlusOne == 0 ? start : advance(start, lengthPlusOne - 1, limit);
        }
    }

    enum Tagged implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            long packed = Varints.getUnsignedVarint(buf, index, limit);
            int i = index + Varints.length(packed);
            int count = Varints.value(packed);
            if (count < 0 || count > limit - i) {
                throw new CorruptFrameException("declared " + Integer.toUnsignedString(count)
                        + " tagged fields in " + (limit - i) + " bytes");
            }
            for (int n = 0; n < count; n++) {
                long tag = Varints.getUnsignedVarint(buf, i, limit);
                i += Varints.length(tag);
                long size = Varints.getUnsignedVarint(buf, i, limit);
                i += Varints.length(size);
                i = advance(i, Integer.toUnsignedLong(Varints.value(size)), limit);
            }
            return i;
        }
    }

    record Struct(Node[] children) implements Node {
        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int i = index;
            for (Node child : children) {
                i = child.skip(buf, i, limit);
            }
            return i;
        }
    }

    record NullableStruct(Node struct) implements Node {
        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 1, limit);
            return buf.getByte(index) < 0 ? start : struct.skip(buf, start, limit);
        }
    }

    record Array(Node element, boolean compact) implements Node {
        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int i;
            long count;
            if (compact) {
                long packed = Varints.getUnsignedVarint(buf, index, limit);
                i = index + Varints.length(packed);
                count = Integer.toUnsignedLong(Varints.value(packed)) - 1;
            } else {
                i = advance(index, 4, limit);
                count = buf.getInt(index);
            }
            if (count < 0) {
                return i; // null array
            }
            // Every element occupies at least one byte: a larger count is a lie.
            if (count > limit - i) {
                throw new CorruptFrameException("declared " + count + " array elements in "
                        + (limit - i) + " bytes");
            }
            for (long n = 0; n < count; n++) {
                i = element.skip(buf, i, limit);
            }
            return i;
        }
    }
}
