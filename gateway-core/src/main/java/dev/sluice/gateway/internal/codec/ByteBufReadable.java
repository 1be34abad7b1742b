package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Readable;

/**
 * Lets kafka-clients' generated message classes read directly from a Netty buffer.
 *
 * <p>Reads advance the buffer's reader index. Every length the message classes ask for is checked
 * against the readable bytes first, so a hostile count fails with {@link CorruptFrameException}
 * instead of allocating. Byte buffers handed out ({@link #readByteBuffer}) share memory with the
 * Netty buffer: they are valid only while the caller holds a reference to it.
 */
public final class ByteBufReadable implements Readable {

    private final ByteBuf buf;

    public ByteBufReadable(ByteBuf buf) {
        this.buf = buf;
    }

    private void require(int length) {
        if (length < 0 || length > buf.readableBytes()) {
            throw new CorruptFrameException("declared length " + length + " exceeds the "
                    + buf.readableBytes() + " bytes that remain");
        }
    }

    @Override
    public byte readByte() {
        require(1);
        return buf.readByte();
    }

    @Override
    public short readShort() {
        require(2);
        return buf.readShort();
    }

    @Override
    public int readInt() {
        require(4);
        return buf.readInt();
    }

    @Override
    public long readLong() {
        require(8);
        return buf.readLong();
    }

    @Override
    public double readDouble() {
        require(8);
        return buf.readDouble();
    }

    @Override
    public byte[] readArray(int length) {
        require(length);
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    @Override
    public int readUnsignedVarint() {
        long packed = Varints.getUnsignedVarint(buf, buf.readerIndex(), buf.writerIndex());
        buf.skipBytes(Varints.length(packed));
        return Varints.value(packed);
    }

    @Override
    public ByteBuffer readByteBuffer(int length) {
        require(length);
        ByteBuffer view = buf.nioBuffer(buf.readerIndex(), length);
        buf.skipBytes(length);
        return view;
    }

    @Override
    public int readVarint() {
        int raw = readUnsignedVarint();
        return (raw >>> 1) ^ -(raw & 1);
    }

    @Override
    public long readVarlong() {
        long raw = 0;
        int shift = 0;
        while (true) {
            byte b = readByte();
            raw |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
            shift += 7;
            if (shift > 63) {
                throw new CorruptFrameException("varlong longer than 10 bytes");
            }
        }
        return (raw >>> 1) ^ -(raw & 1);
    }

    @Override
    public int remaining() {
        return buf.readableBytes();
    }

    @Override
    public Readable slice() {
        return new ByteBufReadable(buf.slice());
    }
}
