package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.apache.kafka.common.utils.ByteUtils;
import org.junit.jupiter.api.Test;

/** Varints, the Readable/Writable adapters and MessageCodec, checked against kafka-clients' own encoding. */
class WireAdaptersTest {

    private static final int[] INTS = {0, 1, 63, 64, 127, 128, 300, 16_383, 16_384, 2_097_151, 2_097_152,
        268_435_455, 268_435_456, Integer.MAX_VALUE, -1, -2, Integer.MIN_VALUE};
    private static final long[] LONGS = {0, 1, -1, 63, -64, 64, Integer.MAX_VALUE, Integer.MIN_VALUE,
        Long.MAX_VALUE, Long.MIN_VALUE, 1L << 56, -(1L << 56)};

    @Test
    void unsignedVarintsMatchKafkaClientsEncoding() {
        for (int value : INTS) {
            ByteBuffer kafka = ByteBuffer.allocate(5);
            ByteUtils.writeUnsignedVarint(value, kafka);
            ByteBuf ours = KafkaWire.ALLOC.buffer();
            try {
                Varints.writeUnsignedVarint(ours, value);
                assertThat(KafkaWire.bytes(ours)).as("%d", value).isEqualTo(Arrays.copyOf(kafka.array(), kafka.position()));
                assertThat(Varints.sizeOfUnsignedVarint(value)).isEqualTo(ByteUtils.sizeOfUnsignedVarint(value));
                long packed = Varints.getUnsignedVarint(ours, 0, ours.writerIndex());
                assertThat(Varints.value(packed)).isEqualTo(value);
                assertThat(Varints.length(packed)).isEqualTo(kafka.position());
                assertThatThrownBy(() -> Varints.getUnsignedVarint(ours, 0, ours.writerIndex() - 1))
                        .isInstanceOf(CorruptFrameException.class);
            } finally {
                ours.release();
            }
        }
    }

    @Test
    void signedVarintsAndVarlongsRoundTripThroughTheAdapters() {
        ByteBuf buf = KafkaWire.ALLOC.buffer();
        try {
            ByteBufWritable out = new ByteBufWritable(buf);
            for (int value : INTS) {
                out.writeVarint(value);
            }
            for (long value : LONGS) {
                out.writeVarlong(value);
            }
            ByteBuffer kafka = ByteBuffer.allocate(256);
            for (int value : INTS) {
                ByteUtils.writeVarint(value, kafka);
            }
            for (long value : LONGS) {
                ByteUtils.writeVarlong(value, kafka);
            }
            assertThat(KafkaWire.bytes(buf)).isEqualTo(Arrays.copyOf(kafka.array(), kafka.position()));
            ByteBufReadable in = new ByteBufReadable(buf.duplicate());
            for (int value : INTS) {
                assertThat(in.readVarint()).isEqualTo(value);
            }
            for (long value : LONGS) {
                assertThat(in.readVarlong()).isEqualTo(value);
            }
            assertThat(in.remaining()).isZero();
            int end = buf.writerIndex();
            int at = 0;
            for (int i = 0; i < INTS.length + LONGS.length; i++) {
                at = Varints.skipVarlong(buf, at, end);
            }
            assertThat(at).isEqualTo(end);
        } finally {
            buf.release();
        }
    }

    @Test
    void aVarlongLongerThanTenBytesIsCorrupt() {
        ByteBuf buf = KafkaWire.ALLOC.buffer();
        try {
            for (int i = 0; i < 11; i++) {
                buf.writeByte(0x80);
            }
            buf.writeByte(0);
            assertThatThrownBy(() -> Varints.skipVarlong(buf, 0, buf.writerIndex())).isInstanceOf(CorruptFrameException.class);
            assertThatThrownBy(() -> new ByteBufReadable(buf.duplicate()).readVarlong()).isInstanceOf(CorruptFrameException.class);
        } finally {
            buf.release();
        }
    }

    @Test
    void readableRefusesLengthsBeyondWhatRemainsBeforeAllocating() {
        ByteBuf buf = KafkaWire.ALLOC.buffer().writeZero(10);
        try {
            ByteBufReadable in = new ByteBufReadable(buf);
            in.readArray(1); // warm up
            long before = allocatedBytes();
            assertThatThrownBy(() -> in.readArray(Integer.MAX_VALUE)).isInstanceOf(CorruptFrameException.class);
            assertThatThrownBy(() -> in.readByteBuffer(11)).isInstanceOf(CorruptFrameException.class);
            assertThatThrownBy(() -> in.readArray(-1)).isInstanceOf(CorruptFrameException.class);
            assertThat(allocatedBytes() - before).isLessThan(256 * 1024);
            assertThat(in.remaining()).as("nothing consumed by a refused read").isEqualTo(9);
            assertThatThrownBy(() -> new ByteBufReadable(Unpooled.EMPTY_BUFFER).readInt())
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            buf.release();
        }
    }

