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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ShareAcknowledgeResponseData;
import org.apache.kafka.common.message.ShareFetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.protocol.Readable;
import org.jspecify.annotations.Nullable;

/**
 * Rewrites the one array of broker entries in a response without decoding the rest of it: the
 * {@code brokers} of Metadata, and the KIP-951 {@code NodeEndpoints} of Produce (v10+), Fetch
 * (v16+), ShareFetch and ShareAcknowledge.
 *
 * <p>The structure walker skips to the array (a top-level field, or the top-level tagged field 0),
 * stepping over everything before it by declared lengths: record sets are never read. When the
 * array is empty, which is almost always for the node endpoints, the frame is forwarded as it is.
 * Otherwise only the array is decoded (kafka-clients' generated entry classes), rewritten and
 * re-encoded, and the new frame is a composite of the untouched prefix and suffix (retained slices,
 * not copies) around the new array. A Metadata answer of 10,000 partitions so costs what its three
 * broker entries cost.
 */
final class BrokerArrayProcessor implements ResponseProcessor {

    private static final int NODE_ENDPOINTS_TAG = 0;

    /** Reads one generated entry class ({@code MetadataResponseBroker}, {@code NodeEndpoint}). */
    @FunctionalInterface
    private interface EntryReader {
        Message read(Readable in, short version);
    }

    /** Wraps decoded entries in a response message, the unit {@link BrokerAddressRewriter} works on. */
    @FunctionalInterface
    private interface Holder {
        ApiMessage wrap(List<Message> entries);
    }

    /** Where an API's broker array lives and how its entries are read. */
    private record ArrayField(@Nullable String fieldName, EntryReader reader, Holder holder) {
        boolean tagged() {
            return fieldName == null;
        }
    }

    /** Where the encoded array sits in one frame. */
    private record Site(int start, int end, boolean compact, int tagSizeStart) {}

    private final Map<ApiKeys, ArrayField> fields;
    private final BrokerRegistry registry;
    private final LongAdder rewrites = new LongAdder();

    private BrokerArrayProcessor(Map<ApiKeys, ArrayField> fields, BrokerRegistry registry) {
        this.fields = fields;
        this.registry = registry;
    }

    /** For Metadata responses: the {@code brokers} array. */
    static BrokerArrayProcessor metadataBrokers(BrokerRegistry registry) {
        Map<ApiKeys, ArrayField> fields = new EnumMap<>(ApiKeys.class);
        fields.put(ApiKeys.METADATA, new ArrayField("brokers", MetadataResponseData.MetadataResponseBroker::new,
                entries -> {
                    MetadataResponseData data = new MetadataResponseData();
                    entries.forEach(e -> data.brokers().add((MetadataResponseData.MetadataResponseBroker) e));
                    return data;
                }));
        return new BrokerArrayProcessor(fields, registry);
    }

    /** For KIP-951 node endpoints in Produce, Fetch, ShareFetch and ShareAcknowledge responses. */
    static BrokerArrayProcessor nodeEndpoints(BrokerRegistry registry) {
        Map<ApiKeys, ArrayField> fields = new EnumMap<>(ApiKeys.class);
        fields.put(ApiKeys.PRODUCE, new ArrayField(null, ProduceResponseData.NodeEndpoint::new, entries -> {
            ProduceResponseData data = new ProduceResponseData();
            entries.forEach(e -> data.nodeEndpoints().add((ProduceResponseData.NodeEndpoint) e));
            return data;
        }));
        fields.put(ApiKeys.FETCH, new ArrayField(null, FetchResponseData.NodeEndpoint::new, entries -> {
            FetchResponseData data = new FetchResponseData();
            entries.forEach(e -> data.nodeEndpoints().add((FetchResponseData.NodeEndpoint) e));
            return data;
        }));
        fields.put(ApiKeys.SHARE_FETCH, new ArrayField("node_endpoints", ShareFetchResponseData.NodeEndpoint::new,
                entries -> {
                    ShareFetchResponseData data = new ShareFetchResponseData();
                    entries.forEach(e -> data.nodeEndpoints().add((ShareFetchResponseData.NodeEndpoint) e));
                    return data;
                }));
        fields.put(ApiKeys.SHARE_ACKNOWLEDGE, new ArrayField("node_endpoints",
                ShareAcknowledgeResponseData.NodeEndpoint::new, entries -> {
                    ShareAcknowledgeResponseData data = new ShareAcknowledgeResponseData();
                    entries.forEach(e -> data.nodeEndpoints().add((ShareAcknowledgeResponseData.NodeEndpoint) e));
                    return data;
                }));
        return new BrokerArrayProcessor(fields, registry);
    }

