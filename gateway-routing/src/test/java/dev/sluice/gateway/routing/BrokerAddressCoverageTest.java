package dev.sluice.gateway.routing;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.routing.internal.AddressSites;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.apache.kafka.common.message.ApiMessageType.ListenerType;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeClusterResponseData.DescribeClusterBroker;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the rewriter honest across kafka-clients upgrades: scans every {@code *ResponseData} class
 * (and its nested classes) in kafka-clients' {@code org.apache.kafka.common.message} package for
 * fields or accessors named {@code host}, {@code port}, {@code *Host} or {@code *Port}, and fails
 * for any such class that the rewriter does not cover ({@link AddressSites}) and that {@link
 * #EXCLUDED} does not list with a reason.
 */
class BrokerAddressCoverageTest {

    private static final String MESSAGE_PACKAGE = "org.apache.kafka.common.message.";

    /** Why a class with a host or port field is not rewritten. */
    enum Reason {
        ACL_HOST_PATTERN("an ACL's host pattern (the client host an ACL applies to), not a broker address"),
        CLIENT_HOST("the address a group member connected from, as the broker saw it; not a broker address"),
        STREAMS_APPLICATION_ENDPOINT("a Kafka Streams application instance's endpoint (KIP-1071), published by"
                + " the application for interactive queries; clients never reach a broker through it"),
        CONTROLLER_ONLY_API("a response of a Raft API that only controller listeners serve; clients never send"
                + " it through a broker listener, so it never crosses the gateway"),
        CONTROLLER_QUORUM_LISTENER("a KRaft controller's listener in DescribeQuorum, which Admin's"
                + " describeMetadataQuorum reaches through a broker. Left as is on purpose: controllers are not"
                + " proxied, so there is no gateway address to put there, and clients only display these"
                + " endpoints, never connect to them. Deny DescribeQuorum with an interceptor to hide them");

        final String explanation;

        Reason(String explanation) {
            this.explanation = explanation;
        }
    }

    /** Classes (relative to the message package) with host/port fields that are deliberately not rewritten. */
    static final Map<String, Reason> EXCLUDED = Map.ofEntries(
            entry("DescribeAclsResponseData$AclDescription", Reason.ACL_HOST_PATTERN),
            entry("DeleteAclsResponseData$DeleteAclsMatchingAcl", Reason.ACL_HOST_PATTERN),
            entry("ConsumerGroupDescribeResponseData$Member", Reason.CLIENT_HOST),
            entry("DescribeGroupsResponseData$DescribedGroupMember", Reason.CLIENT_HOST),
            entry("ShareGroupDescribeResponseData$Member", Reason.CLIENT_HOST),
            entry("StreamsGroupDescribeResponseData$Member", Reason.CLIENT_HOST),
            entry("StreamsGroupDescribeResponseData$Endpoint", Reason.STREAMS_APPLICATION_ENDPOINT),
            entry("StreamsGroupHeartbeatResponseData$Endpoint", Reason.STREAMS_APPLICATION_ENDPOINT),
            entry("DescribeQuorumResponseData$Listener", Reason.CONTROLLER_QUORUM_LISTENER),
            entry("VoteResponseData$NodeEndpoint", Reason.CONTROLLER_ONLY_API),
            entry("BeginQuorumEpochResponseData$NodeEndpoint", Reason.CONTROLLER_ONLY_API),
            entry("EndQuorumEpochResponseData$NodeEndpoint", Reason.CONTROLLER_ONLY_API),
            entry("FetchSnapshotResponseData$NodeEndpoint", Reason.CONTROLLER_ONLY_API),
            entry("UpdateRaftVoterResponseData$CurrentLeader", Reason.CONTROLLER_ONLY_API));

    private static Set<String> scannedClasses;
    private static Map<String, Set<String>> addressBearing;

    @BeforeAll
    static void scanKafkaClients() throws IOException, URISyntaxException, ClassNotFoundException {
        Path jar = Path.of(ApiMessage.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertThat(jar.toString()).as("kafka-clients must be on the test class path as a jar").endsWith(".jar");
        Map<String, Set<String>> found = new TreeMap<>();
        Set<String> scanned = new TreeSet<>();
        try (JarFile jarFile = new JarFile(jar.toFile())) {
            for (JarEntry jarEntry : Collections.list(jarFile.entries())) {
                String className = jarEntry.getName().replace('/', '.');
                if (!className.startsWith(MESSAGE_PACKAGE) || !className.endsWith(".class")) {
                    continue;
                }
                className = className.substring(0, className.length() - ".class".length());
                String relative = className.substring(MESSAGE_PACKAGE.length());
                String topLevel = relative.contains("$") ? relative.substring(0, relative.indexOf('$')) : relative;
                if (relative.contains(".") || !topLevel.endsWith("ResponseData")) {
                    continue;
                }
                scanned.add(relative);
                Set<String> names = addressMembers(Class.forName(className, false, ApiMessage.class.getClassLoader()));
                if (!names.isEmpty()) {
                    found.put(relative, names);
                }
            }
        }
        scannedClasses = Collections.unmodifiableSet(scanned);
        addressBearing = Collections.unmodifiableMap(found);
    }

    @Test
    void everyResponseFieldNamingAHostOrPortIsRewrittenOrExcludedWithAReason() {
        Set<String> covered = relativeNames(AddressSites.entryTypes());
        Map<String, Set<String>> unaccounted = new TreeMap<>(addressBearing);
        unaccounted.keySet().removeAll(covered);
        unaccounted.keySet().removeAll(EXCLUDED.keySet());

        assertThat(unaccounted)
                .as("response classes with host/port fields that no rewriter covers: add them to AddressSites"
                        + " (and a sample here) or to EXCLUDED with a reason")
                .isEmpty();
    }

    @Test
    void scanSeesTheWholeMessagePackageAndEveryCoveredClass() {
        List<String> everyApiResponse = new ArrayList<>();
        for (ApiKeys api : ApiKeys.values()) {
            if (!api.hasValidVersion()) {
                continue; // removed from the protocol (LeaderAndIsr, ...): no message classes left
            }
            everyApiResponse.add(api.messageType.newResponse().getClass().getName().substring(MESSAGE_PACKAGE.length()));
        }
        assertThat(scannedClasses).as("response classes scanned").containsAll(everyApiResponse);
        assertThat(addressBearing.keySet()).containsAll(relativeNames(AddressSites.entryTypes()));
    }

    @Test
    void everyExclusionStillNamesAnAddressBearingClassThatNoRewriterCovers() {
        assertThat(addressBearing.keySet())
                .as("stale exclusions: these classes no longer exist or no longer have host/port fields")
                .containsAll(EXCLUDED.keySet());
        assertThat(relativeNames(AddressSites.entryTypes())).doesNotContainAnyElementsOf(EXCLUDED.keySet());
    }

    @Test
    void controllerOnlyExclusionsBelongToApisThatNoBrokerListenerServes() throws ReflectiveOperationException {
        for (Map.Entry<String, Reason> excluded : EXCLUDED.entrySet()) {
            ApiKeys apiKey = apiKeyOf(excluded.getKey());
            if (excluded.getValue() == Reason.CONTROLLER_ONLY_API) {
                assertThat(apiKey.inScope(ListenerType.BROKER)).as("%s is served by brokers", apiKey).isFalse();
            }
        }
        assertThat(apiKeyOf("DescribeQuorumResponseData$Listener").inScope(ListenerType.BROKER))
                .as("DescribeQuorum reaches brokers, which is why its exclusion is a deliberate decision")
                .isTrue();
    }

    static Stream<Class<?>> coveredEntryTypes() {
        return AddressSites.entryTypes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("coveredEntryTypes")
    void everyCoveredClassIsActuallyRewritten(Class<?> entryType) {
        Sample sample = SAMPLES.get(entryType);
        assertThat(sample).as("no sample for %s: add one to SAMPLES", entryType.getName()).isNotNull();

        boolean changed = BrokerAddressRewriter.rewrite(sample.response(), sample.version(), Wire.GATEWAY);

        assertThat(changed).isTrue();
        assertThat(sample.address().get()).isEqualTo(Wire.gatewayAddressOf(1));
    }

    /** A response holding one entry of a covered class for broker 1, and how to read that entry's address. */
    record Sample(ApiMessage response, short version, Supplier<HostPort> address) {}

    private static final Map<Class<?>, Sample> SAMPLES = Map.of(
            MetadataResponseBroker.class, metadataSample(),
            FindCoordinatorResponseData.class, singleCoordinatorSample(),
            Coordinator.class, batchedCoordinatorSample(),
            DescribeClusterBroker.class, describeClusterSample(),
            ProduceResponseData.NodeEndpoint.class, produceSample(),
            FetchResponseData.NodeEndpoint.class, fetchSample(),
            ShareFetchResponseData.NodeEndpoint.class, shareFetchSample(),
            ShareAcknowledgeResponseData.NodeEndpoint.class, shareAcknowledgeSample());

    private static Sample metadataSample() {
        MetadataResponseBroker entry = new MetadataResponseBroker().setNodeId(1).setHost(upstream()).setPort(9092);
        MetadataResponseData response = new MetadataResponseData();
        response.brokers().add(entry);
        return new Sample(response, MetadataResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample singleCoordinatorSample() {
        FindCoordinatorResponseData response = new FindCoordinatorResponseData()
                .setNodeId(1).setHost(upstream()).setPort(9092);
        return new Sample(response, (short) (Coordinator.LOWEST_SUPPORTED_VERSION - 1),
                () -> new HostPort(response.host(), response.port()));
    }

    private static Sample batchedCoordinatorSample() {
        Coordinator entry = new Coordinator().setKey("group").setNodeId(1).setHost(upstream()).setPort(9092);
        FindCoordinatorResponseData response = new FindCoordinatorResponseData().setCoordinators(List.of(entry));
        return new Sample(response, FindCoordinatorResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample describeClusterSample() {
        DescribeClusterBroker entry = new DescribeClusterBroker().setBrokerId(1).setHost(upstream()).setPort(9092);
        DescribeClusterResponseData response = new DescribeClusterResponseData();
        response.brokers().add(entry);
        return new Sample(response, DescribeClusterResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample produceSample() {
        ProduceResponseData.NodeEndpoint entry =
                new ProduceResponseData.NodeEndpoint().setNodeId(1).setHost(upstream()).setPort(9092);
        ProduceResponseData response = new ProduceResponseData();
        response.nodeEndpoints().add(entry);
        return new Sample(response, ProduceResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample fetchSample() {
        FetchResponseData.NodeEndpoint entry =
                new FetchResponseData.NodeEndpoint().setNodeId(1).setHost(upstream()).setPort(9092);
        FetchResponseData response = new FetchResponseData();
        response.nodeEndpoints().add(entry);
        return new Sample(response, FetchResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample shareFetchSample() {
        ShareFetchResponseData.NodeEndpoint entry =
                new ShareFetchResponseData.NodeEndpoint().setNodeId(1).setHost(upstream()).setPort(9092);
        ShareFetchResponseData response = new ShareFetchResponseData();
        response.nodeEndpoints().add(entry);
        return new Sample(response, ShareFetchResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static Sample shareAcknowledgeSample() {
        ShareAcknowledgeResponseData.NodeEndpoint entry =
                new ShareAcknowledgeResponseData.NodeEndpoint().setNodeId(1).setHost(upstream()).setPort(9092);
        ShareAcknowledgeResponseData response = new ShareAcknowledgeResponseData();
        response.nodeEndpoints().add(entry);
        return new Sample(response, ShareAcknowledgeResponseData.HIGHEST_SUPPORTED_VERSION,
                () -> new HostPort(entry.host(), entry.port()));
    }

    private static String upstream() {
        return Wire.upstreamHost(1);
    }

    /** Instance fields and public no-argument accessors named host, port, *Host or *Port. */
    private static Set<String> addressMembers(Class<?> type) {
        Set<String> names = new TreeSet<>();
        for (Field field : type.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) && namesAnAddress(field.getName())) {
                names.add(field.getName());
            }
        }
        for (Method method : type.getDeclaredMethods()) {
            if (Modifier.isPublic(method.getModifiers()) && !Modifier.isStatic(method.getModifiers())
                    && method.getParameterCount() == 0 && namesAnAddress(method.getName())) {
                names.add(method.getName() + "()");
            }
        }
        return names;
    }

    private static boolean namesAnAddress(String name) {
        return name.equals("host") || name.equals("port") || name.endsWith("Host") || name.endsWith("Port");
    }

    private static ApiKeys apiKeyOf(String relativeName) throws ReflectiveOperationException {
        String topLevel = relativeName.substring(0, relativeName.indexOf('$'));
        Object response = Class.forName(MESSAGE_PACKAGE + topLevel).getConstructor().newInstance();
        return ApiKeys.forId(((ApiMessage) response).apiKey());
    }

    private static Set<String> relativeNames(Set<Class<?>> types) {
        List<String> names = new ArrayList<>();
        for (Class<?> type : types) {
            names.add(type.getName().substring(MESSAGE_PACKAGE.length()));
        }
        return new TreeSet<>(names);
    }
}