    private static long allocatedBytes() {
        return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }

    @Test
    void readResponseTurnsAHostileCountIntoACorruptFrame() {
        // Metadata v12: throttle_time_ms, then a compact brokers array claiming ~268 million entries.
        ByteBuffer body = ByteBuffer.allocate(16);
        body.putInt(0);
        ByteUtils.writeUnsignedVarint(0x0FFFFFFF, body);
        body.put(new byte[5]).flip();
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.METADATA, (short) 12, 1, body);
        try {
            int bodyStart = Headers.responseBodyStart(frame, ApiKeys.METADATA, (short) 12);
            assertThatThrownBy(() -> MessageCodec.readResponse(frame, bodyStart, ApiKeys.METADATA, (short) 12))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void readResponseTurnsAHostileStringLengthIntoACorruptFrame() {
        // SaslAuthenticate v0: error_code, error_message (string), auth_bytes (bytes), claiming 32 KiB.
        ByteBuffer body = ByteBuffer.allocate(8).putShort((short) 0).putShort(Short.MAX_VALUE).put(new byte[4]).flip();
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.SASL_AUTHENTICATE, (short) 0, 1, body);
        try {
            assertThatThrownBy(() -> MessageCodec.readResponse(frame, 8, ApiKeys.SASL_AUTHENTICATE, (short) 0))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void reencodeKeepsTheOriginalHeaderBytesAndFixesTheSize() {
        short version = ApiKeys.METADATA.latestVersion(true);
        List<RawTaggedField> headerTags = List.of(new RawTaggedField(3, new byte[] {1, 2}));
        MetadataResponseData data = new MetadataResponseData().setClusterId("c");
        data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(1).setHost("h").setPort(1));
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.METADATA, version, 77, headerTags, data);
        try {
            int bodyStart = Headers.responseBodyStart(frame, ApiKeys.METADATA, version);
            MetadataResponseData read = (MetadataResponseData) MessageCodec.readResponse(frame, bodyStart, ApiKeys.METADATA, version);
            assertThat(read).isEqualTo(data);
            read.brokers().find(1).setHost("a-much-longer-host-name.example");
            ByteBuf out = MessageCodec.reencode(KafkaWire.ALLOC, frame, bodyStart, read, version);
            ByteBuf expected = KafkaWire.responseFrame(ApiKeys.METADATA, version, 77, headerTags, read);
            try {
                assertThat(KafkaWire.bytes(out)).isEqualTo(KafkaWire.bytes(expected));
            } finally {
                out.release();
                expected.release();
            }
        } finally {
            frame.release();
        }
    }

    @Test
    void encodeResponseWritesTheHeaderVersionOfTheApi() {
        for (ApiKeys key : new ApiKeys[] {ApiKeys.SASL_AUTHENTICATE, ApiKeys.API_VERSIONS}) {
            KafkaWire.versions(key).forEach(version -> {
                ApiMessage body = key.messageType.newResponse();
                if (body instanceof SaslAuthenticateResponseData sasl) {
                    sasl.setAuthBytes(new byte[] {1, 2, 3}).setErrorMessage("x");
                }
                ByteBuf out = MessageCodec.encodeResponse(KafkaWire.ALLOC, key, version, 5, body);
                ByteBuf expected = KafkaWire.responseFrame(key, version, 5, body);
                try {
                    assertThat(KafkaWire.bytes(out)).as("%s v%d", key, version).isEqualTo(KafkaWire.bytes(expected));
                } finally {
                    out.release();
                    expected.release();
                }
            });
        }
    }

    @Test
    void randomMessagesSurviveADecodeAndReencode() {
        Random random = new Random(3);
        for (ApiKeys key : new ApiKeys[] {ApiKeys.METADATA, ApiKeys.FIND_COORDINATOR, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.API_VERSIONS}) {
            KafkaWire.versions(key).forEach(version -> {
                ByteBuffer body = new SchemaSamples(random.nextLong()).serialize(key.messageType.responseSchemas()[version]);
                ByteBuf frame = KafkaWire.responseFrame(key, version, 9, body);
                try {
                    int bodyStart = Headers.responseBodyStart(frame, key, version);
                    ApiMessage read = MessageCodec.readResponse(frame, bodyStart, key, version);
                    ByteBuf out = MessageCodec.reencode(KafkaWire.ALLOC, frame, bodyStart, read, version);
                    try {
                        // Equal as messages (the writer may omit tagged fields holding their default).
                        assertThat(KafkaWire.<ApiMessage>readResponse(out, key, version)).as("%s v%d", key, version)
                                .isEqualTo(read);
                        assertThat(out.getInt(4)).isEqualTo(9);
                    } finally {
                        out.release();
                    }
                } finally {
                    frame.release();
                }
            });
        }
    }
}
