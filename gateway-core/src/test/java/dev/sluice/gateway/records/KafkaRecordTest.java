package dev.sluice.gateway.records;

import static dev.sluice.gateway.records.Batches.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.List;
import org.junit.jupiter.api.Test;

class KafkaRecordTest {

    private final KafkaRecord record = KafkaRecord.of(utf8("key"), utf8("value"))
            .withHeader(RecordHeader.ofUtf8("a", "1"))
            .withHeader(RecordHeader.ofUtf8("b", "2"))
            .withHeader(RecordHeader.ofUtf8("a", "3"));

    @Test
    void keyAndValueAreReadOnlyViewsWithTheirOwnPosition() {
        ByteBuffer value = record.value();
        value.get();

        assertThat(value.isReadOnly()).isTrue();
        assertThatThrownBy(() -> value.put(0, (byte) 1)).isInstanceOf(ReadOnlyBufferException.class);
        assertThat(record.value().remaining()).isEqualTo(5);
        assertThat(record.valueBytes()).isEqualTo(utf8("value"));
        assertThat(record.keySize()).isEqualTo(3);
    }

    @Test
    void copiesOfKeyAndValueAreTheCallersToChange() {
        byte[] copy = record.keyBytes();
        copy[0] = 'X';

        assertThat(record.keyBytes()).isEqualTo(utf8("key"));
    }

    @Test
    void nullKeysAndTombstonesHaveNoBuffer() {
        KafkaRecord tombstone = KafkaRecord.of(null, null);

        assertThat(tombstone.key()).isNull();
        assertThat(tombstone.value()).isNull();
        assertThat(tombstone.keySize()).isEqualTo(-1);
        assertThat(tombstone.valueBytes()).isNull();
        assertThat(record.withValue((byte[]) null).valueSize()).isEqualTo(-1);
    }

    @Test
    void aBufferGivenAsValueIsViewedFromItsPositionToItsLimit() {
        ByteBuffer buffer = ByteBuffer.wrap(utf8("..payload.."), 2, 7);

        KafkaRecord changed = record.withValue(buffer);
        buffer.position(0);

        assertThat(changed.valueBytes()).isEqualTo(utf8("payload"));
    }

    @Test
    void headersKeepTheirOrderAndMayRepeat() {
        assertThat(record.headers()).extracting(RecordHeader::key).containsExactly("a", "b", "a");
        assertThat(record.lastHeader("a").valueAsUtf8()).isEqualTo("3");
        assertThat(record.lastHeader("missing")).isNull();
        assertThatThrownBy(() -> record.headers().add(RecordHeader.of("c", null)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withoutHeadersRemovesEveryHeaderOfTheKey() {
        assertThat(record.withoutHeaders("a").headers()).containsExactly(RecordHeader.ofUtf8("b", "2"));
        assertThat(record.withoutHeaders("missing")).isSameAs(record);
        assertThat(record.withHeaders(List.of()).headers()).isEmpty();
    }

    @Test
    void headerValuesAreCopiedInAndOut() {
        byte[] value = utf8("v");
        RecordHeader header = RecordHeader.of("k", value);
        value[0] = 'X';
        header.value()[0] = 'Y';

        assertThat(header.valueAsUtf8()).isEqualTo("v");
        assertThat(header.valueSize()).isEqualTo(1);
        assertThat(RecordHeader.of("k", null).value()).isNull();
        assertThat(RecordHeader.of("k", null).valueSize()).isEqualTo(-1);
    }

    @Test
    void recordsAreEqualByContent() {
        KafkaRecord same = KafkaRecord.of(utf8("key"), utf8("value")).withHeaders(record.headers());

        assertThat(same).isEqualTo(record).hasSameHashCodeAs(record);
        assertThat(record.withTimestamp(5)).isNotEqualTo(record);
        assertThat(record.withValue(utf8("other"))).isNotEqualTo(record);
        assertThat(record.withHeader("a", null)).isNotEqualTo(record);
        assertThat(RecordHeader.of("k", utf8("v"))).isEqualTo(RecordHeader.ofUtf8("k", "v"));
    }

    @Test
    void toStringNamesSizesNeverContents() {
        KafkaRecord secret = KafkaRecord.of(utf8("alice"), utf8("hunter2"));

        assertThat(secret.toString()).contains("key=5 bytes").contains("value=7 bytes").contains("headers=0")
                .doesNotContain("alice").doesNotContain("hunter2");
        assertThat(RecordHeader.ofUtf8("secret-header", "hunter2").toString()).doesNotContain("hunter2");
    }

    @Test
    void timestampsMustBeNoneOrNonNegative() {
        assertThat(record.withTimestamp(-1).timestamp()).isEqualTo(-1);
        assertThat(record.withTimestamp(0).timestamp()).isZero();
        assertThatThrownBy(() -> record.withTimestamp(-2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-2");
    }
}
