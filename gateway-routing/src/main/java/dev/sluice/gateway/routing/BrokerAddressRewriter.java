package dev.sluice.gateway.routing;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.routing.internal.AddressSite;
import dev.sluice.gateway.routing.internal.AddressSites;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * Finds and rewrites the broker addresses in decoded Kafka responses, so that clients only ever see
 * the gateway's addresses.
 *
 * <p>Works on kafka-clients' generated response classes ({@code
 * org.apache.kafka.common.message.*ResponseData}) and mutates them in place. Covered, at every
 * version kafka-clients supports:
 *
 * <ul>
 *   <li>Metadata {@code brokers[]} and DescribeCluster {@code brokers[]} (node id and rack kept);
 *   <li>FindCoordinator: the top-level node (v0-3) and every {@code coordinators[]} entry (v4+),
 *       except entries with an error code or node id -1, which name no broker;
 *   <li>the KIP-951 {@code nodeEndpoints} of Produce (v10+) and Fetch (v16+), and the {@code
 *       nodeEndpoints} of ShareFetch and ShareAcknowledge.
 * </ul>
 *
 * <p>DescribeQuorum's controller listeners are deliberately <em>not</em> rewritten: controllers are
 * not proxied, so there is no gateway address to put there, and clients only display them (Admin's
 * {@code describeMetadataQuorum}), they never connect to them. A deployment that must hide them
 * should deny DescribeQuorum with an interceptor.
 *
 * <h2>Use</h2>
 * For each response of an API in {@link #rewrittenApis()}: learn its brokers, plan them, rewrite,
 * and re-encode only if something changed.
 *
 * <pre>{@code
 * if (BrokerAddressRewriter.carriesBrokerAddresses(apiKey)) {
 *     ApiMessage response = decode(frame, apiKey, version);
 *     List<BrokerNode> seen = BrokerAddressRewriter.brokersIn(response, version);
 *     if (anyUnknown(seen)) routing.plan(union(known, seen));
 *     if (BrokerAddressRewriter.rewrite(response, version, AddressMapping.fromRouting(routing))) {
 *         frame = encode(response, version);
 *     }
 * }
 * }</pre>
 *
 * <h2>Threading and ownership</h2>
 * Stateless and thread-safe. The response belongs to the caller: it must not be read or written by
 * another thread during a call. Dispatch is a table lookup by API key id; for responses without
 * broker addresses, and Produce/Fetch responses whose {@code nodeEndpoints} are empty (the common
 * case), {@link #rewrite} costs that lookup and an emptiness check and allocates nothing.
 *
 * <h2>Pitfalls</h2>
 * <ul>
 *   <li>The {@code version} MUST be the version the response is (or will be) encoded at: in
 *       FindCoordinator it decides whether the top-level fields or {@code coordinators[]} are real.
 *   <li>An entry the mapping returns {@code null} for keeps the upstream address: see {@link
 *       AddressMapping}.
 *   <li>{@link #brokersIn} lists only the brokers <em>this</em> response names (a FindCoordinator
 *       answer names one). Merge them into the known set before {@code RoutingStrategy.plan}, which
 *       takes the complete set and frees the ports of brokers it is not given.
 *   <li>This class follows the kafka-clients version Sluice is built with: its parameter types are
 *       kafka-clients' protocol classes, which Kafka does not treat as a stable API.
 * </ul>
 */
public final class BrokerAddressRewriter {

    private BrokerAddressRewriter() {}

    /** Every API whose responses can carry a broker address (an unmodifiable set). */
    public static Set<ApiKeys> rewrittenApis() {
        return AddressSites.apis();
    }

    /** Whether responses of {@code apiKey} can carry a broker address, and so must be decoded. */
    public static boolean carriesBrokerAddresses(ApiKeys apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        return !AddressSites.of(apiKey).isEmpty();
    }

    /**
     * Whether responses of the API with id {@code apiKeyId} (as read from a request header) can carry
     * a broker address; {@code false} for ids kafka-clients does not know. Allocation-free.
     */
    public static boolean carriesBrokerAddresses(short apiKeyId) {
        return !AddressSites.of(apiKeyId).isEmpty();
    }

    /**
     * Every broker {@code response} names, in message order, as the upstream describes it: node id,
     * host, port, and rack ({@code null} where the entry has none). A broker named twice (say, in
     * two FindCoordinator entries) is listed twice. Entries that name no broker (error entries, node
     * id -1) are left out.
     *
     * @param response a decoded response, of any API
     * @param version the version {@code response} was decoded at
     * @return the brokers, in a new mutable list; empty for APIs outside {@link #rewrittenApis()}
     * @throws IllegalArgumentException when {@code response} is not the response class of its API
     *     key (a request, say), or {@code version} is outside the versions its class supports
     */
    public static List<BrokerNode> brokersIn(ApiMessage response, short version) {
        List<AddressSite<?, ?>> sites = sitesFor(response, version);
        List<BrokerNode> brokers = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            sites.get(i).collect(response, version, brokers);
        }
        return brokers;
    }

    /**
     * Replaces, in place, the host and port of every broker entry of {@code response} with the
     * address {@code mapping} gives for it; entries it gives {@code null} for stay as they are. Node
     * ids, racks and every other field, unknown tagged fields included, are kept.
     *
     * @param response a decoded response, of any API
     * @param version the version {@code response} was decoded at and will be encoded at
     * @param mapping the gateway address of each upstream broker
     * @return whether anything changed, that is whether the response must be re-encoded
     * @throws IllegalArgumentException when {@code response} is not the response class of its API
     *     key (a request, say), or {@code version} is outside the versions its class supports
     */
    public static boolean rewrite(ApiMessage response, short version, AddressMapping mapping) {
        Objects.requireNonNull(mapping, "mapping");
        List<AddressSite<?, ?>> sites = sitesFor(response, version);
        boolean changed = false;
        for (int i = 0; i < sites.size(); i++) {
            changed |= sites.get(i).rewrite(response, version, mapping);
        }
        return changed;
    }

    private static List<AddressSite<?, ?>> sitesFor(ApiMessage response, short version) {
        Objects.requireNonNull(response, "response");
        if (version < response.lowestSupportedVersion() || version > response.highestSupportedVersion()) {
            throw new IllegalArgumentException(response.getClass().getSimpleName() + " supports versions "
                    + response.lowestSupportedVersion() + ".." + response.highestSupportedVersion()
                    + ", not " + version);
        }
        List<AddressSite<?, ?>> sites = AddressSites.of(response.apiKey());
        if (!sites.isEmpty() && !sites.get(0).responseType().isInstance(response)) {
            throw new IllegalArgumentException("expected a " + sites.get(0).responseType().getSimpleName()
                    + " for API " + sites.get(0).apiKey() + ", got " + response.getClass().getName());
        }
        return sites;
    }
}
