package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.ResponseLayouts;
import dev.sluice.gateway.internal.codec.StructureCursor;
import dev.sluice.gateway.internal.codec.StructureWalker;
import io.netty.buffer.ByteBuf;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.jspecify.annotations.Nullable;

/**
 * The table of response processors, indexed by API key. A key with no entry is forwarded untouched
 * (correlation id aside): that is every key but the few that carry broker addresses or that the
 * gateway must watch.
 */
final class ResponseProcessors {

    /** First Produce response version that can carry KIP-951 {@code NodeEndpoints}. */
    static final short PRODUCE_NODE_ENDPOINTS_VERSION = 10;
    /** First Fetch response version that can carry KIP-951 {@code NodeEndpoints}. */
    static final short FETCH_NODE_ENDPOINTS_VERSION = 16;

    private final @Nullable ResponseProcessor[] table;
    private final BrokerArrayProcessor endpoints;

    ResponseProcessors(BrokerRegistry registry, ApiVersionsFilter apiVersions) {
        int maxId = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxId = Math.max(maxId, key.id);
        }
        table = new ResponseProcessor[maxId + 1];
        table[ApiKeys.API_VERSIONS.id] = (session, frame, key, version) ->
                apiVersions.filter(frame.alloc(), frame, version);
        table[ApiKeys.SASL_AUTHENTICATE.id] = ResponseProcessors::watchSaslAuthenticate;
        table[ApiKeys.METADATA.id] = BrokerArrayProcessor.metadataBrokers(registry);
        AddressRewritingProcessor decoded = new AddressRewritingProcessor(registry);
        table[ApiKeys.FIND_COORDINATOR.id] = decoded;
        table[ApiKeys.DESCRIBE_CLUSTER.id] = decoded;
        endpoints = BrokerArrayProcessor.nodeEndpoints(registry);
        table[ApiKeys.PRODUCE.id] = (session, frame, key, version) ->
                version < PRODUCE_NODE_ENDPOINTS_VERSION ? frame : endpoints.process(session, frame, key, version);
        table[ApiKeys.FETCH.id] = (session, frame, key, version) ->
                version < FETCH_NODE_ENDPOINTS_VERSION ? frame : endpoints.process(session, frame, key, version);
        table[ApiKeys.SHARE_FETCH.id] = endpoints;
        table[ApiKeys.SHARE_ACKNOWLEDGE.id] = endpoints;
    }

    /** Responses whose KIP-951 node endpoints were rewritten so far. */
    long nodeEndpointRewrites() {
        return endpoints.rewrites();
    }

    /** Streamed responses whose node endpoints were left out because the rewritten ones did not fit. */
    long nodeEndpointsDropped() {
        return endpoints.dropped();
    }

    /**
     * Whether responses of {@code apiKey} may go to the client before all their bytes have arrived:
     * those no processor reads, and Fetch, whose one rewritten part, the node endpoints, comes last.
     */
    boolean streamable(short apiKey) {
        return forKey(apiKey) == null || apiKey == ApiKeys.FETCH.id;
    }

    /**
     * The walk to the part of a streamed response that is rewritten when it is complete (the
     * top-level tagged fields of a Fetch response that can carry node endpoints), or {@code null}
     * when the whole response passes as it is.
     */
    @Nullable StructureCursor tailCursor(short apiKey, short apiVersion, int frameLength) {
        if (apiKey != ApiKeys.FETCH.id || apiVersion < FETCH_NODE_ENDPOINTS_VERSION) {
            return null;
        }
        StructureWalker walker = ResponseLayouts.walker(ApiKeys.FETCH, apiVersion);
        return walker.cursor(frameLength, ApiKeys.FETCH.responseHeaderVersion(apiVersion) >= 1,
                walker.taggedFieldsIndex());
    }

    /** Rewrites the tail {@link #tailCursor} found, keeping its length; see {@link BrokerArrayProcessor#processTail}. */
    Object processTail(ProxySession session, ByteBuf tail, short apiKey, short apiVersion) {
        return endpoints.processTail(session, tail, ApiKeys.forId(apiKey), apiVersion);
    }

    @Nullable ResponseProcessor forKey(short apiKey) {
        return apiKey >= 0 && apiKey < table.length ? table[apiKey] : null;
    }

    private static Object watchSaslAuthenticate(ProxySession session, ByteBuf frame, ApiKeys key, short version) {
        int bodyStart = Headers.responseBodyStart(frame, key, version);
        if (frame.writerIndex() - bodyStart >= 2 && frame.getShort(bodyStart) == Errors.NONE.code()) {
            session.saslStepSucceeded();
        }
        return frame;
    }
}
