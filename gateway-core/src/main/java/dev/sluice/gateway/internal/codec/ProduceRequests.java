package dev.sluice.gateway.internal.codec;

import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;

/** Reads the one field of a Produce request the pass-through path needs: {@code acks}. */
public final class ProduceRequests {

    private static final short FIRST_FLEXIBLE_VERSION = 9;

    private ProduceRequests() {}

    /**
     * The {@code acks} of a Produce request frame. Versions 0-2 have it first in the body; version
     * 3 and later after {@code transactional_id}, a nullable string (compact from version 9).
     *
     * @throws CorruptFrameException when the frame is too short to hold it
     */
    public static short acks(ByteBuf frame, short version) {
        int limit = frame.writerIndex();
        int index = Headers.requestBodyStart(frame, ApiKeys.PRODUCE, version);
        if (version >= 3) {
            if (version >= FIRST_FLEXIBLE_VERSION) {
                long packed = Varints.getUnsignedVarint(frame, index, limit);
                int lengthPlusOne = Varints.value(packed);
                index += Varints.length(packed) + Math.max(0, lengthPlusOne - 1);
            } else {
                if (index + 2 > limit) {
                    throw new CorruptFrameException("produce request truncated");
                }
                short length = frame.getShort(index);
                index += 2 + Math.max(0, (int) length);
            }
        }
        if (index < 0 || index + 2 > limit) {
            throw new CorruptFrameException("produce request truncated before acks");
        }
        return frame.getShort(index);
    }
}
