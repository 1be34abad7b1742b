package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.jspecify.annotations.Nullable;

/**
 * Builds and reads whole Kafka frames for tests, with kafka-clients' own header and message
 * classes, so that what the gateway's codec is checked against does not depend on the codec.
 *
 * <p>Frames come from {@link ByteBufAllocator#DEFAULT}, which the paranoid leak detector tracks:
 * every test must release what it builds.
 */
public final class KafkaWire {

    public static final ByteBufAllocator ALLOC = ByteBufAllocator.DEFAULT;

    private KafkaWire() {}

    /** Every version of {@code key} the bundled kafka-clients supports, unstable ones included. */
    public static Stream<Short> versions(ApiKeys key) {
        return IntStream.rangeClosed(key.oldestVersion(), key.latestVersion(true)).mapToObj(v -> (short) v);
    }

    /** Versions of {@code key} from {@code first} to the latest. */
    public static Stream<Short> versionsFrom(ApiKeys key, int first) {
        return versions(key).filter(v -> v >= first);
    }

    /** A request frame: size, header at the version {@code key} and {@code version} call for, body. */
    public static ByteBuf requestFrame(ApiKeys key, short version, int correlationId, @Nullable String clientId,
            List<RawTaggedField> headerTags, ApiMessage body) {
        RequestHeaderData header = new RequestHeaderData()
                .setRequestApiKey(key.id)
                .setRequestApiVersion(version)
                .setCorrelationId(correlationId)
                .setClientId(clientId);
        header.unknownTaggedFields().addAll(headerTags);
        return frame(header, key.requestHeaderVersion(version), body, version);
    }

    /** A response frame with an empty header tagged-field section (where the header has one). */
    public static ByteBuf responseFrame(ApiKeys key, short version, int correlationId, ApiMessage body) {
        return responseFrame(key, version, correlationId, List.of(), body);
    }

    /** A response frame whose header (when it is v1) carries {@code headerTags}. */
    public static ByteBuf responseFrame(ApiKeys key, short version, int correlationId,
            List<RawTaggedField> headerTags, ApiMessage body) {
        ResponseHeaderData header = new ResponseHeaderData().setCorrelationId(correlationId);
        header.unknownTaggedFields().addAll(headerTags);
        return frame(header, key.responseHeaderVersion(version), body, version);
    }

    /** A response frame around a body already serialised (for hand-made or hostile bodies). */
    public static ByteBuf responseFrame(ApiKeys key, short version, int correlationId, ByteBuffer body) {
        ByteBuf frame = ALLOC.buffer();
        frame.writeInt(0);
        frame.writeInt(correlationId);
        if (key.responseHeaderVersion(version) >= 1) {
            frame.writeByte(0);
        }
        frame.writeBytes(body.duplicate());
        frame.setInt(0, frame.readableBytes() - 4);
        return frame;
    }

    private static ByteBuf frame(ApiMessage header, short headerVersion, ApiMessage body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int headerSize = header.size(cache, headerVersion);
        int bodySize = body.size(cache, version);
        ByteBuf frame = ALLOC.buffer(4 + headerSize + bodySize);
        frame.writeInt(headerSize + bodySize);
        ByteBufWritable out = new ByteBufWritable(frame);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        assertThat(frame.readableBytes()).as("frame length").isEqualTo(4 + headerSize + bodySize);
        return frame;
    }

    /** Where the body of a response frame built by {@link #responseFrame} starts, relative to the frame. */
    public static int responseHeaderLength(ApiKeys key, short version, List<RawTaggedField> headerTags) {
        ResponseHeaderData header = new ResponseHeaderData();
        header.unknownTaggedFields().addAll(headerTags);
        return 4 + header.size(new ObjectSerializationCache(), key.responseHeaderVersion(version));
    }

    /**
     * Decodes a whole response frame with kafka-clients alone: checks the size prefix, reads the
     * header and the body, and checks that nothing is left over.
     */
    @SuppressWarnings("unchecked")
    public static <T extends ApiMessage> T readResponse(ByteBuf frame, ApiKeys key, short version) {
        ByteBuffer nio = ByteBuffer.wrap(bytes(frame));
        assertThat(nio.getInt()).as("size prefix").isEqualTo(nio.remaining());
        ByteBufferAccessor in = new ByteBufferAccessor(nio);
        new ResponseHeaderData(in, key.responseHeaderVersion(version));
        ApiMessage message = key.messageType.newResponse();
        message.read(in, version);
        assertThat(nio.remaining()).as("bytes left after the %s v%d body", key, version).isZero();
        return (T) message;
    }

    /** The correlation id and header tagged fields of a response frame, read with kafka-clients. */
    public static ResponseHeaderData readResponseHeader(ByteBuf frame, ApiKeys key, short version) {
        ByteBuffer nio = ByteBuffer.wrap(bytes(frame));
        nio.getInt();
        return new ResponseHeaderData(new ByteBufferAccessor(nio), key.responseHeaderVersion(version));
    }

    /** The readable bytes of {@code buf}, copied; indices untouched. */
    public static byte[] bytes(ByteBuf buf) {
        byte[] bytes = new byte[buf.readableBytes()];
        buf.getBytes(buf.readerIndex(), bytes);
        return bytes;
    }

    /** A copy of {@code buf}'s readable bytes in a new tracked buffer. */
    public static ByteBuf copy(ByteBuf buf) {
        return ALLOC.buffer(buf.readableBytes()).writeBytes(buf, buf.readerIndex(), buf.readableBytes());
    }
}
