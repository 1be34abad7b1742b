package dev.sluice.gateway.routing.internal;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.api.HostPort;
import dev.sluice.gateway.routing.AddressMapping;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One place in one response type where broker addresses sit, for example "the {@code brokers}
 * array of {@code MetadataResponseData}": which entries to visit at a given version, and how to read
 * and write them.
 *
 * <p>An entry is visited only when it names a broker: its node id is {@code >= 0} (Kafka writes -1
 * for "no node") and its {@link BrokerEntryAccess#namesBroker} condition holds (no error). An entry
 * whose port is not in {@code 0..65535} cannot be an address; it is skipped with a warning.
 *
 * <p>Immutable and thread-safe; the messages it visits belong to the caller's thread.
 *
 * <pre>{@code
 * AddressSite<MetadataResponseData, MetadataResponseBroker> site = AddressSite.of(
 *         ApiKeys.METADATA, MetadataResponseData.class, (response, version) -> response.brokers(), access);
 * boolean changed = site.rewrite(response, version, mapping);
 * }</pre>
 *
 * @param <M> the response type
 * @param <E> the entry type
 */
public final class AddressSite<M extends ApiMessage, E> {

    private static final Logger log = LoggerFactory.getLogger(AddressSite.class);

    /** Finds the entries of a response at a version; returns an empty collection when there are none. */
    @FunctionalInterface
    public interface Entries<M, E> {
        /**
         * The entries of {@code response} at {@code version}: preferably the message's own collection,
         * so that the common empty case allocates nothing.
         */
        Collection<E> in(M response, short version);
    }

    private final ApiKeys apiKey;
    private final Class<M> responseType;
    private final Entries<M, E> entries;
    private final BrokerEntryAccess<E> access;

    private AddressSite(ApiKeys apiKey, Class<M> responseType, Entries<M, E> entries, BrokerEntryAccess<E> access) {
        this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
        this.responseType = Objects.requireNonNull(responseType, "responseType");
        this.entries = Objects.requireNonNull(entries, "entries");
        this.access = Objects.requireNonNull(access, "access");
    }

    /** Declares a site. */
    public static <M extends ApiMessage, E> AddressSite<M, E> of(
            ApiKeys apiKey, Class<M> responseType, Entries<M, E> entries, BrokerEntryAccess<E> access) {
        return new AddressSite<>(apiKey, responseType, entries, access);
    }

    /** The API whose responses hold this site. */
    public ApiKeys apiKey() {
        return apiKey;
    }

    /** The response class. */
    public Class<M> responseType() {
        return responseType;
    }

    /** The generated class of the entries. */
    public Class<E> entryType() {
        return access.type();
    }

    /** Adds every broker this site names in {@code response} to {@code into}. */
    public void collect(ApiMessage response, short version, List<BrokerNode> into) {
        Collection<E> found = entries.in(responseType.cast(response), version);
        if (found.isEmpty()) {
            return;
        }
        for (E entry : found) {
            if (namesBroker(entry)) {
                into.add(brokerOf(entry));
            }
        }
    }

    /**
     * Replaces the host and port of every entry for which {@code mapping} returns an address.
     *
     * @return whether any entry now differs from before
     */
    public boolean rewrite(ApiMessage response, short version, AddressMapping mapping) {
        Collection<E> found = entries.in(responseType.cast(response), version);
        if (found.isEmpty()) {
            return false;
        }
        boolean changed = false;
        for (E entry : found) {
            if (!namesBroker(entry)) {
                continue;
            }
            HostPort advertised = mapping.advertisedAddress(brokerOf(entry));
            if (advertised == null) {
                continue;
            }
            if (!advertised.host().equals(access.host().apply(entry))) {
                access.setHost().accept(entry, advertised.host());
                changed = true;
            }
            if (advertised.port() != access.port().applyAsInt(entry)) {
                access.setPort().accept(entry, advertised.port());
                changed = true;
            }
        }
        return changed;
    }

    private boolean namesBroker(E entry) {
        if (access.nodeId().applyAsInt(entry) < 0 || !access.namesBroker().test(entry)) {
            return false;
        }
        int port = access.port().applyAsInt(entry);
        if (port < 0 || port > 65_535 || access.host().apply(entry) == null) {
            log.warn("Skipping {} entry {}: it names node {} but its address is not valid",
                    apiKey, entry, access.nodeId().applyAsInt(entry));
            return false;
        }
        return true;
    }

    private BrokerNode brokerOf(E entry) {
        @Nullable String rack = access.rack().apply(entry);
        return new BrokerNode(access.nodeId().applyAsInt(entry), access.host().apply(entry),
                access.port().applyAsInt(entry), rack);
    }

    @Override
    public String toString() {
        return responseType.getSimpleName() + "/" + access.type().getSimpleName();
    }
}
