package dev.sluice.gateway.records;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.jspecify.annotations.Nullable;

/**
 * One Kafka record as a {@link RecordVisitor} or {@link RecordRewriter} sees it: offset, timestamp,
 * key, value and headers. Sluice's own value type, so that no kafka-clients record class (they are
 * internal to kafka-clients) appears in the API.
 *
 * <pre>{@code
 * RecordRewriter audit = (batch, record) -> record.withHeader(RecordHeader.ofUtf8("audited-by", "gateway-7"));
 * RecordRewriter upper = (batch, record) -> {
 *     String value = StandardCharsets.UTF_8.decode(record.value()).toString();
 *     return record.withValue(value.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
 * };
 * }</pre>
 *
 * <p>Immutable: every {@code with...} method returns a new record that shares the unchanged parts.
 * A record's offset never changes; a rewrite keeps every record at its place in the batch.
 *
 * <h2>Ownership of keys and values</h2>
 * <ul>
 *   <li>{@link #key()} and {@link #value()} return read-only views, not copies, of memory the
 *       record does not own: the request or response frame the gateway decoded (uncompressed
 *       batches) or the batch's decompressed bytes. They are valid only until the {@code forEach}
 *       or {@code rewrite} call that handed out the record returns. A record or view kept longer
 *       may read another request's bytes. MUST NOT be kept: copy what you need with {@link
 *       #keyBytes()} / {@link #valueBytes()}.
 *   <li>{@link #withKey(byte[])} and {@link #withValue(byte[])} take the array without copying;
 *       do not change it afterwards. {@link #withKey(ByteBuffer)} and {@link #withValue(ByteBuffer)}
 *       keep a view of the bytes between the buffer's position and limit at the time of the call; do
 *       not change them before the rewrite returns.
 *   <li>Header values are copied in and out ({@link RecordHeader}).
 * </ul>
 *
 * <p>Threading: immutable and safe to read from any thread, within the validity of its buffers.
 */
public final class KafkaRecord {

    private static final Header[] NO_HEADERS = new Header[0];

    private final long offset;
    private final long timestamp;
    private final @Nullable ByteBuffer key;
    private final @Nullable ByteBuffer value;
    /** As decoded, until {@link #headers()} is first asked for; null when the record was given headers. */
    private final Header @Nullable [] decodedHeaders;
    private @Nullable List<RecordHeader> headers;

    private KafkaRecord(long offset, long timestamp, @Nullable ByteBuffer key, @Nullable ByteBuffer value,
            Header @Nullable [] decodedHeaders, @Nullable List<RecordHeader> headers) {
        this.offset = offset;
        this.timestamp = timestamp;
        this.key = key;
        this.value = value;
        this.decodedHeaders = decodedHeaders;
        this.headers = headers;
    }

    /**
     * A record with offset 0, no timestamp ({@code -1}) and no headers: for tests of rewriters, or as
     * a replacement a rewriter returns (the replacement takes the place, and so the offset, of the
     * record it replaces; set its timestamp with {@link #withTimestamp}). Takes the arrays without
     * copying.
     */
    public static KafkaRecord of(byte @Nullable [] key, byte @Nullable [] value) {
        return new KafkaRecord(0, RecordBatch.NO_TIMESTAMP, wrap(key), wrap(value), null, List.of());
    }

    /** A view of a decoded kafka-clients record; shares its buffers. */
    static KafkaRecord decoded(Record record) {
        Header[] raw = record.headers();
        return new KafkaRecord(record.offset(), record.timestamp(), record.hasKey() ? record.key() : null,
                record.hasValue() ? record.value() : null, raw.length == 0 ? NO_HEADERS : raw, null);
    }

    /**
     * The offset: in a Fetch response the record's offset in the partition; in a Produce request
     * its place in the batch (the producer numbers records from 0; the broker assigns real offsets).
     */
    public long offset() {
        return offset;
    }

    /**
     * The timestamp in milliseconds since the epoch, or {@code -1} for none (message format v0). In a
     * batch with {@linkplain BatchContext#timestampType() log append time} this is the batch's
     * append time, as consumers see it.
     */
    public long timestamp() {
        return timestamp;
    }

