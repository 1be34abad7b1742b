package dev.sluice.gateway.internal.proxy;

import dev.sluice.gateway.api.BrokerNode;
import dev.sluice.gateway.internal.cluster.BrokerRegistry;
import dev.sluice.gateway.internal.codec.ByteBufReadable;
import dev.sluice.gateway.internal.codec.ByteBufWritable;
import dev.sluice.gateway.internal.codec.CorruptFrameException;
import dev.sluice.gateway.internal.codec.Frames;
import dev.sluice.gateway.internal.codec.Headers;
import dev.sluice.gateway.internal.codec.ResponseLayouts;
import dev.sluice.gateway.internal.codec.StructureWalker;
import dev.sluice.gateway.internal.codec.Varints;
import dev.sluice.gateway.routing.BrokerAddressRewriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;

/**
 * KIP-951 {@code NodeEndpoints} in Produce (v10+), Fetch (v16+), ShareFetch and ShareAcknowledge
 * responses, rewritten without decoding the rest of the response.
 *
 * <p>The structure walker skips to the endpoints (the top-level tagged field 0 of Produce and Fetch,
 * the {@code node_endpoints} field of the share APIs), stepping over record sets by their length.
 * When there are none, which is almost always, the frame is forwarded as it is. Otherwise only the
 * endpoints are decoded and re-encoded, and the new frame is a composite of the untouched prefix
 * (a retained slice, not a copy), the new endpoints, and the untouched suffix.
 */
final class NodeEndpointsProcessor implements ResponseProcessor {

    private static final int NODE_ENDPOINTS_TAG = 0;

    private final BrokerRegistry registry;
    private final AdvertisedAddresses addresses;
    private final LongAdder rewrites = new LongAdder();

    NodeEndpointsProcessor(BrokerRegistry registry) {
        this.registry = registry;
        this.addresses = new AdvertisedAddresses(registry);
    }

    /** Where the encoded endpoint array sits in a frame, and how it is framed. */
    private record Site(int start, int end, boolean tagged, int valueSizeStart) {}

    @Override
    public Object process(ProxySession session, ByteBuf frame, ApiKeys key, short version) {
        Site site = locate(frame, key, version);
        if (site == null) {
            return frame;
        }
        List<Message> endpoints = decode(frame, site, key, version);
        if (endpoints.isEmpty()) {
            return frame;
        }
        ApiMessage holder = holder(key, endpoints);
        List<BrokerNode> named = BrokerAddressRewriter.brokersIn(holder, version);
        CompletableFuture<Void> ready = registry.learn(named);
        if (ready.isDone()) {
            return rewrite(frame, site, holder, endpoints, version);
        }
        return ready.thenApply(v -> {
            try {
                return rewrite(frame, site, holder, endpoints, version);
            } catch (RuntimeException e) {
                frame.release();
                throw e;
            }
        });
    }

    /** Responses whose node endpoints were rewritten so far. */
    long rewrites() {
        return rewrites.sum();
    }

    private static Site locate(ByteBuf frame, ApiKeys key, short version) {
        int limit = frame.writerIndex();
        int bodyStart = Headers.responseBodyStart(frame, key, version);
        StructureWalker walker = ResponseLayouts.walker(key, version);
        if (key == ApiKeys.SHARE_FETCH || key == ApiKeys.SHARE_ACKNOWLEDGE) {
            int field = walker.fieldIndex("node_endpoints");
            if (field < 0) {
                return null;
            }
            int start = walker.offsetOf(frame, bodyStart, limit, field);
            int end = walker.skipField(frame, start, limit, field);
            return new Site(start, end, false, -1);
        }
        int taggedField = walker.taggedFieldsIndex();
        if (taggedField < 0) {
            return null;
        }
        int index = walker.offsetOf(frame, bodyStart, limit, taggedField);
        long packed = Varints.getUnsignedVarint(frame, index, limit);
        int count = Varints.value(packed);
        index += Varints.length(packed);
        for (int n = 0; n < count; n++) {
            long tag = Varints.getUnsignedVarint(frame, index, limit);
            index += Varints.length(tag);
            int sizeStart = index;
            long size = Varints.getUnsignedVarint(frame, index, limit);
            index += Varints.length(size);
            int length = Varints.value(size);
            if (length < 0 || length > limit - index) {
                throw new CorruptFrameException("tagged field of " + Integer.toUnsignedString(length)
                        + " bytes in " + (limit - index));
            }
            if (Varints.value(tag) == NODE_ENDPOINTS_TAG) {
                return new Site(index, index + length, true, sizeStart);
            }
            index += length;
        }
        return null;
    }

