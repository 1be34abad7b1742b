package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;

/** Unsigned varints (protobuf style, as Kafka's flexible versions use them) over Netty buffers. */
public final class Varints {

    private Varints() {}

    /**
     * Reads an unsigned varint at {@code index}, bounded by {@code limit}.
     *
     * @return the value in the low 32 bits and the number of bytes read in the high 32 bits
     * @throws CorruptFrameException when the varint is longer than 5 bytes or runs past the limit
     */
    public static long getUnsignedVarint(ByteBuf buf, int index, int limit) {
        int value = 0;
        int i = 0;
        int shift = 0;
        while (true) {
            if (index + i >= limit) {
                throw new CorruptFrameException("varint runs past the end of the frame");
            }
            byte b = buf.getByte(index + i);
            i++;
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return ((long) i << 32) | (value & 0xFFFFFFFFL);
            }
            shift += 7;
            if (shift > 28) {
                throw new CorruptFrameException("varint longer than 5 bytes");
            }
        }
    }

    /** The value part of {@link #getUnsignedVarint}'s result. */
    public static int value(long packed) {
        return (int) packed;
    }

    /** The length part of {@link #getUnsignedVarint}'s result. */
    public static int length(long packed) {
        return (int) (packed >>> 32);
    }

    /** Skips a (signed, zig-zag) varint or varlong at {@code index}; returns the index after it. */
    public static int skipVarlong(ByteBuf buf, int index, int limit) {
        for (int i = 0; i < 10; i++) {
            if (index + i >= limit) {
                throw new CorruptFrameException("varint runs past the end of the frame");
            }
            if ((buf.getByte(index + i) & 0x80) == 0) {
                return index + i + 1;
            }
        }
        throw new CorruptFrameException("varlong longer than 10 bytes");
    }

    public static void writeUnsignedVarint(ByteBuf buf, int value) {
        int v = value;
        while ((v & 0xFFFFFF80) != 0) {
            buf.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf.writeByte(v);
    }

    public static int sizeOfUnsignedVarint(int value) {
        int v = value;
        int bytes = 1;
        while ((v & 0xFFFFFF80) != 0) {
            bytes++;
            v >>>= 7;
        }
        return bytes;
    }
}