    /** A read-only view of the key, or {@code null} for a null key. See the class doc for how long it is valid. */
    public @Nullable ByteBuffer key() {
        return key == null ? null : key.asReadOnlyBuffer();
    }

    /** A read-only view of the value, or {@code null} for a null value (a tombstone). */
    public @Nullable ByteBuffer value() {
        return value == null ? null : value.asReadOnlyBuffer();
    }

    /** The key's length in bytes, or {@code -1} for a null key. */
    public int keySize() {
        return key == null ? -1 : key.remaining();
    }

    /** The value's length in bytes, or {@code -1} for a null value. */
    public int valueSize() {
        return value == null ? -1 : value.remaining();
    }

    /** A copy of the key, or {@code null}; safe to keep. */
    public byte @Nullable [] keyBytes() {
        return copy(key);
    }

    /** A copy of the value, or {@code null}; safe to keep. */
    public byte @Nullable [] valueBytes() {
        return copy(value);
    }

    /** The headers in order, immutable. */
    public List<RecordHeader> headers() {
        List<RecordHeader> list = headers;
        if (list == null) {
            Header[] raw = Objects.requireNonNull(decodedHeaders);
            RecordHeader[] converted = new RecordHeader[raw.length];
            for (int i = 0; i < raw.length; i++) {
                converted[i] = RecordHeader.owning(raw[i].key(), raw[i].value());
            }
            list = List.of(converted);
            headers = list;
        }
        return list;
    }