    private static List<Message> decode(ByteBuf frame, Site site, ApiKeys key, short version) {
        Readable in = new ByteBufReadable(frame.slice(site.start, site.end - site.start));
        int countPlusOne = in.readUnsignedVarint();
        int count = countPlusOne - 1;
        if (count < 0) {
            return List.of();
        }
        if (count > in.remaining()) {
            throw new CorruptFrameException("declared " + count + " node endpoints in " + in.remaining() + " bytes");
        }
        List<Message> endpoints = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            endpoints.add(readEndpoint(key, in, version));
        }
        return endpoints;
    }

    private ByteBuf rewrite(ByteBuf frame, Site site, ApiMessage holder, List<Message> endpoints, short version) {
        if (!BrokerAddressRewriter.rewrite(holder, version, addresses)) {
            return frame;
        }
        rewrites.increment();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int arraySize = Varints.sizeOfUnsignedVarint(endpoints.size() + 1);
        for (Message endpoint : endpoints) {
            arraySize += endpoint.size(cache, version);
        }
        ByteBuf middle = frame.alloc().buffer(arraySize + 5);
        if (site.tagged) {
            // The tag number was already written in the prefix; the size prefix of the value follows it.
            Varints.writeUnsignedVarint(middle, arraySize);
        }
        Varints.writeUnsignedVarint(middle, endpoints.size() + 1);
        ByteBufWritable out = new ByteBufWritable(middle);
        for (Message endpoint : endpoints) {
            endpoint.write(out, cache, version);
        }
        int valueStart = site.tagged ? site.valueSizeStart : site.start;
        CompositeByteBuf composite = frame.alloc().compositeBuffer(3);
        composite.addComponent(true, frame.retainedSlice(frame.readerIndex(), valueStart - frame.readerIndex()));
        composite.addComponent(true, middle);
        if (site.end < frame.writerIndex()) {
            composite.addComponent(true, frame.retainedSlice(site.end, frame.writerIndex() - site.end));
        }
        frame.release();
        Frames.fixSizePrefix(composite);
        return composite;
    }

    private static Message readEndpoint(ApiKeys key, Readable in, short version) {
        return switch (key) {
            case PRODUCE -> new ProduceResponseData.NodeEndpoint(in, version);
            case FETCH -> new FetchResponseData.NodeEndpoint(in, version);
            case SHARE_FETCH -> new ShareFetchResponseData.NodeEndpoint(in, version);
            case SHARE_ACKNOWLEDGE -> new ShareAcknowledgeResponseData.NodeEndpoint(in, version);
            default -> throw new IllegalArgumentException(key + " has no node endpoints");
        };
    }

    private static ApiMessage holder(ApiKeys key, List<Message> endpoints) {
        switch (key) {
            case PRODUCE -> {
                ProduceResponseData data = new ProduceResponseData();
                endpoints.forEach(e -> data.nodeEndpoints().add((ProduceResponseData.NodeEndpoint) e));
                return data;
            }
            case FETCH -> {
                FetchResponseData data = new FetchResponseData();
                endpoints.forEach(e -> data.nodeEndpoints().add((FetchResponseData.NodeEndpoint) e));
                return data;
            }
            case SHARE_FETCH -> {
                ShareFetchResponseData data = new ShareFetchResponseData();
                endpoints.forEach(e -> data.nodeEndpoints().add((ShareFetchResponseData.NodeEndpoint) e));
                return data;
            }
            case SHARE_ACKNOWLEDGE -> {
                ShareAcknowledgeResponseData data = new ShareAcknowledgeResponseData();
                endpoints.forEach(e -> data.nodeEndpoints().add((ShareAcknowledgeResponseData.NodeEndpoint) e));
                return data;
            }
            default -> throw new IllegalArgumentException(key + " has no node endpoints");
        }
    }
}
