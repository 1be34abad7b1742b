package dev.sluice.gateway.routing.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import org.apache.kafka.common.protocol.Errors;

/**
 * The table of every place in a Kafka response that carries a broker address, keyed by API. This
 * is the one file to touch when kafka-clients adds such a field; {@code BrokerAddressCoverageTest}
 * fails until it is listed here or excluded there with a reason.
 *
 * <table>
 *   <caption>Broker addresses in kafka-clients 4.3 responses</caption>
 *   <tr><th>API</th><th>where</th><th>versions</th></tr>
 *   <tr><td>Metadata</td><td>{@code brokers[]}</td><td>all</td></tr>
 *   <tr><td>FindCoordinator</td><td>top-level node id/host/port</td><td>0-3, unless error</td></tr>
 *   <tr><td>FindCoordinator</td><td>{@code coordinators[]}</td><td>4+, per entry unless error</td></tr>
 *   <tr><td>DescribeCluster</td><td>{@code brokers[]}</td><td>all</td></tr>
 *   <tr><td>Produce</td><td>{@code nodeEndpoints} (tagged, KIP-951)</td><td>10+</td></tr>
 *   <tr><td>Fetch</td><td>{@code nodeEndpoints} (tagged, KIP-951)</td><td>16+</td></tr>
 *   <tr><td>ShareFetch, ShareAcknowledge</td><td>{@code nodeEndpoints} (KIP-932)</td><td>all</td></tr>
 * </table>
 *
 * <p>Follows the kafka-clients version: the generated classes named here move between releases.
 * Immutable and thread-safe.
 *
 * <pre>{@code
 * for (AddressSite<?, ?> site : AddressSites.of(ApiKeys.METADATA)) {
 *     changed |= site.rewrite(response, version, mapping);
 * }
 * }</pre>
 */
public final class AddressSites {

    private static final short NO_ERROR = Errors.NONE.code();

    private static final BrokerEntryAccess<MetadataResponseBroker> METADATA_BROKER = BrokerEntryAccess.of(
            MetadataResponseBroker.class,
            MetadataResponseBroker::nodeId, MetadataResponseBroker::host, MetadataResponseBroker::port,
            MetadataResponseBroker::rack, MetadataResponseBroker::setHost, MetadataResponseBroker::setPort);

    private static final BrokerEntryAccess<FindCoordinatorResponseData> SINGLE_COORDINATOR = BrokerEntryAccess.of(
            FindCoordinatorResponseData.class,
            FindCoordinatorResponseData::nodeId, FindCoordinatorResponseData::host, FindCoordinatorResponseData::port,
            response -> null, FindCoordinatorResponseData::setHost, FindCoordinatorResponseData::setPort)
            .onlyWhere(response -> response.errorCode() == NO_ERROR);

    private static final BrokerEntryAccess<Coordinator> BATCHED_COORDINATOR = BrokerEntryAccess.of(
            Coordinator.class,
            Coordinator::nodeId, Coordinator::host, Coordinator::port,
            coordinator -> null, Coordinator::setHost, Coordinator::setPort)
            .onlyWhere(coordinator -> coordinator.errorCode() == NO_ERROR);

    private static final BrokerEntryAccess<DescribeClusterBroker> CLUSTER_BROKER = BrokerEntryAccess.of(
            DescribeClusterBroker.class,
            DescribeClusterBroker::brokerId, DescribeClusterBroker::host, DescribeClusterBroker::port,
            DescribeClusterBroker::rack, DescribeClusterBroker::setHost, DescribeClusterBroker::setPort);

    private static final BrokerEntryAccess<ProduceResponseData.NodeEndpoint> PRODUCE_ENDPOINT = BrokerEntryAccess.of(
            ProduceResponseData.NodeEndpoint.class,
            ProduceResponseData.NodeEndpoint::nodeId, ProduceResponseData.NodeEndpoint::host,
            ProduceResponseData.NodeEndpoint::port, ProduceResponseData.NodeEndpoint::rack,
            ProduceResponseData.NodeEndpoint::setHost, ProduceResponseData.NodeEndpoint::setPort);

    private static final BrokerEntryAccess<FetchResponseData.NodeEndpoint> FETCH_ENDPOINT = BrokerEntryAccess.of(
            FetchResponseData.NodeEndpoint.class,
            FetchResponseData.NodeEndpoint::nodeId, FetchResponseData.NodeEndpoint::host,
            FetchResponseData.NodeEndpoint::port, FetchResponseData.NodeEndpoint::rack,
            FetchResponseData.NodeEndpoint::setHost, FetchResponseData.NodeEndpoint::setPort);

    private static final BrokerEntryAccess<ShareFetchResponseData.NodeEndpoint> SHARE_FETCH_ENDPOINT =
            BrokerEntryAccess.of(
                    ShareFetchResponseData.NodeEndpoint.class,
                    ShareFetchResponseData.NodeEndpoint::nodeId, ShareFetchResponseData.NodeEndpoint::host,
                    ShareFetchResponseData.NodeEndpoint::port, ShareFetchResponseData.NodeEndpoint::rack,
                    ShareFetchResponseData.NodeEndpoint::setHost, ShareFetchResponseData.NodeEndpoint::setPort);