    /** The last header with {@code key}, or {@code null} (as kafka-clients' {@code Headers.lastHeader}). */
    public @Nullable RecordHeader lastHeader(String key) {
        Objects.requireNonNull(key, "key");
        List<RecordHeader> all = headers();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).key().equals(key)) {
                return all.get(i);
            }
        }
        return null;
    }

    /** This record with another key, taken without copying ({@code null} for a null key). */
    public KafkaRecord withKey(byte @Nullable [] newKey) {
        return new KafkaRecord(offset, timestamp, wrap(newKey), value, decodedHeaders, headers);
    }

    /** This record with a view of {@code newKey}'s remaining bytes as key ({@code null} for a null key). */
    public KafkaRecord withKey(@Nullable ByteBuffer newKey) {
        return new KafkaRecord(offset, timestamp, newKey == null ? null : newKey.slice(), value, decodedHeaders,
                headers);
    }

    /** This record with another value, taken without copying ({@code null} for a tombstone). */
    public KafkaRecord withValue(byte @Nullable [] newValue) {
        return new KafkaRecord(offset, timestamp, key, wrap(newValue), decodedHeaders, headers);
    }

    /** This record with a view of {@code newValue}'s remaining bytes as value ({@code null} for a tombstone). */
    public KafkaRecord withValue(@Nullable ByteBuffer newValue) {
        return new KafkaRecord(offset, timestamp, key, newValue == null ? null : newValue.slice(), decodedHeaders,
                headers);
    }

    /**
     * This record with another timestamp ({@code -1} for none). Only records of batches with
     * create time may change their timestamp: a rewrite fails on a changed timestamp in a batch
     * with log append time, where consumers would never see it.
     *
     * @throws IllegalArgumentException when {@code newTimestamp} is negative and not {@code -1}
     */
    public KafkaRecord withTimestamp(long newTimestamp) {
        if (newTimestamp < 0 && newTimestamp != RecordBatch.NO_TIMESTAMP) {
            throw new IllegalArgumentException("a timestamp must be >= 0 or -1 (none), got " + newTimestamp);
        }
        return new KafkaRecord(offset, newTimestamp, key, value, decodedHeaders, headers);
    }

    /** This record with exactly {@code newHeaders}, in order. */
    public KafkaRecord withHeaders(List<RecordHeader> newHeaders) {
        return new KafkaRecord(offset, timestamp, key, value, null, List.copyOf(newHeaders));
    }

    /** This record with {@code header} added after the existing ones (keys may repeat). */
    public KafkaRecord withHeader(RecordHeader header) {
        Objects.requireNonNull(header, "header");
        List<RecordHeader> current = headers();
        List<RecordHeader> added = new ArrayList<>(current.size() + 1);
        added.addAll(current);
        added.add(header);
        return new KafkaRecord(offset, timestamp, key, value, null, List.copyOf(added));
    }

    /** This record with a header of {@code key} and a copy of {@code value} added after the existing ones. */
    public KafkaRecord withHeader(String key, byte @Nullable [] value) {
        return withHeader(RecordHeader.of(key, value));
    }

    /** This record without any header of {@code key}; the same record when it has none. */
    public KafkaRecord withoutHeaders(String key) {
        Objects.requireNonNull(key, "key");
        List<RecordHeader> current = headers();
        List<RecordHeader> kept = new ArrayList<>(current.size());
        for (RecordHeader header : current) {
            if (!header.key().equals(key)) {
                kept.add(header);
            }
        }
        return kept.size() == current.size() ? this
                : new KafkaRecord(offset, timestamp, this.key, value, null, List.copyOf(kept));
    }

    /** This record at {@code newOffset}: a replacement takes the place of the record it replaces. */
    KafkaRecord atOffset(long newOffset) {
        return newOffset == offset ? this : new KafkaRecord(newOffset, timestamp, key, value, decodedHeaders, headers);
    }

    /** Whether timestamp, key, value and headers are equal; the offset is not compared. */
    boolean sameContent(KafkaRecord other) {
        if (other == this) {
            return true;
        }
        if (timestamp != other.timestamp || !Objects.equals(key, other.key) || !Objects.equals(value, other.value)) {
            return false;
        }
        if (decodedHeaders != null && decodedHeaders == other.decodedHeaders) {
            return true;
        }
        return headers().equals(other.headers());
    }

    /** The key for writing a batch: heap-backed, so that kafka-clients copies it in bulk. */
    @Nullable ByteBuffer keyForWrite() {
        return heapBacked(key);
    }

    /** The value for writing a batch: heap-backed, so that kafka-clients copies it in bulk. */
    @Nullable ByteBuffer valueForWrite() {
        return heapBacked(value);
    }

    /** The headers for writing a batch: the decoded ones when unchanged. */
    Header[] headersForWrite() {
        if (decodedHeaders != null) {
            return decodedHeaders;
        }
        List<RecordHeader> list = Objects.requireNonNull(headers);
        if (list.isEmpty()) {
            return NO_HEADERS;
        }
        Header[] out = new Header[list.size()];
        for (int i = 0; i < out.length; i++) {
            RecordHeader header = list.get(i);
            out[i] = new org.apache.kafka.common.header.internals.RecordHeader(header.key(), header.valueUnshared());
        }
        return out;
    }

    private static @Nullable ByteBuffer wrap(byte @Nullable [] bytes) {
        return bytes == null ? null : ByteBuffer.wrap(bytes);
    }

    private static byte @Nullable [] copy(@Nullable ByteBuffer buffer) {
        if (buffer == null) {
            return null;
        }
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    /** Read-only and direct buffers have no accessible array; kafka-clients would copy them byte by byte. */
    private static @Nullable ByteBuffer heapBacked(@Nullable ByteBuffer buffer) {
        if (buffer == null || buffer.hasArray()) {
            return buffer;
        }
        return ByteBuffer.wrap(Objects.requireNonNull(copy(buffer)));
    }

    /** Equal offset, timestamp, key, value and headers. */
    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof KafkaRecord other && offset == other.offset && sameContent(other);
    }

    @Override
    public int hashCode() {
        return Objects.hash(offset, timestamp, key, value, headers());
    }

    /** Offset, timestamp and sizes; never the contents, which may be sensitive. */
    @Override
    public String toString() {
        return "KafkaRecord[offset=" + offset + ", timestamp=" + timestamp + ", key=" + describe(key) + ", value="
                + describe(value) + ", headers=" + headers().size() + "]";
    }

    private static String describe(@Nullable ByteBuffer buffer) {
        return buffer == null ? "null" : buffer.remaining() + " bytes";
    }
}
