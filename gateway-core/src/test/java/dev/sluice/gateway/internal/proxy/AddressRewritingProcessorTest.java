package dev.sluice.gateway.internal.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.GatewayException;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.KafkaWire;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.types.RawTaggedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AddressRewritingProcessorTest {

    private static final List<BrokerNode> BROKERS = List.of(
            new BrokerNode(1, "broker-1.internal", 9092, "rack-a"),
            new BrokerNode(2, "broker-2.internal", 19092, null),
            new BrokerNode(300, "10.1.2.3", 9093, "rack-c"));
    private static final List<RawTaggedField> HEADER_TAGS = List.of(new RawTaggedField(7, new byte[] {3, 1, 4}));
    private static final int CORRELATION_ID = -123_456;

    private final BrokerRegistry registry = StubRouting.registry();
    private final ProxySession session = StubRouting.session(registry);
    /** The processors the runtime uses: Metadata goes through the brokers-only rewrite, the others are decoded whole. */
    private final ResponseProcessors processors =
            new ResponseProcessors(registry, new ApiVersionsFilter(DecodedApis.standard()));

    /** Where a test message puts a broker: its real address, or the one clients must see. */
    private interface Addresses {
        HostPort of(BrokerNode broker);
    }

    private static final Addresses REAL = BrokerNode::address;
    private static final Addresses ADVERTISED = broker -> StubRouting.advertised(broker.id());

    static Stream<Arguments> everyVersion() {
        return Stream.of(ApiKeys.METADATA, ApiKeys.FIND_COORDINATOR, ApiKeys.DESCRIBE_CLUSTER)
                .flatMap(key -> KafkaWire.versions(key).map(v -> Arguments.of(key, v)));
    }

    private static ApiMessage message(ApiKeys key, short version, List<BrokerNode> brokers, Addresses addresses) {
        return switch (key) {
            case METADATA -> metadata(version, brokers, addresses);
            case FIND_COORDINATOR -> findCoordinator(version, brokers, addresses);
            case DESCRIBE_CLUSTER -> describeCluster(version, brokers, addresses);
            default -> throw new IllegalArgumentException(key.toString());
        };
    }

    private static MetadataResponseData metadata(short version, List<BrokerNode> brokers, Addresses addresses) {
        MetadataResponseData data = new MetadataResponseData();
        if (version >= 3) {
            data.setThrottleTimeMs(4);
        }
        for (BrokerNode broker : brokers) {
            HostPort address = addresses.of(broker);
            MetadataResponseData.MetadataResponseBroker entry = new MetadataResponseData.MetadataResponseBroker()
                    .setNodeId(broker.id()).setHost(address.host()).setPort(address.port());
            if (version >= 1) {
                entry.setRack(broker.rack());
            }
            if (version >= 9) {
                entry.unknownTaggedFields().add(new RawTaggedField(11, new byte[] {1}));
            }
            data.brokers().add(entry);
        }
        if (version >= 1) {
            data.setControllerId(2);
        }
        if (version >= 2) {
            data.setClusterId("cluster-x");
        }
        MetadataResponseData.MetadataResponseTopic topic = new MetadataResponseData.MetadataResponseTopic().setName("orders");
        if (version >= 10) {
            topic.setTopicId(Uuid.fromString("AAAAAAAAAAAAAAAAAAAABQ"));
        }
        if (version >= 8) {
            topic.setTopicAuthorizedOperations(0x0FF8);
        }
        MetadataResponseData.MetadataResponsePartition partition = new MetadataResponseData.MetadataResponsePartition()
                .setPartitionIndex(0).setLeaderId(1).setReplicaNodes(List.of(1, 2, 300)).setIsrNodes(List.of(1, 300));
        if (version >= 7) {
            partition.setLeaderEpoch(12);
        }
        if (version >= 5) {
            partition.setOfflineReplicas(List.of(2));
        }
        topic.partitions().add(partition);
        data.topics().add(topic);
        if (version >= 8 && version <= 10) {
            data.setClusterAuthorizedOperations(0x0AB0);
        }
        if (version >= 9) {
            data.unknownTaggedFields().add(new RawTaggedField(33, new byte[] {5, 5}));
        }
        return data;
    }

    private static FindCoordinatorResponseData findCoordinator(short version, List<BrokerNode> brokers, Addresses addresses) {
        FindCoordinatorResponseData data = new FindCoordinatorResponseData();
        if (version >= 1) {
            data.setThrottleTimeMs(9);
        }
        if (version < FindCoordinatorResponseData.Coordinator.LOWEST_SUPPORTED_VERSION) {
            if (brokers.isEmpty()) {
                data.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setNodeId(-1).setHost("").setPort(-1);
            } else {
                HostPort address = addresses.of(brokers.get(0));
                data.setNodeId(brokers.get(0).id()).setHost(address.host()).setPort(address.port());
            }
            return data;
        }
        int i = 0;
        for (BrokerNode broker : brokers) {
            HostPort address = addresses.of(broker);
            data.coordinators().add(new FindCoordinatorResponseData.Coordinator()
                    .setKey("group-" + i++).setNodeId(broker.id()).setHost(address.host()).setPort(address.port()));
        }
        // An entry that names no broker stays as it is.
        data.coordinators().add(new FindCoordinatorResponseData.Coordinator().setKey("lost-group")
                .setNodeId(-1).setHost("").setPort(-1)
                .setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code()).setErrorMessage("not yet"));
        data.unknownTaggedFields().add(new RawTaggedField(2, new byte[] {8}));
        return data;
    }

    private static DescribeClusterResponseData describeCluster(short version, List<BrokerNode> brokers, Addresses addresses) {
        DescribeClusterResponseData data = new DescribeClusterResponseData()
                .setThrottleTimeMs(1).setClusterId("cluster-x").setControllerId(300).setClusterAuthorizedOperations(7);
        for (BrokerNode broker : brokers) {
            HostPort address = addresses.of(broker);
            DescribeClusterResponseData.DescribeClusterBroker entry = new DescribeClusterResponseData.DescribeClusterBroker()
                    .setBrokerId(broker.id()).setHost(address.host()).setPort(address.port()).setRack(broker.rack());
            if (version >= 2) {
                entry.setIsFenced(broker.id() == 2);
            }
            data.brokers().add(entry);
        }
        if (version >= 1) {
            data.setEndpointType((byte) 1);
        }
        data.unknownTaggedFields().add(new RawTaggedField(17, new byte[] {0, 1}));
        return data;
    }

    private static List<RawTaggedField> headerTags(ApiKeys key, short version) {
        return key.responseHeaderVersion(version) >= 1 ? HEADER_TAGS : List.of();
    }

    private static ByteBuf frame(ApiKeys key, short version, ApiMessage message) {
        return KafkaWire.responseFrame(key, version, CORRELATION_ID, headerTags(key, version), message);
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersion")
    void brokerAddressesAreRewrittenAndEverythingElseIsKept(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, message(key, version, BROKERS, REAL));
        byte[] header = Arrays.copyOfRange(KafkaWire.bytes(frame), 4, Headers.responseBodyStart(frame, key, version));
        ApiMessage expected = message(key, version, BROKERS, ADVERTISED);
        ByteBuf expectedFrame = frame(key, version, expected);
        Object result = processor(key).process(session, frame, key, version);
        try {
            assertThat(result).isInstanceOf(ByteBuf.class).isNotSameAs(frame);
            ByteBuf out = (ByteBuf) result;
            assertThat(KafkaWire.<ApiMessage>readResponse(out, key, version)).isEqualTo(expected);
            assertThat(KafkaWire.bytes(out)).isEqualTo(KafkaWire.bytes(expectedFrame));
            assertThat(Arrays.copyOfRange(KafkaWire.bytes(out), 4, 4 + header.length))
                    .as("header bytes, tagged fields included").isEqualTo(header);
            assertThat(KafkaWire.readResponseHeader(out, key, version).correlationId()).isEqualTo(CORRELATION_ID);
        } finally {
            ((ByteBuf) result).release();
            expectedFrame.release();
        }
        // Unchanged parts of the broker's frame may live on inside the result (retained slices, not
        // copies); releasing the result releases them.
        assertThat(frame.refCnt()).as("the broker's frame is released with the result").isZero();
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersion")
    void theBrokersNamedAreLearnedWithTheirRealAddresses(ApiKeys key, short version) {
        ((ByteBuf) processor(key).process(session, frame(key, version, message(key, version, BROKERS, REAL)), key, version)).release();
        int named = key == ApiKeys.FIND_COORDINATOR && version < 4 ? 1 : BROKERS.size();
        for (BrokerNode broker : BROKERS.subList(0, named)) {
            BrokerNode learned = registry.broker(broker.id());
            assertThat(learned).isNotNull();
            assertThat(learned.address()).isEqualTo(broker.address());
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersion")
    void aResponseNamingNoBrokerIsForwardedAsTheSameBuffer(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, message(key, version, List.of(), REAL));
        byte[] before = KafkaWire.bytes(frame);
        try {
            assertThat(processor(key).process(session, frame, key, version)).isSameAs(frame);
            assertThat(frame.refCnt()).isEqualTo(1);
            assertThat(KafkaWire.bytes(frame)).isEqualTo(before);
        } finally {
            frame.release();
        }
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("everyVersion")
    void aResponseAlreadyNamingTheGatewayIsForwardedAsTheSameBuffer(ApiKeys key, short version) {
        ByteBuf frame = frame(key, version, message(key, version, BROKERS, ADVERTISED));
        try {
            assertThat(processor(key).process(session, frame, key, version)).isSameAs(frame);
        } finally {
            frame.release();
        }
    }

    @Test
    void aBrokerTheRoutingCannotPlaceFailsClosedAndLeavesTheFrameToTheCaller() {
        short version = ApiKeys.METADATA.latestVersion(true);
        List<BrokerNode> brokers = List.of(BROKERS.get(0), new BrokerNode(StubRouting.UNROUTED_ID, "secret.internal", 9092, null));
        ByteBuf frame = frame(ApiKeys.METADATA, version, message(ApiKeys.METADATA, version, brokers, REAL));
        try {
            assertThatThrownBy(() -> processor(ApiKeys.METADATA).process(session, frame, ApiKeys.METADATA, version))
                    .isInstanceOf(GatewayException.class)
                    .hasMessageContaining("secret.internal");
            assertThat(frame.refCnt()).isEqualTo(1);
        } finally {
            frame.release();
        }
    }

    private ResponseProcessor processor(ApiKeys key) {
        return java.util.Objects.requireNonNull(processors.forKey(key.id), key.name);
    }
}