    private static final BrokerEntryAccess<ShareAcknowledgeResponseData.NodeEndpoint> SHARE_ACK_ENDPOINT =
            BrokerEntryAccess.of(
                    ShareAcknowledgeResponseData.NodeEndpoint.class,
                    ShareAcknowledgeResponseData.NodeEndpoint::nodeId, ShareAcknowledgeResponseData.NodeEndpoint::host,
                    ShareAcknowledgeResponseData.NodeEndpoint::port, ShareAcknowledgeResponseData.NodeEndpoint::rack,
                    ShareAcknowledgeResponseData.NodeEndpoint::setHost,
                    ShareAcknowledgeResponseData.NodeEndpoint::setPort);

    private static final List<AddressSite<?, ?>> ALL = List.of(
            AddressSite.of(ApiKeys.METADATA, MetadataResponseData.class,
                    (response, version) -> response.brokers(), METADATA_BROKER),
            AddressSite.of(ApiKeys.FIND_COORDINATOR, FindCoordinatorResponseData.class,
                    (response, version) -> version < Coordinator.LOWEST_SUPPORTED_VERSION
                            ? List.of(response) : List.of(),
                    SINGLE_COORDINATOR),
            AddressSite.of(ApiKeys.FIND_COORDINATOR, FindCoordinatorResponseData.class,
                    (response, version) -> response.coordinators(), BATCHED_COORDINATOR),
            AddressSite.of(ApiKeys.DESCRIBE_CLUSTER, DescribeClusterResponseData.class,
                    (response, version) -> response.brokers(), CLUSTER_BROKER),
            AddressSite.of(ApiKeys.PRODUCE, ProduceResponseData.class,
                    (response, version) -> response.nodeEndpoints(), PRODUCE_ENDPOINT),
            AddressSite.of(ApiKeys.FETCH, FetchResponseData.class,
                    (response, version) -> response.nodeEndpoints(), FETCH_ENDPOINT),
            AddressSite.of(ApiKeys.SHARE_FETCH, ShareFetchResponseData.class,
                    (response, version) -> response.nodeEndpoints(), SHARE_FETCH_ENDPOINT),
            AddressSite.of(ApiKeys.SHARE_ACKNOWLEDGE, ShareAcknowledgeResponseData.class,
                    (response, version) -> response.nodeEndpoints(), SHARE_ACK_ENDPOINT));

    private static final Map<ApiKeys, List<AddressSite<?, ?>>> BY_API = byApi(ALL);

    /** {@link #BY_API} indexed by API key id, so the data path neither boxes nor hashes. */
    private static final List<List<AddressSite<?, ?>>> BY_ID = byId(BY_API);

    private AddressSites() {}

    /** The sites of {@code apiKey}'s response; empty when its responses carry no broker address. */
    public static List<AddressSite<?, ?>> of(ApiKeys apiKey) {
        List<AddressSite<?, ?>> sites = BY_API.get(apiKey);
        return sites != null ? sites : List.of();
    }

    /**
     * The sites of the response of the API with id {@code apiKeyId}; empty when its responses carry
     * no broker address or the id is unknown. Allocation-free.
     */
    public static List<AddressSite<?, ?>> of(short apiKeyId) {
        return apiKeyId >= 0 && apiKeyId < BY_ID.size() ? BY_ID.get(apiKeyId) : List.of();
    }

    /** Every API whose responses can carry a broker address. */
    public static Set<ApiKeys> apis() {
        return BY_API.keySet();
    }

    /** Every generated class whose address a site reads and writes. */
    public static Set<Class<?>> entryTypes() {
        Set<Class<?>> types = new LinkedHashSet<>();
        for (AddressSite<?, ?> site : ALL) {
            types.add(site.entryType());
        }
        return Collections.unmodifiableSet(types);
    }

    private static Map<ApiKeys, List<AddressSite<?, ?>>> byApi(List<AddressSite<?, ?>> sites) {
        EnumMap<ApiKeys, List<AddressSite<?, ?>>> grouped = new EnumMap<>(ApiKeys.class);
        for (AddressSite<?, ?> site : sites) {
            grouped.computeIfAbsent(site.apiKey(), key -> new ArrayList<>()).add(site);
        }
        grouped.replaceAll((key, list) -> List.copyOf(list));
        return Collections.unmodifiableMap(grouped);
    }

    private static List<List<AddressSite<?, ?>>> byId(Map<ApiKeys, List<AddressSite<?, ?>>> byApi) {
        int maxId = -1;
        for (ApiKeys apiKey : byApi.keySet()) {
            maxId = Math.max(maxId, apiKey.id);
        }
        List<List<AddressSite<?, ?>>> byId = new ArrayList<>(Collections.nCopies(maxId + 1, List.of()));
        byApi.forEach((apiKey, sites) -> byId.set(apiKey.id, sites));
        return List.copyOf(byId);
    }
}
