package dev.sluice.gateway.internal.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeadersTest {

    private static final List<RawTaggedField> TAGS =
            List.of(new RawTaggedField(1, new byte[] {7}), new RawTaggedField(300, new byte[200]));

    /** No header tags, and (where the header has a tagged section) two of them. */
    private static List<List<RawTaggedField>> tagVariants(boolean taggedHeader) {
        return taggedHeader ? List.of(List.of(), TAGS) : List.of(List.of());
    }

    static Stream<Arguments> everyApiKeyAndVersion() {
        return Stream.of(ApiKeys.values())
                .flatMap(key -> KafkaWire.versions(key).map(v -> Arguments.of(key, v)));
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyApiKeyAndVersion")
    void requestBodyStartsRightAfterTheHeaderOfEveryApiAndVersion(ApiKeys key, short version) {
        boolean flexibleHeader = key.requestHeaderVersion(version) >= 2;
        for (String clientId : new String[] {null, "", "client-" + "y".repeat(150)}) {
            for (List<RawTaggedField> tags : tagVariants(flexibleHeader)) {
                ByteBuf frame = KafkaWire.requestFrame(key, version, 5, clientId, tags, key.messageType.newRequest());
                try {
                    int bodyLength = key.messageType.newRequest().size(new ObjectSerializationCache(), version);
                    assertThat(Headers.requestBodyStart(frame, key, version))
                            .as("%s v%d client_id %s, %d header tags", key, version, clientId, tags.size())
                            .isEqualTo(frame.writerIndex() - bodyLength);
                } finally {
                    frame.release();
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyApiKeyAndVersion")
    void responseBodyStartsRightAfterTheHeaderOfEveryApiAndVersion(ApiKeys key, short version) {
        boolean taggedHeader = key.responseHeaderVersion(version) >= 1;
        for (List<RawTaggedField> tags : tagVariants(taggedHeader)) {
            ByteBuf frame = KafkaWire.responseFrame(key, version, 99, tags, key.messageType.newResponse());
            try {
                assertThat(Headers.responseBodyStart(frame, key, version))
                        .as("%s v%d with %d header tags", key, version, tags.size())
                        .isEqualTo(KafkaWire.responseHeaderLength(key, version, tags))
                        .isEqualTo(taggedHeader ? 8 + (tags.isEmpty() ? 1 : 1 + 3 + 2 + 2 + 200) : 8);
                assertThat(Frames.responseCorrelationId(frame)).isEqualTo(99);
            } finally {
                frame.release();
            }
        }
    }

    @Test
    void apiVersionsResponsesAlwaysUseTheHeaderWithoutTaggedFields() {
        KafkaWire.versions(ApiKeys.API_VERSIONS).forEach(version -> {
            ByteBuf frame = KafkaWire.responseFrame(ApiKeys.API_VERSIONS, version, 1,
                    ApiKeys.API_VERSIONS.messageType.newResponse());
            try {
                assertThat(Headers.responseBodyStart(frame, ApiKeys.API_VERSIONS, version)).isEqualTo(8);
            } finally {
                frame.release();
            }
        });
    }

    @Test
    void bodyStartIsAnAbsoluteIndexForFramesThatDoNotStartAtZero() {
        short version = ApiKeys.METADATA.latestVersion(true);
        ByteBuf frame = KafkaWire.responseFrame(ApiKeys.METADATA, version, 3, TAGS,
                ApiKeys.METADATA.messageType.newResponse());
        ByteBuf buffer = KafkaWire.ALLOC.buffer();
        try {
            buffer.writeZero(11).writeBytes(frame).readerIndex(11);
            assertThat(Headers.responseBodyStart(buffer, ApiKeys.METADATA, version))
                    .isEqualTo(11 + KafkaWire.responseHeaderLength(ApiKeys.METADATA, version, TAGS));
        } finally {
            frame.release();
            buffer.release();
        }
    }

    @Test
    void aResponseHeaderTaggedFieldRunningPastTheFrameIsCorrupt() {
        ByteBuf frame = KafkaWire.ALLOC.buffer();
        try {
            frame.writeInt(0).writeInt(1).writeByte(1).writeByte(5).writeByte(100).writeZero(10);
            frame.setInt(0, frame.readableBytes() - 4);
            short version = ApiKeys.METADATA.latestVersion(true);
            assertThatThrownBy(() -> Headers.responseBodyStart(frame, ApiKeys.METADATA, version))
                    .isInstanceOf(CorruptFrameException.class);
        } finally {
            frame.release();
        }
    }

    @Test
    void framesPatchCorrelationIdsInPlace() {
        ByteBuf request = KafkaWire.requestFrame(ApiKeys.METADATA, (short) 12, 5, "c", List.of(),
                ApiKeys.METADATA.messageType.newRequest());
        ByteBuf response = KafkaWire.responseFrame(ApiKeys.METADATA, (short) 12, 5,
                ApiKeys.METADATA.messageType.newResponse());
        try {
            byte[] before = KafkaWire.bytes(request);
            Frames.setRequestCorrelationId(request, 0x01020304);
            Frames.setResponseCorrelationId(response, -7);
            assertThat(Frames.requestCorrelationId(request)).isEqualTo(0x01020304);
            assertThat(KafkaWire.readResponseHeader(response, ApiKeys.METADATA, (short) 12).correlationId())
                    .isEqualTo(-7);
            byte[] after = KafkaWire.bytes(request);
            for (int i = 0; i < before.length; i++) {
                if (i < 8 || i >= 12) {
                    assertThat(after[i]).as("byte %d", i).isEqualTo(before[i]);
                }
            }
        } finally {
            request.release();
            response.release();
        }
    }
}
