package dev.sluice.gateway;

import dev.sluice.gateway.testkit.KafkaCluster;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bytes no Kafka client sends: each connection is closed, nothing sized by the attacker is
 * allocated, nothing leaks (the leak detector runs at PARANOID), and the gateway keeps serving.
 */
class HostileInputTest {

    @RegisterExtension
    static final GatewayExtension GATEWAY = GatewayExtension.over(KafkaCluster.builder().brokers(1),
            builder -> builder.maxFrameBytes(1024 * 1024));

    @AfterEach
    void gatewayStillServesRealClients() throws Exception {
        try (Admin admin = Admin.create(GATEWAY.harness().clientConfig(GATEWAY.kafka()))) {
            assertThat(admin.describeCluster().nodes().get()).hasSize(1);
        }
        Eventually.until(Duration.ofSeconds(10), () -> "hostile connections to be closed, open: "
                + GATEWAY.gateway().openConnections(), () -> GATEWAY.gateway().openConnections() == 0);
    }

    @Test
    void httpRequestOnTheKafkaPortIsClosed() throws Exception {
        assertClosed("GET / HTTP/1.1\r\nHost: gateway\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void tlsClientHelloOnAPlainPortIsClosed() throws Exception {
        assertClosed(HexFormat.of().parseHex("16030100a5010000a10303" + "00".repeat(32) + "000002c02f0100"));
    }

    @Test
    void negativeFrameLengthIsClosed() throws Exception {
        assertClosed(ByteBuffer.allocate(4).putInt(-1).array());
    }

    @Test
    void zeroFrameLengthIsClosed() throws Exception {
        assertClosed(ByteBuffer.allocate(4).putInt(0).array());
    }

    @Test
    void frameShorterThanARequestHeaderIsClosed() throws Exception {
        assertClosed(ByteBuffer.allocate(8).putInt(4).putInt(0x00120000).array());
    }

    @Test
    void frameOverTheLimitIsClosedBeforeItsBodyArrives() throws Exception {
        // Declares 2 GiB - 1 and sends nothing more: the gateway must not wait for (or buffer) it.
        assertClosed(ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
    }

    @Test
    void frameJustOverTheConfiguredLimitIsClosed() throws Exception {
        assertClosed(ByteBuffer.allocate(4).putInt(1024 * 1024 + 1).array());
    }

    @Test
    void truncatedFrameThenHangUpLeavesNothingBehind() throws Exception {
        byte[] request = RawConnection.request(ApiKeys.METADATA, (short) 12, 7, new MetadataRequestData());
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            raw.send(java.util.Arrays.copyOf(request, request.length - 3));
        }
    }

    @Test
    void garbageAfterAValidRequestIsAnsweredThenClosed() throws Exception {
        byte[] request = RawConnection.request(ApiKeys.API_VERSIONS, (short) 3, 1,
                new ApiVersionsRequestData().setClientSoftwareName("raw").setClientSoftwareVersion("1"));
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            raw.send(request);
            ByteBuffer response = raw.readFrame();
            assertThat(response.getInt()).isEqualTo(1);
            ApiVersionsResponseData versions = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 3);
            assertThat(versions.errorCode()).isEqualTo(Errors.NONE.code());
            raw.send(ByteBuffer.allocate(4).putInt(-42).array());
            assertThat(raw.closedByPeer()).isTrue();
        }
    }

    private static void assertClosed(byte[] bytes) throws Exception {
        try (RawConnection raw = new RawConnection(GatewayHarness.ADVERTISED_HOST, GATEWAY.harness().bootstrapPort)) {
            raw.send(bytes);
            assertThat(raw.closedByPeer()).as("gateway closed the connection").isTrue();
        }
    }
}
