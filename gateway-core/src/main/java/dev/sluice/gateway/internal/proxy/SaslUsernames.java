package dev.sluice.gateway.internal.proxy;

import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Reads the username a client authenticates as from its first SASL token, for the mechanisms whose
 * first token carries it in the clear: PLAIN (RFC 4616) and SCRAM (RFC 5802). The password and proofs
 * are never kept.
 */
final class SaslUsernames {

    private SaslUsernames() {}

    /** The username in {@code firstToken} for {@code mechanism}, or {@code null} when it has none. */
    static @Nullable String of(String mechanism, byte[] firstToken) {
        if ("PLAIN".equals(mechanism)) {
            return plain(firstToken);
        }
        if (mechanism.startsWith("SCRAM-")) {
            return scram(firstToken);
        }
        return null;
    }

    /** {@code [authzid] NUL authcid NUL passwd}: the authorization id if given, else the authentication id. */
    private static @Nullable String plain(byte[] token) {
        int first = indexOf(token, 0);
        int second = first < 0 ? -1 : indexOf(token, first + 1);
        if (second < 0) {
            return null;
        }
        String authzid = new String(token, 0, first, StandardCharsets.UTF_8);
        String authcid = new String(token, first + 1, second - first - 1, StandardCharsets.UTF_8);
        return authzid.isEmpty() ? authcid : authzid;
    }

    /** {@code gs2-header client-first-bare}, e.g. {@code n,,n=alice,r=nonce}; names escape ',' and '='. */
    private static @Nullable String scram(byte[] token) {
        String message = new String(token, StandardCharsets.UTF_8);
        int start = message.indexOf(",n=");
        if (start < 0) {
            return null;
        }
        int end = message.indexOf(',', start + 3);
        String name = end < 0 ? message.substring(start + 3) : message.substring(start + 3, end);
        return name.replace("=2C", ",").replace("=3D", "=");
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
