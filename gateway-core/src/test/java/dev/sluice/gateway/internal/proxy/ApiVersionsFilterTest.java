package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.internal.codec.KafkaWire;
import io.netty.buffer.ByteBuf;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ApiVersionsFilterTest {

    private static final short VENDOR_KEY = 10_000;
    private static final int CORRELATION_ID = 31;

    /** The keys the gateway reads, with the versions its codec handles: the specification, not the code. */
    private static final Map<ApiKeys, short[]> CODEC = Map.of(
            ApiKeys.API_VERSIONS, full(ApiKeys.API_VERSIONS),
            ApiKeys.METADATA, full(ApiKeys.METADATA),
            ApiKeys.FIND_COORDINATOR, full(ApiKeys.FIND_COORDINATOR),
            ApiKeys.DESCRIBE_CLUSTER, full(ApiKeys.DESCRIBE_CLUSTER),
            ApiKeys.PRODUCE, full(ApiKeys.PRODUCE),
            ApiKeys.FETCH, full(ApiKeys.FETCH),
            ApiKeys.SHARE_FETCH, full(ApiKeys.SHARE_FETCH),
            ApiKeys.SHARE_ACKNOWLEDGE, full(ApiKeys.SHARE_ACKNOWLEDGE),
            ApiKeys.SASL_AUTHENTICATE, full(ApiKeys.SASL_AUTHENTICATE),
            ApiKeys.SASL_HANDSHAKE, new short[] {1, ApiKeys.SASL_HANDSHAKE.latestVersion(true)});

    private final ApiVersionsFilter filter = new ApiVersionsFilter(DecodedApis.standard());

    private static short[] full(ApiKeys key) {
        return new short[] {key.oldestVersion(), key.latestVersion(true)};
    }

    static Stream<Short> apiVersionsVersions() {
        return KafkaWire.versions(ApiKeys.API_VERSIONS);
    }

    /**
     * A broker's answer: every key kafka-clients knows at 0..latest+2 (a newer broker), except
     * SaslHandshake and ShareFetch at 0..0 (no version in common with the codec) and Metadata at
     * exactly the codec's range; plus a vendor key.
     */
    private static ApiVersionsResponseData brokerAnswer(short version) {
        ApiVersionsResponseData data = new ApiVersionsResponseData();
        for (ApiKeys key : ApiKeys.values()) {
            short max = (short) Math.max(0, key.latestVersion(true) + 2);
            if (key == ApiKeys.SASL_HANDSHAKE || key == ApiKeys.SHARE_FETCH) {
                max = 0;
            }
            short min = key == ApiKeys.METADATA ? key.oldestVersion() : 0;
            if (key == ApiKeys.METADATA) {
                max = key.latestVersion(true);
            }
            data.apiKeys().add(new ApiVersion().setApiKey(key.id).setMinVersion(min).setMaxVersion(max));
        }
        data.apiKeys().add(new ApiVersion().setApiKey(VENDOR_KEY).setMinVersion((short) 0).setMaxVersion((short) 7));
        if (version >= 1) {
            data.setThrottleTimeMs(12);
        }
        if (version >= 3) {
            data.supportedFeatures().add(new ApiVersionsResponseData.SupportedFeatureKey()
                    .setName("metadata.version").setMinVersion((short) 1).setMaxVersion((short) 27));
            data.finalizedFeatures().add(new ApiVersionsResponseData.FinalizedFeatureKey()
                    .setName("metadata.version").setMinVersionLevel((short) 27).setMaxVersionLevel((short) 27));
            data.setFinalizedFeaturesEpoch(99);
            data.setZkMigrationReady(true);
            data.unknownTaggedFields().add(new RawTaggedField(42, new byte[] {1, 2}));
        }
        return data;
    }

    /** The broker's answer as the gateway must advertise it, computed from {@link #CODEC}. */
    private static ApiVersionsResponseData expected(short version) {
        ApiVersionsResponseData data = brokerAnswer(version);
        for (var it = data.apiKeys().iterator(); it.hasNext(); ) {
            ApiVersion api = it.next();
            short[] codec = ApiKeys.hasId(api.apiKey()) ? CODEC.get(ApiKeys.forId(api.apiKey())) : null;
            if (codec == null) {
                continue;
            }
            short min = (short) Math.max(api.minVersion(), codec[0]);
            short max = (short) Math.min(api.maxVersion(), codec[1]);
            if (min > max) {
                it.remove();
            } else {
                api.setMinVersion(min).setMaxVersion(max);
            }
        }
        return data;
    }

    private static ByteBuf frame(short version, ApiVersionsResponseData data) {
        return KafkaWire.responseFrame(ApiKeys.API_VERSIONS, version, CORRELATION_ID, data);
    }

    @ParameterizedTest(name = "ApiVersions v{0}")
    @MethodSource("apiVersionsVersions")
    void decodedKeysAdvertiseTheIntersectionAndOtherKeysTheBrokersRange(short version) {
        ByteBuf frame = frame(version, brokerAnswer(version));
        ByteBuf out = filter.filter(KafkaWire.ALLOC, frame, version);
        try {
            assertThat(out).isNotSameAs(frame);
            assertThat(frame.refCnt()).as("the broker's frame is released").isZero();
            ApiVersionsResponseData result = KafkaWire.readResponse(out, ApiKeys.API_VERSIONS, version);
            assertThat(result).isEqualTo(expected(version));
            assertThat(result.apiKeys().find(ApiKeys.PRODUCE.id).minVersion()).isEqualTo(ApiKeys.PRODUCE.oldestVersion());
            assertThat(result.apiKeys().find(ApiKeys.FETCH.id).maxVersion()).isEqualTo(ApiKeys.FETCH.latestVersion(true));
            assertThat(result.apiKeys().find(ApiKeys.SASL_HANDSHAKE.id)).as("no common version").isNull();
            assertThat(result.apiKeys().find(ApiKeys.SHARE_FETCH.id)).as("no common version").isNull();
            assertThat(result.apiKeys().find(ApiKeys.HEARTBEAT.id).maxVersion())
                    .as("not decoded: the broker's range").isEqualTo((short) (ApiKeys.HEARTBEAT.latestVersion(true) + 2));
            assertThat(result.apiKeys().find(VENDOR_KEY))
                    .isEqualTo(new ApiVersion().setApiKey(VENDOR_KEY).setMinVersion((short) 0).setMaxVersion((short) 7));
            assertThat(KafkaWire.readResponseHeader(out, ApiKeys.API_VERSIONS, version).correlationId())
                    .isEqualTo(CORRELATION_ID);
        } finally {
            out.release();
        }
    }

    @ParameterizedTest(name = "ApiVersions v{0}")
    @MethodSource("apiVersionsVersions")
    void anAnswerWithinTheCodecsRangesIsForwardedAsTheSameBuffer(short version) {
        ApiVersionsResponseData data = expected(version);
        ByteBuf frame = frame(version, data);
        try {
            assertThat(filter.filter(KafkaWire.ALLOC, frame, version)).isSameAs(frame);
            assertThat(frame.refCnt()).isEqualTo(1);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "request v{0}")
    @MethodSource("apiVersionsVersions")
    void theBrokersVersionZeroUnsupportedVersionAnswerPassesThroughUntouched(short requestVersion) {
        // KIP-511: whatever version the client asked with, the broker answers with a v0 body.
        ApiVersionsResponseData refusal = new ApiVersionsResponseData().setErrorCode(Errors.UNSUPPORTED_VERSION.code());
        refusal.apiKeys().add(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id).setMinVersion((short) 0).setMaxVersion((short) 9));
        ByteBuf frame = frame((short) 0, refusal);
        byte[] before = KafkaWire.bytes(frame);
        try {
            assertThat(filter.filter(KafkaWire.ALLOC, frame, requestVersion)).isSameAs(frame);
            assertThat(KafkaWire.bytes(frame)).isEqualTo(before);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "ApiVersions v{0}")
    @MethodSource("apiVersionsVersions")
    void anyErrorAnswerPassesThroughUntouched(short version) {
        ApiVersionsResponseData data = brokerAnswer(version).setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code());
        ByteBuf frame = frame(version, data);
        try {
            assertThat(filter.filter(KafkaWire.ALLOC, frame, version)).isSameAs(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void unsupportedVersionAnswersLikeABrokerWithAVersionZeroBody() {
        ByteBuf out = filter.unsupportedVersion(KafkaWire.ALLOC, 77);
        try {
            ApiVersionsResponseData data = KafkaWire.readResponse(out, ApiKeys.API_VERSIONS, (short) 0);
            assertThat(data.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            assertThat(data.apiKeys()).containsExactly(new ApiVersion().setApiKey(ApiKeys.API_VERSIONS.id)
                    .setMinVersion(ApiKeys.API_VERSIONS.oldestVersion())
                    .setMaxVersion(ApiKeys.API_VERSIONS.latestVersion(true)));
            assertThat(KafkaWire.readResponseHeader(out, ApiKeys.API_VERSIONS, (short) 0).correlationId()).isEqualTo(77);
            assertThat(out.getInt(0)).isEqualTo(out.readableBytes() - 4);
        } finally {
            out.release();
        }
    }

    @Test
    void decodedApisAcceptEveryVersionOfKeysTheyDoNotDecode() {
        DecodedApis decoded = DecodedApis.standard();
        assertThat(decoded.accepts(VENDOR_KEY, (short) 3)).isTrue();
        assertThat(decoded.accepts((short) -1, (short) 0)).isTrue();
        assertThat(decoded.accepts(ApiKeys.HEARTBEAT.id, (short) 99)).isTrue();
        assertThat(decoded.decodes(VENDOR_KEY)).isFalse();
        assertThat(decoded.decodes((short) -1)).isFalse();
        CODEC.forEach((key, range) -> {
            assertThat(decoded.decodes(key.id)).as("%s", key).isTrue();
            assertThat(decoded.min(key.id)).as("%s", key).isEqualTo(range[0]);
            assertThat(decoded.max(key.id)).as("%s", key).isEqualTo(range[1]);
            assertThat(decoded.accepts(key.id, range[0])).isTrue();
            assertThat(decoded.accepts(key.id, range[1])).isTrue();
            assertThat(decoded.accepts(key.id, (short) (range[0] - 1))).isFalse();
            assertThat(decoded.accepts(key.id, (short) (range[1] + 1))).isFalse();
        });
    }
}