    /** Responses whose broker array was rewritten so far. */
    long rewrites() {
        return rewrites.sum();
    }

    @Override
    public Object process(ProxySession session, ByteBuf frame, ApiKeys key, short version) {
        ArrayField field = fields.get(key);
        if (field == null) {
            throw new IllegalArgumentException(key + " responses carry no broker array this processor knows");
        }
        Site site = locate(frame, key, version, field);
        if (site == null) {
            return frame;
        }
        List<Message> entries = decode(frame, site, field, version);
        if (entries.isEmpty()) {
            return frame;
        }
        ApiMessage holder = field.holder.wrap(entries);
        List<BrokerNode> named = BrokerAddressRewriter.brokersIn(holder, version);
        CompletableFuture<Void> ready = registry.learn(named);
        if (ready.isDone()) {
            return rewrite(session, frame, site, holder, entries, version);
        }
        return ready.thenApply(v -> {
            try {
                return rewrite(session, frame, site, holder, entries, version);
            } catch (RuntimeException e) {
                frame.release();
                throw e;
            }
        });
    }

    private static @Nullable Site locate(ByteBuf frame, ApiKeys key, short version, ArrayField field) {
        int limit = frame.writerIndex();
        int bodyStart = Headers.responseBodyStart(frame, key, version);
        StructureWalker walker = ResponseLayouts.walker(key, version);
        if (!field.tagged()) {
            int index = walker.fieldIndex(field.fieldName);
            if (index < 0) {
                return null;
            }
            int start = walker.offsetOf(frame, bodyStart, limit, index);
            int end = walker.skipField(frame, start, limit, index);
            boolean compact = key.messageType.responseHeaderVersion(version) >= 1;
            return new Site(start, end, compact, -1);
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

    private static List<Message> decode(ByteBuf frame, Site site, ArrayField field, short version) {
        Readable in = new ByteBufReadable(frame.slice(site.start, site.end - site.start));
        int count = site.compact ? in.readUnsignedVarint() - 1 : in.readInt();
        if (count < 0) {
            return List.of();
        }
        if (count > in.remaining()) {
            throw new CorruptFrameException("declared " + count + " broker entries in " + in.remaining() + " bytes");
        }
        List<Message> entries = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            entries.add(field.reader.read(in, version));
        }
        return entries;
    }

    private ByteBuf rewrite(ProxySession session, ByteBuf frame, Site site, ApiMessage holder, List<Message> entries,
            short version) {
        if (!BrokerAddressRewriter.rewrite(holder, version, session.addresses())) {
            return frame;
        }
        rewrites.increment();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int arraySize = site.compact ? Varints.sizeOfUnsignedVarint(entries.size() + 1) : 4;
        for (Message entry : entries) {
            arraySize += entry.size(cache, version);
        }
        boolean tagged = site.tagSizeStart >= 0;
        ByteBuf middle = frame.alloc().buffer(arraySize + (tagged ? 5 : 0));
        if (tagged) {
            // The tag number stays in the prefix; the value's size varint is rewritten with the value.
            Varints.writeUnsignedVarint(middle, arraySize);
        }
        if (site.compact) {
            Varints.writeUnsignedVarint(middle, entries.size() + 1);
        } else {
            middle.writeInt(entries.size());
        }
        ByteBufWritable out = new ByteBufWritable(middle);
        for (Message entry : entries) {
            entry.write(out, cache, version);
        }
        int replacedFrom = tagged ? site.tagSizeStart : site.start;
        CompositeByteBuf composite = frame.alloc().compositeBuffer(3);
        composite.addComponent(true, frame.retainedSlice(frame.readerIndex(), replacedFrom - frame.readerIndex()));
        composite.addComponent(true, middle);
        if (site.end < frame.writerIndex()) {
            composite.addComponent(true, frame.retainedSlice(site.end, frame.writerIndex() - site.end));
        }
        frame.release();
        Frames.fixSizePrefix(composite);
        return composite;
    }
}
