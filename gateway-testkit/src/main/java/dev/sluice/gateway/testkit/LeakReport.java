package dev.sluice.gateway.testkit;

import java.util.Objects;

/**
 * One leak that Netty's {@code ResourceLeakDetector} reported.
 *
 * @param resourceType the simple name of the leaked type, such as {@code ByteBuf}
 * @param records where the object was created and last touched; empty when the detector kept no
 *     records (any level below {@code paranoid} for most objects)
 */
record LeakReport(String resourceType, String records) {
    LeakReport {
        Objects.requireNonNull(resourceType, "resourceType");
        Objects.requireNonNull(records, "records");
    }

    boolean traced() {
        return !records.isEmpty();
    }

    @Override
    public String toString() {
        return resourceType + (traced()
                ? records
                : " (no access records: run with -Dio.netty.leakDetection.level=paranoid to see where it was created)");
    }
}
