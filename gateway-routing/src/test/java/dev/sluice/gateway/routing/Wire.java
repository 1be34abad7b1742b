package dev.sluice.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import java.nio.ByteBuffer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.jspecify.annotations.Nullable;

/** Test fixtures: encoding round trips through kafka-clients, and the addresses the tests use. */
final class Wire {

    /** A tagged field no version of any message knows: it must survive every round trip. */
    static final RawTaggedField UNKNOWN_TAG = new RawTaggedField(100, new byte[] {1, 2, 3});

    /** Brokers 1, 2 and 3 are behind the gateway at gw.example.com:19001..19003; others are unknown. */
    static final AddressMapping GATEWAY = upstream -> gatewayAddressOf(upstream.id());

    private Wire() {}

    static @Nullable HostPort gatewayAddressOf(int brokerId) {
        return brokerId >= 1 && brokerId <= 3 ? new HostPort("gw.example.com", 19_000 + brokerId) : null;
    }

    static String upstreamHost(int brokerId) {
        return "kafka-" + brokerId + ".internal";
    }

    static BrokerNode upstream(int brokerId, @Nullable String rack) {
        return new BrokerNode(brokerId, upstreamHost(brokerId), 9092, rack);
    }

    /** Encodes {@code message} at {@code version} and decodes it again, checking every byte is read. */
    @SuppressWarnings("unchecked")
    static <M extends ApiMessage> M roundTrip(M message, short version) {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(message, version).buffer();
        ApiMessage decoded = ApiMessageType.fromApiKey(message.apiKey()).newResponse();
        decoded.read(new ByteBufferAccessor(bytes), version);
        assertThat(bytes.remaining()).as("bytes left after decoding %s v%d", message.getClass().getSimpleName(), version)
                .isZero();
        assertThat(decoded).isInstanceOf(message.getClass());
        return (M) decoded;
    }

    /** Whether {@code apiKey}'s response is flexible (compact encodings, tagged fields) at {@code version}. */
    static boolean flexible(ApiKeys apiKey, short version) {
        return apiKey.responseHeaderVersion(version) >= 1;
    }

    /** Every version kafka-clients can encode {@code apiKey}'s response at. */
    static Stream<Short> versions(ApiMessage response) {
        return IntStream.rangeClosed(response.lowestSupportedVersion(), response.highestSupportedVersion())
                .mapToObj(version -> (short) version);
    }
}
