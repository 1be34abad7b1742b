package dev.sluice.gateway.records;

import org.apache.kafka.common.record.internal.CompressionType;

/**
 * The compression codec of a record batch, as its attributes name it.
 *
 * <p>A rewritten batch is written with the codec of the original, at the codec's default level
 * (the original level is not recorded in the batch). Sluice's own enum: kafka-clients' {@code
 * CompressionType} is internal to kafka-clients.
 */
public enum RecordCompression {
    NONE,
    GZIP,
    SNAPPY,
    LZ4,
    ZSTD;

    static RecordCompression of(CompressionType type) {
        return switch (type) {
            case NONE -> NONE;
            case GZIP -> GZIP;
            case SNAPPY -> SNAPPY;
            case LZ4 -> LZ4;
            case ZSTD -> ZSTD;
        };
    }
}
