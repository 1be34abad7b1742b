package dev.sluice.gateway.routing.internal;

import org.jspecify.annotations.Nullable;

/**
 * The host names a TLS client can send as its server name (SNI, RFC 6066 §3), and matching them
 * without allocating.
 *
 * <p>A valid name is an RFC 1123 DNS name in ASCII: labels of 1 to 63 letters, digits and hyphens,
 * not starting or ending with a hyphen, separated by single dots, at most 253 characters in all,
 * without a trailing dot. On top of that, because SNI carries host names only, it must have at least
 * two labels (Java's TLS client, and so Kafka's, sends no SNI for a name without a dot) and its last
 * label must not be all digits (which rules out IPv4 literals); colons (IPv6 literals) are not host
 * name characters anyway. Internationalised names must be written in their {@code xn--} form.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * SniHostNames.problem("broker-1.gw.example.com");  // null: valid
 * SniHostNames.problem("10.0.0.1");                 // "it ends in an all-digit label, ..."
 * SniHostNames.matchesLowerCase("Broker-1.GW", 0, "broker-1.gw");  // true
 * }</pre>
 */
public final class SniHostNames {

    /** The longest host name DNS allows, in characters, without a trailing dot. */
    public static final int MAX_LENGTH = 253;

    private static final int MAX_LABEL_LENGTH = 63;

    private SniHostNames() {}

    /**
     * Why {@code host} is not a valid SNI host name (a phrase such as {@code "it is empty"}, for the
     * caller to put after the name), or {@code null} when it is valid. Upper-case letters are valid.
     */
    public static @Nullable String problem(String host) {
        int length = host.length();
        if (length == 0) {
            return "it is empty";
        }
        if (length > MAX_LENGTH) {
            return "it is " + length + " characters long, more than " + MAX_LENGTH;
        }
        if (host.indexOf(':') >= 0) {
            return "it contains ':' (an IPv6 address or a port?), but SNI carries host names only";
        }
        if (host.charAt(length - 1) == '.') {
            return "it ends with a dot; write it without";
        }
        int labels = 0;
        int labelStart = 0;
        boolean labelAllDigits = true;
        for (int i = 0; i <= length; i++) {
            char c = i < length ? host.charAt(i) : '.';
            if (c == '.') {
                int labelLength = i - labelStart;
                if (labelLength == 0) {
                    return "it has an empty label at index " + i;
                }
                String label = host.substring(labelStart, i);
                if (labelLength > MAX_LABEL_LENGTH) {
                    return "its label '" + label + "' is " + labelLength + " characters long, more than "
                            + MAX_LABEL_LENGTH;
                }
                if (label.charAt(0) == '-' || label.charAt(labelLength - 1) == '-') {
                    return "its label '" + label + "' starts or ends with a hyphen";
                }
                labels++;
                if (i < length) {
                    labelStart = i + 1;
                    labelAllDigits = true;
                }
            } else if (c >= '0' && c <= '9') {
                continue;
            } else if (isAsciiLetter(c) || c == '-') {
                labelAllDigits = false;
            } else {
                return "it contains " + describe(c) + " at index " + i + ", but a host name has only letters a-z,"
                        + " digits, hyphens and dots (write internationalised names in their xn-- form)";
            }
        }
        if (labels < 2) {
            return "it is a single label, and TLS clients (Java's included) send no server name without a dot";
        }
        if (labelAllDigits) {
            return "it ends in an all-digit label, like an IP address, but SNI carries host names only";
        }
        return null;
    }

    /**
     * Whether {@code name} holds {@code lowerCase} at {@code offset}, ignoring the case of ASCII
     * letters only: a non-ASCII character never matches (so neither the Kelvin sign nor a dotless i
     * passes for a 'k' or an 'i'). Allocation-free.
     *
     * @param lowerCase the expected text, in lower case ASCII
     * @throws IndexOutOfBoundsException when {@code name} has fewer than {@code offset +
     *     lowerCase.length()} characters
     */
    public static boolean matchesLowerCase(String name, int offset, String lowerCase) {
        for (int i = 0; i < lowerCase.length(); i++) {
            char c = name.charAt(offset + i);
            if (c >= 'A' && c <= 'Z') {
                c = (char) (c + ('a' - 'A'));
            }
            if (c != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static String describe(char c) {
        return c > ' ' && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
