package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import org.apache.kafka.common.protocol.Writable;

/** Lets kafka-clients' generated message classes write directly into a Netty buffer. */
public final class ByteBufWritable implements Writable {

    private final ByteBuf buf;

    public ByteBufWritable(ByteBuf buf) {
        this.buf = buf;
    }

    @Override
    public void writeByte(byte val) {
        buf.writeByte(val);
    }

    @Override
    public void writeShort(short val) {
        buf.writeShort(val);
    }

    @Override
    public void writeInt(int val) {
        buf.writeInt(val);
    }

    @Override
    public void writeLong(long val) {
        buf.writeLong(val);
    }

    @Override
    public void writeDouble(double val) {
        buf.writeDouble(val);
    }

    @Override
    public void writeByteArray(byte[] arr) {
        buf.writeBytes(arr);
    }

    @Override
    public void writeUnsignedVarint(int i) {
        Varints.writeUnsignedVarint(buf, i);
    }

    @Override
    public void writeByteBuffer(ByteBuffer src) {
        buf.writeBytes(src.duplicate());
    }

    @Override
    public void writeVarint(int i) {
        writeUnsignedVarint((i << 1) ^ (i >> 31));
    }

    @Override
    public void writeVarlong(long i) {
        long v = (i << 1) ^ (i >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
            buf.writeByte(((int) v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf.writeByte((int) v);
    }
}
