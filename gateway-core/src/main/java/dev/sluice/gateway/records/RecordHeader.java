package dev.sluice.gateway.records;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One header of a {@link KafkaRecord}: a string key and a byte value, which may be {@code null}.
 *
 * <pre>{@code
 * RecordHeader trace = RecordHeader.ofUtf8("trace-id", "4bf92f35");
 * KafkaRecord traced = record.withHeader(trace);
 * }</pre>
 *
 * <p>Immutable and thread-safe. Keys may repeat within a record; order is kept as written.
 *
 * <p>Ownership: {@link #of} copies the array it is given and {@link #value()} returns a copy, so
 * no caller can change a header after the fact. Headers are small; for large payloads use the
 * record's value.
 *
 * <p>Not to be confused with kafka-clients' {@code org.apache.kafka.common.header.internals.RecordHeader},
 * which Sluice keeps out of its API.
 */
public final class RecordHeader {

    private final String key;
    private final byte @Nullable [] value;

    private RecordHeader(String key, byte @Nullable [] value) {
        this.key = key;
        this.value = value;
    }

    /** A header with a copy of {@code value} ({@code null} for a header without value). */
    public static RecordHeader of(String key, byte @Nullable [] value) {
        Objects.requireNonNull(key, "key");
        return new RecordHeader(key, value == null ? null : value.clone());
    }

    /** A header whose value is {@code value} encoded as UTF-8 ({@code null} for a header without value). */
    public static RecordHeader ofUtf8(String key, @Nullable String value) {
        Objects.requireNonNull(key, "key");
        return new RecordHeader(key, value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    /** Takes {@code value} without copying: for arrays no one else holds (decoded from a batch). */
    static RecordHeader owning(String key, byte @Nullable [] value) {
        return new RecordHeader(key, value);
    }

    public String key() {
        return key;
    }

    /** A copy of the value, or {@code null} when the header has none. */
    public byte @Nullable [] value() {
        return value == null ? null : value.clone();
    }

    /** The value decoded as UTF-8, or {@code null} when the header has none. */
    public @Nullable String valueAsUtf8() {
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /** The length of the value in bytes, or {@code -1} when the header has none. */
    public int valueSize() {
        return value == null ? -1 : value.length;
    }

    /** The value without a copy, for writing batches; never handed to users. */
    byte @Nullable [] valueUnshared() {
        return value;
    }

    @Override
    public boolean equals(@Nullable Object o) {
        return o instanceof RecordHeader other && key.equals(other.key) && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return 31 * key.hashCode() + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "RecordHeader[" + key + ", " + (value == null ? "null" : value.length + " bytes") + "]";
    }
}
