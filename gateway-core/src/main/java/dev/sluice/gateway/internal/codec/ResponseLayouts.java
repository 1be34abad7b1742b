package dev.sluice.gateway.internal.codec;

import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.types.Schema;

/**
 * Structure walkers for response bodies, compiled on first use per API key and version and kept
 * for the life of the JVM (they depend only on the bundled kafka-clients). Lookups are array
 * indexing: no boxing, no locking. Racing first uses may compile twice; the walker is immutable, so
 * either copy is correct.
 */
public final class ResponseLayouts {

    private static final StructureWalker[][] WALKERS = new StructureWalker[maxApiKey() + 1][];

    private ResponseLayouts() {}

    /**
     * The walker for responses of {@code key} at {@code version}.
     *
     * @throws IllegalArgumentException when the bundled kafka-clients has no schema for that version
     */
    public static StructureWalker walker(ApiKeys key, short version) {
        StructureWalker[] byVersion = WALKERS[key.id];
        if (byVersion == null) {
            byVersion = new StructureWalker[key.messageType.responseSchemas().length];
            WALKERS[key.id] = byVersion;
        }
        if (version < 0 || version >= byVersion.length) {
            throw new IllegalArgumentException("no schema for " + key + " v" + version + " responses");
        }
        StructureWalker walker = byVersion[version];
        if (walker == null) {
            Schema schema = key.messageType.responseSchemas()[version];
            if (schema == null) {
                throw new IllegalArgumentException("no schema for " + key + " v" + version + " responses");
            }
            walker = StructureWalker.of(schema);
            byVersion[version] = walker;
        }
        return walker;
    }

    private static int maxApiKey() {
        int max = 0;
        for (ApiKeys key : ApiKeys.values()) {
            max = Math.max(max, key.id);
        }
        return max;
    }
}
