package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.kafka.common.protocol.types.ArrayOf;
import org.apache.kafka.common.protocol.types.BoundField;
import org.apache.kafka.common.protocol.types.CompactArrayOf;
import org.apache.kafka.common.protocol.types.Schema;
import org.apache.kafka.common.protocol.types.TaggedFields;
import org.apache.kafka.common.protocol.types.Type;
import org.jspecify.annotations.Nullable;

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
    public Cursor cursor(int frameLength, boolean flexibleHeader, int stopField) {
        if (stopField < 0 || stopField > fields.length) {
            throw new IllegalArgumentException("no top-level field " + stopField);
        }
        return flexibleHeader
                ? new Cursor(headerTagsAndBody, stopField + 1, frameLength)
                : new Cursor(body, stopField, frameLength);
    }

    /** The number of top-level fields, the tagged-fields section included. */
    public int fieldCount() {
        return fields.length;
    }

    /** Skips one tagged-fields section at {@code index}; returns the index after it. */
    public static int skipTaggedFields(ByteBuf buf, int index, int limit) {
        return Tagged.INSTANCE.skip(buf, index, limit);
    }

    /**
     * A structure walk that resumes where the bytes ran out: fed a response frame in the pieces the
     * network delivers, it tells where a top-level field starts without holding more than the few
     * bytes of one length or count that a piece boundary cut (at most {@link #MAX_CARRY}). Values
     * with a declared length, record sets above all, are stepped over by their length whether or not
     * their bytes have arrived, so the caller may pass bytes on as soon as it has shown them here.
     *
     * <p>Offsets are relative to the start of the frame (its size prefix at 0); the walk starts after
     * the correlation id. Every length and count is checked against the declared frame length, and a
     * frame whose structure is longer than its bytes fails with {@link CorruptFrameException} once its
     * last piece is in.
     *
     * <p>Not thread-safe; one per frame.
     */
    public static final class Cursor {

        /** The most bytes a piece boundary can leave unparsed: the widest fixed field, a UUID. */
        public static final int MAX_CARRY = 16;
        private static final int MORE = -1;

        private final int stopField;
        private final int frameLength;
        private Node[] nodes = new Node[8];
        private long[] counters = new long[8];
        private int depth;
        private int offset = Frames.MIN_RESPONSE_FRAME;
        private @Nullable Node pushNode;
        private long pushCounter;

        private Cursor(Struct root, int stopField, int frameLength) {
            this.stopField = stopField;
            this.frameLength = frameLength;
            nodes[0] = root;
            depth = 1;
        }

        /** The frame offset the walk has reached: of the stop field once {@link #advance} returned true. */
        public int offset() {
            return offset;
        }

        /**
         * Walks on over the frame bytes {@code [from, to)}, which {@code buf} holds from
         * {@code index} on. The bytes from {@link #offset()} on must be among them when the offset is
         * below {@code to}; a caller passes each piece once, preceded by the bytes {@link #offset()}
         * left unparsed at the end of the previous one.
         *
         * @return {@code true} once the stop field starts at {@link #offset()}; {@code false} when the
         *     walk needs the bytes after {@code to}
         * @throws CorruptFrameException when a length or count contradicts the frame, or the frame
         *     ends ({@code to} equal to the frame length) before its structure does
         */
        public boolean advance(ByteBuf buf, int index, int from, int to) {
            if (to > frameLength || (offset < to && offset < from)) {
                throw new IllegalArgumentException("bytes [" + from + ", " + to + ") do not continue offset "
                        + offset + " of a " + frameLength + "-byte frame");
            }
            boolean last = to == frameLength;
            int base = index - from;
            while (true) {
                int d = depth - 1;
                Node top = nodes[d];
                Node next;
                if (top instanceof Struct struct) {
                    int child = (int) counters[d];
                    if (d == 0 && child == stopField) {
                        return true;
                    }
                    if (child == struct.children.length) {
                        depth--;
                        continue;
                    }
                    next = struct.children[child];
                } else if (counters[d] == 0) {
                    depth--;
                    continue;
                } else {
                    next = top instanceof Array array ? array.element : TaggedField.INSTANCE;
                }
                if (offset >= to) {
                    if (last) {
                        throw new CorruptFrameException("the frame ends at byte " + frameLength
                                + " inside its own structure");
                    }
                    return false;
                }
                int after = step(next, buf, base, to, last);
                if (after == MORE) {
                    return false;
                }
                counters[d] += top instanceof Struct ? 1 : -1;
                offset = after;
                if (pushNode != null) {
                    push(pushNode, pushCounter);
                    pushNode = null;
                }
            }
        }

        private void push(Node node, long counter) {
            if (depth == nodes.length) {
                nodes = Arrays.copyOf(nodes, depth * 2);
                counters = Arrays.copyOf(counters, depth * 2);
            }
            nodes[depth] = node;
            counters[depth] = counter;
            depth++;
        }

        /** Reads the start of {@code node} at {@link #offset}: the offset after what it consumed, or {@link #MORE}. */
        private int step(Node node, ByteBuf buf, int base, int to, boolean last) {
            int at = base + offset;
            if (node instanceof Fixed fixed) {
                return need(fixed.width, to, last) ? offset + fixed.width : MORE;
            } else if (node == VarNumber.INSTANCE) {
                int end = varintEnd(buf, at, base + to, 10, last);
                return end == MORE ? MORE : end - base;
            } else if (node == ShortLengthBytes.INSTANCE) {
                if (!need(2, to, last)) {
                    return MORE;
                }
                short length = buf.getShort(at);
                return length == -1 ? offset + 2 : within(offset + 2, length);
            } else if (node == IntLengthBytes.INSTANCE) {
                if (!need(4, to, last)) {
                    return MORE;
                }
                int length = buf.getInt(at);
                return length == -1 ? offset + 4 : within(offset + 4, length);
            } else if (node == CompactLengthBytes.INSTANCE) {
                int end = varintEnd(buf, at, base + to, 5, last);
                if (end == MORE) {
                    return MORE;
                }
                long lengthPlusOne = Integer.toUnsignedLong(Varints.value(Varints.getUnsignedVarint(buf, at, end)));
                return lengthPlusOne == 0 ? end - base : within(end - base, lengthPlusOne - 1);
            } else if (node == Tagged.INSTANCE) {
                int end = varintEnd(buf, at, base + to, 5, last);
                if (end == MORE) {
                    return MORE;
                }
                int count = Varints.value(Varints.getUnsignedVarint(buf, at, end));
                enter(Tagged.INSTANCE, count, end - base, "tagged fields");
                return end - base;
            } else if (node == TaggedField.INSTANCE) {
                int tagEnd = varintEnd(buf, at, base + to, 5, last);
                int sizeEnd = tagEnd == MORE ? MORE : varintEnd(buf, tagEnd, base + to, 5, last);
                if (sizeEnd == MORE) {
                    return MORE;
                }
                long size = Integer.toUnsignedLong(Varints.value(Varints.getUnsignedVarint(buf, tagEnd, sizeEnd)));
                return within(sizeEnd - base, size);
            } else if (node instanceof Struct) {
                pushNode = node;
                pushCounter = 0;
                return offset;
            } else if (node instanceof NullableStruct nullable) {
                if (!need(1, to, last)) {
                    return MORE;
                }
                if (buf.getByte(at) >= 0) {
                    pushNode = nullable.struct;
                    pushCounter = 0;
                }
                return offset + 1;
            } else if (node instanceof Array array) {
                int after;
                long count;
                if (array.compact) {
                    int end = varintEnd(buf, at, base + to, 5, last);
                    if (end == MORE) {
                        return MORE;
                    }
                    after = end - base;
                    count = Integer.toUnsignedLong(Varints.value(Varints.getUnsignedVarint(buf, at, end))) - 1;
                } else {
                    if (!need(4, to, last)) {
                        return MORE;
                    }
                    after = offset + 4;
                    count = buf.getInt(at);
                }
                if (count >= 0) {
                    enter(array, count, after, "array elements");
                }
                return after;
            }
            throw new IllegalStateException("no resumable step for " + node);
        }

        private void enter(Node node, long count, int after, String what) {
            // Every element or field takes at least one byte.
            if (count < 0 || count > frameLength - after) {
                throw new CorruptFrameException("declared " + count + " " + what + " in "
                        + (frameLength - after) + " bytes");
            }
            pushNode = node;
            pushCounter = count;
        }

        private boolean need(int width, int to, boolean last) {
            if (to - offset >= width) {
                return true;
            }
            if (last) {
                throw new CorruptFrameException("the frame ends inside a " + width + "-byte field");
            }
            return false;
        }

        private int within(int start, long length) {
            if (length < 0 || start + length > frameLength) {
                throw new CorruptFrameException("declared length " + length + " exceeds the "
                        + (frameLength - start) + " bytes that remain");
            }
            return (int) (start + length);
        }

        /** The buffer index just past the varint at {@code at}, or {@link #MORE} if the bytes end inside it. */
        private static int varintEnd(ByteBuf buf, int at, int limit, int maxBytes, boolean last) {
            int available = Math.min(limit - at, maxBytes);
            for (int i = 0; i < available; i++) {
                if ((buf.getByte(at + i) & 0x80) == 0) {
                    return at + i + 1;
                }
            }
            if (available == maxBytes) {
                throw new CorruptFrameException("varint longer than " + maxBytes + " bytes");
            }
            if (last) {
                throw new CorruptFrameException("varint runs past the end of the frame");
            }
            return MORE;
        }
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

    private interface Node {
        int skip(ByteBuf buf, int index, int limit);
    }

    private enum Fixed implements Node {
        ONE(1), TWO(2), FOUR(4), EIGHT(8), SIXTEEN(16);

        private final int width;

        Fixed(int width) {
            this.width = width;
        }

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            return advance(index, width, limit);
        }
    }

    private enum VarNumber implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            return Varints.skipVarlong(buf, index, limit);
        }
    }

    private enum ShortLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 2, limit);
            short length = buf.getShort(index);
            return length == -1 ? start : advance(start, length, limit);
        }
    }

    private enum IntLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 4, limit);
            int length = buf.getInt(index);
            return length == -1 ? start : advance(start, length, limit);
        }
    }

    private enum CompactLengthBytes implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            long packed = Varints.getUnsignedVarint(buf, index, limit);
            int start = index + Varints.length(packed);
            long lengthPlusOne = Integer.toUnsignedLong(Varints.value(packed));
            return lengthPlusOne == 0 ? start : advance(start, lengthPlusOne - 1, limit);
        }
    }

    private enum Tagged implements Node {
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

    /** One field of a tagged-fields section, as the resumable {@link Cursor} steps over it. */
    private enum TaggedField implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            throw new UnsupportedOperationException("the cursor reads tagged fields one by one");
        }
    }

    private record Struct(Node[] children) implements Node {
        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int i = index;
            for (Node child : children) {
                i = child.skip(buf, i, limit);
            }
            return i;
        }
    }

    private record NullableStruct(Node struct) implements Node {
        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            int start = advance(index, 1, limit);
            return buf.getByte(index) < 0 ? start : struct.skip(buf, start, limit);
        }
    }

    private record Array(Node element, boolean compact) implements Node {
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
