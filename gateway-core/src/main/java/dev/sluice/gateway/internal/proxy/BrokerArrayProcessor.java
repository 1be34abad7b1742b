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
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
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
    /** Tag numbers of the filler field, of two- and three-byte varints: beyond any Kafka defines. */
    private static final int PADDING_TAG_2 = 10_000;
    private static final int PADDING_TAG_3 = 20_000;
    /** The smallest filler field: a two-byte tag, a zero size. */
    static final int MIN_FILLER = 3;

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
    private final LongAdder dropped = new LongAdder();

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
        return afterLearning(holder, version, frame, () -> rewrite(session, frame, site, holder, entries, version));
    }

    /**
     * Runs {@code rewrite} once the registry knows the brokers in {@code holder}: at once when it
     * does already, else on completion, releasing {@code owned} if the rewrite then fails.
     */
    private Object afterLearning(ApiMessage holder, short version, ByteBuf owned, Supplier<ByteBuf> rewrite) {
        List<BrokerNode> named = BrokerAddressRewriter.brokersIn(holder, version);
        CompletableFuture<Void> ready = registry.learn(named);
        if (ready.isDone()) {
            return rewrite.get();
        }
        return ready.thenApply(v -> {
            try {
                return rewrite.get();
            } catch (RuntimeException e) {
                owned.release();
                throw e;
            }
        });
    }

    /**
     * Rewrites the node endpoints of a response that is already on its way to the client: {@code
     * tail} is its top-level tagged-fields section, from its start to the end of the frame, and the
     * bytes before it have been sent with the frame's original size. So the answer must keep the
     * tail's length exactly. Rewritten endpoints that are shorter are followed by an unknown tagged
     * field of zeros, which every client skips (KIP-482); endpoints that would be longer are left
     * out, and the same filler takes their place: a client that misses an endpoint for a new leader
     * refreshes its metadata instead, as KIP-951 has it do anyway when a response carries none.
     *
     * <p>Takes ownership of {@code tail}; returns a {@link ByteBuf} of the same length or a {@code
     * CompletionStage<ByteBuf>}, as {@link #process} does, and if it throws, {@code tail} is still the
     * caller's.
     */
    Object processTail(ProxySession session, ByteBuf tail, ApiKeys key, short version) {
        ArrayField field = fields.get(key);
        if (field == null || !field.tagged()) {
            throw new IllegalArgumentException(key + " responses carry no tagged broker array");
        }
        int start = tail.readerIndex();
        int limit = tail.writerIndex();
        if (StructureWalker.skipTaggedFields(tail, start, limit) != limit) {
            throw new CorruptFrameException("bytes after the top-level tagged fields of a " + key + " response");
        }
        Site site = locateTag(tail, start, limit);
        if (site == null) {
            return tail;
        }
        List<Message> entries = decode(tail, site, field, version);
        if (entries.isEmpty()) {
            return tail;
        }
        ApiMessage holder = field.holder.wrap(entries);
        return afterLearning(holder, version, tail, () -> rewriteInPlace(session, tail, site, holder, entries, version));
    }

    /** Node endpoint sets left out of a streamed response because the rewritten ones did not fit. */
    long dropped() {
        return dropped.sum();
    }

    private ByteBuf rewriteInPlace(ProxySession session, ByteBuf tail, Site site, ApiMessage holder,
            List<Message> entries, short version) {
        if (!BrokerAddressRewriter.rewrite(holder, version, session.addresses())) {
            return tail;
        }
        int start = tail.readerIndex();
        int length = tail.readableBytes();
        long packed = Varints.getUnsignedVarint(tail, start, tail.writerIndex());
        int count = Varints.value(packed);
        int fieldsStart = start + Varints.length(packed);
        int tagStart = site.tagSizeStart - 1; // tag 0 is a one-byte varint
        int before = tagStart - fieldsStart; // tagged fields before tag 0: none when sorted, as Kafka writes them
        int suffix = tail.writerIndex() - site.end;
        ByteBufAllocator alloc = tail.alloc();
        ByteBuf middle = encodeEndpoints(alloc, entries, version, true, true);
        CompositeByteBuf out = alloc.compositeBuffer(5);
        int size = tagStart + 1 - start + middle.readableBytes() + suffix;
        if (size == length) {
            out.addComponent(true, tail.retainedSlice(start, tagStart + 1 - start));
            out.addComponent(true, middle);
            rewrites.increment();
        } else {
            int lastTag = lastTag(tail, fieldsStart, count);
            if (lastTag >= PADDING_TAG_2) {
                middle.release();
                out.release();
                throw new IllegalStateException("a tagged field numbered " + lastTag
                        + " leaves no room for the filler of a streamed response's rewritten node endpoints");
            }
            ByteBuf countBuf = alloc.buffer(5);
            int withFiller = Varints.sizeOfUnsignedVarint(count + 1) + before + 1 + middle.readableBytes() + suffix;
            if (length - withFiller >= MIN_FILLER) {
                Varints.writeUnsignedVarint(countBuf, count + 1);
                out.addComponent(true, countBuf);
                out.addComponent(true, tail.retainedSlice(fieldsStart, before + 1));
                out.addComponent(true, middle);
                rewrites.increment();
            } else {
                // Tag 0 gives way to the filler: the count stays.
                middle.release();
                Varints.writeUnsignedVarint(countBuf, count);
                out.addComponent(true, countBuf);
                if (before > 0) {
                    out.addComponent(true, tail.retainedSlice(fieldsStart, before));
                }
                dropped.increment();
            }
            int filled = out.readableBytes() + suffix;
            if (suffix > 0) {
                out.addComponent(true, tail.retainedSlice(site.end, suffix));
            }
            out.addComponent(true, filler(alloc, length - filled));
            tail.release();
            return out;
        }
        if (suffix > 0) {
            out.addComponent(true, tail.retainedSlice(site.end, suffix));
        }
        tail.release();
        return out;
    }

    /** The array of {@code entries}, preceded by its size as a varint when it is a tagged field's value. */
    private static ByteBuf encodeEndpoints(ByteBufAllocator alloc, List<Message> entries, short version,
            boolean compact, boolean sized) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int arraySize = compact ? Varints.sizeOfUnsignedVarint(entries.size() + 1) : 4;
        for (Message entry : entries) {
            arraySize += entry.size(cache, version);
        }
        ByteBuf middle = alloc.buffer(arraySize + (sized ? 5 : 0));
        if (sized) {
            Varints.writeUnsignedVarint(middle, arraySize);
        }
        if (compact) {
            Varints.writeUnsignedVarint(middle, entries.size() + 1);
        } else {
            middle.writeInt(entries.size());
        }
        ByteBufWritable out = new ByteBufWritable(middle);
        for (Message entry : entries) {
            entry.write(out, cache, version);
        }
        return middle;
    }

    /** The number of the last tag among the {@code count} tagged fields from {@code index} on. */
    private static int lastTag(ByteBuf buf, int index, int count) {
        int limit = buf.writerIndex();
        int i = index;
        int last = -1;
        for (int n = 0; n < count; n++) {
            long tag = Varints.getUnsignedVarint(buf, i, limit);
            i += Varints.length(tag);
            long size = Varints.getUnsignedVarint(buf, i, limit);
            i += Varints.length(size) + Varints.value(size);
            last = Varints.value(tag);
        }
        return last;
    }

    /** An unknown tagged field of exactly {@code bytes} bytes (at least {@link #MIN_FILLER}): tag, size, zeros. */
    static ByteBuf filler(ByteBufAllocator alloc, int bytes) {
        for (int tag : new int[] {PADDING_TAG_2, PADDING_TAG_3}) {
            int tagBytes = Varints.sizeOfUnsignedVarint(tag);
            for (int sizeBytes = 1; sizeBytes <= 5; sizeBytes++) {
                int zeros = bytes - tagBytes - sizeBytes;
                if (zeros >= 0 && Varints.sizeOfUnsignedVarint(zeros) == sizeBytes) {
                    ByteBuf buf = alloc.buffer(bytes);
                    Varints.writeUnsignedVarint(buf, tag);
                    Varints.writeUnsignedVarint(buf, zeros);
                    buf.writeZero(zeros);
                    return buf;
                }
            }
        }
        throw new IllegalArgumentException("no filler field is " + bytes + " bytes long");
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
        return locateTag(frame, walker.offsetOf(frame, bodyStart, limit, taggedField), limit);
    }

    /** The node endpoints (tag 0) in the tagged-fields section at {@code start}, or {@code null}. */
    private static @Nullable Site locateTag(ByteBuf frame, int start, int limit) {
        int index = start;
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
        boolean tagged = site.tagSizeStart >= 0;
        // The tag number stays in the prefix; the value's size varint is rewritten with the value.
        ByteBuf middle = encodeEndpoints(frame.alloc(), entries, version, site.compact, tagged);
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
