package dev.sluice.gateway;

import dev.sluice.gateway.testkit.KafkaCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ApiVersionsResponseData.ApiVersion;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Protocol corners that real clients reach: version negotiation, deep pipelining, acks=0, unknown keys. */
class ProtocolEdgesTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1),
            builder -> builder.maxInFlightRequestsPerConnection(16));

    @Test
    void clientNewerThanTheGatewayGetsAVersionZeroUnsupportedVersionAnswerAndRetriesLower() throws Exception {
        short tooNew = (short) (ApiKeys.API_VERSIONS.latestVersion(true) + 5);
        try (RawConnection raw = connect()) {
            raw.send(RawConnection.request(ApiKeys.API_VERSIONS, tooNew, 41, new ApiVersionsRequestData()));
            ByteBuffer frame = raw.readFrame();
            assertThat(frame.getInt()).isEqualTo(41);
            ApiVersionsResponseData answer = new ApiVersionsResponseData(new ByteBufferAccessor(frame), (short) 0);
            assertThat(answer.errorCode()).isEqualTo(Errors.UNSUPPORTED_VERSION.code());
            ApiVersion range = answer.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(range.maxVersion()).isEqualTo(ApiKeys.API_VERSIONS.latestVersion(true));

            short retry = range.maxVersion();
            raw.send(RawConnection.request(ApiKeys.API_VERSIONS, retry, 42,
                    new ApiVersionsRequestData().setClientSoftwareName("edge").setClientSoftwareVersion("9")));
            ByteBuffer second = raw.readFrame();
            assertThat(second.getInt()).isEqualTo(42);
            ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(second), retry);
            assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
            ApiVersion metadata = versions.apiKeys().find(ApiKeys.METADATA.id);
            assertThat(metadata.maxVersion()).isLessThanOrEqualTo(ApiKeys.METADATA.latestVersion(true));
            ApiVersion handshake = versions.apiKeys().find(ApiKeys.SASL_HANDSHAKE.id);
            assertThat(handshake.minVersion()).as("SaslHandshake v0 (unframed tokens) is not offered").isEqualTo((short) 1);
        }
    }

    @Test
    void pipelinedRequestsBeyondTheInFlightLimitAreAnsweredInOrder() throws Exception {
        int requests = 2_000;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < requests; i++) {
            short version = (short) (i % 2 == 0 ? 12 : 4);
            ApiKeys key = i % 2 == 0 ? ApiKeys.METADATA : ApiKeys.API_VERSIONS;
            all.write(key == ApiKeys.METADATA
                    ? RawConnection.request(key, version, 1_000_000 + i, new MetadataRequestData().setTopics(null))
                    : RawConnection.request(key, (short) 3, 1_000_000 + i, new ApiVersionsRequestData()
                            .setClientSoftwareName("pipeline").setClientSoftwareVersion("1")));
        }
        try (RawConnection raw = connect()) {
            Thread writer = new Thread(() -> {
                try {
                    raw.send(all.toByteArray());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "pipeline-writer");
            writer.start();
            for (int i = 0; i < requests; i++) {
                ByteBuffer frame = raw.readFrame();
                assertThat(frame.getInt()).isEqualTo(1_000_000 + i);
                if (i % 2 == 0) {
                    frame.get(); // response header v1: no tagged fields
                    MetadataResponseData metadata = new MetadataResponseData(new ByteBufferAccessor(frame), (short) 12);
                    metadata.brokers().forEach(b -> assertThat(GATEWAY.harness().isGatewayAddress(b.host(), b.port())).isTrue());
                }
            }
            writer.join();
        }
    }

    @Test
    void acksZeroProduceLeavesNothingInFlight() throws Exception {
        try (RawConnection raw = connect()) {
            ProduceRequestData produce = new ProduceRequestData().setAcks((short) 0).setTimeoutMs(1000);
            raw.send(RawConnection.request(ApiKeys.PRODUCE, (short) 9, 5, produce));
            raw.send(RawConnection.request(ApiKeys.METADATA, (short) 12, 6, new MetadataRequestData().setTopics(null)));
            ByteBuffer frame = raw.readFrame();
            assertThat(frame.getInt()).as("the Metadata answer comes next: the produce expected none").isEqualTo(6);
        }
    }

    @Test
    void unknownApiKeyPassesThroughAndTheBrokersVerdictReachesTheClient() throws Exception {
        try (RawConnection raw = connect()) {
            ByteBuffer vendor = ByteBuffer.allocate(4 + 2 + 2 + 4 + 2 + 8);
            vendor.putInt(vendor.capacity() - 4).putShort((short) 10_000).putShort((short) 0).putInt(77)
                    .putShort((short) -1).putLong(0);
            raw.send(vendor.array());
            // Kafka closes a connection that sends an API key it does not know; the gateway follows.
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    private static RawConnection connect() throws Exception {
        return new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort);
    }
}
