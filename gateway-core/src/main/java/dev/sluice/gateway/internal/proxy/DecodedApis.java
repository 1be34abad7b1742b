package dev.sluice.gateway.internal.proxy;

import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The API keys whose requests or responses the gateway itself reads, and the versions its codec
 * understands for each. ApiVersions answers advertise the intersection of these ranges with the
 * broker's; every other key passes through with the broker's range, whatever it is (vendor keys
 * included).
 *
 * <p>The ranges follow the bundled kafka-clients version: a newer kafka-clients widens them.
 */
final class DecodedApis {

    private static final short[] NONE = null;
    private final short[][] ranges;

    private DecodedApis(Map<ApiKeys, short[]> table) {
        int maxId = 0;
        for (ApiKeys key : ApiKeys.values()) {
            maxId = Math.max(maxId, key.id);
        }
        ranges = new short[maxId + 1][];
        table.forEach((key, range) -> ranges[key.id] = range);
    }

    static DecodedApis standard() {
        Map<ApiKeys, short[]> table = new EnumMap<>(ApiKeys.class);
        for (ApiKeys key : new ApiKeys[] {
                ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.FIND_COORDINATOR,
                ApiKeys.DESCRIBE_CLUSTER, ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.SHARE_FETCH,
                ApiKeys.SHARE_ACKNOWLEDGE, ApiKeys.SASL_AUTHENTICATE}) {
            table.put(key, new short[] {key.oldestVersion(), key.latestVersion(true)});
        }
        // SaslHandshake v0 is followed by unframed tokens that a frame codec cannot carry.
        table.put(ApiKeys.SASL_HANDSHAKE, new short[] {1, ApiKeys.SASL_HANDSHAKE.latestVersion(true)});
        return new DecodedApis(table);
    }

    /** Whether the gateway reads {@code apiKey} at all. */
    boolean decodes(short apiKey) {
        return apiKey >= 0 && apiKey < ranges.length && ranges[apiKey] != NONE;
    }

    /** Whether {@code apiKey} is either not decoded, or decoded and {@code version} is understood. */
    boolean accepts(short apiKey, short version) {
        if (!decodes(apiKey)) {
            return true;
        }
        short[] range = ranges[apiKey];
        return version >= range[0] && version <= range[1];
    }

    short min(short apiKey) {
        return ranges[apiKey][0];
    }

    short max(short apiKey) {
        return ranges[apiKey][1];
    }
}
