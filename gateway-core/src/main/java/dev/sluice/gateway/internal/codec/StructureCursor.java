package dev.sluice.gateway.internal.codec;

import dev.sluice.gateway.internal.codec.StructureWalker.Array;
import dev.sluice.gateway.internal.codec.StructureWalker.CompactLengthBytes;
import dev.sluice.gateway.internal.codec.StructureWalker.Fixed;
import dev.sluice.gateway.internal.codec.StructureWalker.IntLengthBytes;
import dev.sluice.gateway.internal.codec.StructureWalker.Node;
import dev.sluice.gateway.internal.codec.StructureWalker.NullableStruct;
import dev.sluice.gateway.internal.codec.StructureWalker.ShortLengthBytes;
import dev.sluice.gateway.internal.codec.StructureWalker.Struct;
import dev.sluice.gateway.internal.codec.StructureWalker.Tagged;
import dev.sluice.gateway.internal.codec.StructureWalker.VarNumber;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * A {@link StructureWalker} walk that resumes where the bytes ran out ({@link
 * StructureWalker#cursor}): fed a response frame in the pieces the network delivers, it tells where
 * a top-level field starts without holding more than the few bytes of one length or count that a
 * piece boundary cut (at most {@link #MAX_CARRY}). Values
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
public final class StructureCursor {

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

    StructureCursor(Struct root, int stopField, int frameLength) {
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
                if (child == struct.children().length) {
                    depth--;
                    continue;
                }
                next = struct.children()[child];
            } else if (counters[d] == 0) {
                depth--;
                continue;
            } else {
                next = top instanceof Array array ? array.element() : TaggedField.INSTANCE;
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
                pushNode = nullable.struct();
                pushCounter = 0;
            }
            return offset + 1;
        } else if (node instanceof Array array) {
            int after;
            long count;
            if (array.compact()) {
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

    /** One field of a tagged-fields section, as the cursor steps over it: tag, size, value. */
    private enum TaggedField implements Node {
        INSTANCE;

        @Override
        public int skip(ByteBuf buf, int index, int limit) {
            throw new UnsupportedOperationException("the cursor reads tagged fields one by one");
        }
    }
}
